// The app's side of the one `parameters` codec (core/request/parameters.h, tested in core): what
// the gallery, the form and the settings keep of a request, and that they keep it exactly —
// gallery PNGs and index.json, foreign PNGs, the job queue, QSettings round trips.
#include "core/image/image_file.h"
#include "core/image/png.h"
#include "core/request/limits.h"
#include "core/request/request_json.h"
#include "ui/app_settings.h"
#include "ui/device_choice.h"
#include "ui/gallery_filter.h"
#include "ui/gallery_model.h"
#include "ui/gallery_store.h"
#include "ui/gallery_widget.h"
#include "ui/job_queue.h"
#include "ui/saved_jobs.h"
#include "ui/string_convert.h"

#include "support/fixtures.h"

#include <QtTest/QtTest>

#include <QApplication>
#include <QFontMetrics>
#include <QSettings>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace lightning::ui;

namespace {

lightning::Image8 gray_image() {
    lightning::Image8 image;
    image.width = image.height = 8;
    image.rgb.assign(8 * 8 * 3, 128);
    return image;
}

// What the engine records for an image made with every setting the codec knows.
lightning::ImageRecord full_record() {
    lightning::ImageRecord record;
    lightning::GenerationRequest& r = record.request;
    r.prompt = "first line, with commas: and colons\nsecond line — Ünïcödé 猫 🐱";
    r.negative_prompt = "ugly\nsecond negative line, Steps: fake";
    r.guidance = 3.25;
    r.steps = 8;
    r.width = 640;
    r.height = 1536;
    r.seed = lightning::limits::kMaxSeed;
    r.clip_skip = 2;
    r.timestep_spacing = lightning::TimestepSpacing::Trailing;
    r.loras = {{"/models/loras/detail.safetensors", 0.8}};
    record.model = {"stable-diffusion-xl-base-1.0", "31e35c80fc"};
    record.unet = {"sdxl_lightning_8step_unet", "0f1e2d3c4b"};
    record.loras = {{"detail", "1a2b3c4d5e"}};
    record.version = "Lightning Studio 0.2.0";
    record.extra = {{"Face restoration", "CodeFormer"}, {"ENSD", "31337"}};
    return record;
}

GalleryItem item_with(const lightning::ImageRecord& record) {
    GalleryItem item;
    item.record = record;
    item.seconds = 1.5;
    item.device = QStringLiteral("cpu");
    item.created = QDateTime(QDate(2024, 5, 1), QTime(12, 0, 0), Qt::UTC);
    return item;
}

}  // namespace

class TestParameters : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void gallery_png_carries_the_engine_record();
    void gallery_item_holds_what_the_png_says();
    void index_keeps_records_and_large_seeds();
    void index_of_earlier_versions_is_read();
    void foreign_png_joins_the_gallery();
    void other_tools_pngs_join_the_gallery_and_its_search();
    void prompts_past_the_limits_are_refused_not_kept();
    void captions_are_one_line_whatever_the_prompt();
    void queued_job_shows_its_parameters();
    void form_settings_round_trip();
    void seed_modes_step_past_the_batch();
    void pending_jobs_round_trip();
    void pending_jobs_of_earlier_versions_are_read();
    void engine_settings_round_trip_and_map_onto_engine_options();
    void text_helpers_keep_utf8();
};

void TestParameters::gallery_png_carries_the_engine_record() {
    QTemporaryDir dir;
    const lightning::ImageRecord record = full_record();
    const GalleryItem written = write_gallery_png(dir.path(), gray_image(), item_with(record));
    const auto chunks = lightning::read_png_text(to_std(written.file));
    // Exactly the codec's text: the CLI writes the same for the same record.
    QCOMPARE(chunks.entries.at(lightning::kParametersKey), lightning::format_parameters(record));

    // LoRAs are recorded by name (a path would not exist on another machine); all else as given.
    QCOMPARE(written.record.request.loras.size(), size_t(1));
    QCOMPARE(written.record.request.loras[0].path, std::string("detail"));
    QCOMPARE(written.record.request.loras[0].scale, 0.8);
    lightning::ImageRecord expected = record;
    expected.request.loras[0].path = "detail";
    QCOMPARE(written.record, expected);

    const auto read = read_gallery_png(written.file);
    QVERIFY(read);
    QCOMPARE(read->record, written.record);
    QCOMPARE(read->seconds, 1.5);
    QCOMPARE(read->device, QStringLiteral("cpu"));
}

void TestParameters::gallery_item_holds_what_the_png_says() {
    QTemporaryDir dir;
    lightning::ImageRecord record;
    record.request.prompt = "no guidance";
    record.request.negative_prompt = "had no effect";  // guidance 0: not recorded
    record.unet = {"sdxl_lightning_4step_unet", ""};
    const GalleryItem written = write_gallery_png(dir.path(), gray_image(), item_with(record));
    QVERIFY(!written.record.request.negative_prompt);
    QCOMPARE(written.record.request.timestep_spacing,
             std::optional(lightning::TimestepSpacing::Trailing));
    QCOMPARE(written.record, as_written(record));
    // ... so the item is the same before and after a restart.
    QCOMPARE(read_gallery_png(written.file)->record, written.record);
    QCOMPARE(checkpoint_name(written.record), QStringLiteral("sdxl_lightning_4step_unet"));
}

void TestParameters::index_keeps_records_and_large_seeds() {
    QTemporaryDir dir;
    const GalleryItem written =
        write_gallery_png(dir.path(), gray_image(), item_with(full_record()));
    const nlohmann::json json = item_to_json(written, QFileInfo(written.file).fileName());
    // The record in the one JSON form: exact 64-bit seeds, the files by name and hash.
    QCOMPARE(json["record"]["seed"].get<uint64_t>(), lightning::limits::kMaxSeed);
    QCOMPARE(json["record"]["unet"]["name"].get<std::string>(),
             std::string("sdxl_lightning_8step_unet"));
    QCOMPARE(lightning::record_from_json(json["record"]), written.record);
    const auto back = item_from_json(json, dir.path());
    QVERIFY(back);
    QCOMPARE(back->record, written.record);
    QCOMPARE(back->created, written.created);
    QCOMPARE(back->seconds, written.seconds);
    QCOMPARE(back->device, written.device);
    QCOMPARE(back->file_size, written.file_size);
    QCOMPARE(back->modified_ms, written.modified_ms);
}

// An index written before the record's JSON form (version 2: the record as parameters text) is
// still used after an upgrade, not rebuilt from the PNGs.
void TestParameters::index_of_earlier_versions_is_read() {
    QTemporaryDir dir;
    GalleryItem written = write_gallery_png(dir.path(), gray_image(), item_with(full_record()));
    written.favourite = true;
    const QString name = QFileInfo(written.file).fileName();
    const nlohmann::json entry = {{"file", to_std(name)},
                                  {"prompt", written.record.request.prompt},
                                  {"seed", std::to_string(written.record.request.seed)},
                                  {"model", "sdxl_lightning_8step_unet"},
                                  {"seconds", written.seconds},
                                  {"created", to_std(written.created.toString(Qt::ISODateWithMs))},
                                  {"device", to_std(written.device)},
                                  {"favourite", true},
                                  {"size", written.file_size},
                                  {"mtime", written.modified_ms},
                                  {"parameters", lightning::format_parameters(written.record)}};
    const auto back = item_from_json(entry, dir.path());
    QVERIFY(back);
    QCOMPARE(back->record, written.record);
    QVERIFY(back->favourite);
    QCOMPARE(back->modified_ms, written.modified_ms);

    QFile index(gallery_index_path(dir.path(), GalleryFolder::Own));
    QVERIFY(index.open(QIODevice::WriteOnly));
    index.write(
        nlohmann::json{{"version", 2}, {"items", nlohmann::json::array({entry})}}.dump().c_str());
    index.close();
    const GalleryLoad load = load_gallery(dir.path());
    QCOMPARE(load.items.size(), 1);
    QVERIFY(load.items[0].favourite);  // from the index: the PNG has no star
    QVERIFY2(load.note.isEmpty(), qPrintable(load.note));
}

void TestParameters::foreign_png_joins_the_gallery() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("a1111.png"));
    lightning::PngText text;
    text.entries[lightning::kParametersKey] =
        "masterpiece, (a red fox:1.2) in the snow\n"
        "Negative prompt: lowres, bad anatomy\n"
        "Steps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 3405691582, "
        "Size: 832x1216, Model hash: 31e35c80fc, Model: sd_xl_base_1.0, VAE: sdxl_vae.safetensors, "
        "Clip skip: 2, Version: v1.9.4";
    lightning::write_png(to_std(file), gray_image(), text);

    const auto item = read_gallery_png(file);
    QVERIFY(item);
    const lightning::GenerationRequest& r = item->record.request;
    QCOMPARE(r.prompt, std::string("masterpiece, (a red fox:1.2) in the snow"));
    QCOMPARE(*r.negative_prompt, std::string("lowres, bad anatomy"));
    QCOMPARE(r.steps, 30);
    QCOMPARE(r.seed, uint64_t(3405691582u));
    QCOMPARE(item->record.sampler, std::string("DPM++ 2M"));
    QCOMPARE(checkpoint_name(item->record), QStringLiteral("sd_xl_base_1.0"));
    const QString settings = describe_item_settings(*item);
    QVERIFY2(settings.contains(QStringLiteral("Seed 3405691582 · 30 steps (sd_xl_base_1.0)")) &&
                 settings.contains(QStringLiteral("CFG 7 · 832×1216")),
             qPrintable(settings));
    // Keys the app has no use for are shown (tooltip) and kept.
    GalleryModel model;
    model.open(dir.path());
    QCOMPARE(model.rowCount(), 1);
    const QString tooltip = model.data(model.index(0), Qt::ToolTipRole).toString();
    QVERIFY2(tooltip.contains(QLatin1String("Schedule type: Karras")) &&
                 tooltip.contains(QLatin1String("VAE: sdxl_vae.safetensors")),
             qPrintable(tooltip));
}

// Issue 24 item 4: a folder of ComfyUI and InvokeAI PNGs (real files, tests/data/foreign) opened
// as a gallery lists them with their prompts, as bench/reference/foreign_metadata_expected.py
// read them, and the search finds them by prompt words. An index written before they were read
// (version 3) listed them as PNGs without parameters: they are read again, not skipped.
void TestParameters::other_tools_pngs_join_the_gallery_and_its_search() {
    const std::string data = lightning::testing::test_data_dir() + "/foreign/";
    std::ifstream in(data + "tools/expected.json");
    QVERIFY(in);
    const auto expected = nlohmann::json::parse(in).at("files");
    QTemporaryDir dir;
    nlohmann::json ignored = nlohmann::json::object();
    QHash<QString, std::string> prompts;  // file name -> prompt
    for (const char* name : {"png/comfyui_img2img_cropped.png", "png/invokeai_imeta1.png"}) {
        const QString file = dir.filePath(QFileInfo(QString::fromLatin1(name)).fileName());
        QVERIFY(QFile::copy(QString::fromStdString(data + name), file));
        const QFileInfo info(file);
        ignored[to_std(info.fileName())] = to_std(
            QStringLiteral("%1/%2").arg(info.size()).arg(info.lastModified().toMSecsSinceEpoch()));
        prompts.insert(info.fileName(), expected.at(name).at("prompt").get<std::string>());
    }
    QFile index(gallery_index_path(dir.path(), GalleryFolder::Own));
    QVERIFY(index.open(QIODevice::WriteOnly));
    index.write(
        nlohmann::json{{"version", 3}, {"items", nlohmann::json::array()}, {"ignored", ignored}}
            .dump()
            .c_str());
    index.close();

    GalleryModel model;
    model.open(dir.path());
    QCOMPARE(model.rowCount(), 2);
    for (const GalleryItem& item : model.items())
        QCOMPARE(item.record.request.prompt, prompts.value(QFileInfo(item.file).fileName()));
    GalleryFilterModel filtered(&model);
    for (auto it = prompts.begin(); it != prompts.end(); ++it) {
        GalleryFilter filter;
        filter.text = to_qstring(it.value()).section(u' ', 0, 1);  // its first two words
        filtered.set_filter(filter);
        QCOMPARE(filtered.rowCount(), 1);
        QCOMPARE(QFileInfo(model.items()[filtered.source_row(0)].file).fileName(), it.key());
    }
}

// Issue #26: the limits table the CLI applies holds for what the gallery reads too. A PNG (or
// an index entry) whose prompt breaks it is listed, says why, and keeps none of that text.
void TestParameters::prompts_past_the_limits_are_refused_not_kept() {
    QTemporaryDir dir;
    const size_t too_long = lightning::limits::kMaxPromptBytes + 1;
    const QString file = dir.filePath(QStringLiteral("long.png"));
    lightning::PngText text;
    text.entries[lightning::kParametersKey] =
        std::string(too_long, 'a') +
        "\nNegative prompt: fine\nSteps: 4, CFG scale: 2, Seed: 7, "
        "Size: 64x64";
    lightning::write_png(to_std(file), gray_image(), text);
    const QString reason = QStringLiteral("prompt is %1 bytes long; at most %2 are accepted")
                               .arg(too_long)
                               .arg(lightning::limits::kMaxPromptBytes);

    const auto item = read_gallery_png(file);
    QVERIFY(item);
    QCOMPARE(item->refused, reason);
    QVERIFY(item->record.request.prompt.empty());
    QVERIFY(!item->record.request.negative_prompt);
    QCOMPARE(item->record.request.seed, uint64_t(7));
    QCOMPARE(refusal_message(file, item->refused),
             QStringLiteral("The settings of long.png were not used: its ") + reason);

    // Kept through the index; an index written before the check (the prompt inside) is checked.
    const auto back = item_from_json(item_to_json(*item, QStringLiteral("long.png")), dir.path());
    QVERIFY(back);
    QCOMPARE(back->refused, reason);
    GalleryItem old = *item;
    old.refused.clear();
    old.record.request.prompt = std::string(too_long, 'a');
    const auto checked = item_from_json(item_to_json(old, QStringLiteral("long.png")), dir.path());
    QVERIFY(checked);
    QCOMPARE(checked->refused, reason);
    QVERIFY(checked->record.request.prompt.empty());

    // A negative prompt with a NUL byte, and one at the limit (accepted).
    lightning::ImageRecord record = full_record();
    record.request.negative_prompt = std::string("a\0b", 3);
    QCOMPARE(record_refusal(record),
             QStringLiteral("negative prompt contains a NUL character (byte 1)"));
    record.request.negative_prompt = std::string(lightning::limits::kMaxPromptBytes, 'n');
    QCOMPARE(record_refusal(record), QString());

    GalleryModel model;
    model.open(dir.path());
    QCOMPARE(model.rowCount(), 1);
    QVERIFY(model.data(model.index(0), Qt::ToolTipRole).toString().startsWith(reason));
    QCOMPARE(model.data(model.index(0), GalleryModel::RefusedRole).toString(), reason);
}

// Issue #26: captions are laid out from the prompt's start only (a 15 MB prompt took minutes)
// and stay on one line of the cell's width.
void TestParameters::captions_are_one_line_whatever_the_prompt() {
    const QFontMetrics metrics(QApplication::font());
    const QString line_breaks = QStringLiteral("first line\nsecond\u2028third\u2029fourth");
    for (const QString& prompt :
         {QString(5'000'000, u'w'), line_breaks, QStringLiteral("short"), QString()}) {
        for (int width : {64, 128, 320}) {
            const QString caption = gallery_caption(prompt, metrics, width);
            QVERIFY2(metrics.horizontalAdvance(caption) <= width, qPrintable(caption));
            QVERIFY(!caption.contains(u'\n') && !caption.contains(QChar(0x2028)) &&
                    !caption.contains(QChar(0x2029)));
        }
    }
    QCOMPARE(gallery_caption(QStringLiteral("short"), metrics, 320), QStringLiteral("short"));
    QCOMPARE(gallery_caption(line_breaks, metrics, 1000),
             QStringLiteral("first line second third fourth"));
}

void TestParameters::queued_job_shows_its_parameters() {
    JobQueue queue;
    GenerationJob job;
    job.id = 1;
    job.request = full_record().request;
    queue.append(job);
    lightning::ImageRecord settings;
    settings.request = job.request;
    QCOMPARE(queue.data(queue.index(0), Qt::ToolTipRole).toString(),
             to_qstring(lightning::format_parameters(settings)));
}

void TestParameters::form_settings_round_trip() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("form.ini")), QSettings::IniFormat);
    FormSettings form;
    form.request = full_record().request;
    form.request.negative_prompt = "";  // present but empty stays present
    form.request.batch = 3;
    form.request.loras.clear();  // settings the form has no control for are not stored
    form.request.clip_skip = 0;
    form.request.timestep_spacing.reset();
    form.seed_mode = SeedMode::Increment;
    form.size_preset = QStringLiteral("custom");
    save_form_settings(settings, form);
    QCOMPARE(load_form_settings(settings), form);

    form.request.negative_prompt.reset();
    save_form_settings(settings, form);
    QVERIFY(!load_form_settings(settings).request.negative_prompt);
}

void TestParameters::seed_modes_step_past_the_batch() {
    lightning::GenerationRequest ran;
    ran.seed = 90;
    ran.batch = 2;
    QCOMPARE(next_seed(SeedMode::Fixed, ran, 5), uint64_t(90));
    QCOMPARE(next_seed(SeedMode::Increment, ran, 5), uint64_t(92));  // 90 and 91 ran
    QCOMPARE(next_seed(SeedMode::Random, ran, 5), uint64_t(5));
    ran.seed = lightning::limits::kMaxSeed;
    QCOMPARE(next_seed(SeedMode::Increment, ran, 5), uint64_t(0));  // past the largest: 0

    // Settings from before seed modes: the "Keep" tick meant a fixed seed.
    QTemporaryDir dir;
    QSettings legacy(dir.filePath(QStringLiteral("legacy.ini")), QSettings::IniFormat);
    legacy.setValue(QStringLiteral("form/keep_seed"), true);
    QCOMPARE(load_form_settings(legacy).seed_mode, SeedMode::Fixed);
    legacy.setValue(QStringLiteral("form/keep_seed"), false);
    QCOMPARE(load_form_settings(legacy).seed_mode, SeedMode::Random);
    QCOMPARE(parse_seed_mode(QStringLiteral("sometimes")), SeedMode::Random);
    for (SeedMode mode : {SeedMode::Random, SeedMode::Fixed, SeedMode::Increment})
        QCOMPARE(parse_seed_mode(QString::fromLatin1(to_string(mode))), mode);
}

void TestParameters::pending_jobs_round_trip() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("jobs.ini")), QSettings::IniFormat);
    GenerationJob first;
    first.request = full_record().request;
    // Every field: the UNet file, prediction and schedule too (a job from another PNG's
    // settings has them; the Qt JSON form dropped them).
    first.request.unet_file = "/models/unets/custom_unet.safetensors";
    first.request.prediction = lightning::PredictionType::Epsilon;
    first.request.timestep_spacing = lightning::TimestepSpacing::Leading;
    first.request.batch = 3;
    first.request.prompt_syntax = lightning::PromptSyntax::Compel;
    first.request.vae_tiling = lightning::VaeTiling::On;
    first.request.embeddings = {{"/models/embeddings/neg1.safetensors", "neg1"}};
    first.output_dir = dir.filePath(QStringLiteral("gallery"));
    GenerationJob second = first;
    second.request.prompt = "second";
    second.request.negative_prompt.reset();
    second.request.seed = 7;
    GenerationJob live = first;
    live.purpose = JobPurpose::Live;  // a view of the moment: not kept
    save_pending_jobs(settings, {first, live, second});

    const QList<GenerationJob> loaded = load_pending_jobs(settings);
    QCOMPARE(loaded.size(), 2);
    QCOMPARE(loaded[0].request, first.request);
    QCOMPARE(loaded[0].output_dir, first.output_dir);
    QCOMPARE(loaded[0].purpose, JobPurpose::Gallery);
    QCOMPARE(loaded[1].request, second.request);
    QVERIFY(!loaded[1].request.negative_prompt);

    save_pending_jobs(settings, {});
    QVERIFY(load_pending_jobs(settings).isEmpty());
}

// A queue saved by the version before the one JSON form (Qt JSON: "negative", the seed as a
// string, no UNet file, prediction or schedule) is queued again after an upgrade; a job that
// cannot be read is left out, the others stay.
void TestParameters::pending_jobs_of_earlier_versions_are_read() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("jobs.ini")), QSettings::IniFormat);
    settings.setValue(
        QStringLiteral("queue/pending"),
        QStringLiteral(
            R"([{"output_dir":"/g","request":{"batch":2,"clip_skip":1,"embeddings":[{"path":)"
            R"("/e/neg1.safetensors","token":"neg1"}],"guidance":2.5,"height":768,"loras":[{)"
            R"("path":"/l/detail.safetensors","scale":0.8}],"negative":"blurry","prompt":"a cat",)"
            R"("prompt_syntax":"compel","seed":"9007199254740991","steps":8,"vae_tiling":"on",)"
            R"("width":640}},{"output_dir":"/g","request":{"prompt":"bad","steps":"many"}},)"
            R"({"output_dir":"/h","request":{"prompt":"plain","seed":"5"}}])"));
    const QList<GenerationJob> loaded = load_pending_jobs(settings);
    QCOMPARE(loaded.size(), 2);
    lightning::GenerationRequest expected;
    expected.prompt = "a cat";
    expected.negative_prompt = "blurry";
    expected.steps = 8;
    expected.guidance = 2.5;
    expected.width = 640;
    expected.height = 768;
    expected.seed = 9007199254740991u;
    expected.batch = 2;
    expected.clip_skip = 1;
    expected.prompt_syntax = lightning::PromptSyntax::Compel;
    expected.vae_tiling = lightning::VaeTiling::On;
    expected.embeddings = {{"/e/neg1.safetensors", "neg1"}};
    expected.loras = {{"/l/detail.safetensors", 0.8}};
    QCOMPARE(loaded[0].request, expected);
    QCOMPARE(loaded[0].output_dir, QStringLiteral("/g"));
    QCOMPARE(loaded[1].request.prompt, std::string("plain"));
    QCOMPARE(loaded[1].request.seed, uint64_t(5));
    QVERIFY(!loaded[1].request.negative_prompt);
    QCOMPARE(loaded[1].output_dir, QStringLiteral("/h"));
}

void TestParameters::engine_settings_round_trip_and_map_onto_engine_options() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("engine.ini")), QSettings::IniFormat);
    EngineSettings engine;
    engine.models = {dir.filePath(QStringLiteral("sdxl")).toStdString(), "/unused/configs",
                     dir.filePath(QStringLiteral("lightning")).toStdString()};
    engine.output_dir = dir.filePath(QStringLiteral("gallery"));
    engine.device = QStringLiteral("cpu");
    engine.precision = lightning::Precision::FP32;
    engine.preview = lightning::PreviewMode::Full;
    engine.checkpoint_cache_gb = 12.5;
    engine.prompt_syntax = lightning::PromptSyntax::Compel;
    engine.embeddings_dir = dir.filePath(QStringLiteral("embeddings"));
    engine.vae = dir.filePath(QStringLiteral("vae.safetensors"));
    engine.vae_tiling = lightning::VaeTiling::Off;
    engine.live_scale = 0.5;
    engine.variation_count = 6;
    save_engine_settings(settings, engine);
    QCOMPARE(load_engine_settings(settings), engine);

    const lightning::EngineOptions options = to_engine_options(engine);
    QCOMPARE(options.device, std::string("cpu"));
    QCOMPARE(options.preview, lightning::PreviewMode::Full);
    QCOMPARE(options.models.config_dir, std::string());  // a folder base has its own configs
    QCOMPARE(*options.checkpoint_budget.device_bytes, uint64_t(12.5 * 1024 * 1024 * 1024));
    engine.checkpoint_cache_gb = 0;
    QVERIFY(!to_engine_options(engine).checkpoint_budget.device_bytes);  // automatic

    // Previews and the cache size apply without a reload; model, device and precision do not.
    EngineSettings other = engine;
    other.preview = lightning::PreviewMode::Off;
    other.checkpoint_cache_gb = 4;
    other.models.config_dir = "/still/unused";
    QVERIFY(!needs_reload(engine, other));
    other.precision = lightning::Precision::BF16;
    QVERIFY(needs_reload(engine, other));

    // Unknown or unusable stored values fall back to what this machine offers.
    settings.setValue(QStringLiteral("engine/precision"), QStringLiteral("fp8"));
    settings.setValue(QStringLiteral("engine/device"), QStringLiteral("cuda:99"));
    settings.setValue(QStringLiteral("engine/preview"), QStringLiteral("sometimes"));
    const EngineSettings fallback = load_engine_settings(settings);
    QVERIFY(is_available_device(fallback.device));
    QCOMPARE(fallback.device, default_device_id());
    QVERIFY(offers_precision(fallback.device, fallback.precision));
    QCOMPARE(fallback.preview, lightning::PreviewMode::Reduced);

    // Settings from before the device selector wrote "cpu" for everyone: a GPU, if any, wins.
    QSettings legacy(dir.filePath(QStringLiteral("legacy.ini")), QSettings::IniFormat);
    legacy.setValue(QStringLiteral("engine/device"), QStringLiteral("cpu"));
    legacy.setValue(QStringLiteral("engine/precision"), QStringLiteral("fp32"));
    QCOMPARE(load_engine_settings(legacy).device, default_device_id());
    legacy.setValue(QStringLiteral("engine/device"), QStringLiteral("cuda"));
    QCOMPARE(load_engine_settings(legacy).device, is_available_device(QStringLiteral("cuda:0"))
                                                      ? QStringLiteral("cuda:0")
                                                      : default_device_id());
}

void TestParameters::text_helpers_keep_utf8() {
    const std::string text = "Ünïcödé 猫 🐱, \"quoted\"\nnew line";
    QCOMPARE(to_std(to_qstring(text)), text);
    QCOMPARE(to_qstring(text).size(), qsizetype(31));  // characters, not bytes (🐱: 2 UTF-16)
    QCOMPARE(to_qstring_list({"a", "猫"}),
             (QStringList{QStringLiteral("a"), QStringLiteral("猫")}));
}

QTEST_MAIN(TestParameters)
#include "test_parameters.moc"
