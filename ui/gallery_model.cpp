#include "ui/gallery_model.h"

#include "core/util/error.h"
#include "core/util/log.h"
#include "ui/string_convert.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QSet>

#include <algorithm>

namespace lightning::ui {
namespace {

// Thrown from the progress callback to stop a load that nobody waits for any more.
struct LoadAbandoned {};

// Index writes wait this long for more changes: a batch of images is one write.
constexpr int kIndexWriteDelayMs = 1000;

}  // namespace

QString describe_item_settings(const GalleryItem& item) {
    const lightning::GenerationRequest& r = item.record.request;
    QString text =
        QStringLiteral("Seed %1 · %2 step%3").arg(r.seed).arg(r.steps).arg(r.steps == 1 ? "" : "s");
    if (const QString checkpoint = checkpoint_name(item.record); !checkpoint.isEmpty())
        text += QStringLiteral(" (%1)").arg(checkpoint);
    if (r.uses_guidance())
        text += QStringLiteral(" · CFG %1").arg(to_qstring(lightning::format_number(r.guidance)));
    text += QStringLiteral(" · %1×%2").arg(r.width).arg(r.height);
    if (item.seconds > 0) text += QStringLiteral(" · %1 s").arg(item.seconds, 0, 'f', 2);
    return text;
}

GalleryModel::GalleryModel(QObject* parent)
    : QAbstractListModel(parent),
      history_(new PromptHistory(this)),
      loader_(std::make_unique<ThumbnailLoader>()),
      thumbnails_(kThumbnailCacheKiB) {
    store_.set_deferred_index_writes(true);
    load_pool_.setMaxThreadCount(1);
    file_pool_.setMaxThreadCount(1);
    index_timer_.setSingleShot(true);
    index_timer_.setInterval(kIndexWriteDelayMs);
    connect(&index_timer_, &QTimer::timeout, this, &GalleryModel::write_index_in_background);
    connect(loader_.get(), &ThumbnailLoader::loaded, this, &GalleryModel::on_thumbnail);
}

GalleryModel::~GalleryModel() {
    if (load_cancelled_) *load_cancelled_ = true;
    loader_.reset();  // no thumbnail arrives during destruction
    flush();
    load_pool_.waitForDone();
}

void GalleryModel::flush() {
    index_timer_.stop();
    file_pool_.waitForDone();
    if (store_.index_outdated() && store_.problem().isEmpty() && !store_.folder().isEmpty()) {
        const QString error = write_gallery_index(store_.folder(), store_.kind(),
                                                  store_.take_index_snapshot(), store_.ignored());
        if (!error.isEmpty()) lightning::log().warn("Gallery index not saved: {}", to_std(error));
    }
}

QString GalleryModel::open(const QString& folder, GalleryFolder kind) {
    flush();
    ++open_generation_;
    if (load_cancelled_) *load_cancelled_ = true;
    loader_->clear();
    GalleryLoad loaded = load_gallery(folder, {}, kind);
    const QString note = loaded.note;
    finish_open(std::move(loaded));
    flush();
    return note;
}

void GalleryModel::open_async(const QString& folder, GalleryFolder kind) {
    flush();
    const int generation = ++open_generation_;
    if (load_cancelled_) *load_cancelled_ = true;
    load_cancelled_ = std::make_shared<std::atomic<bool>>(false);
    loader_->clear();
    beginResetModel();
    GalleryLoad empty;
    empty.folder = QDir(folder).absolutePath();
    empty.kind = kind;
    store_.adopt(empty);
    thumbnails_.clear();
    endResetModel();
    loading_ = true;

    QPointer<GalleryModel> self(this);
    auto cancelled = load_cancelled_;
    load_pool_.start([self, folder, kind, generation, cancelled] {
        const auto progress = [&](int done, int total) {
            if (*cancelled) throw LoadAbandoned{};
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, generation, done, total] {
                    if (self && self->open_generation_ == generation)
                        Q_EMIT self->loadProgress(done, total);
                },
                Qt::QueuedConnection);
        };
        GalleryLoad loaded;
        try {
            loaded = load_gallery(folder, progress, kind);
        } catch (const LoadAbandoned&) {
            return;
        }
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, generation, loaded = std::move(loaded)]() mutable {
                if (!self || self->open_generation_ != generation) return;
                const QString note = loaded.note;
                self->finish_open(std::move(loaded));
                Q_EMIT self->opened(note);
            },
            Qt::QueuedConnection);
    });
}

void GalleryModel::finish_open(GalleryLoad loaded) {
    // Images generated while the folder was read: the load may have seen their PNGs or not.
    const QList<GalleryItem> added_meanwhile = store_.items();
    beginResetModel();
    store_.adopt(std::move(loaded));
    for (const GalleryItem& item : added_meanwhile)
        if (QFileInfo(item.file).absolutePath() == store_.folder() &&
            store_.index_of(item.file) < 0)
            store_.insert(store_.position_for(item), item);
    loading_ = false;
    endResetModel();
    history_->reset_from(store_.items());
    // At once, not after the usual pause: a missing or stale index is worth replacing now.
    if (store_.index_outdated()) write_index_in_background();
    if (!store_.problem().isEmpty()) Q_EMIT problemOccurred(store_.problem());
}

int GalleryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(store_.items().size());
}

int GalleryModel::load_size() const {
    // Decoded in steps of 64 pixels, so small size changes reuse what is cached.
    return std::min(kMaxThumbnailSize, (thumbnail_size_ + 63) / 64 * 64);
}

QVariant GalleryModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= store_.items().size()) return {};
    const GalleryItem& item = store_.items().at(index.row());
    switch (role) {
        case Qt::DisplayRole:
            return to_qstring(item.record.request.prompt);
        case Qt::DecorationRole: {
            // Painting asks for the visible rows only: that is what makes loading lazy.
            const Thumbnail* cached = thumbnails_.object(item.file);
            const int wanted = load_size();
            if (!cached || cached->size < wanted) loader_->request(item.file, wanted);
            return cached ? QVariant(cached->image) : QVariant();
        }
        case Qt::AccessibleTextRole:  // what a screen reader says for the thumbnail
            return item.favourite ? tr("%1 (starred)").arg(to_qstring(item.record.request.prompt))
                                  : to_qstring(item.record.request.prompt);
        case Qt::AccessibleDescriptionRole:
            return to_qstring(lightning::format_parameters(item.record));
        case Qt::ToolTipRole:
            return (item.refused.isEmpty() ? QString() : item.refused + u'\n') +
                   to_qstring(lightning::format_parameters(item.record)) +
                   QStringLiteral("\nTime: %1 s").arg(item.seconds, 0, 'f', 2) +
                   QStringLiteral("\nFile: %1").arg(item.file);
        case FileRole:
            return item.file;
        case SettingsTextRole:
            return describe_item_settings(item);
        case NegativeRole:
            return to_qstring(item.record.request.negative_prompt.value_or(std::string()));
        case FavouriteRole:
            return item.favourite;
        case SeedRole:
            return QString::number(item.record.request.seed);
        case ParametersRole:
            return to_qstring(lightning::format_parameters(item.record));
        case RefusedRole:
            return item.refused;
        default:
            return {};
    }
}

void GalleryModel::on_thumbnail(const QString& file, int size, const QImage& thumbnail) {
    const int row = store_.index_of(file);
    if (row < 0) return;  // removed, or another folder opened meanwhile
    // A null image (unreadable file) is kept too, so it is not requested again and again.
    const auto cost = std::max<qsizetype>(1, thumbnail.sizeInBytes() / 1024);
    thumbnails_.insert(file, new Thumbnail{thumbnail, size}, cost);
    const QModelIndex changed = index(row);
    Q_EMIT dataChanged(changed, changed, {Qt::DecorationRole});
}

bool GalleryModel::thumbnail_ready(int row) const {
    if (row < 0 || row >= store_.items().size()) return false;
    const Thumbnail* cached = thumbnails_.object(store_.items().at(row).file);
    return cached && cached->size >= load_size();
}

void GalleryModel::set_thumbnail_size(int size) {
    thumbnail_size_ = std::clamp(size, kMinThumbnailSize, kMaxThumbnailSize);
}

void GalleryModel::add(const GalleryItem& item, const QImage& image) {
    beginInsertRows({}, 0, 0);
    store_.add(item);
    const QImage thumbnail = make_thumbnail(image, load_size());
    thumbnails_.insert(item.file, new Thumbnail{thumbnail, load_size()},
                       std::max<qsizetype>(1, thumbnail.sizeInBytes() / 1024));
    endInsertRows();
    history_->record(to_qstring(item.record.request.prompt));
    schedule_index_write();
}

bool GalleryModel::remove(int row) {
    if (row < 0 || row >= store_.items().size()) return false;
    file_pool_.waitForDone();  // no star rewrite recreates the file after it is gone
    const QString file = store_.items().at(row).file;
    // Delete the file first: if it stays (permissions), the row stays too.
    if (QFileInfo::exists(file) && !QFile::remove(file)) return false;
    beginRemoveRows({}, row, row);
    store_.forget(file);
    thumbnails_.remove(file);
    endRemoveRows();
    schedule_index_write();
    return true;
}

void GalleryModel::set_favourite(const QList<int>& rows, bool favourite) {
    QPointer<GalleryModel> self(this);
    for (int row : rows) {
        if (row < 0 || row >= store_.items().size()) continue;
        GalleryItem item = store_.items().at(row);
        if (item.favourite == favourite) continue;
        file_pool_.start([self, item, favourite]() mutable {
            QString error;
            try {
                write_favourite(item, favourite);
            } catch (const std::exception& failure) {
                error = to_qstring(failure.what());
            }
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, item, error] {
                    if (self) self->on_favourite_written(item, error);
                },
                Qt::QueuedConnection);
        });
    }
}

void GalleryModel::on_favourite_written(const GalleryItem& written, const QString& error) {
    const int row = store_.index_of(written.file);
    if (row < 0) return;  // trashed or another folder opened meanwhile
    if (!error.isEmpty()) {
        Q_EMIT problemOccurred(tr("The star could not be saved: %1").arg(error));
        return;
    }
    GalleryItem item = store_.items().at(row);
    item.favourite = written.favourite;
    item.file_size = written.file_size;
    item.modified_ms = written.modified_ms;
    store_.update(item);
    const QModelIndex changed = index(row);
    Q_EMIT dataChanged(changed, changed, {FavouriteRole});
    schedule_index_write();
}

TrashBatch GalleryModel::move_to_trash(QList<int> rows, QStringList* errors) {
    file_pool_.waitForDone();  // a star rewrite in flight would recreate a trashed file
    std::sort(rows.begin(), rows.end(), std::greater<int>());  // bottom up keeps rows valid
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    TrashBatch batch;
    for (int row : rows) {
        if (row < 0 || row >= store_.items().size()) continue;
        const QString file = store_.items().at(row).file;
        try {
            batch.files.prepend(lightning::ui::move_to_trash(file));
        } catch (const std::exception& error) {
            if (errors) *errors << to_qstring(error.what());
            continue;
        }
        beginRemoveRows({}, row, row);
        store_.forget(file);
        thumbnails_.remove(file);
        endRemoveRows();
    }
    if (!batch.files.isEmpty()) schedule_index_write();
    return batch;
}

int GalleryModel::restore(const TrashBatch& batch, QStringList* errors) {
    int restored = 0;
    for (const TrashedFile& trashed : batch.files) {
        try {
            restore_from_trash(trashed);
            auto item = read_gallery_png(trashed.original);
            if (!item || QFileInfo(trashed.original).absolutePath() != store_.folder()) continue;
            const int row = store_.position_for(*item);
            beginInsertRows({}, row, row);
            store_.insert(row, *item);
            endInsertRows();
            ++restored;
        } catch (const std::exception& error) {
            if (errors) *errors << to_qstring(error.what());
        }
    }
    if (restored > 0) schedule_index_write();
    return restored;
}

void GalleryModel::schedule_index_write() {
    if (!index_timer_.isActive()) index_timer_.start();
}

void GalleryModel::write_index_in_background() {
    if (!store_.index_outdated() || !store_.problem().isEmpty() || store_.folder().isEmpty())
        return;
    // The list is implicitly shared: the snapshot costs nothing until the GUI changes it.
    const QList<GalleryItem> items = store_.take_index_snapshot();
    const QHash<QString, QString> ignored = store_.ignored();
    const QString folder = store_.folder();
    const GalleryFolder kind = store_.kind();
    QPointer<GalleryModel> self(this);
    file_pool_.start([self, folder, kind, items, ignored] {
        const QString error = write_gallery_index(folder, kind, items, ignored);
        if (error.isEmpty()) return;
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, error] {
                if (!self || self->index_problem_reported_) return;
                self->index_problem_reported_ = true;  // once, not after every image
                Q_EMIT self->problemOccurred(
                    tr("The gallery index could not be saved (the images are safe; it is rebuilt "
                       "from them next time): %1")
                        .arg(error));
            },
            Qt::QueuedConnection);
    });
}

}  // namespace lightning::ui
