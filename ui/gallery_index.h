// The gallery's index (index.json, or a foreign folder's index in the app's cache) read from its
// bytes, and the limits applied to every item read. Qt Core, the request JSON and the limits
// table only (no pixels, OpenImageIO or torch): gallery_store.cpp reads the file, and the fuzz
// target fuzz/fuzz_gallery_index.cpp feeds it arbitrary bytes. The JSON goes through
// parse_bounded_json (core/util/bounded_json.h).
#pragma once
#include "ui/gallery_store.h"

#include <QHash>
#include <QString>

#include <optional>
#include <string_view>

namespace lightning::ui {

// What an index holds: its items by file name, and the PNGs without parameters (name -> file
// stamp) that need not be read again.
struct GalleryIndexContents {
    QHash<QString, GalleryItem> items;
    QHash<QString, QString> ignored;
};

// The index format written. 3: the record in its JSON form (version 2 kept it as parameters
// text, beside copies of the prompt, seed and sizes that nothing read). 4: PNGs of other tools
// (ComfyUI, InvokeAI, Fooocus) have a record from their own metadata, so the "ignored" list of an
// older index, made when they had none, is not trusted: those PNGs are read again.
inline constexpr int kIndexVersion = 4;

// The key that names a foreign folder's index in the cache, also stored inside it, so an index
// is never taken for another folder's.
inline constexpr const char* kIndexFolderKey = "folder";

// The index of `folder` (kept at `path`) from its bytes; nullopt when it cannot be trusted as a
// whole (not JSON, nested too deep, another folder's, any entry broken): the caller then
// rebuilds it from the PNGs. Never throws.
std::optional<GalleryIndexContents> parse_gallery_index(std::string_view bytes, const QString& path,
                                                        const QString& folder);

// A record the limits table refuses (record_refusal) keeps no prompt texts, so no caption,
// tooltip or history lays out (or echoes) what failed validation; `refused` says why.
void apply_limits(GalleryItem& item);

}  // namespace lightning::ui
