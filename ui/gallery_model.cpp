#include "ui/gallery_model.h"

#include "ui/string_convert.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QPointer>

namespace lightning::ui {

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

QImage make_thumbnail(const QImage& image, int size) {
    if (image.isNull()) return {};
    return image.scaled(size, size, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}

GalleryModel::GalleryModel(QObject* parent) : QAbstractListModel(parent) {
    pool_.setMaxThreadCount(1);  // thumbnails must not compete with generation for the cores
}

GalleryModel::~GalleryModel() {
    pool_.clear();
    pool_.waitForDone();
}

QString GalleryModel::open(const QString& folder) {
    beginResetModel();
    thumbnails_.clear();
    pending_.clear();
    const QString note = store_.open(folder);
    endResetModel();
    return note;
}

int GalleryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(store_.items().size());
}

QVariant GalleryModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= store_.items().size()) return {};
    const GalleryItem& item = store_.items().at(index.row());
    switch (role) {
        case Qt::DisplayRole:
            return to_qstring(item.record.request.prompt);
        case Qt::DecorationRole: {
            const auto found = thumbnails_.constFind(item.file);
            if (found != thumbnails_.constEnd()) return *found;
            request_thumbnail(item.file);
            return {};
        }
        case Qt::ToolTipRole:
            return to_qstring(lightning::format_parameters(item.record)) +
                   QStringLiteral("\nTime: %1 s").arg(item.seconds, 0, 'f', 2) +
                   QStringLiteral("\nFile: %1").arg(item.file);
        case FileRole:
            return item.file;
        case SettingsTextRole:
            return describe_item_settings(item);
        case NegativeRole:
            return to_qstring(item.record.request.negative_prompt.value_or(std::string()));
        default:
            return {};
    }
}

void GalleryModel::request_thumbnail(const QString& file) const {
    if (pending_.contains(file)) return;
    pending_.insert(file);
    QPointer<GalleryModel> self(const_cast<GalleryModel*>(this));
    pool_.start([self, file] {
        QImageReader reader(file);
        reader.setAutoTransform(true);
        const QImage thumbnail = make_thumbnail(reader.read(), kThumbnailSize);
        // Back to the GUI thread; the model may be gone by then.
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, file, thumbnail] {
                if (self) self->set_thumbnail(file, thumbnail);
            },
            Qt::QueuedConnection);
    });
}

void GalleryModel::set_thumbnail(const QString& file, const QImage& thumbnail) {
    pending_.remove(file);
    const int row = store_.index_of(file);
    if (row < 0) return;
    // A null image (unreadable file) is cached too, so it is not requested again and again.
    thumbnails_.insert(file, thumbnail);
    const QModelIndex changed = index(row);
    Q_EMIT dataChanged(changed, changed, {Qt::DecorationRole});
}

void GalleryModel::add(const GalleryItem& item, const QImage& image) {
    beginInsertRows({}, 0, 0);
    store_.add(item);
    thumbnails_.insert(item.file, make_thumbnail(image, kThumbnailSize));
    endInsertRows();
}

bool GalleryModel::remove(int row) {
    if (row < 0 || row >= store_.items().size()) return false;
    const QString file = store_.items().at(row).file;
    // Delete the file first: if it stays (permissions), the row stays too.
    if (QFileInfo::exists(file) && !QFile::remove(file)) return false;
    beginRemoveRows({}, row, row);
    store_.remove(file);
    thumbnails_.remove(file);
    endRemoveRows();
    return true;
}

}  // namespace lightning::ui
