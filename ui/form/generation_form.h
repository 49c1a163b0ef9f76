// The generation form: the per-image controls (prompt, negative prompt, steps, guidance, size,
// seed and seed mode, batch, the LoRAs, the input image's section and the hires fix and upscale
// section) and the one mapping between them and a lightning::GenerationRequest. Ranges come from
// core/request/limits.h, the table the CLI and the engine check against too. The window adds its
// own rows (device, buttons) around it and turns request() into jobs.
#pragma once
#include "core/request/request.h"
#include "ui/app_settings.h"

#include <QWidget>

#include <string>

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QImage;
class QLabel;
class QLayout;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QStandardItemModel;

namespace lightning::ui {

class LoraPanel;
class PromptBox;
class RefinePanel;
class TokenCounter;
class UpscalePanel;

struct SizePreset {
    int width;
    int height;
};
// SDXL's trained resolutions (about one megapixel).
inline constexpr SizePreset kSizePresets[] = {
    {1024, 1024}, {1152, 896}, {896, 1152}, {1216, 832}, {832, 1216},
    {1344, 768},  {768, 1344}, {1536, 640}, {640, 1536},
};

// A form label whose mnemonic focuses `field` (QFormLayout only sets buddies for widget rows).
QLabel* buddy_label(const QString& text, QWidget* field, QWidget* parent);

class GenerationForm : public QWidget {
    Q_OBJECT
public:
    // `counter` counts the prompts' tokens (shared with the window, which sets its tokenizer).
    explicit GenerationForm(TokenCounter* counter, QWidget* parent = nullptr);

    // What the controls say: prompt and negative prompt trimmed (the negative unset when
    // empty; each a template too where it has the syntax, core/request/wildcards.h, with the
    // wildcards folder set below), sides rounded to what the engine takes, seed 0 while the
    // field is empty (see has_seed()). Fields without a control keep their defaults.
    lightning::GenerationRequest request() const;
    // Shows `request` in every control (a prompt's template rather than what it resolved to),
    // then emits changed() once. A step count that is not available here keeps the current one
    // (said in the log); fields without a control are ignored.
    void set_request(const lightning::GenerationRequest& request);

    // A new input image (its file and pixels, already read; ui/form/refine_panel.h) without a
    // mask; the size follows the image's (rounded down to a multiple of 8, scaled down into the
    // limits), as the CLI's default for --init-image does, until the user changes it.
    void set_input_image(const QString& path, const QImage& pixels);
    RefinePanel* refine_panel() const { return refine_; }
    // The LoRAs (ui/form/lora_panel.h): request().loras are its, set_request() shows a request's.
    LoraPanel* lora_panel() const { return lora_; }
    // Outpainting: the margins of the input image's canvas. Each side that changes is snapped
    // as dragging an edge snaps it (ui/mask_model.h: snap_margin) and the size grows or shrinks
    // with the margins, so the image keeps its area of the canvas. One changed().
    void set_outpaint(const lightning::Margins& margins);
    // What the mask painter made: the mask file ("" = none) and the margins. One changed().
    void set_painted(const QString& mask, const lightning::Margins& margins);
    UpscalePanel* upscale_panel() const { return upscale_; }
    // The upscaler model files the hires fix and the upscale offer (ui/upscaler_files.h).
    void set_upscaler_models(const QStringList& files);

    // False while the seed field is empty (being typed): nothing can run with that.
    bool has_seed() const;
    void randomize_seed();
    SeedMode seed_mode() const;
    void set_seed_mode(SeedMode mode);
    // What the seed field shows after `ran` ran, by the seed mode (what is shown always runs).
    void advance_seed(const lightning::GenerationRequest& ran);

    // What the next start restores (the request, seed mode, size preset), and restoring it; with
    // nothing stored yet (seed 0, random mode) the seed shown is a new random one.
    FormSettings settings() const;
    void restore(const FormSettings& settings);

    // Marks the step entries whose checkpoint is missing from `lightning_dir` (the tooltip says
    // which file and where to get it) and moves off such an entry to 4 steps, else any.
    void update_step_choices(const std::string& lightning_dir);
    bool steps_available(int steps) const;

    PromptBox* prompt_box() const { return prompt_; }
    // The settings' wildcards folder, which request() carries and the resolved prompt reads.
    void set_wildcards_dir(const QString& dir);
    // What the prompt shown under the prompt box resolved to for the seed shown ("" while the
    // prompt is no template), or the error that stops it.
    QString resolved_prompt_text() const;
    // Rows the window puts under the form's own (device and precision), aligned with them.
    void add_row(QWidget* label, QWidget* field);

Q_SIGNALS:
    // What request() returns may have changed (once per set_request() or restore()).
    void changed();
    // The step entry changed, by the user, set_request() or update_step_choices().
    void stepsChanged(int steps);

private:
    void build_prompt_fields();
    QComboBox* build_steps_combo();
    QDoubleSpinBox* build_guidance_spin();
    QLayout* build_size_row();
    QLayout* build_seed_row();
    QSpinBox* build_batch_spin();
    QWidget* build_variation_row();
    void show_variation();

    void select_steps(int steps);
    void select_size(int width, int height);
    void on_size_preset_changed();
    void on_steps_changed();
    void update_guidance_dependent();
    void emit_changed();
    void update_resolved_prompt();

    PromptBox* prompt_ = nullptr;
    LoraPanel* lora_ = nullptr;
    RefinePanel* refine_ = nullptr;
    UpscalePanel* upscale_ = nullptr;
    PromptBox* negative_ = nullptr;
    QLabel* negative_hint_ = nullptr;
    QLabel* resolved_ = nullptr;  // a template's prompt for the seed shown
    std::string wildcards_dir_;
    QFormLayout* rows_ = nullptr;
    QComboBox* steps_ = nullptr;
    QStandardItemModel* steps_model_ = nullptr;
    QDoubleSpinBox* guidance_ = nullptr;
    QComboBox* size_ = nullptr;
    QSpinBox* width_ = nullptr;
    QSpinBox* height_ = nullptr;
    QLineEdit* seed_ = nullptr;
    QComboBox* seed_mode_ = nullptr;
    QSpinBox* batch_ = nullptr;
    // A1111's variation seed of a reused image (the Variations grid makes them): kept with the
    // request and shown, with a button that clears it, while it is on.
    lightning::SeedVariation variation_;
    QWidget* variation_row_ = nullptr;
    QLabel* variation_label_ = nullptr;
    TokenCounter* counter_;
    bool filling_ = false;  // set_request() is filling the controls: one changed() at the end
};

}  // namespace lightning::ui
