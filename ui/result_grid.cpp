#include "ui/result_grid.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace lightning::ui {
namespace {

constexpr int kRenderedRole = Qt::UserRole + 1;

// The image scaled into a square icon, letterboxed; small renders are enlarged without blur.
QPixmap tile_pixmap(const QImage& image, int side, const QColor& background) {
    QPixmap pixmap(side, side);
    pixmap.fill(background);
    if (image.isNull()) return pixmap;
    const QSize size = image.size().scaled(side, side, Qt::KeepAspectRatio);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, size.width() < image.width());
    painter.drawImage(
        QRect((side - size.width()) / 2, (side - size.height()) / 2, size.width(), size.height()),
        image);
    return pixmap;
}

}  // namespace

ResultGrid::ResultGrid(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("resultGrid"));
    title_ = new QLabel(this);
    title_->setObjectName(QStringLiteral("resultGridTitle"));
    title_->setWordWrap(true);
    view_ = new QListWidget(this);
    view_->setObjectName(QStringLiteral("resultGridView"));
    view_->setViewMode(QListView::IconMode);
    view_->setMovement(QListView::Static);
    view_->setResizeMode(QListView::Adjust);
    view_->setWrapping(true);
    view_->setUniformItemSizes(true);
    view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view_->setSpacing(6);
    view_->setWordWrap(true);  // "8 steps · 12.34 s · ✓ kept" takes two lines on small tiles
    // The tiles follow the viewport's size, which changes after this widget's own resize.
    view_->viewport()->installEventFilter(this);
    view_->setToolTip(
        tr("Arrow keys choose, Enter or a double-click keeps the image in the "
           "gallery; Ctrl/Shift select several"));
    connect(view_, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { keep({view_->row(item)}); });

    keep_selected_ = new QPushButton(tr("&Keep selected"), this);
    keep_selected_->setObjectName(QStringLiteral("keepSelectedButton"));
    keep_selected_->setToolTip(tr("Save the selected images to the gallery (Ctrl+S)"));
    connect(keep_selected_, &QPushButton::clicked, this, &ResultGrid::keep_selected);
    keep_all_ = new QPushButton(tr("Keep &all"), this);
    keep_all_->setObjectName(QStringLiteral("keepAllButton"));
    keep_all_->setToolTip(tr("Save every finished image of this set to the gallery"));
    connect(keep_all_, &QPushButton::clicked, this, &ResultGrid::keep_all);
    auto* close = new QPushButton(tr("&Back to preview"), this);
    close->setObjectName(QStringLiteral("closeGridButton"));
    close->setToolTip(
        tr("Show the preview again; images not kept are discarded with the next set"));
    connect(close, &QPushButton::clicked, this, &ResultGrid::closeRequested);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(keep_selected_);
    buttons->addWidget(keep_all_);
    buttons->addStretch();
    buttons->addWidget(close);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title_);
    layout->addWidget(view_, 1);
    layout->addLayout(buttons);
}

void ResultGrid::begin(const QString& title, const QList<Tile>& tiles) {
    title_->setText(title);
    tiles_.clear();
    view_->clear();
    for (const Tile& tile : tiles) {
        tiles_.append(State{tile, {}, std::nullopt, tr("waiting"), false});
        auto* item = new QListWidgetItem(view_);
        item->setTextAlignment(Qt::AlignHCenter | Qt::AlignTop);
    }
    fit_tiles();
    for (int i = 0; i < count(); ++i) refresh(i);
    if (count() > 0) view_->setCurrentRow(0);
}

QString ResultGrid::title() const {
    return title_->text();
}

bool ResultGrid::owns(int job_id) const {
    return std::any_of(tiles_.begin(), tiles_.end(),
                       [job_id](const State& s) { return s.tile.job_id == job_id; });
}

QList<int> ResultGrid::job_ids() const {
    QList<int> ids;
    for (const State& s : tiles_)
        if (!s.item && !ids.contains(s.tile.job_id)) ids << s.tile.job_id;
    return ids;
}

int ResultGrid::find(int job_id, int image_index) const {
    for (int i = 0; i < count(); ++i)
        if (tiles_[i].tile.job_id == job_id && tiles_[i].tile.image_index == image_index) return i;
    return -1;
}

int ResultGrid::finished_count() const {
    return int(std::count_if(tiles_.begin(), tiles_.end(),
                             [](const State& s) { return s.item.has_value(); }));
}

void ResultGrid::set_progress(int job_id, int image_index, int step, int total,
                              const QImage& preview) {
    const int tile = find(job_id, image_index);
    if (tile < 0) return;
    tiles_[tile].status = tr("step %1/%2").arg(step + 1).arg(total);
    if (!preview.isNull()) tiles_[tile].image = preview;
    refresh(tile);
}

void ResultGrid::set_result(int job_id, int image_index, const GalleryItem& item,
                            const QImage& image) {
    const int tile = find(job_id, image_index);
    if (tile < 0) return;
    tiles_[tile].item = item;
    tiles_[tile].image = image;
    tiles_[tile].status = tr("%1 s").arg(item.seconds, 0, 'f', 2);
    refresh(tile);
}

void ResultGrid::set_finished(int job_id, bool cancelled, const QString& error) {
    for (int i = 0; i < count(); ++i) {
        if (tiles_[i].tile.job_id != job_id || tiles_[i].item) continue;
        tiles_[i].status = !error.isEmpty() ? tr("failed")
                           : cancelled      ? tr("cancelled")
                                            : QString();
        view_->item(i)->setToolTip(error);
        refresh(i);
    }
}

std::optional<std::pair<GalleryItem, QImage>> ResultGrid::result(int tile) const {
    if (tile < 0 || tile >= count() || !tiles_[tile].item) return std::nullopt;
    return std::make_pair(*tiles_[tile].item, tiles_[tile].image);
}

QList<int> ResultGrid::selected_tiles() const {
    QList<int> rows;
    for (const QModelIndex& index : view_->selectionModel()->selectedIndexes()) rows << index.row();
    std::sort(rows.begin(), rows.end());
    return rows;
}

void ResultGrid::keep(const QList<int>& tiles) {
    for (int tile : tiles) {
        if (tile < 0 || tile >= count() || !tiles_[tile].item || tiles_[tile].kept) continue;
        tiles_[tile].kept = true;
        refresh(tile);
        Q_EMIT keepRequested(*tiles_[tile].item, tiles_[tile].image);
    }
}

void ResultGrid::keep_selected() {
    keep(selected_tiles());
}

void ResultGrid::keep_all() {
    QList<int> all;
    for (int i = 0; i < count(); ++i) all << i;
    keep(all);
}

void ResultGrid::refresh(int tile) {
    const State& state = tiles_[tile];
    QListWidgetItem* item = view_->item(tile);
    QString text = state.tile.label;
    if (!state.status.isEmpty()) text += QStringLiteral(" · ") + state.status;
    if (state.kept) text += QStringLiteral(" · ✓ ") + tr("kept");
    item->setText(text);
    item->setData(kRenderedRole, state.item.has_value());
    item->setIcon(QIcon(tile_pixmap(state.image, view_->iconSize().width(),
                                    palette().color(QPalette::Window).darker(110))));
}

// The largest square tiles that show the whole set without scrolling.
void ResultGrid::fit_tiles() {
    const int n = std::max(1, count());
    const QSize area = view_->viewport()->size();
    const int text_height = 2 * fontMetrics().height() + 12;
    int best = 64;
    for (int columns = 1; columns <= n; ++columns) {
        const int rows = (n + columns - 1) / columns;
        const int side =
            std::min(area.width() / columns - 24, area.height() / rows - text_height - 16);
        best = std::max(best, side);
    }
    if (view_->iconSize() == QSize(best, best)) return;
    view_->setIconSize(QSize(best, best));
    view_->setGridSize(QSize(best + 16, best + text_height + 8));
    for (int i = 0; i < count(); ++i) refresh(i);
}

bool ResultGrid::eventFilter(QObject* watched, QEvent* event) {
    if (watched == view_->viewport() && event->type() == QEvent::Resize) fit_tiles();
    return QWidget::eventFilter(watched, event);
}

}  // namespace lightning::ui
