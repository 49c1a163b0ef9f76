// Persistent settings (QSettings): model setup, engine options and the last form values. The
// records are the engine's own (lightning::ModelLocations, lightning::GenerationRequest), so
// nothing is copied field by field between a "ui" and an "engine" version of the same thing.
#pragma once
#include "core/engine/engine.h"
#include "core/engine/model_layout.h"
#include "core/engine/request.h"

#include <QString>

class QSettings;

namespace lightning::ui {

struct EngineSettings {
    lightning::ModelLocations models;
    QString output_dir;  // the gallery folder
    QString device;      // a lightning::DeviceInfo id: "cpu", "cuda:0", ...
    lightning::Precision precision = lightning::Precision::FP32;
    lightning::PreviewMode preview = lightning::PreviewMode::Reduced;
    double checkpoint_cache_gb = 0;  // UNet checkpoints kept for switching; 0 = automatic

    bool operator==(const EngineSettings&) const = default;

    // True when nothing about the models was ever configured (first start).
    bool models_unset() const;
};

// The engine's options for these settings (config_dir only for a single-file base, so editing
// the unused field does not count as a different model).
lightning::EngineOptions to_engine_options(const EngineSettings& settings);

// Whether switching from `a` to `b` needs a new Engine::load (model, device or precision).
bool needs_reload(const EngineSettings& a, const EngineSettings& b);

// Values of the generation form, restored on the next start.
struct FormSettings {
    lightning::GenerationRequest request;  // prompt, negative, steps, guidance, size, seed, batch
    bool keep_seed = false;
    QString size_preset;  // "1024x1024" or "custom"

    bool operator==(const FormSettings&) const = default;
};

// Default gallery folder: <Pictures>/Lightning Studio.
QString default_output_dir();

// Missing values get defaults: the first CUDA device (else the CPU) and its best precision. A
// stored device that is not present any more is replaced the same way (with a log line).
EngineSettings load_engine_settings(QSettings& settings);
void save_engine_settings(QSettings& settings, const EngineSettings& engine);

FormSettings load_form_settings(QSettings& settings);
void save_form_settings(QSettings& settings, const FormSettings& form);

}  // namespace lightning::ui
