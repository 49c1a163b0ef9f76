#include "ui/app_settings.h"

#include <QDir>
#include <QSettings>
#include <QStandardPaths>

namespace lightning::ui {

QString to_setting(PreviewQuality quality) {
    switch (quality) {
        case PreviewQuality::Off:
            return QStringLiteral("off");
        case PreviewQuality::Full:
            return QStringLiteral("full");
        case PreviewQuality::Reduced:
            break;
    }
    return QStringLiteral("reduced");
}

PreviewQuality preview_quality_from_setting(const QString& text) {
    if (text == QLatin1String("off")) return PreviewQuality::Off;
    if (text == QLatin1String("full")) return PreviewQuality::Full;
    return PreviewQuality::Reduced;
}

bool EngineSettings::models_unset() const {
    return models.base.isEmpty() && models.lightning_dir.isEmpty();
}

QString default_output_dir() {
    QString pictures = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    if (pictures.isEmpty()) pictures = QDir::homePath();
    return QDir(pictures).filePath(QStringLiteral("Lightning Studio"));
}

EngineSettings load_engine_settings(QSettings& settings) {
    EngineSettings engine;
    settings.beginGroup(QStringLiteral("engine"));
    engine.models.base = settings.value(QStringLiteral("base")).toString();
    engine.models.config_dir = settings.value(QStringLiteral("config_dir")).toString();
    engine.models.lightning_dir = settings.value(QStringLiteral("lightning_dir")).toString();
    engine.output_dir =
        settings.value(QStringLiteral("output_dir"), default_output_dir()).toString();
    engine.device = settings.value(QStringLiteral("device"), engine.device).toString();
    engine.precision = settings.value(QStringLiteral("precision"), engine.precision).toString();
    engine.preview =
        preview_quality_from_setting(settings.value(QStringLiteral("preview")).toString());
    settings.endGroup();
    return engine;
}

void save_engine_settings(QSettings& settings, const EngineSettings& engine) {
    settings.beginGroup(QStringLiteral("engine"));
    settings.setValue(QStringLiteral("base"), engine.models.base);
    settings.setValue(QStringLiteral("config_dir"), engine.models.config_dir);
    settings.setValue(QStringLiteral("lightning_dir"), engine.models.lightning_dir);
    settings.setValue(QStringLiteral("output_dir"), engine.output_dir);
    settings.setValue(QStringLiteral("device"), engine.device);
    settings.setValue(QStringLiteral("precision"), engine.precision);
    settings.setValue(QStringLiteral("preview"), to_setting(engine.preview));
    settings.endGroup();
}

FormSettings load_form_settings(QSettings& settings) {
    FormSettings form;
    settings.beginGroup(QStringLiteral("form"));
    form.params.prompt = settings.value(QStringLiteral("prompt")).toString();
    if (settings.contains(QStringLiteral("negative")))
        form.params.negative_prompt = settings.value(QStringLiteral("negative")).toString();
    form.params.steps = settings.value(QStringLiteral("steps"), 4).toInt();
    form.params.guidance = settings.value(QStringLiteral("guidance"), 0.0).toDouble();
    form.params.width = settings.value(QStringLiteral("width"), 1024).toInt();
    form.params.height = settings.value(QStringLiteral("height"), 1024).toInt();
    form.params.seed = settings.value(QStringLiteral("seed"), 0).toULongLong();
    form.keep_seed = settings.value(QStringLiteral("keep_seed"), false).toBool();
    form.batch = settings.value(QStringLiteral("batch"), 1).toInt();
    form.size_preset = settings.value(QStringLiteral("size_preset")).toString();
    settings.endGroup();
    return form;
}

void save_form_settings(QSettings& settings, const FormSettings& form) {
    settings.beginGroup(QStringLiteral("form"));
    settings.setValue(QStringLiteral("prompt"), form.params.prompt);
    if (form.params.negative_prompt)
        settings.setValue(QStringLiteral("negative"), *form.params.negative_prompt);
    else
        settings.remove(QStringLiteral("negative"));
    settings.setValue(QStringLiteral("steps"), form.params.steps);
    settings.setValue(QStringLiteral("guidance"), form.params.guidance);
    settings.setValue(QStringLiteral("width"), form.params.width);
    settings.setValue(QStringLiteral("height"), form.params.height);
    settings.setValue(QStringLiteral("seed"), QVariant::fromValue<qulonglong>(form.params.seed));
    settings.setValue(QStringLiteral("keep_seed"), form.keep_seed);
    settings.setValue(QStringLiteral("batch"), form.batch);
    settings.setValue(QStringLiteral("size_preset"), form.size_preset);
    settings.endGroup();
}

}  // namespace lightning::ui
