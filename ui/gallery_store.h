// The gallery on disk: one PNG per image (pixels + A1111 `parameters` chunk + a small
// `lightning-studio` JSON chunk with timing and the favourite mark), and index.json listing them
// newest first. The PNGs are the truth: a missing or corrupt index is rebuilt from them, files
// added, changed (size or time stamp) or removed behind the app's back are picked up on load, and
// temporaries left by a writer of the app killed mid-write are removed. Only the app's own
// gallery folder is written to on opening; any other folder keeps its index in the app's cache.
#pragma once
#include "core/request/parameters.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <nlohmann/json_fwd.hpp>

#include <functional>
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
    bool favourite = false;         // starred; kept in the PNG's `lightning-studio` chunk
    // The file's size and modification time when it was last read or written: an index entry
    // whose stamp no longer matches the file is read again from the PNG.
    qint64 file_size = -1;
    qint64 modified_ms = -1;
    // Why the PNG's parameters are not used ("prompt is 15000000 bytes long; at most 20000 are
    // accepted"), "" when they are. A refused record keeps no prompt texts: nothing shows them.
    QString refused;
};

// Why the app does not use `record`: a prompt or negative prompt the limits table refuses (too
// long, not UTF-8, a NUL byte), as the CLI refuses it. "" when it is usable.
QString record_refusal(const lightning::ImageRecord& record);
// The user's message for a refused PNG: names the file and what broke the limit.
QString refusal_message(const QString& file, const QString& refusal);

// Whose folder a gallery is. The app's own gallery folder (the output folder of Settings) keeps
// its index.json inside and is tidied (temporaries of a killed save removed). Any other folder
// opened as a gallery (a `lightning batch` output, possibly still written by shards on other
// machines; a folder of downloads) gets nothing written into it nor removed from it: its index
// is kept in the app's cache folder.
enum class GalleryFolder { Own, Foreign };

// Where the index of `folder` is kept: `folder`/index.json for its own gallery, else
// app_cache_dir()/galleries/<hash of the absolute path>.json (core/util/app_cache.h).
QString gallery_index_path(const QString& folder, GalleryFolder kind);

// The checkpoint an image was made with, for short descriptions: the UNet file's name, else the
// base model's.
QString checkpoint_name(const lightning::ImageRecord& record);

inline constexpr const char* kIndexFile = "index.json";

// Writes one image into `folder` (created if needed) under a new unique name, atomically, with
// its record (core/image/image_file.h); returns the item with `file` filled in and `record`
// as_written().
// Thread-safe (the worker calls it). Throws lightning::Error naming the file, with the system's
// reason (e.g. "No space left on device"), on failure; nothing partial is left behind.
GalleryItem write_gallery_png(const QString& folder, const lightning::Image8& image,
                              GalleryItem item);

// Reads a PNG's chunks into an item; nullopt if it has no parseable `parameters` chunk.
// Throws lightning::Error when the file is not a readable PNG.
std::optional<GalleryItem> read_gallery_png(const QString& file);

// Stars or unstars the image in its PNG (the `lightning-studio` chunk, rewritten atomically;
// pixels and other chunks untouched) and updates `item` (favourite, file stamp). Throws
// lightning::Error naming the file (e.g. a read-only folder); then the PNG and `item` are as
// before.
void write_favourite(GalleryItem& item, bool favourite);

// Everything a gallery folder holds, as read by load_gallery(): no GUI, safe on any thread.
struct GalleryLoad {
    QString folder;  // absolute
    GalleryFolder kind = GalleryFolder::Own;
    QList<GalleryItem> items;         // newest first
    QString note;                     // for the log: rebuilt, skipped files, removed temporaries
    QString problem;                  // for the user: why the folder cannot be written ("" if ok)
    bool index_outdated = false;      // index.json should be written again
    QHash<QString, QString> ignored;  // PNGs without parameters: name -> file stamp
};

// Reads `folder`: the index where its stamps match the PNGs, the rest from the PNGs. Its own
// gallery folder is created if missing, has abandoned AtomicFile temporaries removed and is
// probed for whether it can be written; a foreign one is only read.
// `progress`, when given, is called with (files read, files to read) while PNGs are read.
GalleryLoad load_gallery(const QString& folder, const std::function<void(int, int)>& progress = {},
                         GalleryFolder kind = GalleryFolder::Own);

// Writes the index of `folder` (gallery_index_path()) for `items` atomically. Returns "" or the
// reason it failed.
QString write_gallery_index(const QString& folder, GalleryFolder kind,
                            const QList<GalleryItem>& items,
                            const QHash<QString, QString>& ignored = {});

class GalleryStore {
public:
    // Loads `folder` (see load_gallery()) and writes the index when it was missing, corrupt or
    // out of date. Returns a note for the log ("" if none).
    QString open(const QString& folder, GalleryFolder kind = GalleryFolder::Own);
    // Takes over a load made elsewhere (e.g. on a worker thread); does not write the index.
    void adopt(GalleryLoad loaded);

    const QString& folder() const { return folder_; }
    GalleryFolder kind() const { return kind_; }
    const QList<GalleryItem>& items() const { return items_; }  // newest first
    int index_of(const QString& file) const;
    // Why new images cannot be saved in this folder ("" when they can).
    const QString& problem() const { return problem_; }

    // Adds an item whose PNG already exists (from write_gallery_png) at the top.
    void add(const GalleryItem& item);
    // The row an item belongs at by creation time (newest first), and inserting it there.
    int position_for(const GalleryItem& item) const;
    void insert(int row, const GalleryItem& item);
    // Replaces the item of the same file (e.g. after its PNG was rewritten).
    void update(const GalleryItem& item);
    // Deletes the PNG and drops the item. Returns false (and keeps the item) if the file stays.
    bool remove(const QString& file);
    // Drops the item without touching its file (moved to the trash by the caller).
    void forget(const QString& file);
    // write_favourite() for the item of `file`. Throws lightning::Error.
    void set_favourite(const QString& file, bool favourite);

    QString index_path() const;
    // By default every change writes index.json at once. Deferred: changes only mark it
    // outdated, and the owner writes it (GalleryModel does so off the GUI thread, coalesced).
    void set_deferred_index_writes(bool deferred) { deferred_ = deferred; }
    bool index_outdated() const { return index_outdated_; }
    // Marks the index written; returns what to write.
    QList<GalleryItem> take_index_snapshot();
    const QHash<QString, QString>& ignored() const { return ignored_; }
    // The last index write's failure ("" when it worked).
    const QString& index_error() const { return index_error_; }

private:
    void changed();
    void rebuild_rows() const;

    QString folder_;
    GalleryFolder kind_ = GalleryFolder::Own;
    QList<GalleryItem> items_;
    QHash<QString, QString> ignored_;
    QString problem_;
    QString index_error_;
    bool deferred_ = false;
    bool index_outdated_ = false;
    mutable QHash<QString, int> rows_;  // file -> row, rebuilt after changes
    mutable bool rows_valid_ = false;
};

// Rebuilds a gallery listing from the PNGs in `folder` (newest first). PNGs without a
// parameters chunk are skipped; unreadable ones are reported in `skipped`.
QList<GalleryItem> scan_gallery_pngs(const QString& folder, QStringList* skipped = nullptr);

// Exports items to `target`: copies of the PNGs (chunks intact), gallery.json (every field) and
// index.html (a contact sheet). Returns the paths written. Throws lightning::Error on failure.
QStringList export_gallery(const QList<GalleryItem>& items, const QString& target);

// index.json / gallery.json form of an item, and back: {"file": name, "record": the record's one
// JSON form (core/request/request_json.h: request, files, sampler, unknown keys), "seconds",
// "created", and where known "device", "favourite", "size" and "mtime" (the file stamp),
// "refused"}. Entries of earlier indexes (the record as "parameters" text) read too; nullopt for
// an entry that cannot be read or names a file outside `folder`.
nlohmann::json item_to_json(const GalleryItem& item, const QString& file_name);
std::optional<GalleryItem> item_from_json(const nlohmann::json& object, const QString& folder);

}  // namespace lightning::ui
