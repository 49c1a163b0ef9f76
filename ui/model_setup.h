// What the app needs on disk, checked before anything is loaded, so the settings dialog and the
// first window can say exactly which file is missing where.
#pragma once
#include <QString>
#include <QStringList>

namespace lightning::ui {

// Where the models come from (mirrors lightning::ModelPaths, in Qt terms).
struct ModelLocations {
    QString base;           // diffusers folder, or a single-file .safetensors checkpoint
    QString config_dir;     // diffusers folder with configs + tokenizers (single-file base only)
    QString lightning_dir;  // folder with sdxl_lightning_{N}step_unet*.safetensors

    bool operator==(const ModelLocations&) const = default;
};

struct SetupCheck {
    QStringList problems;  // one readable sentence each, naming the file and folder
    bool ok() const { return problems.isEmpty(); }
};

// Hugging Face repositories and files the app uses (for the "get these files" help text).
inline constexpr const char* kBaseRepo = "stabilityai/stable-diffusion-xl-base-1.0";
inline constexpr const char* kLightningRepo = "ByteDance/SDXL-Lightning";
inline constexpr int kStepChoices[] = {1, 2, 4, 8};

// Files a diffusers-layout base folder must hold; "a|b" means either (fp32 or fp16 variant).
QStringList required_base_files(bool with_weights);

// Lightning UNet file names, as published in kLightningRepo, for `steps` (1, 2, 4, 8).
QString published_lightning_file(int steps);

// Checks a base model: a diffusers folder (configs, tokenizers, text encoders, VAE), or a
// single .safetensors file plus a diffusers folder for its configs and tokenizers.
SetupCheck check_base_model(const QString& base, const QString& config_dir);

// Checks a Lightning folder: exists and holds at least one Lightning UNet file.
SetupCheck check_lightning_dir(const QString& lightning_dir);

// Checks the gallery folder: exists (or can be created) and is writable. Creates nothing.
SetupCheck check_output_dir(const QString& output_dir);

bool is_single_file(const QString& base);

// The folder whose tokenizer/ and tokenizer_2/ serve the base model.
QString tokenizer_root(const ModelLocations& locations);

// Help text (HTML) for a user with no model: which repositories and files to download, where to
// put them, and how to point the app at them.
QString model_download_help_html();

}  // namespace lightning::ui
