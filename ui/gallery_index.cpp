#include "ui/gallery_index.h"

#include "core/request/limits.h"
#include "core/request/request_json.h"
#include "core/util/bounded_json.h"
#include "core/util/error.h"
#include "ui/string_convert.h"

#include <QDir>
#include <QFileInfo>

#include <nlohmann/json.hpp>

#include <limits>
#include <stdexcept>

namespace lightning::ui {

QString record_refusal(const lightning::ImageRecord& record) {
    const lightning::GenerationRequest& request = record.request;
    try {
        lightning::limits::validate_prompt_text("prompt", request.prompt);
        if (request.negative_prompt)
            lightning::limits::validate_prompt_text("negative prompt", *request.negative_prompt);
    } catch (const lightning::Error& error) {
        return to_qstring(error.where() + " " + error.message());
    }
    return {};
}

void apply_limits(GalleryItem& item) {
    if (item.refused.isEmpty()) item.refused = record_refusal(item.record);
    if (item.refused.isEmpty()) return;
    item.record.request.prompt.clear();
    item.record.request.negative_prompt.reset();
}

namespace {

// The item's record: its JSON form, or the parameters text of a version 2 index.
std::optional<lightning::ImageRecord> record_of_entry(const nlohmann::json& object) {
    if (const auto record = object.find("record"); record != object.end())
        return lightning::record_from_json(*record);
    if (const auto text = object.find("parameters"); text != object.end() && text->is_string())
        return lightning::parse_parameters(text->get<std::string>());
    return std::nullopt;
}

// An integer field, `absent` when missing; any other value makes the entry invalid. Checked
// first because nlohmann's get<qint64>() (and value()) of a float out of range ("mtime": 1e32) is
// undefined behaviour (found by fuzz_gallery_index).
qint64 integer_or(const nlohmann::json& object, const char* key, qint64 absent) {
    const auto found = object.find(key);
    if (found == object.end()) return absent;
    const bool fits = found->is_number_unsigned()
                          ? found->get<uint64_t>() <= uint64_t(std::numeric_limits<qint64>::max())
                          : found->is_number_integer();
    if (!fits) throw std::invalid_argument(std::string(key) + ": not a whole number");
    return found->get<qint64>();
}

QString string_or_empty(const nlohmann::json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? to_qstring(found->get<std::string>())
                                                       : QString();
}

}  // namespace

std::optional<GalleryItem> item_from_json(const nlohmann::json& object, const QString& folder) {
    if (!object.is_object()) return std::nullopt;
    const QString file_name = string_or_empty(object, "file");
    // Only plain names inside the gallery folder: an index must not point elsewhere.
    if (file_name.isEmpty() || file_name.contains(u'/') || file_name.contains(u'\\'))
        return std::nullopt;
    GalleryItem item;
    try {
        auto record = record_of_entry(object);
        if (!record) return std::nullopt;
        item.record = std::move(*record);
        item.seconds = object.value("seconds", 0.0);
        item.favourite = object.value("favourite", false);
        item.file_size = integer_or(object, "size", -1);
        item.modified_ms = integer_or(object, "mtime", -1);
    } catch (const std::exception&) {  // lightning::Error, or a value of the wrong JSON type
        return std::nullopt;
    }
    item.file = QDir(folder).filePath(file_name);
    item.created = QDateTime::fromString(string_or_empty(object, "created"), Qt::ISODateWithMs);
    item.device = string_or_empty(object, "device");
    item.refused = string_or_empty(object, "refused");
    if (!item.created.isValid()) return std::nullopt;
    apply_limits(item);
    return item;
}

std::optional<GalleryIndexContents> parse_gallery_index(std::string_view bytes, const QString& path,
                                                        const QString& folder) {
    nlohmann::json doc;
    try {
        doc = lightning::parse_bounded_json(bytes, to_std(path), "gallery index");
    } catch (const lightning::Error&) {
        return std::nullopt;
    }
    if (!doc.is_object()) return std::nullopt;
    if (const auto owner = doc.find(kIndexFolderKey);
        owner != doc.end() &&
        !(owner->is_string() && to_qstring(owner->get<std::string>()) == folder))
        return std::nullopt;
    const auto list = doc.find("items");
    if (list == doc.end() || !list->is_array()) return std::nullopt;
    GalleryIndexContents index;
    for (const auto& value : *list) {
        auto item = item_from_json(value, folder);
        if (!item) return std::nullopt;  // one bad entry: trust none of it, rebuild from the PNGs
        index.items.insert(QFileInfo(item->file).fileName(), std::move(*item));
    }
    const auto version = doc.find("version");
    const bool ignored_trusted = version != doc.end() && version->is_number_integer() &&
                                 version->get<int64_t>() >= kIndexVersion;
    if (const auto ignored = doc.find("ignored");
        ignored_trusted && ignored != doc.end() && ignored->is_object())
        for (const auto& [name, stamp] : ignored->items())
            if (stamp.is_string())
                index.ignored.insert(to_qstring(name), to_qstring(stamp.get<std::string>()));
    return index;
}

}  // namespace lightning::ui
