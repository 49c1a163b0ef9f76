#include "ui/gallery_widget.h"

#include "ui/image_viewer.h"
#include "ui/string_convert.h"
#include "ui/upscaler_files.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QSet>
#include <QSlider>
#include <QTimer>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <utility>

namespace lightning::ui {
namespace {

constexpr int kPadding = 4;
constexpr int kSearchPauseMs = 200;

// A five-pointed star inside `box`.
QPainterPath star_path(const QRectF& box) {
    QPainterPath path;
    const QPointF center = box.center();
    const double outer = box.width() / 2, inner = outer * 0.45;
    for (int i = 0; i < 10; ++i) {
        const double radius = i % 2 ? inner : outer;
        const double angle = -M_PI / 2 + i * M_PI / 5;
        const QPointF point(center.x() + radius * std::cos(angle),
                            center.y() + radius * std::sin(angle));
        if (i == 0)
            path.moveTo(point);
        else
            path.lineTo(point);
    }
    path.closeSubpath();
    return path;
}

// Ctrl+wheel over the grid changes the thumbnail size instead of scrolling.
class WheelResizer : public QObject {
public:
    WheelResizer(GalleryWidget* gallery, QObject* parent) : QObject(parent), gallery_(gallery) {}

protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::Wheel) {
            auto* wheel = static_cast<QWheelEvent*>(event);
            if (wheel->modifiers() & Qt::ControlModifier) {
                const int steps = wheel->angleDelta().y() / 120;
                gallery_->set_thumbnail_size(gallery_->thumbnail_size() + 16 * steps);
                return true;
            }
        }
        return QObject::eventFilter(watched, event);
    }

private:
    GalleryWidget* gallery_;
};

}  // namespace

QString gallery_caption(const QString& text, const QFontMetrics& metrics, int width) {
    // No glyph of a readable font is narrower than a pixel: `width` characters fill the line.
    const qsizetype keep = std::max(16, width);
    QString start = text.left(keep).simplified();
    if (text.size() > keep) start += QChar(0x2026);  // an ellipsis: there is more
    return metrics.elidedText(start, Qt::ElideRight, width);
}

// ------------------------------------------------------------------------------------ delegate

GalleryGridDelegate::GalleryGridDelegate(QObject* parent) : QStyledItemDelegate(parent) {}

QSize GalleryGridDelegate::cell_size(const QFont& font) const {
    return {size_ + 2 * kPadding, size_ + 2 * kPadding + QFontMetrics(font).height()};
}

QRect GalleryGridDelegate::star_rect(const QRect& cell) const {
    const int side = std::clamp(size_ / 6, 14, 24);
    return {cell.left() + kPadding + size_ - side - 2, cell.top() + kPadding + 2, side, side};
}

void GalleryGridDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                const QModelIndex& index) const {
    QStyleOptionViewItem base = option;
    initStyleOption(&base, index);
    base.text.clear();
    base.icon = {};
    base.features &= ~QStyleOptionViewItem::HasDecoration;
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &base, painter, widget);  // selection/hover

    painter->save();
    painter->setRenderHint(QPainter::SmoothPixmapTransform);
    painter->setRenderHint(QPainter::Antialiasing);
    const QRect box(option.rect.left() + kPadding, option.rect.top() + kPadding, size_, size_);
    const QImage thumbnail = index.data(Qt::DecorationRole).value<QImage>();
    if (thumbnail.isNull()) {
        painter->fillRect(box, option.palette.color(QPalette::Midlight));
    } else {
        const QSize fitted = thumbnail.size().scaled(box.size(), Qt::KeepAspectRatio);
        const QRect target(box.left() + (box.width() - fitted.width()) / 2,
                           box.top() + (box.height() - fitted.height()) / 2, fitted.width(),
                           fitted.height());
        painter->drawImage(target, thumbnail);
    }

    const bool favourite = index.data(GalleryModel::FavouriteRole).toBool();
    const bool hovered = option.state & QStyle::State_MouseOver;
    if (favourite || hovered) {
        const QPainterPath star = star_path(star_rect(option.rect));
        painter->setPen(QPen(QColor(60, 40, 0), 1.2));
        painter->setBrush(favourite ? QColor(255, 196, 0) : QColor(255, 255, 255, 150));
        painter->drawPath(star);
    }

    const bool selected = option.state & QStyle::State_Selected;
    painter->setPen(option.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
    const QFontMetrics metrics(option.font);
    QString text = index.data(Qt::DisplayRole).toString();
    if (const QString refused = index.data(GalleryModel::RefusedRole).toString();
        !refused.isEmpty())
        text = QObject::tr("(not used: %1)").arg(refused);
    else if (text.trimmed().isEmpty())
        text = QObject::tr("(empty prompt)");
    const QRect caption(option.rect.left() + kPadding, box.bottom() + 1, size_, metrics.height());
    painter->drawText(caption, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine,
                      gallery_caption(text, metrics, size_));
    painter->restore();
}

QSize GalleryGridDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const {
    return cell_size(option.font);
}

bool GalleryGridDelegate::editorEvent(QEvent* event, QAbstractItemModel* model,
                                      const QStyleOptionViewItem& option,
                                      const QModelIndex& index) {
    if (event->type() == QEvent::MouseButtonRelease) {
        auto* mouse = static_cast<QMouseEvent*>(event);
        if (mouse->button() == Qt::LeftButton &&
            star_rect(option.rect).contains(mouse->position().toPoint())) {
            Q_EMIT starClicked(index);
            return true;
        }
    }
    return QStyledItemDelegate::editorEvent(event, model, option, index);
}

// -------------------------------------------------------------------------------------- widget

GalleryWidget::GalleryWidget(QWidget* parent) : QWidget(parent) {
    model_ = new GalleryModel(this);
    filter_ = new GalleryFilterModel(model_, this);
    delegate_ = new GalleryGridDelegate(this);

    build_view();

    notice_ = new QLabel(this);
    notice_->setObjectName(QStringLiteral("galleryNotice"));
    notice_->setWordWrap(true);
    notice_->hide();
    undo_button_ = new QPushButton(tr("&Undo"), this);
    undo_button_->setObjectName(QStringLiteral("galleryUndoButton"));
    undo_button_->setToolTip(tr("Bring the deleted images back from the trash (Ctrl+Z)"));
    undo_button_->hide();
    connect(undo_button_, &QPushButton::clicked, this, &GalleryWidget::undo_delete);
    auto* notice_row = new QHBoxLayout;
    notice_row->addWidget(notice_, 1);
    notice_row->addWidget(undo_button_);

    details_ = new QLabel(this);
    details_->setObjectName(QStringLiteral("galleryDetails"));
    details_->setWordWrap(true);
    details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    details_->setToolTip(tr("Settings of the current image"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(build_filter_bar());
    layout->addLayout(notice_row);
    layout->addWidget(view_, 1);
    layout->addWidget(details_);
    layout->addLayout(build_bottom_bar());
    build_actions();
    set_upscalers({}, tr("No upscaler model is set up (Settings ▸ Upscaler models)"));

    connect_model();
    set_thumbnail_size(GalleryModel::kDefaultThumbnailSize);
    update_count();
}

void GalleryWidget::build_view() {
    view_ = new QListView(this);
    view_->setObjectName(QStringLiteral("galleryView"));
    view_->setAccessibleName(tr("Gallery"));
    view_->setAccessibleDescription(
        tr("Generated images, newest first. Enter opens one, S stars it, Delete trashes it"));
    view_->setModel(filter_);
    view_->setItemDelegate(delegate_);
    view_->setViewMode(QListView::ListMode);
    view_->setFlow(QListView::LeftToRight);
    view_->setWrapping(true);
    view_->setMovement(QListView::Static);
    view_->setResizeMode(QListView::Adjust);
    view_->setUniformItemSizes(true);
    view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view_->setContextMenuPolicy(Qt::CustomContextMenu);
    view_->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    view_->setMouseTracking(true);  // the hover star
    view_->setToolTip(
        tr("Click or Enter: large view · S: star · Delete: to the trash (Ctrl+Z "
           "undoes) · Ctrl+C: copy prompt · Ctrl+wheel: thumbnail size"));
    view_->viewport()->installEventFilter(new WheelResizer(this, this));
    connect(view_, &QListView::customContextMenuRequested, this, &GalleryWidget::show_context_menu);
    // The view reports a click on the star as a click on the cell too (after the delegate
    // handled it): the press resets the mark, the star sets it, the click reads it.
    connect(view_, &QListView::pressed, this, [this] { star_clicked_ = false; });
    connect(view_, &QListView::clicked, this, [this](const QModelIndex& index) {
        // A plain click opens the large view; Ctrl/Shift clicks only select.
        if (std::exchange(star_clicked_, false)) return;
        if (QApplication::keyboardModifiers() == Qt::NoModifier)
            open_viewer(filter_->source_row(index.row()));
    });
    connect(view_, &QListView::activated, this,
            [this](const QModelIndex& index) { open_viewer(filter_->source_row(index.row())); });
    connect(delegate_, &GalleryGridDelegate::starClicked, this, [this](const QModelIndex& index) {
        star_clicked_ = true;
        toggle_favourite({filter_->source_row(index.row())});
    });
}

void GalleryWidget::connect_model() {
    connect(model_, &QAbstractItemModel::rowsInserted, this, &GalleryWidget::update_count);
    connect(model_, &QAbstractItemModel::rowsRemoved, this, &GalleryWidget::update_count);
    connect(model_, &QAbstractItemModel::modelReset, this, [this] {
        update_count();
        update_filter_choices();
    });
    connect(model_, &QAbstractItemModel::rowsInserted, this, &GalleryWidget::update_filter_choices);
    connect(model_, &GalleryModel::loadProgress, this, [this](int done, int total) {
        show_notice(tr("Reading the gallery: %1 of %2 images…").arg(done).arg(total), false);
    });
    connect(model_, &GalleryModel::opened, this, [this] {
        notice_->hide();
        if (!model_->problem().isEmpty()) show_notice(model_->problem(), false);
    });
    connect(model_, &GalleryModel::problemOccurred, this, [this](const QString& text) {
        show_notice(text, false);
        Q_EMIT message(text, true);
    });
    connect(view_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &GalleryWidget::update_details);
}

QLayout* GalleryWidget::build_filter_bar() {
    search_ = new QLineEdit(this);
    search_->setObjectName(QStringLiteral("gallerySearch"));
    search_->setPlaceholderText(tr("Search prompts…"));
    search_->setAccessibleName(tr("Search prompts"));
    search_->setClearButtonEnabled(true);
    search_->setToolTip(tr("Show images whose prompt contains all these words (Ctrl+F)"));
    search_pause_ = new QTimer(this);
    search_pause_->setSingleShot(true);
    search_pause_->setInterval(kSearchPauseMs);
    connect(search_, &QLineEdit::textChanged, search_pause_, qOverload<>(&QTimer::start));
    connect(search_pause_, &QTimer::timeout, this, &GalleryWidget::apply_filter);
    connect(search_, &QLineEdit::returnPressed, this, [this] {
        apply_filter();
        view_->setFocus();
    });

    favourites_only_ = new QToolButton(this);
    favourites_only_->setObjectName(QStringLiteral("favouritesOnlyButton"));
    favourites_only_->setText(QStringLiteral("★"));
    favourites_only_->setCheckable(true);
    favourites_only_->setToolTip(tr("Show starred images only"));
    connect(favourites_only_, &QToolButton::toggled, this, &GalleryWidget::apply_filter);

    auto make_combo = [this](const char* name, const QString& tip) {
        auto* combo = new QComboBox(this);
        combo->setObjectName(QString::fromLatin1(name));
        combo->setToolTip(tip);
        combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        return combo;
    };
    steps_ = make_combo("galleryStepsFilter", tr("Show images made with this many steps"));
    steps_->addItem(tr("Any steps"), 0);
    model_choice_ = make_combo("galleryModelFilter", tr("Show images made with this checkpoint"));
    model_choice_->addItem(tr("Any model"), QString());
    date_ = make_combo("galleryDateFilter", tr("Show images made in this period"));
    date_->addItem(tr("Any time"), int(DateRange::Any));
    date_->addItem(tr("Today"), int(DateRange::Today));
    date_->addItem(tr("Last 7 days"), int(DateRange::Last7Days));
    date_->addItem(tr("Last 30 days"), int(DateRange::Last30Days));
    date_->addItem(tr("This year"), int(DateRange::ThisYear));
    // Connected once all three exist: adding the first item already changes the current index.
    for (QComboBox* combo : {steps_, model_choice_, date_})
        connect(combo, &QComboBox::currentIndexChanged, this, &GalleryWidget::apply_filter);

    auto* search_row = new QHBoxLayout;
    search_row->addWidget(search_, 1);
    search_row->addWidget(favourites_only_);
    auto* filter_row = new QHBoxLayout;
    filter_row->addWidget(steps_);
    filter_row->addWidget(model_choice_, 1);
    filter_row->addWidget(date_);
    auto* rows = new QVBoxLayout;
    rows->addLayout(search_row);
    rows->addLayout(filter_row);
    return rows;
}

QLayout* GalleryWidget::build_bottom_bar() {
    count_ = new QLabel(this);
    count_->setObjectName(QStringLiteral("galleryCount"));
    size_slider_ = new QSlider(Qt::Horizontal, this);
    size_slider_->setObjectName(QStringLiteral("thumbnailSizeSlider"));
    size_slider_->setAccessibleName(tr("Thumbnail size"));
    size_slider_->setRange(GalleryModel::kMinThumbnailSize, GalleryModel::kMaxThumbnailSize);
    size_slider_->setSingleStep(16);
    size_slider_->setPageStep(64);
    size_slider_->setMaximumWidth(120);
    size_slider_->setToolTip(tr("Thumbnail size (Ctrl+wheel over the grid, Ctrl++ / Ctrl+-)"));
    connect(size_slider_, &QSlider::valueChanged, this, &GalleryWidget::set_thumbnail_size);

    save_gallery_ = new QPushButton(tr("Save gallery…"), this);
    save_gallery_->setObjectName(QStringLiteral("saveGalleryButton"));
    save_gallery_->setToolTip(
        tr("Export the selected images (or all) with their parameters, a JSON list and an HTML "
           "contact sheet"));
    connect(save_gallery_, &QPushButton::clicked, this, &GalleryWidget::save_gallery_dialog);
    auto* open_folder = new QPushButton(tr("Open folder"), this);
    open_folder->setObjectName(QStringLiteral("openGalleryFolderButton"));
    open_folder->setToolTip(tr("Show the gallery folder in the file manager"));
    connect(open_folder, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(model_->folder())); });

    auto* bar = new QHBoxLayout;
    bar->addWidget(count_, 1);
    bar->addWidget(size_slider_);
    bar->addWidget(open_folder);
    bar->addWidget(save_gallery_);
    return bar;
}

// One action per command: the same object serves the shortcut, the context menu and tests.
void GalleryWidget::build_actions() {
    auto add = [this](const char* name, const QString& text, const QKeySequence& keys,
                      QWidget* scope, Qt::ShortcutContext context, auto handler) {
        auto* action = new QAction(text, this);
        action->setObjectName(QString::fromLatin1(name));
        action->setShortcut(keys);
        action->setShortcutContext(context);
        action->setToolTip(keys.isEmpty() ? text
                                          : QStringLiteral("%1 (%2)").arg(
                                                text, keys.toString(QKeySequence::NativeText)));
        connect(action, &QAction::triggered, this, handler);
        scope->addAction(action);
        return action;
    };
    const auto on_view = Qt::WidgetShortcut;  // not while typing in the search field
    add("openImageAction", tr("Open"), {}, view_, on_view, [this] { open_viewer(current_row()); });
    add("favouriteAction", tr("Star / unstar"), QKeySequence(Qt::Key_S), view_, on_view,
        [this] { toggle_favourite(selected_rows()); });
    add("copyPromptAction", tr("Copy prompt"), QKeySequence::Copy, view_, on_view,
        [this] { copy_text(Qt::DisplayRole, tr("prompt")); });
    add("copySeedAction", tr("Copy seed"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_C), view_,
        on_view, [this] { copy_text(GalleryModel::SeedRole, tr("seed")); });
    add("copyParametersAction", tr("Copy parameters"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), view_, on_view,
        [this] { copy_text(GalleryModel::ParametersRole, tr("parameters")); });
    add("reuseAction", tr("Reuse parameters"), QKeySequence(Qt::CTRL | Qt::Key_R), view_, on_view,
        [this] {
            if (const GalleryItem* item = usable_current_item())
                Q_EMIT reuseRequested(item->record.request);
        });
    add("regenerateAction", tr("Regenerate with this seed"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), view_, on_view, [this] {
            if (const GalleryItem* item = usable_current_item())
                Q_EMIT regenerateRequested(item->record.request);
        });
    // The main window's "More like this" (its next seeds as a grid) for this image.
    add("galleryMoreLikeThisAction", tr("More like this"), QKeySequence(Qt::CTRL | Qt::Key_M),
        view_, on_view, [this] {
            if (const GalleryItem* item = usable_current_item())
                Q_EMIT moreLikeThisRequested(item->record.request);
        });
    // Any image can be refined, also one whose parameters are refused.
    add("useAsInputAction", tr("Use as input"), QKeySequence(Qt::CTRL | Qt::Key_I), view_, on_view,
        [this] {
            if (const int row = current_row(); row >= 0)
                Q_EMIT useAsInputRequested(model_->item(row).file);
        });
    // Any image can be upscaled, also one without (usable) parameters.
    add("upscale2Action", tr("Upscale ×2"), QKeySequence(Qt::CTRL | Qt::Key_U), view_, on_view,
        [this] { upscale_current(2); });
    add("upscale4Action", tr("Upscale ×4"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U), view_,
        on_view, [this] { upscale_current(4); });
    add("deleteAction", tr("Move to trash"), QKeySequence::Delete, view_, on_view,
        [this] { delete_rows(selected_rows()); });
    const auto in_gallery = Qt::WidgetWithChildrenShortcut;
    add("undoDeleteAction", tr("Undo delete"), QKeySequence::Undo, this, in_gallery,
        [this] { undo_delete(); });
    add("searchAction", tr("Search"), QKeySequence::Find, this, in_gallery, [this] {
        search_->setFocus();
        search_->selectAll();
    });
    add("largerThumbnailsAction", tr("Larger thumbnails"), QKeySequence(Qt::CTRL | Qt::Key_Equal),
        this, in_gallery, [this] { set_thumbnail_size(thumbnail_size() + 32); });
    add("smallerThumbnailsAction", tr("Smaller thumbnails"), QKeySequence(Qt::CTRL | Qt::Key_Minus),
        this, in_gallery, [this] { set_thumbnail_size(thumbnail_size() - 32); });
}

QAction* GalleryWidget::action(const char* name) const {
    return findChild<QAction*>(QString::fromLatin1(name));
}

// ------------------------------------------------------------------------- filter and status

GalleryFilter GalleryWidget::current_filter() const {
    GalleryFilter filter;
    filter.text = search_->text();
    filter.steps = steps_->currentData().toInt();
    filter.model = model_choice_->currentData().toString();
    filter.since =
        range_start(DateRange(date_->currentData().toInt()), QDateTime::currentDateTimeUtc());
    filter.favourites_only = favourites_only_->isChecked();
    return filter;
}

void GalleryWidget::apply_filter() {
    search_pause_->stop();
    filter_->set_filter(current_filter());
    update_count();
}

void GalleryWidget::update_filter_choices() {
    // The steps and models present in the gallery, added as they appear (never removed while
    // shown: a choice must not vanish under the user).
    QSet<int> steps;
    QSet<QString> models;
    for (int i = 1; i < steps_->count(); ++i) steps.insert(steps_->itemData(i).toInt());
    for (int i = 1; i < model_choice_->count(); ++i)
        models.insert(model_choice_->itemData(i).toString());
    const QSignalBlocker block_steps(steps_), block_models(model_choice_);
    for (const GalleryItem& item : model_->items()) {
        const int count = item.record.request.steps;
        if (!steps.contains(count)) {
            steps.insert(count);
            int at = 1;
            while (at < steps_->count() && steps_->itemData(at).toInt() < count) ++at;
            steps_->insertItem(at, count == 1 ? tr("1 step") : tr("%1 steps").arg(count), count);
        }
        const QString name = checkpoint_name(item.record);
        if (!name.isEmpty() && !models.contains(name)) {
            models.insert(name);
            model_choice_->addItem(name, name);
        }
    }
}

void GalleryWidget::update_count() {
    const int total = model_->rowCount();
    const int shown = filter_->rowCount();
    QString text = total == 1 ? tr("1 image") : tr("%1 images").arg(total);
    if (shown != total) text = tr("%1 of %2").arg(shown).arg(text);
    if (model_->loading()) text = tr("Loading…");
    count_->setText(text);
    save_gallery_->setEnabled(total > 0);
    update_details();
}

void GalleryWidget::update_details() {
    const int row = current_row();
    details_->setText(row < 0 ? QString() : describe_item_settings(model_->item(row)));
    // An upscale of an image without settings has none to reuse: said on the actions.
    const bool reusable = row < 0 || !upscaled_without_source(model_->item(row).record);
    for (const char* name : {"reuseAction", "regenerateAction"}) {
        QAction* reuse = action(name);
        if (!reuse) return;  // not built yet
        reuse->setEnabled(reusable);
        reuse->setToolTip(
            reusable ? QStringLiteral("%1 (%2)").arg(
                           reuse->text(), reuse->shortcut().toString(QKeySequence::NativeText))
                     : tr("This image was upscaled from one without generation settings: "
                          "there are none to reuse or regenerate"));
    }
    update_more_like_this(row);
}

// Off, with the reason as its tooltip, for an image whose record cannot be rendered again: one
// refused by the limits, or an upscale of an image without generation settings.
void GalleryWidget::update_more_like_this(int row) {
    QAction* more = action("galleryMoreLikeThisAction");
    if (!more) return;  // not built yet
    const GalleryItem* item = row < 0 ? nullptr : &model_->item(row);
    QString why_not;
    if (item && !item->refused.isEmpty())
        why_not = refusal_message(item->file, item->refused);
    else if (item && upscaled_without_source(item->record))
        why_not =
            tr("This image was upscaled from one without generation settings: there "
               "are none to render more of");
    more->setEnabled(why_not.isEmpty());
    more->setToolTip(why_not.isEmpty()
                         ? tr("Render the next seeds of this image, everything else the same (%1)")
                               .arg(more->shortcut().toString(QKeySequence::NativeText))
                         : why_not);
}

void GalleryWidget::show_notice(const QString& text, bool with_undo) {
    notice_->setText(text);
    notice_->setVisible(!text.isEmpty());
    undo_button_->setVisible(with_undo);
}

void GalleryWidget::set_thumbnail_size(int size) {
    size = std::clamp(size, GalleryModel::kMinThumbnailSize, GalleryModel::kMaxThumbnailSize);
    model_->set_thumbnail_size(size);
    delegate_->set_thumbnail_size(size);
    view_->setGridSize(delegate_->cell_size(view_->font()) + QSize(kPadding, kPadding));
    const QSignalBlocker block(size_slider_);
    size_slider_->setValue(size);
    view_->viewport()->update();
}

int GalleryWidget::thumbnail_size() const {
    return delegate_->thumbnail_size();
}

// ------------------------------------------------------------------------------- selection

QList<int> GalleryWidget::selected_rows() const {
    QList<int> rows;
    for (const QModelIndex& index : view_->selectionModel()->selectedIndexes())
        rows << filter_->source_row(index.row());
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    return rows;
}

void GalleryWidget::select_rows(const QList<int>& rows) {
    QItemSelection selection;
    for (int row : rows)
        if (const int shown = filter_->row_of(row); shown >= 0)
            selection.select(filter_->index(shown, 0), filter_->index(shown, 0));
    view_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!selection.isEmpty())
        view_->selectionModel()->setCurrentIndex(selection.first().topLeft(),
                                                 QItemSelectionModel::NoUpdate);
}

const GalleryItem* GalleryWidget::usable_current_item() {
    const int row = current_row();
    if (row < 0) return nullptr;
    const GalleryItem& item = model_->item(row);
    if (!item.refused.isEmpty()) {
        Q_EMIT message(refusal_message(item.file, item.refused), true);
        return nullptr;
    }
    if (upscaled_without_source(item.record)) {
        Q_EMIT message(tr("%1 was upscaled from an image without generation settings: there are "
                          "none to reuse or regenerate")
                           .arg(QFileInfo(item.file).fileName()),
                       true);
        return nullptr;
    }
    return &item;
}

int GalleryWidget::current_row() const {
    const QModelIndex current = view_->currentIndex();
    return current.isValid() ? filter_->source_row(current.row()) : -1;
}

void GalleryWidget::copy_text(int role, const QString& what) {
    const int row = current_row() >= 0 ? current_row() : selected_rows().value(0, -1);
    if (row < 0) return;
    QApplication::clipboard()->setText(model_->index(row).data(role).toString());
    Q_EMIT message(tr("Copied the %1").arg(what), false);
}

void GalleryWidget::toggle_favourite(const QList<int>& rows) {
    if (rows.isEmpty()) return;
    const bool all_starred = std::all_of(rows.begin(), rows.end(),
                                         [this](int row) { return model_->item(row).favourite; });
    model_->set_favourite(rows, !all_starred);
}

// --------------------------------------------------------------------------------- commands

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
    if (rows.isEmpty()) return;
    const int next_position = view_->currentIndex().row();
    QStringList errors;
    const TrashBatch batch = model_->move_to_trash(rows, &errors);
    for (const QString& error : errors) Q_EMIT message(error, true);
    if (batch.files.isEmpty()) {
        if (!errors.isEmpty())
            show_notice(tr("Nothing was deleted: %1").arg(errors.join(QStringLiteral("; "))),
                        false);
        return;
    }
    undo_stack_.append(batch);
    const int count = int(batch.files.size());
    show_notice(count == 1 ? tr("Moved 1 image to the trash.")
                           : tr("Moved %1 images to the trash.").arg(count),
                true);
    // Keep the keyboard where it was: the next image takes the deleted one's place.
    const int shown = filter_->rowCount();
    if (shown > 0)
        view_->setCurrentIndex(filter_->index(std::clamp(next_position, 0, shown - 1), 0));
}

bool GalleryWidget::undo_delete() {
    if (undo_stack_.isEmpty()) return false;
    const TrashBatch batch = undo_stack_.takeLast();
    QStringList errors;
    const int restored = model_->restore(batch, &errors);
    for (const QString& error : errors) Q_EMIT message(error, true);
    filter_->invalidate();  // restored rows are filtered like the others
    if (!undo_stack_.isEmpty()) {
        show_notice(tr("Restored %1 image(s). Undo again for the deletion before.").arg(restored),
                    true);
    } else {
        show_notice(
            restored == 1 ? tr("Restored 1 image.") : tr("Restored %1 images.").arg(restored),
            false);
    }
    return restored > 0;
}

void GalleryWidget::open_viewer(int row) {
    if (row < 0 || row >= model_->rowCount()) return;
    if (!viewer_) {
        viewer_ = new ImageViewer(this);
        connect(viewer_, &ImageViewer::stepRequested, this, &GalleryWidget::step_viewer);
        // Closing the viewer (Escape) gives the keyboard back to the gallery.
        connect(viewer_, &QDialog::finished, this, [this] {
            window()->activateWindow();
            view_->setFocus(Qt::OtherFocusReason);
        });
        connect(viewer_, &ImageViewer::favouriteRequested, this, [this] {
            if (viewer_row_ >= 0 && viewer_row_ < model_->rowCount())
                toggle_favourite({viewer_row_});
        });
        connect(viewer_, &ImageViewer::useAsInputRequested, this, [this] {
            if (viewer_row_ >= 0 && viewer_row_ < model_->rowCount())
                Q_EMIT useAsInputRequested(model_->item(viewer_row_).file);
        });
        connect(viewer_, &ImageViewer::upscaleRequested, this, [this](int scale) {
            if (viewer_row_ >= 0 && viewer_row_ < model_->rowCount())
                upscale_row(viewer_row_, scale, {});
        });
        set_upscalers(upscalers_, upscaler_hint_);  // the viewer's buttons follow the actions
    }
    viewer_row_ = row;
    const GalleryItem& item = model_->item(row);
    const int shown = filter_->row_of(row);
    viewer_->show_image(item.file, to_qstring(lightning::format_parameters(item.record)) +
                                       tr("\nTime: %1 s").arg(item.seconds, 0, 'f', 2));
    viewer_->set_position(shown, filter_->rowCount());
    if (shown >= 0) view_->setCurrentIndex(filter_->index(shown, 0));
}

void GalleryWidget::step_viewer(int delta) {
    // Next/previous in the grid's order, among the images the filter shows.
    const int shown = filter_->row_of(viewer_row_);
    const int target = (shown < 0 ? 0 : shown) + delta;
    if (target < 0 || target >= filter_->rowCount()) return;
    open_viewer(filter_->source_row(target));
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
    QModelIndex index = view_->indexAt(position);
    if (!index.isValid()) index = view_->currentIndex();  // the Menu key
    if (!index.isValid()) return;
    if (!view_->selectionModel()->isSelected(index))
        view_->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect);
    view_->selectionModel()->setCurrentIndex(index, QItemSelectionModel::NoUpdate);
    const int row = filter_->source_row(index.row());
    const GalleryItem item = model_->item(row);

    QMenu menu(this);
    menu.addAction(action("openImageAction"));
    menu.addAction(action("favouriteAction"));
    menu.addAction(tr("Save as…"), this, [this, row] { save_as(row); });
    menu.addAction(tr("Copy image"), this,
                   [item] { QApplication::clipboard()->setImage(QImageReader(item.file).read()); });
    menu.addAction(action("copyPromptAction"));
    menu.addAction(action("copySeedAction"));
    menu.addAction(action("copyParametersAction"));
    menu.addSeparator();
    menu.addAction(action("reuseAction"));
    menu.addAction(action("regenerateAction"));
    menu.addAction(action("galleryMoreLikeThisAction"));
    menu.addAction(action("useAsInputAction"));
    add_upscale_entries(menu);
    menu.addSeparator();
    menu.addAction(tr("Show in folder"), this, [item] {
        QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(item.file).absolutePath()));
    });
    menu.addAction(action("deleteAction"));
    const QPoint at =
        view_->indexAt(position).isValid() ? position : view_->visualRect(index).center();
    menu.exec(view_->viewport()->mapToGlobal(at));
}

// ------------------------------------------------------------------------------- upscaling

void GalleryWidget::set_upscalers(const QStringList& files, const QString& hint) {
    upscalers_ = files;
    upscaler_hint_ = hint;
    const QString model = current_upscaler();
    const QString tip = model.isEmpty()
                            ? hint
                            : tr("With %1 (the context menu offers each upscaler model)")
                                  .arg(upscaler_display_name(model));
    for (const char* name : {"upscale2Action", "upscale4Action"}) {
        QAction* upscale = action(name);
        upscale->setEnabled(!model.isEmpty());
        upscale->setToolTip(QStringLiteral("%1 (%2): %3")
                                .arg(upscale->text(),
                                     upscale->shortcut().toString(QKeySequence::NativeText),
                                     model.isEmpty() ? hint : tip));
    }
    if (viewer_) viewer_->set_upscale_enabled(!model.isEmpty(), model.isEmpty() ? hint : tip);
}

QString GalleryWidget::current_upscaler() const {
    return upscalers_.contains(chosen_upscaler_) ? chosen_upscaler_ : upscalers_.value(0);
}

void GalleryWidget::upscale_current(int scale, const QString& model) {
    if (const int row = current_row(); row >= 0) upscale_row(row, scale, model);
}

void GalleryWidget::upscale_row(int row, int scale, const QString& model) {
    const QString chosen = model.isEmpty() ? current_upscaler() : model;
    if (chosen.isEmpty()) {
        Q_EMIT message(upscaler_hint_, true);
        return;
    }
    if (chosen != current_upscaler()) {
        chosen_upscaler_ = chosen;
        set_upscalers(upscalers_, upscaler_hint_);
    }
    Q_EMIT upscaleRequested(model_->item(row).file, chosen, scale);
}

// "Upscale ×2" and "Upscale ×4", each a submenu of the model files (without any: the disabled
// actions, whose tooltip says what to do).
void GalleryWidget::add_upscale_entries(QMenu& menu) {
    menu.setToolTipsVisible(true);
    for (const auto& [name, scale] :
         {std::pair{"upscale2Action", 2}, std::pair{"upscale4Action", 4}}) {
        QAction* upscale = action(name);
        if (upscalers_.isEmpty()) {
            menu.addAction(upscale);
            continue;
        }
        QMenu* models = menu.addMenu(upscale->text());
        models->setObjectName(
            QString::fromLatin1(name).replace(QLatin1String("Action"), QLatin1String("Menu")));
        for (const QString& file : upscalers_) {
            QAction* entry =
                models->addAction(upscaler_display_name(file), this,
                                  [this, scale, file] { upscale_current(scale, file); });
            entry->setCheckable(true);
            entry->setChecked(file == current_upscaler());
            entry->setToolTip(QDir::toNativeSeparators(file));
        }
    }
}

}  // namespace lightning::ui
