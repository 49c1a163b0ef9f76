#include "app/cli/batch_files.h"
#include "core/util/atomic_file.h"

#include "core/util/error.h"

#ifdef LIGHTNING_HAVE_OIIO
#include "core/image/png.h"
#endif

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>
#include <filesystem>

namespace lightning::cli::batch_files {
namespace {

namespace fs = std::filesystem;

// The chunk key ui/gallery_store.h calls kStudioKey.
constexpr const char* kStudioChunk = "lightning-studio";

std::string studio_chunk(const ImageInfo& info) {
    return nlohmann::json{
        {"seconds", info.seconds}, {"created", info.created}, {"device", info.device}}
        .dump();
}

ImageInfo read_studio_chunk(const std::string& text) {
    ImageInfo info;
    const auto object = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!object.is_object()) return info;
    info.seconds = object.value("seconds", 0.0);
    info.created = object.value("created", "");
    info.device = object.value("device", "");
    return info;
}

// Why an existing image is not the one asked for ("" when it is). `wanted` is compared as its
// parameters text reads back (the text may normalise a prompt's whitespace, say).
std::string difference(const GenerationRequest& made, const GenerationRequest& asked) {
    ImageRecord asked_record;
    asked_record.request = asked;
    const auto written = parse_parameters(format_parameters(asked_record));
    const GenerationRequest& wanted = written ? written->request : asked;
    if (made.seed != wanted.seed) return "seed " + std::to_string(made.seed);
    if (made.prompt != wanted.prompt) return "another prompt";
    if (made.width != wanted.width || made.height != wanted.height)
        return "size " + std::to_string(made.width) + "x" + std::to_string(made.height);
    if (made.steps != wanted.steps) return std::to_string(made.steps) + " steps";
    return "";
}

}  // namespace

std::string utc_timestamp_now() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char text[40];
    const size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(text + length, sizeof text - length, ".%03dZ", int(millis));
    return text;
}

#ifdef LIGHTNING_HAVE_OIIO

bool png_supported() {
    return true;
}

void write_image(const std::string& path, const Image8& pixels, const ImageRecord& record,
                 const ImageInfo& info, bool replace) {
    PngText text;
    text.entries["parameters"] = format_parameters(record);
    text.entries[kStudioChunk] = studio_chunk(info);
    write_png(path, pixels, text, replace ? IfExists::Replace : IfExists::Refuse);
}

Existing find_existing(const std::string& path, const GenerationRequest& wanted) {
    Existing existing;
    std::error_code error;
    if (!fs::exists(fs::symlink_status(path, error))) return existing;
    PngText text;
    try {
        text = read_png_text(path);  // checks every chunk's length and CRC, and the IEND
    } catch (const Error& e) {
        existing.found = Found::Incomplete;
        existing.why = e.message();
        return existing;
    }
    const auto parameters = text.entries.find("parameters");
    const auto record =
        parameters == text.entries.end() ? std::nullopt : parse_parameters(parameters->second);
    if (!record) {
        existing.found = Found::Different;
        existing.why = "it has no generation parameters";
        return existing;
    }
    existing.why = difference(record->request, wanted);
    existing.found = existing.why.empty() ? Found::Complete : Found::Different;
    if (const auto studio = text.entries.find(kStudioChunk); studio != text.entries.end())
        existing.info = read_studio_chunk(studio->second);
    return existing;
}

#else

bool png_supported() {
    return false;
}

void write_image(const std::string& path, const Image8&, const ImageRecord&, const ImageInfo&,
                 bool) {
    throw Error(path, "this build has no PNG support (built without OpenImageIO)");
}

Existing find_existing(const std::string& path, const GenerationRequest&) {
    Existing existing;
    std::error_code error;
    if (fs::exists(fs::symlink_status(path, error))) {
        existing.found = Found::Incomplete;
        existing.why = "this build cannot read PNGs";
    }
    return existing;
}

#endif

int remove_stale_temporaries(const std::string& folder, const std::set<std::string>& names) {
    int removed = 0;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(folder, error)) {
        const std::string name = entry.path().filename().string();
        // Only AtomicFile's own temporaries of this run's images: never a user's "x.tmp.1".
        if (!is_atomic_temporary(name)) continue;
        if (!names.count(name.substr(0, name.rfind(".tmp.")))) continue;
        if (fs::remove(entry.path(), error)) ++removed;
    }
    return removed;
}

}  // namespace lightning::cli::batch_files
