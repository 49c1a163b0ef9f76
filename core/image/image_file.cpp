#include "core/image/image_file.h"

#include "core/image/png.h"
#include "core/image/png_text_edit.h"
#include "core/request/foreign_metadata.h"
#include "core/util/bounded_json.h"

#include <nlohmann/json.hpp>

namespace lightning {
namespace {

nlohmann::json studio_json(const StudioInfo& info) {
    nlohmann::json object = {{"seconds", info.seconds}, {"created", info.created}};
    if (!info.device.empty()) object["device"] = info.device;
    if (info.favourite) object["favourite"] = true;
    return object;
}

// Compact, keys sorted (nlohmann's std::map), as the chunk has always been written. Text that
// is not UTF-8 (not from a parsed chunk, which is checked) becomes U+FFFD rather than an error.
std::string chunk_text(const nlohmann::json& object) {
    return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The chunk as a JSON object; nullopt when it is malformed, too deep or of another type.
std::optional<nlohmann::json> studio_object(const std::string& text) {
    try {
        nlohmann::json parsed = parse_bounded_json(text, kStudioKey, "the chunk");
        if (parsed.is_object()) return parsed;
    } catch (const Error&) {
    }
    return std::nullopt;
}

PngText record_text(const ImageRecord& record, const std::optional<StudioInfo>& studio) {
    PngText text;
    text.entries[kParametersKey] = format_parameters(record);
    if (studio) text.entries[kStudioKey] = format_studio_info(*studio);
    return text;
}

// Another tool's metadata (core/request/foreign_metadata.h) when the file has no A1111 text: an
// entry that cannot be read is no error of the file, which stays an image.
void read_foreign_record(const std::string& path, const PngText& text, ImageFileRecord& file) {
    try {
        if (auto foreign = read_foreign_metadata(text.entries)) {
            file.foreign_summary = foreign_summary(*foreign);
            file.record = std::move(foreign->record);
        }
    } catch (const Error& error) {
        file.foreign_problem = path + ": " + error.what();
    }
}

}  // namespace

std::string format_studio_info(const StudioInfo& info) {
    return chunk_text(studio_json(info));
}

std::optional<StudioInfo> parse_studio_info(const std::string& text) {
    const auto object = studio_object(text);
    if (!object) return std::nullopt;
    StudioInfo info;
    if (const auto it = object->find("seconds"); it != object->end() && it->is_number())
        info.seconds = it->get<double>();
    if (const auto it = object->find("created"); it != object->end() && it->is_string())
        info.created = it->get<std::string>();
    if (const auto it = object->find("device"); it != object->end() && it->is_string())
        info.device = it->get<std::string>();
    if (const auto it = object->find("favourite"); it != object->end() && it->is_boolean())
        info.favourite = it->get<bool>();
    return info;
}

ImageRecord as_written(const ImageRecord& record) {
    return parse_parameters(format_parameters(record)).value_or(record);
}

ImageFileRecord read_image_record(const std::string& path, ImageCheck check) {
    TextKeys keys = generation_keys();
    for (const auto& key : foreign_metadata_keys()) keys.names.insert(key);
    const PngText text =
        check == ImageCheck::Whole ? read_png_text(path, keys) : read_png_text_fast(path, keys);
    ImageFileRecord file;
    if (const auto found = text.entries.find(kParametersKey); found != text.entries.end()) {
        file.parameters = found->second;
        file.record = parse_parameters(found->second);
    }
    if (!file.record) read_foreign_record(path, text, file);
    if (const auto found = text.entries.find(kStudioKey); found != text.entries.end())
        file.studio = parse_studio_info(found->second);
    return file;
}

std::vector<unsigned char> encode_image_file(const Image8& image, const ImageRecord& record,
                                             const std::optional<StudioInfo>& studio,
                                             const std::string& name) {
    return encode_png(image, record_text(record, studio), name);
}

ImageRecord write_image_file(const std::string& path, const Image8& image,
                             const ImageRecord& record, const std::optional<StudioInfo>& studio,
                             IfExists if_exists) {
    write_png(path, image, record_text(record, studio), if_exists);
    return as_written(record);
}

void write_favourite_mark(const std::string& path, bool favourite, const StudioInfo& fallback) {
    // The chunk as the file has it now, so fields this version does not know are kept.
    const PngText text = read_png_text_fast(path);
    const auto found = text.entries.find(kStudioKey);
    nlohmann::json object = studio_json(fallback);
    if (found != text.entries.end())
        object = studio_object(found->second).value_or(std::move(object));
    if (favourite)
        object["favourite"] = true;
    else
        object.erase("favourite");
    PngText update;
    update.entries[kStudioKey] = chunk_text(object);
    rewrite_png_text(path, update);
}

}  // namespace lightning
