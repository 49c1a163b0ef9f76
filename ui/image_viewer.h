// Large, zoomable view of one gallery image (wheel or +/- to zoom around the cursor, drag to pan,
// F to fit, 1 for 100 %), with its parameters underneath.
#pragma once
#include <QDialog>
#include <QGraphicsView>
#include <QImage>

class QGraphicsPixmapItem;
class QLabel;

namespace lightning::ui {

class ZoomableImageView : public QGraphicsView {
    Q_OBJECT
public:
    explicit ZoomableImageView(QWidget* parent = nullptr);

    void set_image(const QImage& image);
    void fit();
    void zoom_by(double factor);
    void actual_size();
    double zoom() const;

protected:
    void wheelEvent(QWheelEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    QGraphicsPixmapItem* pixmap_ = nullptr;
    bool fitting_ = true;  // keep fitting on resize until the user zooms
};

class ImageViewer : public QDialog {
    Q_OBJECT
public:
    explicit ImageViewer(QWidget* parent = nullptr);

    void show_image(const QString& file, const QString& caption);
    ZoomableImageView* view() const { return view_; }

private:
    ZoomableImageView* view_;
    QLabel* caption_;
};

}  // namespace lightning::ui
