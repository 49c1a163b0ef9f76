#include "ui/app_settings.h"

#include "core/image/image_pixels.h"
#include "core/request/limits.h"
#include "core/request/request_json.h"
#include "core/util/bounded_json.h"
#include "core/util/error.h"
#include "core/util/log.h"
#include "ui/device_choice.h"
#include "ui/gallery_model.h"
#include "ui/string_convert.h"
#include "ui/translations.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

#include <algorithm>
#include <cmath>

namespace lightning::ui {
namespace {

constexpr double kBytesPerGB = 1024.0 * 1024.0 * 1024.0;

lightning::PreviewMode preview_from_setting(const QString& text) {
    try {
        return lightning::parse_preview_mode(to_std(text));
    } catch (const lightning::Error&) {
        return lightning::PreviewMode::Reduced;
    }
}

// Marks settings whose device was picked in the selector. Before it, "cpu" was written as the
// default for everyone, so it does not mean that a user with a GPU chose the CPU.
const QString kDeviceChosenKey = QStringLiteral("device_from_selector");

QString device_from_setting(const QString& stored, bool chosen_in_selector) {
    // The old free-text field took "cuda" for the first GPU.
    const QString id = stored == QLatin1String("cuda") ? QStringLiteral("cuda:0") : stored;
    if (id.isEmpty() || (!chosen_in_selector && id == QLatin1String("cpu")))
        return default_device_id();
    if (is_available_device(id)) return id;
    lightning::log().warn("Device {} is not present; using {}", to_std(id),
                          to_std(default_device_id()));
    return default_device_id();
}

lightning::Precision precision_from_setting(const QString& text, const QString& device) {
    try {
        const auto precision = lightning::parse_precision(to_std(text));
        if (offers_precision(device, precision)) return precision;
    } catch (const lightning::Error&) {
        // unknown or missing: the device's default below
    }
    return precisions_for(device).front();
}

template <class Parse, class Value>
Value parse_setting(const QVariant& stored, Parse parse, Value fallback) {
    try {
        return stored.isValid() ? parse(to_std(stored.toString())) : fallback;
    } catch (const lightning::Error&) {
        return fallback;
    }
}

}  // namespace

const char* to_string(SeedMode mode) {
    switch (mode) {
        case SeedMode::Fixed:
            return "fixed";
        case SeedMode::Increment:
            return "increment";
        case SeedMode::Random:
            break;
    }
    return "random";
}

SeedMode parse_seed_mode(const QString& text) {
    if (text == QLatin1String("fixed")) return SeedMode::Fixed;
    if (text == QLatin1String("increment")) return SeedMode::Increment;
    return SeedMode::Random;
}

uint64_t next_seed(SeedMode mode, const lightning::GenerationRequest& request,
                   uint64_t random_seed) {
    switch (mode) {
        case SeedMode::Fixed:
            return request.seed;
        case SeedMode::Increment:
            // Past the batch's last seed; back to 0 beyond the largest seed the limits allow.
            return request.seed + uint64_t(request.batch) > lightning::limits::kMaxSeed
                       ? 0
                       : request.seed + uint64_t(request.batch);
        case SeedMode::Random:
            break;
    }
    return random_seed;
}

std::vector<lightning::EmbeddingSpec> embeddings_for(const QString& folder,
                                                     const lightning::GenerationRequest& request) {
    std::vector<lightning::EmbeddingSpec> used;
    if (folder.isEmpty()) return used;
    const QString text = to_qstring(request.prompt + "\n" + request.negative_prompt.value_or(""));
    const QDir dir(folder);
    for (const QString& token : embedding_tokens(folder))
        if (text.contains(token, Qt::CaseInsensitive))
            used.push_back(
                {to_std(dir.filePath(token + QStringLiteral(".safetensors"))), to_std(token)});
    return used;
}

QStringList embedding_tokens(const QString& folder) {
    QStringList tokens;
    if (folder.isEmpty()) return tokens;
    const QFileInfoList files = QDir(folder).entryInfoList(
        {QStringLiteral("*.safetensors")}, QDir::Files | QDir::Readable, QDir::Name);
    for (const QFileInfo& file : files) tokens << file.completeBaseName();
    return tokens;
}

bool EngineSettings::models_unset() const {
    return models.base.empty() && models.lightning_dir.empty();
}

lightning::EngineOptions to_engine_options(const EngineSettings& settings) {
    lightning::EngineOptions options;
    options.models = settings.models;
    if (!lightning::is_single_file(settings.models.base)) options.models.config_dir.clear();
    options.device = to_std(settings.device.isEmpty() ? QStringLiteral("cpu") : settings.device);
    options.precision = settings.precision;
    options.preview = settings.preview;
    options.vae = to_std(settings.vae);
    options.read_image = lightning::read_image_pixels;
    if (settings.checkpoint_cache_gb > 0)
        options.checkpoint_budget.device_bytes =
            uint64_t(std::llround(settings.checkpoint_cache_gb * kBytesPerGB));
    return options;
}

bool needs_reload(const EngineSettings& a, const EngineSettings& b) {
    return !(to_engine_options(a) == to_engine_options(b));
}

QString default_output_dir() {
    QString pictures = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    if (pictures.isEmpty()) pictures = QDir::homePath();
    return QDir(pictures).filePath(QStringLiteral("Lightning Studio"));
}

EngineSettings load_engine_settings(QSettings& settings) {
    EngineSettings engine;
    settings.beginGroup(QStringLiteral("engine"));
    engine.models.base = to_std(settings.value(QStringLiteral("base")).toString());
    engine.models.config_dir = to_std(settings.value(QStringLiteral("config_dir")).toString());
    engine.models.lightning_dir =
        to_std(settings.value(QStringLiteral("lightning_dir")).toString());
    engine.output_dir =
        settings.value(QStringLiteral("output_dir"), default_output_dir()).toString();
    engine.device = device_from_setting(settings.value(QStringLiteral("device")).toString(),
                                        settings.value(kDeviceChosenKey, false).toBool());
    engine.precision = precision_from_setting(
        settings.value(QStringLiteral("precision")).toString(), engine.device);
    engine.preview = preview_from_setting(settings.value(QStringLiteral("preview")).toString());
    engine.checkpoint_cache_gb =
        std::max(0.0, settings.value(QStringLiteral("checkpoint_cache_gb"), 0.0).toDouble());
    engine.prompt_syntax = parse_setting(settings.value(QStringLiteral("prompt_syntax")),
                                         lightning::parse_prompt_syntax, engine.prompt_syntax);
    engine.embeddings_dir = settings.value(QStringLiteral("embeddings_dir")).toString();
    engine.upscalers_dir = settings.value(QStringLiteral("upscalers_dir")).toString();
    engine.wildcards_dir = settings.value(QStringLiteral("wildcards_dir")).toString();
    engine.loras_dir = settings.value(QStringLiteral("loras_dir")).toString();
    engine.vae = settings.value(QStringLiteral("vae")).toString();
    engine.vae_tiling = parse_setting(settings.value(QStringLiteral("vae_tiling")),
                                      lightning::parse_vae_tiling, engine.vae_tiling);
    engine.live_scale =
        std::clamp(settings.value(QStringLiteral("live_scale"), 1.0).toDouble(), 0.25, 1.0);
    engine.variation_count = std::clamp(
        settings.value(QStringLiteral("variation_count"), engine.variation_count).toInt(), 1,
        lightning::limits::kMaxBatch);
    settings.endGroup();
    return engine;
}

void save_engine_settings(QSettings& settings, const EngineSettings& engine) {
    settings.beginGroup(QStringLiteral("engine"));
    settings.setValue(QStringLiteral("base"), to_qstring(engine.models.base));
    settings.setValue(QStringLiteral("config_dir"), to_qstring(engine.models.config_dir));
    settings.setValue(QStringLiteral("lightning_dir"), to_qstring(engine.models.lightning_dir));
    settings.setValue(QStringLiteral("output_dir"), engine.output_dir);
    settings.setValue(QStringLiteral("device"), engine.device);
    settings.setValue(kDeviceChosenKey, true);
    settings.setValue(QStringLiteral("precision"),
                      QString::fromLatin1(lightning::to_string(engine.precision)));
    settings.setValue(QStringLiteral("preview"),
                      QString::fromLatin1(lightning::to_string(engine.preview)));
    settings.setValue(QStringLiteral("checkpoint_cache_gb"), engine.checkpoint_cache_gb);
    settings.setValue(QStringLiteral("prompt_syntax"),
                      QString::fromLatin1(lightning::to_string(engine.prompt_syntax)));
    settings.setValue(QStringLiteral("embeddings_dir"), engine.embeddings_dir);
    settings.setValue(QStringLiteral("upscalers_dir"), engine.upscalers_dir);
    settings.setValue(QStringLiteral("wildcards_dir"), engine.wildcards_dir);
    settings.setValue(QStringLiteral("loras_dir"), engine.loras_dir);
    settings.setValue(QStringLiteral("vae"), engine.vae);
    settings.setValue(QStringLiteral("vae_tiling"),
                      QString::fromLatin1(lightning::to_string(engine.vae_tiling)));
    settings.setValue(QStringLiteral("live_scale"), engine.live_scale);
    settings.setValue(QStringLiteral("variation_count"), engine.variation_count);
    settings.endGroup();
}

QString load_language(QSettings& settings) {
    const QString code = settings.value(QStringLiteral("ui/language")).toString();
    return is_known_language(code) ? code : QString();
}

void save_language(QSettings& settings, const QString& code) {
    settings.setValue(QStringLiteral("ui/language"), code);
}

namespace {

// The form's request as settings held it until it was stored as request JSON: a key per field.
lightning::GenerationRequest legacy_form_request(const QSettings& settings) {
    lightning::GenerationRequest r;
    r.prompt = to_std(settings.value(QStringLiteral("prompt")).toString());
    if (settings.contains(QStringLiteral("negative")))
        r.negative_prompt = to_std(settings.value(QStringLiteral("negative")).toString());
    r.steps = settings.value(QStringLiteral("steps"), r.steps).toInt();
    r.guidance = settings.value(QStringLiteral("guidance"), r.guidance).toDouble();
    r.width = settings.value(QStringLiteral("width"), r.width).toInt();
    r.height = settings.value(QStringLiteral("height"), r.height).toInt();
    r.seed = settings.value(QStringLiteral("seed"), 0).toULongLong();
    r.batch = settings.value(QStringLiteral("batch"), r.batch).toInt();
    return r;
}

const QString kFormRequestKey = QStringLiteral("request");

}  // namespace

FormSettings load_form_settings(QSettings& settings) {
    FormSettings form;
    settings.beginGroup(QStringLiteral("form"));
    if (!settings.contains(kFormRequestKey)) {
        form.request = legacy_form_request(settings);
    } else {
        try {
            const std::string text = to_std(settings.value(kFormRequestKey).toString());
            form.request = lightning::request_from_json(
                lightning::parse_bounded_json(text, "settings form/request", "not JSON",
                                              lightning::DuplicateKeys::Reject),
                form.request);
        } catch (const lightning::Error&) {  // edited by hand: the value is not echoed
            lightning::log().warn(
                "The saved form (form/request) is not a readable request; the "
                "form starts from its defaults");
        }
    }
    // Before seed modes there was a "Keep" tick: kept meant a fixed seed.
    const bool kept = settings.value(QStringLiteral("keep_seed"), false).toBool();
    form.seed_mode = settings.contains(QStringLiteral("seed_mode"))
                         ? parse_seed_mode(settings.value(QStringLiteral("seed_mode")).toString())
                         : (kept ? SeedMode::Fixed : SeedMode::Random);
    form.size_preset = settings.value(QStringLiteral("size_preset")).toString();
    settings.endGroup();
    return form;
}

// The request in the one JSON form of core/request/request_json.h; the keys of before are
// removed, so they cannot shadow it.
void save_form_settings(QSettings& settings, const FormSettings& form) {
    settings.beginGroup(QStringLiteral("form"));
    for (const char* legacy : {"prompt", "negative", "steps", "guidance", "width", "height", "seed",
                               "batch", "keep_seed"})
        settings.remove(QString::fromLatin1(legacy));
    settings.setValue(kFormRequestKey, to_qstring(lightning::request_to_json(form.request).dump()));
    settings.setValue(QStringLiteral("seed_mode"), QString::fromLatin1(to_string(form.seed_mode)));
    settings.setValue(QStringLiteral("size_preset"), form.size_preset);
    settings.endGroup();
}

const QString kThumbnailSizeKey = QStringLiteral("gallery/thumbnail_size");

int load_thumbnail_size(QSettings& settings) {
    const QVariant stored = settings.value(kThumbnailSizeKey);
    if (!stored.isValid()) return GalleryModel::kDefaultThumbnailSize;
    bool number = false;
    const int size = stored.toInt(&number);
    if (number && size >= GalleryModel::kMinThumbnailSize &&
        size <= GalleryModel::kMaxThumbnailSize)
        return size;
    lightning::log().warn("The saved thumbnail size ({}) is not a number from {} to {}; using {}",
                          to_std(stored.toString().left(40)), GalleryModel::kMinThumbnailSize,
                          GalleryModel::kMaxThumbnailSize, GalleryModel::kDefaultThumbnailSize);
    return GalleryModel::kDefaultThumbnailSize;
}

void save_thumbnail_size(QSettings& settings, int size) {
    settings.setValue(kThumbnailSizeKey, size);
}

}  // namespace lightning::ui
