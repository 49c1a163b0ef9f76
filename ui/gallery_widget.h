// The gallery panel: thumbnails newest first with their settings, a large view on click, and a
// context menu (save as, copy image, copy prompt, reuse parameters, regenerate with this seed,
// delete, show in folder). "Save gallery…" exports the selection, or everything.
#pragma once
#include "ui/gallery_model.h"

#include <QListView>
#include <QStyledItemDelegate>
#include <QWidget>

class QLabel;
class QPushButton;

namespace lightning::ui {

class ImageViewer;

// Thumbnail on the left, prompt (two lines), negative and settings on the right.
class GalleryDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

class GalleryWidget : public QWidget {
    Q_OBJECT
public:
    explicit GalleryWidget(QWidget* parent = nullptr);

    GalleryModel* model() const { return model_; }
    // Wide enough for a thumbnail and a few words of its prompt and settings.
    QSize sizeHint() const override { return {440, 600}; }
    QListView* view() const { return view_; }

    QList<int> selected_rows() const;  // sorted
    // Exports the selected items (all when `selection_only` is false or nothing is selected) to
    // `folder`. Returns a message for the user.
    QString export_to(const QString& folder, bool selection_only);
    void delete_rows(QList<int> rows);  // no confirmation (the menu asks first)
    void open_viewer(int row);
    ImageViewer* viewer() const { return viewer_; }

Q_SIGNALS:
    void reuseRequested(lightning::GenerationRequest request);
    void regenerateRequested(lightning::GenerationRequest request);
    void message(QString text, bool is_error);

public Q_SLOTS:
    void save_gallery_dialog();

private:
    void show_context_menu(const QPoint& position);
    void save_as(int row);
    void update_count();

    GalleryModel* model_;
    QListView* view_;
    QLabel* count_;
    QPushButton* save_gallery_;
    ImageViewer* viewer_ = nullptr;
};

}  // namespace lightning::ui
