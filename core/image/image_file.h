// An image file with its record: the PNG that `lightning generate`, `lightning batch` and the
// app's gallery write, and that `lightning info`, `--from`, a re-run batch, the gallery and a
// dropped file read back (also other tools' PNGs: their metadata is read into the record, see
// core/request/foreign_metadata.h). Two text chunks carry the record (png_text.h names their keys):
//   kParametersKey  the generation parameters as A1111 writes them, through the one `parameters`
//                   codec (core/request/parameters.h), so other tools read them;
//   kStudioKey      a small JSON object of how the image came to be (StudioInfo below).
// This file is the only reader and writer of both, and of the record as a file carries it.
#pragma once
#include "core/image/png_text.h"  // kParametersKey, kStudioKey
#include "core/request/image8.h"
#include "core/request/parameters.h"
#include "core/util/atomic_file.h"  // IfExists

#include <optional>
#include <string>
#include <vector>

namespace lightning {

// The kStudioKey chunk: {"created":"2025-01-31T12:34:56.789Z","device":"cuda:0","favourite":true,
// "seconds":1.25}, keys in that order, "device" left out when empty and "favourite" unless true.
// A reader takes a field of another type as absent.
struct StudioInfo {
    double seconds = 0;      // generation time of this image
    std::string created;     // ISO 8601 UTC with milliseconds; "" when unknown
    std::string device;      // where it ran ("cpu", "cuda:0"); "" when unknown
    bool favourite = false;  // starred in the gallery

    bool operator==(const StudioInfo&) const = default;
};

// The chunk's text for `info`, and `text` read back (nullopt when it is no JSON object).
std::string format_studio_info(const StudioInfo& info);
std::optional<StudioInfo> parse_studio_info(const std::string& text);

// The record as a file carries it: written with the one codec and read back, so a record reads
// the same before and after a restart (e.g. the default schedule is recorded as "trailing").
ImageRecord as_written(const ImageRecord& record);

// What an image file says about itself.
struct ImageFileRecord {
    std::optional<std::string> parameters;  // the kParametersKey text as written; nullopt: none
    // It read back; else another tool's metadata read into it (core/request/foreign_metadata.h:
    // ComfyUI, InvokeAI, Fooocus); nullopt: none or no settings line.
    std::optional<ImageRecord> record;
    std::optional<StudioInfo> studio;  // the kStudioKey chunk; nullopt: none or not JSON
    // When `record` is another tool's: foreign_summary() ("Read from ComfyUI (prompt): Prompt,
    // ..."); "" otherwise.
    std::string foreign_summary;
    // Why another tool's entry could not be read, naming the file and the entry ("" if none);
    // `record` is then nullopt.
    std::string foreign_problem;
};

// How much of a file a reader checks.
enum class ImageCheck {
    // Every chunk's length and CRC and the IEND: a file copied in part is an error.
    Whole,
    // Only the framing and the text chunks; pixel data is skipped with seeks, so listing
    // thousands of large images stays fast. A file cut short is still an error.
    TextOnly,
};

// The record of the image file at `path` (no pixel decode). Throws lightning::Error naming the
// path when it cannot be read or is no whole PNG; a PNG without a record is no error.
ImageFileRecord read_image_record(const std::string& path, ImageCheck check = ImageCheck::Whole);

// The PNG bytes of `image` with the kParametersKey text of `record` and, when given, the
// kStudioKey chunk of `studio` (for standard output). `name` names the output in errors.
std::vector<unsigned char> encode_image_file(const Image8& image, const ImageRecord& record,
                                             const std::optional<StudioInfo>& studio,
                                             const std::string& name);

// encode_image_file() written to `path` atomically (core/util/atomic_file.h): readers see no
// partial file, and nothing partial is left on failure. IfExists::Refuse throws TargetExists
// when a file appeared at `path` meanwhile (it is left as it is). Returns as_written(record).
// Throws lightning::Error naming the path.
ImageRecord write_image_file(const std::string& path, const Image8& image,
                             const ImageRecord& record, const std::optional<StudioInfo>& studio,
                             IfExists if_exists);

// Stars or unstars the image at `path` in its kStudioKey chunk, rewritten atomically: pixels,
// other chunks and the chunk's fields this version does not know are kept. A file whose chunk
// is missing or no JSON object gets `fallback`'s. Throws lightning::Error naming the path (e.g.
// a read-only folder); the file is then as before.
void write_favourite_mark(const std::string& path, bool favourite, const StudioInfo& fallback);

}  // namespace lightning
