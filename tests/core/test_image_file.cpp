// An image file with its record (core/image/image_file.h): what the CLI, `lightning batch` and
// the gallery write and read back through one owner. Guards the on-disk form of both chunks
// (existing PNGs and galleries must keep reading), the IfExists modes and the errors.
#include "core/image/image_file.h"
#include "core/image/png.h"
#include "core/util/error.h"
#include "support/errors.h"
#include "support/fixtures.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <nlohmann/json.hpp>

using lightning::Error;
using lightning::Image8;
using lightning::ImageCheck;
using lightning::ImageRecord;
using lightning::StudioInfo;
using lightning::testing::expect_error;

namespace {

Image8 gradient(int width, int height) {
    Image8 image;
    image.width = width;
    image.height = height;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            image.rgb.insert(image.rgb.end(), {uint8_t(x * 16), uint8_t(y * 16), uint8_t(x + y)});
    return image;
}

ImageRecord sample_record() {
    ImageRecord record;
    record.request.prompt = "a cat, café";
    record.request.negative_prompt = "blurry";
    record.request.seed = 1234567890123ull;
    record.request.steps = 4;
    record.request.width = 64;
    record.request.height = 32;
    record.model = {"sdxl.safetensors", "0123456789"};
    record.version = "Lightning Studio test";
    return record;
}

StudioInfo sample_info() {
    return {1.25, "2025-01-31T12:34:56.789Z", "cuda:0", true};
}

QByteArray file_bytes(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

void write_bytes(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    file.write(bytes);
}

std::string studio_chunk(const std::string& path) {
    return lightning::read_png_text(path, lightning::TextKeys::every())
        .entries.at("lightning-studio");
}

// What bench/reference/foreign_readers.py recorded: other tools' metadata readers run on the
// PNGs of tests/data/foreign (README.md there names each file's source).
nlohmann::json foreign_readers() {
    const std::string path = lightning::testing::test_data_dir() + "/foreign/readers.json";
    std::ifstream in(path);
    if (!in) qFatal("cannot read %s", path.c_str());
    return nlohmann::json::parse(in);
}

std::string foreign_path(const std::string& name) {
    return lightning::testing::test_data_dir() + "/foreign/" + name;
}

// The web UIs whose parse_generation_parameters() readers.json holds: A1111 and Forge.
constexpr const char* kWebUiReaders[] = {"a1111", "forge"};

// A field of A1111's parse_generation_parameters() result ("" when absent), as its text.
std::string a1111_field(const nlohmann::json& parsed, const char* key) {
    if (!parsed.contains(key)) return "";
    const auto& value = parsed.at(key);
    return value.is_string() ? value.get<std::string>() : value.dump();
}

// The record's settings that A1111 reads back into its own fields, compared with what A1111's
// parser returned for the same text. `what` names the file in failures.
void expect_a1111_fields(const ImageRecord& record, const nlohmann::json& parsed,
                         const std::string& what) {
    const auto& r = record.request;
    const std::vector<std::pair<const char*, std::string>> fields = {
        {"Steps", std::to_string(r.steps)},
        {"Seed", std::to_string(r.seed)},
        {"Size-1", std::to_string(r.width)},
        {"Size-2", std::to_string(r.height)},
        {"CFG scale", lightning::format_number(r.guidance)},
        {"Sampler", record.sampler},
        {"Model", record.model.name},
        {"Model hash", record.model.hash},
    };
    std::vector<std::pair<const char*, std::string>> all = fields;
    if (!r.loras.empty()) {  // A1111's Lora extension matches files by these hashes
        std::string hashes;
        for (const auto& lora : record.loras)
            hashes += (hashes.empty() ? "" : ", ") + lora.name + ": " + lora.hash;
        all.emplace_back("Lora hashes", hashes);
    }
    for (const auto& [key, ours] : all)
        QVERIFY2(a1111_field(parsed, key) == ours,
                 (what + ": it reads " + key + " \"" + a1111_field(parsed, key) + "\", we read \"" +
                  ours + "\"")
                     .c_str());
}

}  // namespace

class TestImageFile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void round_trip_of_an_image_with_its_record();
    void chunks_keep_their_on_disk_form();
    void reads_chunks_as_earlier_versions_wrote_them();
    void file_without_a_record_is_no_error();
    void other_tools_pngs_read_as_they_wrote_them();
    void a1111_reads_our_pngs_as_we_wrote_them();
    void every_foreign_png_has_its_readers_entry();
    void truncated_file_is_an_error_naming_the_path();
    void refuses_or_replaces_an_existing_file();
    void favourite_mark_keeps_the_rest_of_the_chunk();
};

void TestImageFile::round_trip_of_an_image_with_its_record() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("image.png").toStdString();
    const ImageRecord record = sample_record();
    const Image8 image = gradient(8, 4);
    const ImageRecord written = lightning::write_image_file(path, image, record, sample_info(),
                                                            lightning::IfExists::Refuse);
    QCOMPARE(written, lightning::as_written(record));
    QVERIFY(lightning::read_png(path).rgb == image.rgb);
    for (const ImageCheck check : {ImageCheck::Whole, ImageCheck::TextOnly}) {
        const lightning::ImageFileRecord found = lightning::read_image_record(path, check);
        QCOMPARE(found.parameters.value(), lightning::format_parameters(record));
        QCOMPARE(found.record.value(), written);
        QVERIFY(found.studio == sample_info());
    }
    // Standard output gets the same bytes as the file.
    const auto encoded =
        lightning::encode_image_file(image, record, sample_info(), "standard output");
    const QByteArray on_disk = file_bytes(QString::fromStdString(path));
    QVERIFY(QByteArray(reinterpret_cast<const char*>(encoded.data()), qsizetype(encoded.size())) ==
            on_disk);
}

// Compact JSON with sorted keys, "device" only when known, "favourite" only when set: the form
// the gallery and `lightning batch` wrote before one codec owned the chunk.
void TestImageFile::chunks_keep_their_on_disk_form() {
    QCOMPARE(lightning::format_studio_info(sample_info()),
             std::string(R"({"created":"2025-01-31T12:34:56.789Z","device":"cuda:0",)"
                         R"("favourite":true,"seconds":1.25})"));
    QCOMPARE(lightning::format_studio_info({0.5, "2025-01-31T12:34:56.789Z", "", false}),
             std::string(R"({"created":"2025-01-31T12:34:56.789Z","seconds":0.5})"));
    QTemporaryDir dir;
    const std::string plain = dir.filePath("plain.png").toStdString();
    lightning::write_image_file(plain, gradient(2, 2), sample_record(), std::nullopt,
                                lightning::IfExists::Refuse);
    const auto text = lightning::read_png_text(plain, lightning::TextKeys::every());
    QCOMPARE(text.entries.size(), size_t(1));  // no studio chunk when none is given
    QCOMPARE(text.entries.at("parameters"), lightning::format_parameters(sample_record()));
}

void TestImageFile::reads_chunks_as_earlier_versions_wrote_them() {
    // The gallery's Qt writer spelled integral seconds without a fraction; batch wrote an empty
    // device. Fields of another type count as absent (they used to throw from batch's reader).
    const auto gallery = lightning::parse_studio_info(
        R"({"created":"2024-05-06T07:08:09.010Z","favourite":true,"seconds":2})");
    QVERIFY(gallery.has_value());
    QCOMPARE(gallery->seconds, 2.0);
    QCOMPARE(gallery->created, std::string("2024-05-06T07:08:09.010Z"));
    QVERIFY(gallery->favourite);
    const auto batch = lightning::parse_studio_info(
        R"({"created":"2024-05-06T07:08:09.010Z","device":"","seconds":3.5})");
    QVERIFY(batch.has_value() && batch->device.empty() && !batch->favourite);
    const auto odd = lightning::parse_studio_info(
        R"({"created":7,"device":["cpu"],"favourite":"yes","seconds":"2","more":{}})");
    QVERIFY(odd == StudioInfo{});
    QVERIFY(!lightning::parse_studio_info("not json").has_value());
    QVERIFY(!lightning::parse_studio_info("[1,2]").has_value());
    QVERIFY(!lightning::parse_studio_info(std::string(100000, '[')).has_value());
}

void TestImageFile::file_without_a_record_is_no_error() {
    QTemporaryDir dir;
    const std::string plain = dir.filePath("plain.png").toStdString();
    lightning::write_png(plain, gradient(3, 3));
    for (const ImageCheck check : {ImageCheck::Whole, ImageCheck::TextOnly}) {
        const auto found = lightning::read_image_record(plain, check);
        QVERIFY(!found.parameters && !found.record && !found.studio);
    }
    // A parameters text without a settings line is kept as written but is no record; a studio
    // chunk that is not a JSON object is none.
    const std::string foreign = dir.filePath("foreign.png").toStdString();
    lightning::write_png(foreign, gradient(3, 3),
                         {{{"parameters", "just a caption"}, {"lightning-studio", "[]"}}});
    const auto found = lightning::read_image_record(foreign);
    QCOMPARE(found.parameters.value(), std::string("just a caption"));
    QVERIFY(!found.record && !found.studio);
}

void TestImageFile::truncated_file_is_an_error_naming_the_path() {
    QTemporaryDir dir;
    const QString whole = dir.filePath("whole.png");
    lightning::write_image_file(whole.toStdString(), gradient(16, 16), sample_record(),
                                sample_info(), lightning::IfExists::Refuse);
    const QByteArray bytes = file_bytes(whole);
    const QString cut = dir.filePath("cut.png");
    write_bytes(cut, bytes.left(bytes.size() - 20));
    for (const ImageCheck check : {ImageCheck::Whole, ImageCheck::TextOnly}) {
        const Error e =
            expect_error([&] { lightning::read_image_record(cut.toStdString(), check); });
        QCOMPARE(e.where(), cut.toStdString());
        QVERIFY2(e.message().find("truncated PNG") != std::string::npos, e.what());
    }
    // A damaged pixel chunk: only the whole check reads it (a file copied in part).
    QByteArray damaged = bytes;
    const qsizetype idat = damaged.indexOf("IDAT") + 6;
    damaged[idat] = char(damaged[idat] ^ 0x40);
    const QString bad = dir.filePath("bad.png");
    write_bytes(bad, damaged);
    const Error e = expect_error([&] { lightning::read_image_record(bad.toStdString()); });
    QCOMPARE(e.where(), bad.toStdString());
    QVERIFY(lightning::read_image_record(bad.toStdString(), ImageCheck::TextOnly).record);
    const Error missing = expect_error([&] { lightning::read_image_record("/nonexistent/x.png"); });
    QCOMPARE(missing.where(), std::string("/nonexistent/x.png"));
}

void TestImageFile::refuses_or_replaces_an_existing_file() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("out.png").toStdString();
    ImageRecord first = sample_record();
    lightning::write_image_file(path, gradient(2, 2), first, std::nullopt,
                                lightning::IfExists::Refuse);
    ImageRecord second = sample_record();
    second.request.seed = 7;
    try {
        lightning::write_image_file(path, gradient(4, 4), second, std::nullopt,
                                    lightning::IfExists::Refuse);
        QFAIL("an existing file was replaced under IfExists::Refuse");
    } catch (const lightning::TargetExists& e) {
        QCOMPARE(e.where(), path);
    }
    QCOMPARE(lightning::read_image_record(path).record->request.seed, first.request.seed);
    lightning::write_image_file(path, gradient(4, 4), second, std::nullopt,
                                lightning::IfExists::Replace);
    QCOMPARE(lightning::read_image_record(path).record->request.seed, uint64_t(7));
    QCOMPARE(lightning::read_png(path).width, 4);
    // No temporary (NAME.tmp.lightning-PID-N) is left behind by either.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
             QStringList{QStringLiteral("out.png")});
}

void TestImageFile::favourite_mark_keeps_the_rest_of_the_chunk() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("star.png").toStdString();
    const Image8 image = gradient(8, 8);
    lightning::write_png(path, image,
                         {{{"parameters", lightning::format_parameters(sample_record())},
                           {"lightning-studio", R"({"created":"x","later":[1,2],"seconds":2})"}}});
    lightning::write_favourite_mark(path, true, sample_info());
    QCOMPARE(studio_chunk(path),
             std::string(R"({"created":"x","favourite":true,"later":[1,2],"seconds":2})"));
    lightning::write_favourite_mark(path, false, sample_info());
    QCOMPARE(studio_chunk(path), std::string(R"({"created":"x","later":[1,2],"seconds":2})"));
    QVERIFY(lightning::read_png(path).rgb == image.rgb);
    QCOMPARE(lightning::read_image_record(path).parameters.value(),
             lightning::format_parameters(sample_record()));

    // Another tool's PNG gets the chunk from the fallback.
    const std::string foreign = dir.filePath("foreign.png").toStdString();
    lightning::write_png(foreign, image, {{{"parameters", "a dog\nSteps: 2, Seed: 1, Size: 8x8"}}});
    StudioInfo fallback = sample_info();
    fallback.favourite = false;
    lightning::write_favourite_mark(foreign, true, fallback);
    QVERIFY(lightning::read_image_record(foreign).studio == sample_info());
}

// PNGs written by A1111, ComfyUI and InvokeAI: every text chunk reads as the standard library
// reads it, the A1111 text gives the prompt, negative and settings that A1111's and Forge's own
// parsers give, and the others (no `parameters` chunk) get their record from their own entries
// (core/request/foreign_metadata.h; their values are checked in test_foreign_metadata).
void TestImageFile::other_tools_pngs_read_as_they_wrote_them() {
    const auto readers = foreign_readers();
    int with_parameters = 0, without = 0;
    for (const auto& [name, expected] : readers.at("files").items()) {
        if (name.rfind("png/", 0) != 0) continue;
        const std::string path = foreign_path(name);
        const auto text = lightning::read_png_text(path, lightning::TextKeys::every());
        QCOMPARE(nlohmann::json(text.entries), expected.at("text"));
        const auto file = lightning::read_image_record(path);
        if (!expected.contains("a1111")) {
            ++without;
            QVERIFY2(!file.parameters && file.record && !file.foreign_summary.empty(),
                     name.c_str());
            continue;
        }
        ++with_parameters;
        QVERIFY2(file.record, name.c_str());
        for (const char* reader : kWebUiReaders) {
            const auto& parsed = expected.at(reader);
            QCOMPARE(file.record->request.prompt, a1111_field(parsed, "Prompt"));
            QCOMPARE(file.record->request.negative_prompt.value_or(""),
                     a1111_field(parsed, "Negative prompt"));
            expect_a1111_fields(*file.record, parsed, name + " (" + reader + ")");
        }
    }
    QVERIFY(with_parameters >= 1 && without >= 3);
}

// Every PNG of tests/data/foreign has its entry in readers.json (re-run the script after adding
// one), so none goes unchecked.
void TestImageFile::every_foreign_png_has_its_readers_entry() {
    QStringList names;
    for (const char* folder : {"png", "ours"})
        for (const auto& file : QDir(QString::fromStdString(foreign_path(folder)))
                                    .entryList({"*.png"}, QDir::Files, QDir::Name))
            names << QString(folder) + "/" + file;
    const auto readers = foreign_readers();
    QStringList recorded;
    for (const auto& [name, entry] : readers.at("files").items())
        recorded << QString::fromStdString(name);
    recorded.sort();
    names.sort();
    QCOMPARE(recorded, names);
}

// Our `lightning generate` PNGs (tests/data/foreign/ours) as A1111's and Forge's parsers read
// them: the settings they know are ours. The prompt and negative too, except where the README
// lists a difference: a prompt we write as one JSON string (a line starting "Negative prompt:"),
// which they take literally, quotes and all.
void TestImageFile::a1111_reads_our_pngs_as_we_wrote_them() {
    const auto readers = foreign_readers();
    int checked = 0;
    for (const auto& [name, expected] : readers.at("files").items()) {
        if (name.rfind("ours/", 0) != 0) continue;
        const auto file = lightning::read_image_record(foreign_path(name));
        QVERIFY2(file.record && file.parameters, name.c_str());
        QCOMPARE(nlohmann::json(*file.parameters), expected.at("text").at("parameters"));
        const auto& r = file.record->request;
        const std::string& text = *file.parameters;
        const bool json_prompt = text.front() == '"';
        for (const char* reader : kWebUiReaders) {
            const auto& parsed = expected.at(reader);
            QCOMPARE(a1111_field(parsed, "Prompt"),
                     json_prompt ? text.substr(0, text.find('\n')) : r.prompt);
            QCOMPARE(a1111_field(parsed, "Negative prompt"),
                     r.uses_guidance() ? r.negative_prompt.value_or("") : std::string());
            expect_a1111_fields(*file.record, parsed, name + " (" + reader + ")");
        }
        ++checked;
    }
    QVERIFY(checked >= 3);
}

QTEST_GUILESS_MAIN(TestImageFile)
#include "test_image_file.moc"
