// The mask painter: the input image with the mask tinted over it; brush and eraser (the right
// mouse button erases too) with a size, invert, clear, undo and redo (each stroke one step).
// White = repaint (diffusers' convention). The drawing logic is ui/mask_model.h; this is its
// view. The window saves the result (ui/refine_files.h) and puts it into the form.
#pragma once
#include "ui/mask_model.h"

#include <QDialog>
#include <QImage>
#include <QWidget>

#include <memory>

class QHBoxLayout;
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

// The image scaled to fit, the mask over it; mouse strokes paint in image pixels.
class MaskCanvas : public QWidget {
    Q_OBJECT
public:
    MaskCanvas(const QImage& image, MaskModel* model, QWidget* parent = nullptr);

    void set_brush(double radius, bool erase);
    double brush_radius() const { return radius_; }
    bool erasing() const { return erase_; }
    // Where an image point is shown, and the image point under a widget point.
    QPointF to_widget(QPointF image_point) const;
    QPointF to_image(QPointF widget_point) const;
    QSize sizeHint() const override;

Q_SIGNALS:
    void edited();  // the mask changed (a stroke point, or a stroke ended)

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    QRectF image_rect() const;
    double scale() const;

    QImage image_;
    MaskModel* model_;
    double radius_ = 16;
    bool erase_ = false;
    QPointF hover_{-1, -1};  // widget point of the brush outline; negative: none
};

class MaskPainter : public QDialog {
    Q_OBJECT
public:
    // Paints on `image`; `mask` (may be null) is where painting starts.
    MaskPainter(const QImage& image, const QImage& mask, QWidget* parent = nullptr);
    ~MaskPainter() override;

    MaskModel& model() { return *model_; }
    MaskCanvas* canvas() const { return canvas_; }
    // The painted mask, 8-bit gray, the input image's size.
    QImage mask() const { return mask_image(*model_); }

private:
    void build_tools(QHBoxLayout* row);
    void set_erase(bool erase);
    void update_buttons();

    std::unique_ptr<MaskModel> model_;
    MaskCanvas* canvas_ = nullptr;
    QToolButton* brush_ = nullptr;
    QToolButton* eraser_ = nullptr;
    QSpinBox* size_ = nullptr;
    QPushButton* undo_ = nullptr;
    QPushButton* redo_ = nullptr;
};

}  // namespace lightning::ui
