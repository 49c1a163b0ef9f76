// Persistent settings (QSettings): model setup, engine options and the last form values. The
// records are the engine's own (lightning::ModelLocations, lightning::GenerationRequest), so
// nothing is copied field by field between a "ui" and an "engine" version of the same thing.
#pragma once
#include "core/engine/engine_options.h"
#include "core/request/model_layout.h"
#include "core/request/request.h"

#include <QString>
#include <QStringList>

#include <vector>

class QSettings;

namespace lightning::ui {

struct EngineSettings {
    lightning::ModelLocations models;
    QString output_dir;  // the gallery folder
    QString device;      // a lightning::DeviceInfo id: "cpu", "cuda:0", ...
    lightning::Precision precision = lightning::Precision::FP32;
    lightning::PreviewMode preview = lightning::PreviewMode::Reduced;
    double checkpoint_cache_gb = 0;  // UNet checkpoints kept for switching; 0 = automatic
    // How prompts are read (every request carries it; its PNG records it).
    lightning::PromptSyntax prompt_syntax = lightning::PromptSyntax::A1111;
    // Textual-inversion files (*.safetensors) usable in prompts by their file stem ("" = none).
    QString embeddings_dir;
    // Upscaler model files (ESRGAN .safetensors / .pth; ui/upscaler_files.h) for the hires fix,
    // the form's upscale and the gallery's "Upscale ×2 / ×4" ("" = none).
    QString upscalers_dir;
    // Wildcard files (NAME.txt) for the prompts' __name__ (core/request/wildcards.h; "" = none).
    QString wildcards_dir;
    // LoRA files (*.safetensors, subfolders too) for the form's LoRA panel and <lora:name:weight>
    // prompt tags; several folders separated by ';' ("" = none; the Hugging Face cache's LoRAs
    // are offered either way).
    QString loras_dir;
    QString vae;  // a VAE file or folder instead of the model's own ("" = the model's)
    lightning::VaeTiling vae_tiling = lightning::VaeTiling::Auto;
    // Live mode renders at this fraction of the form's width and height (1 = full size).
    double live_scale = 1.0;
    int variation_count = 4;  // images "More like this" makes

    bool operator==(const EngineSettings&) const = default;

    // True when nothing about the models was ever configured (first start).
    bool models_unset() const;
};

// The engine's options for these settings (config_dir only for a single-file base, so editing
// the unused field does not count as a different model).
lightning::EngineOptions to_engine_options(const EngineSettings& settings);

// Whether switching from `a` to `b` needs a new Engine::load (model, device or precision).
bool needs_reload(const EngineSettings& a, const EngineSettings& b);

// What the seed field shows after a run (the seed shown is always the one that runs).
enum class SeedMode {
    Random,     // a new random seed
    Fixed,      // the same seed again
    Increment,  // the seed after the last one used (+1 per image, so batches never overlap)
};
const char* to_string(SeedMode mode);
SeedMode parse_seed_mode(const QString& text);  // unknown: Random

// The seed to show after a run of `request` in `mode` (`random_seed` for Random).
uint64_t next_seed(SeedMode mode, const lightning::GenerationRequest& request,
                   uint64_t random_seed);

// Values of the generation form, restored on the next start.
struct FormSettings {
    lightning::GenerationRequest request;  // prompt, negative, steps, guidance, size, seed, batch
    SeedMode seed_mode = SeedMode::Random;
    QString size_preset;  // "1024x1024" or "custom"

    bool operator==(const FormSettings&) const = default;
};

// The embeddings of `folder` whose token (file stem) a prompt uses, in file-name order. Tokens
// are matched case-insensitively anywhere in the text, as the tokenizer splits added tokens out
// even inside words; an unused file is not loaded and not recorded.
std::vector<lightning::EmbeddingSpec> embeddings_for(const QString& folder,
                                                     const lightning::GenerationRequest& request);
// Every embedding token (file stem) in `folder`, sorted.
QStringList embedding_tokens(const QString& folder);

// Default gallery folder: <Pictures>/Lightning Studio.
QString default_output_dir();

// Missing values get defaults: the first CUDA device (else the CPU) and its best precision. A
// stored device that is not present any more is replaced the same way (with a log line).
EngineSettings load_engine_settings(QSettings& settings);
void save_engine_settings(QSettings& settings, const EngineSettings& engine);

// The app's language (key "ui/language"): a ui/translations.h code, "" = the system's (also for
// an unknown stored code). The Settings dialog sets it; it applies from the next start.
QString load_language(QSettings& settings);
void save_language(QSettings& settings, const QString& code);

// The form in group "form": the request as request JSON (core/request/request_json.h) under
// "request", "seed_mode" and "size_preset". Settings written before the JSON (a key per field)
// are still read; saving replaces them. An unreadable request leaves the defaults (logged).
FormSettings load_form_settings(QSettings& settings);
void save_form_settings(QSettings& settings, const FormSettings& form);

// The gallery's thumbnail size ("gallery/thumbnail_size"): a stored value that is not a number
// or lies outside GalleryModel's limits gives the default (logged).
int load_thumbnail_size(QSettings& settings);
void save_thumbnail_size(QSettings& settings, int size);

}  // namespace lightning::ui
