// The gallery's index.json reader (ui/gallery_index.h) on arbitrary bytes: parse_gallery_index
// never throws; an index it trusts lists only files directly inside the gallery folder, under
// their own names, with valid creation times, and a record the limits refuse keeps no prompt.
#include "fuzz_support.h"
#include "ui/gallery_index.h"

#include <QFileInfo>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const QString folder = QStringLiteral("/gallery");
    std::optional<lightning::ui::GalleryIndexContents> index;
    try {
        index = lightning::ui::parse_gallery_index(
            std::string_view(reinterpret_cast<const char*>(data), size),
            QStringLiteral("/gallery/index.json"), folder);
    } catch (...) {
        fuzz::require(false, "parse_gallery_index never throws");
    }
    if (!index) return 0;
    for (auto it = index->items.cbegin(); it != index->items.cend(); ++it) {
        const QFileInfo file(it->file);
        fuzz::require(file.path() == folder, "items lie directly inside the gallery folder");
        fuzz::require(file.fileName() == it.key(), "items are listed under their file names");
        fuzz::require(it->created.isValid(), "items have a valid creation time");
        fuzz::require(it->refused.isEmpty() || it->record.request.prompt.empty(),
                      "a refused record keeps no prompt");
    }
    return 0;
}
