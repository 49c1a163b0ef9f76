// The gallery on disk: one PNG per image (pixels + A1111 `parameters` chunk + a small
// `lightning-studio` JSON chunk with timing), and index.json listing them newest first. The PNGs
// are the truth: a missing or corrupt index is rebuilt from them, and files added or removed
// behind the app's back are picked up on load.
#pragma once
#include "core/engine/parameters.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace lightning {
struct Image8;
}

namespace lightning::ui {

struct GalleryItem {
    QString file;                   // absolute path of the PNG
    lightning::ImageRecord record;  // what the PNG's `parameters` chunk says
    double seconds = 0;             // generation time of this image
    QDateTime created;              // UTC
    QString device;                 // where it ran ("cpu", "cuda:0"), when known
};

// The checkpoint an image was made with, for short descriptions: the UNet file's name, else the
// base model's.
QString checkpoint_name(const lightning::ImageRecord& record);

// The record as a PNG carries it: written with the one codec and read back, so an item reads
// the same before and after a restart (e.g. the default schedule is recorded as "trailing").
lightning::ImageRecord as_written(const lightning::ImageRecord& record);

inline constexpr const char* kParametersKey = "parameters";
inline constexpr const char* kStudioKey = "lightning-studio";
inline constexpr const char* kIndexFile = "index.json";

// Writes one image into `folder` (created if needed) under a new unique name, atomically, with
// its parameters chunks; returns the item with `file` filled in and `record` as_written().
// Thread-safe (the worker calls it). Throws lightning::Error naming the file on failure.
GalleryItem write_gallery_png(const QString& folder, const lightning::Image8& image,
                              GalleryItem item);

// Reads a PNG's chunks into an item; nullopt if it has no parseable `parameters` chunk.
// Throws lightning::Error when the file is not a readable PNG.
std::optional<GalleryItem> read_gallery_png(const QString& file);

class GalleryStore {
public:
    // Loads `folder`: index.json if valid, reconciled with the PNGs present; rebuilt from the
    // PNGs when missing or corrupt (then rewritten). Returns a note for the log ("" if none).
    QString open(const QString& folder);

    const QString& folder() const { return folder_; }
    const QList<GalleryItem>& items() const { return items_; }  // newest first
    int index_of(const QString& file) const;

    // Adds an item whose PNG already exists (from write_gallery_png) at the top.
    void add(const GalleryItem& item);
    // Deletes the PNG and drops the item. Returns false (and keeps the item) if the file stays.
    bool remove(const QString& file);

    QString index_path() const;

private:
    void save_index() const;
    bool read_index(QList<GalleryItem>& items) const;

    QString folder_;
    QList<GalleryItem> items_;
};

// Rebuilds a gallery listing from the PNGs in `folder` (newest first). PNGs without a
// parameters chunk are skipped; unreadable ones are reported in `skipped`.
QList<GalleryItem> scan_gallery_pngs(const QString& folder, QStringList* skipped = nullptr);

// Exports items to `target`: copies of the PNGs (chunks intact), gallery.json (every field) and
// index.html (a contact sheet). Returns the paths written. Throws lightning::Error on failure.
QStringList export_gallery(const QList<GalleryItem>& items, const QString& target);

// index.json / gallery.json form of an item, and back.
QJsonObject item_to_json(const GalleryItem& item, const QString& file_name);
std::optional<GalleryItem> item_from_json(const QJsonObject& object, const QString& folder);

}  // namespace lightning::ui
