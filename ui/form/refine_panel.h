// The form's "Input image" section: img2img and inpainting controls over a request's
// lightning::RefineInput (core/request/request.h). A thumbnail of the input (the mask tinted
// over it) with its file name, Open / Clear, Paint mask / Clear mask, and strength, fit, mask blur,
// "keep unmasked pixels" and the outpaint margins as numbers (the mask painter drags them too; the
// form grows its size with them: GenerationForm::set_outpaint). Without an input image only a line
// saying how to set one shows, and input() is the default RefineInput (text to image). Reading,
// keeping and painting files is the window's part (ui/main_window_refine.cpp); this panel shows
// paths it is given.
#pragma once
#include "core/request/request.h"

#include <QGroupBox>
#include <QImage>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLayout;
class QPushButton;
class QSlider;
class QSpinBox;

namespace lightning::ui {

class RefinePanel : public QGroupBox {
    Q_OBJECT
public:
    explicit RefinePanel(QWidget* parent = nullptr);

    // The refine part of the request: the controls' values with the image and mask shown, the
    // outpaint margins as last set; the default RefineInput while there is no image.
    lightning::RefineInput input() const;
    // Shows `input` (its files read for the thumbnail; a file that cannot be read is said). An
    // input without an image clears the image and mask and leaves the settings as they are.
    void set_input(const lightning::RefineInput& input);
    // A new input image (already read: `pixels`), without a mask; the settings stay.
    void set_image(const QString& path, const QImage& pixels);
    // The mask file ("" = none: img2img).
    void set_mask(const QString& path);
    // The outpaint margins as they are (the form keeps its size in step: call it through
    // GenerationForm::set_outpaint).
    void set_outpaint(const lightning::Margins& margins);
    lightning::Margins outpaint() const { return outpaint_; }
    void clear_image();
    bool has_image() const { return !image_path_.isEmpty(); }
    QString image_path() const { return image_path_; }
    QString mask_path() const { return mask_path_; }
    // The input as read for the thumbnail (null when it could not be read).
    const QImage& image() const { return pixels_; }
    // Says how many of `steps` steps the strength runs (diffusers' int(steps x strength)).
    void set_steps(int steps);

Q_SIGNALS:
    void changed();
    // Buttons whose work needs the window: choosing a file, painting the mask.
    void openRequested();
    void paintMaskRequested();
    // The margins' numbers were edited to `wanted` (the form snaps them and sets them).
    void outpaintEdited(lightning::Margins wanted);

private:
    QWidget* build_image_row();
    QWidget* build_settings();
    void build_strength(QWidget* parent);
    QLayout* build_outpaint(QWidget* parent);
    void update_view();
    void update_thumbnail();
    void update_hint();
    void emit_changed();

    QString image_path_;
    QString mask_path_;
    QImage pixels_;
    QString image_problem_;  // why the image could not be read ("" when it was)
    lightning::Margins outpaint_;
    int steps_ = 4;
    bool filling_ = false;

    QLabel* empty_hint_ = nullptr;
    QWidget* image_row_ = nullptr;
    QLabel* thumbnail_ = nullptr;
    QLabel* file_label_ = nullptr;
    QLabel* mask_label_ = nullptr;
    QPushButton* paint_mask_ = nullptr;
    QPushButton* clear_mask_ = nullptr;
    QWidget* settings_ = nullptr;
    QSlider* strength_slider_ = nullptr;
    QDoubleSpinBox* strength_ = nullptr;
    QLabel* strength_hint_ = nullptr;
    QComboBox* fit_ = nullptr;
    QSpinBox* mask_blur_ = nullptr;
    QCheckBox* keep_unmasked_ = nullptr;
    QSpinBox* outpaint_spins_[4] = {};  // left, top, right, bottom
};

}  // namespace lightning::ui
