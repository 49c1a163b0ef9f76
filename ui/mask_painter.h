// The mask painter: the input image with the mask tinted over it; brush and eraser (the right
// mouse button erases too) with a size, invert, clear, undo and redo (each stroke one step).
// White = repaint (diffusers' convention). Outpainting: dragging an edge or corner of the canvas
// outward grows it on that side (the margins snap so that the grown canvas stays a multiple of
// 8 within the limits; inward shrinks it, not below the image), the new area shown filled as
// the engine fills it (core/pipeline/refine_pixels.h: the nearest edge pixel) and tinted, as it
// is repainted; each drag one undo step. The drawing logic is ui/mask_model.h; this is its view.
// The window saves the result (ui/refine_files.h) and puts it into the form.
#pragma once
#include "ui/mask_model.h"

#include <QDialog>
#include <QImage>
#include <QWidget>

#include <memory>
#include <optional>

class QHBoxLayout;
class QLabel;
class QPushButton;
class QSpinBox;
class QToolButton;

namespace lightning::ui {

// `image` with the repainted parts of `mask` (any format; scaled to the image when its size
// differs) tinted, as the painter and the form's thumbnail show it.
QImage mask_overlay(const QImage& image, const QImage& mask);
// The model as an 8-bit gray image, and a model from a mask image (gray of any format; scaled
// to `width` x `height` when of another size).
QImage mask_image(const MaskModel& model);
MaskModel mask_model_from(const QImage& mask, int width, int height);

// Where the input image lies in the request's canvas: the inner area (the request's size less
// the outpaint margins) it is fitted to, and how.
struct PaintCanvas {
    QSize inner;  // empty: the image's own size
    lightning::ImageFit fit = lightning::ImageFit::Resize;
    lightning::Margins margins;  // where outpainting starts
};

// The whole canvas (the image fitted to its inner area, the outpaint margins around it) scaled
// to fit with room around it to drag its edges out; mouse strokes paint in image pixels.
class MaskCanvas : public QWidget {
    Q_OBJECT
public:
    MaskCanvas(const QImage& image, MaskModel* model, const PaintCanvas& canvas = {},
               QWidget* parent = nullptr);

    void set_brush(double radius, bool erase);
    double brush_radius() const { return radius_; }
    bool erasing() const { return erase_; }
    QSize inner_size() const { return inner_; }
    // Where an image point is shown, and the image point under a widget point.
    QPointF to_widget(QPointF image_point) const;
    QPointF to_image(QPointF widget_point) const;
    // Where a canvas point is shown: canvas pixels are the request's, (0, 0) the top left of
    // the inner area (the margins lie at negative coordinates and beyond inner_size()).
    QPointF canvas_to_widget(QPointF canvas_point) const;
    // The canvas edges a press at this widget point drags (none: it paints).
    Qt::Edges edges_at(QPointF widget_point) const;
    QSize sizeHint() const override;

Q_SIGNALS:
    void edited();    // the mask or the margins changed (a stroke point, a drag, its end)
    void stepDone();  // a stroke or a drag of the edges ended (one undo step)

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    // Canvas to widget: widget = origin + canvas point x scale.
    struct Layout {
        double scale = 1;
        QPointF origin;
    };
    Layout layout() const;
    QRectF image_in_canvas() const;  // where the whole image lies (crop: beyond the inner area)
    QRectF canvas_rect() const;      // the grown canvas, in canvas pixels
    void draw_canvas(QPainter& painter) const;
    void drag_edges_to(QPointF widget_point);

    QImage image_;
    MaskModel* model_;
    QSize inner_;
    lightning::ImageFit fit_;
    QImage fitted_;  // the image fitted to the inner area, as the engine fits it (about)
    double radius_ = 16;
    bool erase_ = false;
    QPointF hover_{-1, -1};  // widget point of the brush outline; negative: none
    // A drag of the edges: which, from where, the margins then and the layout it froze (the
    // canvas does not move under the mouse while it grows).
    Qt::Edges drag_edges_;
    QPointF drag_start_;
    lightning::Margins drag_from_;
    std::optional<Layout> frozen_;
};

class MaskPainter : public QDialog {
    Q_OBJECT
public:
    // Paints on `image`; `mask` (may be null) is where painting starts, `canvas` where the
    // image lies in the request's canvas and the margins outpainting starts from.
    MaskPainter(const QImage& image, const QImage& mask, QWidget* parent = nullptr,
                const PaintCanvas& canvas = {});
    ~MaskPainter() override;

    MaskModel& model() { return *model_; }
    const MaskModel& model() const { return *model_; }
    MaskCanvas* canvas() const { return canvas_; }
    // The painted mask, 8-bit gray, the input image's size.
    QImage mask() const { return mask_image(*model_); }
    // The outpaint margins as dragged (canvas pixels).
    lightning::Margins margins() const { return model_->margins(); }

Q_SIGNALS:
    // One step was done or undone (a stroke or a drag ended, undo, redo, invert, clear): what
    // mask() and margins() return now is a state to show (the mouse moves of a stroke are not).
    void stepDone();

private:
    void build_tools(QHBoxLayout* row);
    void set_erase(bool erase);
    void update_buttons();
    void update_canvas_label();

    std::unique_ptr<MaskModel> model_;
    MaskCanvas* canvas_ = nullptr;
    QToolButton* brush_ = nullptr;
    QToolButton* eraser_ = nullptr;
    QSpinBox* size_ = nullptr;
    QPushButton* undo_ = nullptr;
    QPushButton* redo_ = nullptr;
    QLabel* canvas_label_ = nullptr;
};

}  // namespace lightning::ui
