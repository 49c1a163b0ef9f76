// List model over the gallery (newest first), built for thousands of images: the folder is read
// on a worker thread (open_async), thumbnails are decoded lazily off the GUI thread for the rows
// painted and kept in a bounded cache, and index.json is written in the background, coalesced.
// Stars are written into the PNGs, deletions go to the desktop trash and can be undone.
#pragma once
#include "ui/gallery_store.h"
#include "ui/prompt_history.h"
#include "ui/thumbnail_loader.h"
#include "ui/trash.h"

#include <QAbstractListModel>
#include <QCache>
#include <QImage>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <memory>

namespace lightning::ui {

// Text shown under/next to a thumbnail: "Seed 42 · 4 steps (sdxl_lightning_4step_unet) · …".
QString describe_item_settings(const GalleryItem& item);

// What one "delete" moved to the trash, for its undo.
struct TrashBatch {
    QList<TrashedFile> files;
};

class GalleryModel : public QAbstractListModel {
    Q_OBJECT
public:
    static constexpr int kMinThumbnailSize = 64;
    static constexpr int kMaxThumbnailSize = 320;
    static constexpr int kDefaultThumbnailSize = 128;
    // Decoded thumbnails kept: enough for several screens of the largest size.
    static constexpr int kThumbnailCacheKiB = 96 * 1024;
    enum Role {
        FileRole = Qt::UserRole + 1,
        SettingsTextRole,
        NegativeRole,
        FavouriteRole,
        SeedRole,
        ParametersRole,
        RefusedRole,  // GalleryItem::refused
    };

    explicit GalleryModel(QObject* parent = nullptr);
    ~GalleryModel() override;  // writes a pending index, waits for file work in flight

    // Opens the gallery folder on this thread (see GalleryStore::open); returns its log note.
    QString open(const QString& folder, GalleryFolder kind = GalleryFolder::Own);
    // Opens it on a worker thread: the model is empty (loading() true) until opened() follows.
    // Images added meanwhile are kept.
    void open_async(const QString& folder, GalleryFolder kind = GalleryFolder::Own);
    bool loading() const { return loading_; }
    const QString& folder() const { return store_.folder(); }
    GalleryFolder kind() const { return store_.kind(); }
    // Why images cannot be saved in this folder ("" when they can).
    const QString& problem() const { return store_.problem(); }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;

    const GalleryItem& item(int row) const { return store_.items().at(row); }
    const QList<GalleryItem>& items() const { return store_.items(); }
    int row_of(const QString& file) const { return store_.index_of(file); }

    // A freshly generated image (its PNG already written): goes on top; `image` makes the
    // thumbnail without reading the file back.
    void add(const GalleryItem& item, const QImage& image);
    bool remove(int row);  // deletes the PNG for good

    // Stars or unstars rows: written into each PNG on a worker thread; the rows change when the
    // file is written (a failure is reported through problemOccurred()).
    void set_favourite(const QList<int>& rows, bool favourite);
    // Moves the rows' PNGs to the desktop trash; `errors` gets one line per file that stays.
    TrashBatch move_to_trash(QList<int> rows, QStringList* errors = nullptr);
    // Undoes move_to_trash(): the files come back with their stars. Returns how many did.
    int restore(const TrashBatch& batch, QStringList* errors = nullptr);

    // The size thumbnails are shown at (the grid's); they are decoded at least that large.
    void set_thumbnail_size(int size);
    int thumbnail_size() const { return thumbnail_size_; }
    int cached_thumbnails() const { return thumbnails_.count(); }
    // Whether the row's thumbnail is decoded at the current size (does not ask for it).
    bool thumbnail_ready(int row) const;
    int thumbnails_waiting() const { return loader_->waiting(); }
    int thumbnails_decoded() const { return loader_->decoded(); }

    PromptHistory* prompt_history() const { return history_; }

    // Writes the index now if it is outdated and waits for every file write (stars, index).
    void flush();

Q_SIGNALS:
    // open_async() finished; `note` as open() returns it.
    void opened(QString note);
    // While open_async() reads PNGs that the index does not describe.
    void loadProgress(int done, int total);
    // Something the user should know (a star not saved, the index not writable, ...).
    void problemOccurred(QString text);

private:
    void finish_open(GalleryLoad loaded);
    void on_thumbnail(const QString& file, int size, const QImage& thumbnail);
    void on_favourite_written(const GalleryItem& written, const QString& error);
    void schedule_index_write();
    void write_index_in_background();
    int load_size() const;

    struct Thumbnail {
        QImage image;
        int size = 0;  // the size it was decoded for
    };

    GalleryStore store_;
    PromptHistory* history_;
    std::unique_ptr<ThumbnailLoader> loader_;
    mutable QCache<QString, Thumbnail> thumbnails_;
    int thumbnail_size_ = kDefaultThumbnailSize;
    bool loading_ = false;
    int open_generation_ = 0;
    std::shared_ptr<std::atomic<bool>> load_cancelled_;
    QTimer index_timer_;
    bool index_problem_reported_ = false;
    QThreadPool load_pool_;  // open_async()
    QThreadPool file_pool_;  // one thread: star rewrites and index writes, in order
};

}  // namespace lightning::ui
