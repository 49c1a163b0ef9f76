// Large, zoomable view of one gallery image (wheel or +/- to zoom around the cursor, drag to pan,
// Z toggles zoom-to-fit / 100 %, F fits, 1 is 100 %), with its parameters underneath; Left/Right
// (or Page Up/Down) step to the previous/next image of the gallery, S stars it.
#pragma once
#include <QDialog>
#include <QGraphicsView>
#include <QImage>

class QGraphicsPixmapItem;
class QLabel;
class QPushButton;

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
    bool fitting() const { return fitting_; }
    // Zoom-to-fit when at another zoom, 100 % when fitting.
    void toggle_fit();

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
    // Where the image is in the gallery's current list (0-based; -1 when not in it) and how long
    // the list is: enables previous/next and shows "3 / 120".
    void set_position(int index, int count);
    ZoomableImageView* view() const { return view_; }
    // The "Upscale ×2 / ×4" buttons: on when an upscaler model is there; `tip` says which, or
    // what to do to get one.
    void set_upscale_enabled(bool enabled, const QString& tip);

Q_SIGNALS:
    // -1: previous, +1: next.
    void stepRequested(int delta);
    void favouriteRequested();
    // "Use as input": refine the image shown.
    void useAsInputRequested();
    // "Upscale ×2 / ×4" of the image shown.
    void upscaleRequested(int scale);

private:
    void update_zoom_button();

    ZoomableImageView* view_;
    QLabel* caption_;
    QLabel* position_;
    QPushButton* previous_;
    QPushButton* next_;
    QPushButton* zoom_toggle_;
    QPushButton* upscale_[2];  // ×2, ×4
};

}  // namespace lightning::ui
