// List model over the gallery (newest first) with thumbnails loaded off the GUI thread.
#pragma once
#include "ui/gallery_store.h"

#include <QAbstractListModel>
#include <QHash>
#include <QImage>
#include <QSet>
#include <QThreadPool>

namespace lightning::ui {

// Text shown under/next to a thumbnail: "Seed 42 · 4 steps (sdxl_lightning_4step_unet) · …".
QString describe_item_settings(const GalleryItem& item);

class GalleryModel : public QAbstractListModel {
    Q_OBJECT
public:
    static constexpr int kThumbnailSize = 128;
    enum Role { FileRole = Qt::UserRole + 1, SettingsTextRole, NegativeRole };

    explicit GalleryModel(QObject* parent = nullptr);
    ~GalleryModel() override;  // waits for thumbnail loads in flight

    // Opens the gallery folder (see GalleryStore::open); returns its log note.
    QString open(const QString& folder);
    const QString& folder() const { return store_.folder(); }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;

    const GalleryItem& item(int row) const { return store_.items().at(row); }
    const QList<GalleryItem>& items() const { return store_.items(); }

    // A freshly generated image (its PNG already written): goes on top; `image` makes the
    // thumbnail without reading the file back.
    void add(const GalleryItem& item, const QImage& image);
    bool remove(int row);  // deletes the PNG

private:
    void request_thumbnail(const QString& file) const;
    void set_thumbnail(const QString& file, const QImage& thumbnail);

    GalleryStore store_;
    mutable QHash<QString, QImage> thumbnails_;
    mutable QSet<QString> pending_;
    mutable QThreadPool pool_;
};

QImage make_thumbnail(const QImage& image, int size);

}  // namespace lightning::ui
