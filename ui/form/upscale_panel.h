// The form's "Hires fix and upscale" section over two parts of a request: A1111's hires fix
// (lightning::HiresFix: scale, strength, steps, and how the first pass is enlarged: latent,
// latent nearest, Lanczos or an upscaler model file) and the upscale of every finished image
// (lightning::PostUpscale: an upscaler model file and a scale). Ranges come from
// core/request/limits.h like the other controls'; the model files are the app's upscaler folder's
// (ui/upscaler_files.h), given by the window. A model file a request names that the folder does
// not hold is offered too (marked), so that any request shows as it is.
#pragma once
#include "core/request/request.h"

#include <QGroupBox>
#include <QStringList>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace lightning::ui {

class UpscalePanel : public QGroupBox {
    Q_OBJECT
public:
    explicit UpscalePanel(QWidget* parent = nullptr);

    // The controls' hires fix; off (the default HiresFix) while the scale says off or while the
    // form refines an input image (the hires fix is text to image's).
    lightning::HiresFix hires() const;
    // The controls' upscale; off (the default PostUpscale) while no model is chosen.
    lightning::PostUpscale upscale() const;
    // Shows `hires`; one that is off turns the scale off and leaves the other settings as they
    // are (ready for when it is turned on again).
    void set_hires(const lightning::HiresFix& hires);
    void set_upscale(const lightning::PostUpscale& upscale);

    // The upscaler model files to offer (the choices made stay).
    void set_upscaler_models(const QStringList& files);
    // While an input image is refined the hires rows are off, with a note saying why (no
    // changed(): the input's change is the form's).
    void set_refining(bool refining);

Q_SIGNALS:
    void changed();

private:
    void build_hires_rows();
    void build_upscale_rows();
    // Fills the model entries of `combo` after its first `fixed` entries, keeping its choice.
    void fill_models(QComboBox* combo, int fixed, int kind);
    void select_model(QComboBox* combo, int kind, const QString& file);
    void update_enabled();
    void emit_changed();

    QStringList models_;
    bool refining_ = false;
    bool filling_ = false;
    QDoubleSpinBox* hires_scale_ = nullptr;
    QDoubleSpinBox* hires_strength_ = nullptr;
    QComboBox* hires_steps_ = nullptr;
    QComboBox* hires_upscaler_ = nullptr;
    QComboBox* upscale_model_ = nullptr;
    QSpinBox* upscale_scale_ = nullptr;
    QLabel* hires_note_ = nullptr;
};

}  // namespace lightning::ui
