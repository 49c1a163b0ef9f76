// The gallery panel: a grid of thumbnails (adjustable size) newest first, search by prompt words,
// filters (steps, model, date, favourites), stars, delete to the trash with undo, copy prompt /
// seed / parameters, a large view with next/previous, and export ("Save gallery…").
// Everything is reachable from the keyboard (shortcuts are listed in the tooltips and menus).
#pragma once
#include "ui/gallery_filter.h"
#include "ui/gallery_model.h"

#include <QListView>
#include <QStyledItemDelegate>
#include <QWidget>

class QAction;
class QComboBox;
class QFontMetrics;
class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;
class QTimer;
class QToolButton;

namespace lightning::ui {

class ImageViewer;

// The caption under a thumbnail: `text` on one line of at most `width` pixels, elided. Only its
// start is laid out, so a long prompt costs no more than a short one.
QString gallery_caption(const QString& text, const QFontMetrics& metrics, int width);

// One grid cell: the thumbnail, a star in its corner (click to toggle) and the prompt's start.
class GalleryGridDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit GalleryGridDelegate(QObject* parent = nullptr);
    void set_thumbnail_size(int size) { size_ = size; }
    int thumbnail_size() const { return size_; }
    QSize cell_size(const QFont& font) const;
    // The star's square in a cell.
    QRect star_rect(const QRect& cell) const;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    bool editorEvent(QEvent* event, QAbstractItemModel* model, const QStyleOptionViewItem& option,
                     const QModelIndex& index) override;

Q_SIGNALS:
    void starClicked(QModelIndex index);

private:
    int size_ = GalleryModel::kDefaultThumbnailSize;
};

class GalleryWidget : public QWidget {
    Q_OBJECT
public:
    explicit GalleryWidget(QWidget* parent = nullptr);

    GalleryModel* model() const { return model_; }
    GalleryFilterModel* filter_model() const { return filter_; }
    // Wide enough for three thumbnails of the default size.
    QSize sizeHint() const override { return {440, 600}; }
    QListView* view() const { return view_; }

    // Gallery rows (not grid positions), sorted.
    QList<int> selected_rows() const;
    void select_rows(const QList<int>& rows);
    // The gallery row of the grid's current cell, -1 if none.
    int current_row() const;
    // Exports the selected items (all when `selection_only` is false or nothing is selected) to
    // `folder`. Returns a message for the user.
    QString export_to(const QString& folder, bool selection_only);
    // Moves the rows to the trash (no confirmation: "Undo" brings them back).
    void delete_rows(QList<int> rows);
    // Brings back what the last deletion moved to the trash; false when there is nothing.
    bool undo_delete();
    // Stars the rows unless all are starred already, then unstars them.
    void toggle_favourite(const QList<int>& rows);
    void open_viewer(int row);
    ImageViewer* viewer() const { return viewer_; }

    void set_thumbnail_size(int size);
    int thumbnail_size() const;
    // The filter from the search field and the filter controls.
    GalleryFilter current_filter() const;
    QLineEdit* search_field() const { return search_; }
    QLabel* notice() const { return notice_; }
    QAction* action(const char* name) const;

    // The upscaler model files the "Upscale ×2 / ×4" actions offer (ui/upscaler_files.h); with
    // none they are off and their tooltip is `hint` (what to do to get one).
    void set_upscalers(const QStringList& files, const QString& hint);
    // The model the actions use when triggered without a choice (the one chosen last, else the
    // first); "" while there is none.
    QString current_upscaler() const;
    // "Upscale ×scale" of the current image with `model` ("" = current_upscaler()).
    void upscale_current(int scale, const QString& model = {});

Q_SIGNALS:
    void reuseRequested(lightning::GenerationRequest request);
    void regenerateRequested(lightning::GenerationRequest request);
    // "More like this" (the context menu): the image's next seeds (MainWindow::more_like_this).
    void moreLikeThisRequested(lightning::GenerationRequest request);
    // "Use as input" (the context menu, Ctrl+I, the viewer): refine the image of `file`.
    void useAsInputRequested(QString file);
    // "Upscale ×2 / ×4" (the context menu, the viewer): `file` by `scale` with `model`.
    void upscaleRequested(QString file, QString model, int scale);
    void message(QString text, bool is_error);

public Q_SLOTS:
    void save_gallery_dialog();
    // Re-reads the search field and filter controls (the search field waits for a typing pause).
    void apply_filter();

private:
    void build_view();
    QLayout* build_filter_bar();
    QLayout* build_bottom_bar();
    void build_actions();
    void connect_model();
    void show_context_menu(const QPoint& position);
    void add_upscale_entries(QMenu& menu);
    void upscale_row(int row, int scale, const QString& model);
    void save_as(int row);
    void update_count();
    void update_filter_choices();
    void update_details();
    void update_more_like_this(int row);
    void show_notice(const QString& text, bool with_undo);
    void step_viewer(int delta);
    void copy_text(int role, const QString& what);
    // The current item when its parameters can be used; else says why not and returns null.
    const GalleryItem* usable_current_item();

    GalleryModel* model_;
    GalleryFilterModel* filter_;
    GalleryGridDelegate* delegate_;
    QListView* view_;
    QLineEdit* search_;
    QTimer* search_pause_;
    QToolButton* favourites_only_;
    QComboBox* steps_;
    QComboBox* model_choice_;
    QComboBox* date_;
    QLabel* notice_;
    QPushButton* undo_button_;
    QLabel* details_;
    QLabel* count_;
    QSlider* size_slider_;
    QPushButton* save_gallery_;
    ImageViewer* viewer_ = nullptr;
    int viewer_row_ = -1;        // gallery row shown in the viewer
    bool star_clicked_ = false;  // the click being handled hit a cell's star
    QList<TrashBatch> undo_stack_;
    QStringList upscalers_;    // model files, by name
    QString chosen_upscaler_;  // the one picked last from a menu
    QString upscaler_hint_;    // why there is none
};

}  // namespace lightning::ui
