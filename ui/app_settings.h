// Persistent settings (QSettings): model setup, engine options and the last form values.
#pragma once
#include "ui/generation_params.h"
#include "ui/model_setup.h"

#include <QByteArray>
#include <QString>

class QSettings;

namespace lightning::ui {

enum class PreviewQuality { Off, Reduced, Full };  // maps onto lightning::PreviewMode

QString to_setting(PreviewQuality quality);
PreviewQuality preview_quality_from_setting(const QString& text);  // unknown -> Reduced

struct EngineSettings {
    ModelLocations models;
    QString output_dir;  // the gallery folder
    QString device = QStringLiteral("cpu");
    QString precision = QStringLiteral("fp32");
    PreviewQuality preview = PreviewQuality::Reduced;

    bool operator==(const EngineSettings&) const = default;

    // True when nothing about the models was ever configured (first start).
    bool models_unset() const;
};

// Values of the generation form, restored on the next start.
struct FormSettings {
    GenerationParams params;  // prompt, negative, steps, guidance, size, seed
    bool keep_seed = false;
    int batch = 1;
    QString size_preset;  // "1024x1024" or "custom"
};

// Default gallery folder: <Pictures>/Lightning Studio.
QString default_output_dir();

EngineSettings load_engine_settings(QSettings& settings);
void save_engine_settings(QSettings& settings, const EngineSettings& engine);

FormSettings load_form_settings(QSettings& settings);
void save_form_settings(QSettings& settings, const FormSettings& form);

}  // namespace lightning::ui
