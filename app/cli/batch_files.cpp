#include "app/cli/batch_files.h"
#include "core/util/atomic_file.h"

#include "core/util/error.h"

#ifdef LIGHTNING_HAVE_OIIO
#include "core/image/image_file.h"
#endif

#include <chrono>
#include <ctime>
#include <filesystem>

namespace lightning::cli::batch_files {
namespace {

namespace fs = std::filesystem;

#ifdef LIGHTNING_HAVE_OIIO
// Why an existing image is not the one asked for ("" when it is). `wanted` is compared as its
// parameters text reads back (the text may normalise a prompt's whitespace, say).
std::string difference(const GenerationRequest& made, const GenerationRequest& asked) {
    ImageRecord asked_record;
    asked_record.request = asked;
    const GenerationRequest wanted = as_written(asked_record).request;
    if (made.seed != wanted.seed) return "seed " + std::to_string(made.seed);
    if (made.prompt != wanted.prompt) return "another prompt";
    if (made.width != wanted.width || made.height != wanted.height)
        return "size " + std::to_string(made.width) + "x" + std::to_string(made.height);
    if (made.steps != wanted.steps) return std::to_string(made.steps) + " steps";
    return "";
}
#endif

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
                 const StudioInfo& info, bool replace) {
    write_image_file(path, pixels, record, info, replace ? IfExists::Replace : IfExists::Refuse);
}

Existing find_existing(const std::string& path, const GenerationRequest& wanted) {
    Existing existing;
    std::error_code error;
    if (!fs::exists(fs::symlink_status(path, error))) return existing;
    ImageFileRecord file;
    try {
        file = read_image_record(path, ImageCheck::Whole);  // a file copied in part is an error
    } catch (const Error& e) {
        existing.found = Found::Incomplete;
        existing.why = e.message();
        return existing;
    }
    if (!file.record) {
        existing.found = Found::Different;
        existing.why = "it has no generation parameters";
        return existing;
    }
    existing.why = difference(file.record->request, wanted);
    existing.found = existing.why.empty() ? Found::Complete : Found::Different;
    if (file.studio) existing.info = *file.studio;
    return existing;
}

#else

bool png_supported() {
    return false;
}

void write_image(const std::string& path, const Image8&, const ImageRecord&, const StudioInfo&,
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
