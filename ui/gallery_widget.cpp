#include "ui/gallery_widget.h"

#include "ui/image_viewer.h"
#include "ui/string_convert.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

namespace lightning::ui {
namespace {

constexpr int kPadding = 6;

}  // namespace

void GalleryDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                            const QModelIndex& index) const {
    QStyleOptionViewItem base = option;
    initStyleOption(&base, index);
    base.text.clear();
    base.icon = {};
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &base, painter, widget);  // selection/hover

    painter->save();
    const QRect box(option.rect.left() + kPadding, option.rect.top() + kPadding,
                    GalleryModel::kThumbnailSize, GalleryModel::kThumbnailSize);
    const QImage thumbnail = index.data(Qt::DecorationRole).value<QImage>();
    if (thumbnail.isNull()) {
        painter->fillRect(box, option.palette.color(QPalette::Midlight));
    } else {
        const QSize size = thumbnail.size().scaled(box.size(), Qt::KeepAspectRatio);
        const QRect target(box.left() + (box.width() - size.width()) / 2,
                           box.top() + (box.height() - size.height()) / 2, size.width(),
                           size.height());
        painter->drawImage(target, thumbnail);
    }

    const bool selected = option.state & QStyle::State_Selected;
    const QColor text_color =
        option.palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
    QRect text_rect =
        option.rect.adjusted(box.width() + 2 * kPadding, kPadding, -kPadding, -kPadding);
    const QFontMetrics metrics(option.font);
    const int line = metrics.lineSpacing();
    painter->setPen(text_color);
    QString prompt = index.data(Qt::DisplayRole).toString().simplified();
    if (prompt.isEmpty()) prompt = QObject::tr("(empty prompt)");
    const QRect prompt_rect(text_rect.topLeft(), QSize(text_rect.width(), 3 * line));
    painter->drawText(prompt_rect, Qt::TextWordWrap | Qt::AlignTop | Qt::AlignLeft,
                      metrics.elidedText(prompt, Qt::ElideRight, text_rect.width() * 3 - 20));
    int y = prompt_rect.bottom() + 2;
    QFont small = option.font;
    small.setPointSizeF(small.pointSizeF() * 0.9);
    painter->setFont(small);
    const QFontMetrics small_metrics(small);
    const QString negative = index.data(GalleryModel::NegativeRole).toString().simplified();
    if (!negative.isEmpty()) {
        painter->setPen(selected ? text_color : QColor(0xa0, 0x30, 0x30));
        painter->drawText(QRect(text_rect.left(), y, text_rect.width(), small_metrics.height()),
                          Qt::AlignLeft,
                          small_metrics.elidedText(QObject::tr("Negative: ") + negative,
                                                   Qt::ElideRight, text_rect.width()));
        y += small_metrics.lineSpacing();
    }
    painter->setPen(selected ? text_color : option.palette.color(QPalette::PlaceholderText));
    painter->drawText(QRect(text_rect.left(), y, text_rect.width(), 2 * small_metrics.height()),
                      Qt::TextWordWrap | Qt::AlignLeft,
                      index.data(GalleryModel::SettingsTextRole).toString());
    painter->restore();
}

QSize GalleryDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const {
    // As wide as the list (the text wraps and elides to fit), so rows fill the panel.
    int width = GalleryModel::kThumbnailSize + 240;
    if (const auto* view = qobject_cast<const QAbstractItemView*>(option.widget))
        width = std::max(GalleryModel::kThumbnailSize + 120, view->viewport()->width());
    return {width, GalleryModel::kThumbnailSize + 2 * kPadding};
}

GalleryWidget::GalleryWidget(QWidget* parent) : QWidget(parent) {
    model_ = new GalleryModel(this);
    view_ = new QListView(this);
    view_->setObjectName(QStringLiteral("galleryView"));
    view_->setModel(model_);
    view_->setItemDelegate(new GalleryDelegate(view_));
    view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view_->setUniformItemSizes(true);
    view_->setResizeMode(QListView::Adjust);  // re-layout (row width) when the panel resizes
    view_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    view_->setContextMenuPolicy(Qt::CustomContextMenu);
    view_->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    connect(view_, &QListView::customContextMenuRequested, this, &GalleryWidget::show_context_menu);
    connect(view_, &QListView::clicked, this, [this](const QModelIndex& index) {
        // A plain click opens the large view; Ctrl/Shift clicks only select.
        if (QApplication::keyboardModifiers() == Qt::NoModifier) open_viewer(index.row());
    });
    connect(view_, &QListView::activated, this,
            [this](const QModelIndex& index) { open_viewer(index.row()); });

    count_ = new QLabel(this);
    save_gallery_ = new QPushButton(tr("Save gallery…"), this);
    save_gallery_->setObjectName(QStringLiteral("saveGalleryButton"));
    save_gallery_->setToolTip(
        tr("Export the selected images (or all) with their parameters, a JSON list and an HTML "
           "contact sheet"));
    connect(save_gallery_, &QPushButton::clicked, this, &GalleryWidget::save_gallery_dialog);
    auto* open_folder = new QPushButton(tr("Open folder"), this);
    connect(open_folder, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(model_->folder())); });

    auto* bar = new QHBoxLayout;
    bar->addWidget(count_, 1);
    bar->addWidget(open_folder);
    bar->addWidget(save_gallery_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(view_, 1);

    connect(model_, &QAbstractItemModel::rowsInserted, this, &GalleryWidget::update_count);
    connect(model_, &QAbstractItemModel::rowsRemoved, this, &GalleryWidget::update_count);
    connect(model_, &QAbstractItemModel::modelReset, this, &GalleryWidget::update_count);
    update_count();
}

void GalleryWidget::update_count() {
    const int count = model_->rowCount();
    count_->setText(count == 1 ? tr("1 image") : tr("%1 images").arg(count));
    save_gallery_->setEnabled(count > 0);
}

QList<int> GalleryWidget::selected_rows() const {
    QList<int> rows;
    for (const QModelIndex& index : view_->selectionModel()->selectedIndexes()) rows << index.row();
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    return rows;
}

QString GalleryWidget::export_to(const QString& folder, bool selection_only) {
    QList<GalleryItem> items;
    const QList<int> rows = selection_only ? selected_rows() : QList<int>{};
    if (rows.isEmpty()) {
        items = model_->items();
    } else {
        for (int row : rows) items << model_->item(row);
    }
    try {
        export_gallery(items, folder);
        return tr("Saved %1 images with gallery.json and index.html to %2")
            .arg(items.size())
            .arg(QDir::toNativeSeparators(folder));
    } catch (const std::exception& error) {
        return tr("Saving the gallery failed: %1").arg(to_qstring(error.what()));
    }
}

void GalleryWidget::save_gallery_dialog() {
    const bool selection = !selected_rows().isEmpty();
    const QString folder = QFileDialog::getExistingDirectory(
        this, selection ? tr("Save selected images to") : tr("Save the whole gallery to"));
    if (folder.isEmpty()) return;
    const QString result = export_to(folder, selection);
    Q_EMIT message(result, result.startsWith(tr("Saving the gallery failed")));
}

void GalleryWidget::delete_rows(QList<int> rows) {
    std::sort(rows.begin(), rows.end(), std::greater<int>());  // bottom up keeps rows valid
    for (int row : rows) {
        const QString file = model_->item(row).file;
        if (!model_->remove(row))
            Q_EMIT message(tr("Could not delete %1").arg(QDir::toNativeSeparators(file)), true);
    }
}

void GalleryWidget::open_viewer(int row) {
    if (row < 0 || row >= model_->rowCount()) return;
    if (!viewer_) viewer_ = new ImageViewer(this);
    const GalleryItem& item = model_->item(row);
    viewer_->show_image(item.file, to_qstring(lightning::format_parameters(item.record)) +
                                       tr("\nTime: %1 s").arg(item.seconds, 0, 'f', 2));
}

void GalleryWidget::save_as(int row) {
    const GalleryItem& item = model_->item(row);
    const QString target = QFileDialog::getSaveFileName(
        this, tr("Save image as"), QFileInfo(item.file).fileName(), tr("PNG image (*.png)"));
    if (target.isEmpty()) return;
    // A byte copy keeps the parameters chunks (re-encoding through QImage would drop them).
    QFile::remove(target);
    if (!QFile::copy(item.file, target))
        Q_EMIT message(tr("Could not save %1").arg(QDir::toNativeSeparators(target)), true);
}

void GalleryWidget::show_context_menu(const QPoint& position) {
    const QModelIndex index = view_->indexAt(position);
    if (!index.isValid()) return;
    if (!view_->selectionModel()->isSelected(index))
        view_->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect);
    const int row = index.row();
    const GalleryItem item = model_->item(row);

    QMenu menu(this);
    menu.addAction(tr("Open"), this, [this, row] { open_viewer(row); });
    menu.addAction(tr("Save as…"), this, [this, row] { save_as(row); });
    menu.addAction(tr("Copy image"), this,
                   [item] { QApplication::clipboard()->setImage(QImageReader(item.file).read()); });
    menu.addAction(tr("Copy prompt"), this, [item] {
        QApplication::clipboard()->setText(to_qstring(item.record.request.prompt));
    });
    menu.addAction(tr("Copy parameters"), this, [item] {
        QApplication::clipboard()->setText(to_qstring(lightning::format_parameters(item.record)));
    });
    menu.addSeparator();
    menu.addAction(tr("Reuse parameters"), this,
                   [this, item] { Q_EMIT reuseRequested(item.record.request); });
    menu.addAction(tr("Regenerate with this seed"), this,
                   [this, item] { Q_EMIT regenerateRequested(item.record.request); });
    menu.addSeparator();
    menu.addAction(tr("Show in folder"), this, [item] {
        QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(item.file).absolutePath()));
    });
    menu.addAction(tr("Delete…"), this, [this] {
        const QList<int> rows = selected_rows();
        if (rows.isEmpty()) return;
        const auto answer = QMessageBox::question(
            this, tr("Delete images"),
            rows.size() == 1 ? tr("Delete this image from the disk?")
                             : tr("Delete these %1 images from the disk?").arg(rows.size()));
        if (answer == QMessageBox::Yes) delete_rows(rows);
    });
    menu.exec(view_->viewport()->mapToGlobal(position));
}

}  // namespace lightning::ui
