#include "ui/image_viewer.h"

#include <QFileInfo>
#include <QGraphicsPixmapItem>
#include <QGraphicsScene>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace lightning::ui {

ZoomableImageView::ZoomableImageView(QWidget* parent) : QGraphicsView(parent) {
    setScene(new QGraphicsScene(this));
    pixmap_ = scene()->addPixmap({});
    pixmap_->setTransformationMode(Qt::SmoothTransformation);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setBackgroundBrush(palette().color(QPalette::Dark));
    setRenderHint(QPainter::SmoothPixmapTransform);
}

void ZoomableImageView::set_image(const QImage& image) {
    pixmap_->setPixmap(QPixmap::fromImage(image));
    scene()->setSceneRect(pixmap_->boundingRect());
    // Stepping through images keeps the zoom chosen (fit, or e.g. 100 % to compare details).
    if (fitting_) fit();
}

void ZoomableImageView::fit() {
    fitting_ = true;
    if (!pixmap_->pixmap().isNull()) fitInView(pixmap_, Qt::KeepAspectRatio);
}

double ZoomableImageView::zoom() const {
    return transform().m11();
}

void ZoomableImageView::zoom_by(double factor) {
    fitting_ = false;
    const double target = std::clamp(zoom() * factor, 0.02, 32.0);
    scale(target / zoom(), target / zoom());
}

void ZoomableImageView::toggle_fit() {
    if (fitting_)
        actual_size();
    else
        fit();
}

void ZoomableImageView::actual_size() {
    fitting_ = false;
    resetTransform();
}

void ZoomableImageView::wheelEvent(QWheelEvent* event) {
    const double steps = event->angleDelta().y() / 120.0;
    if (steps != 0) zoom_by(std::pow(1.2, steps));
    event->accept();
}

void ZoomableImageView::resizeEvent(QResizeEvent* event) {
    QGraphicsView::resizeEvent(event);
    if (fitting_) fit();
}

ImageViewer::ImageViewer(QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("imageViewer"));
    setWindowTitle(tr("Image"));
    resize(900, 900);
    view_ = new ZoomableImageView(this);
    view_->setAccessibleDescription(
        tr("The image. Z toggles fit and 100 %, arrows show the previous or next, S stars it"));
    caption_ = new QLabel(this);
    caption_->setWordWrap(true);
    caption_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    position_ = new QLabel(this);
    position_->setObjectName(QStringLiteral("viewerPosition"));

    auto button = [this](const QString& text, const char* name, const QString& tip) {
        auto* created = new QPushButton(text, this);
        created->setObjectName(QString::fromLatin1(name));
        created->setToolTip(tip);
        created->setAutoDefault(false);  // Enter must not "click" a button of the dialog
        return created;
    };
    previous_ = button(tr("◀ Previous"), "viewerPrevious", tr("Previous image (Left, Page Up)"));
    next_ = button(tr("Next ▶"), "viewerNext", tr("Next image (Right, Page Down)"));
    zoom_toggle_ = button(tr("100 %"), "viewerZoomToggle",
                          tr("Toggle between zoom to fit and 100 % (Z; F fits, 1 is 100 %)"));
    auto* zoom_in = button(tr("Zoom in"), "viewerZoomIn", tr("Zoom in (Ctrl++ or the wheel)"));
    auto* zoom_out = button(tr("Zoom out"), "viewerZoomOut", tr("Zoom out (Ctrl+- or the wheel)"));
    auto* star = button(tr("★ Star"), "viewerStar", tr("Star or unstar this image (S)"));
    auto* use = button(tr("Use as input"), "viewerUseAsInput",
                       tr("Refine this image: it becomes the input image of the form"));
    connect(use, &QPushButton::clicked, this, &ImageViewer::useAsInputRequested);
    for (int i = 0; i < 2; ++i) {
        const int scale = i == 0 ? 2 : 4;
        upscale_[i] =
            button(tr("Upscale ×%1").arg(scale), i == 0 ? "viewerUpscale2" : "viewerUpscale4",
                   tr("Upscale this image %1 times with the upscaler model").arg(scale));
        connect(upscale_[i], &QPushButton::clicked, this,
                [this, scale] { Q_EMIT upscaleRequested(scale); });
    }
    connect(previous_, &QPushButton::clicked, this, [this] { Q_EMIT stepRequested(-1); });
    connect(next_, &QPushButton::clicked, this, [this] { Q_EMIT stepRequested(+1); });
    connect(zoom_toggle_, &QPushButton::clicked, this, [this] {
        view_->toggle_fit();
        update_zoom_button();
    });
    connect(zoom_in, &QPushButton::clicked, this, [this] { view_->zoom_by(1.25); });
    connect(zoom_out, &QPushButton::clicked, this, [this] { view_->zoom_by(0.8); });
    connect(star, &QPushButton::clicked, this, &ImageViewer::favouriteRequested);

    auto shortcut = [this](const QKeySequence& keys, auto handler) {
        connect(new QShortcut(keys, this), &QShortcut::activated, this, [this, handler] {
            handler();
            update_zoom_button();
        });
    };
    shortcut(QKeySequence(Qt::Key_Z), [this] { view_->toggle_fit(); });
    shortcut(QKeySequence(Qt::Key_F), [this] { view_->fit(); });
    shortcut(QKeySequence(Qt::Key_1), [this] { view_->actual_size(); });
    shortcut(QKeySequence::ZoomIn, [this] { view_->zoom_by(1.25); });
    shortcut(QKeySequence::ZoomOut, [this] { view_->zoom_by(0.8); });
    for (auto key : {Qt::Key_Left, Qt::Key_PageUp})
        shortcut(QKeySequence(key), [this] { Q_EMIT stepRequested(-1); });
    for (auto key : {Qt::Key_Right, Qt::Key_PageDown})
        shortcut(QKeySequence(key), [this] { Q_EMIT stepRequested(+1); });
    shortcut(QKeySequence(Qt::Key_S), [this] { Q_EMIT favouriteRequested(); });

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(previous_);
    buttons->addWidget(next_);
    buttons->addWidget(position_);
    buttons->addStretch();
    buttons->addWidget(use);
    buttons->addWidget(upscale_[0]);
    buttons->addWidget(upscale_[1]);
    buttons->addWidget(star);
    buttons->addWidget(zoom_toggle_);
    buttons->addWidget(zoom_in);
    buttons->addWidget(zoom_out);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(view_, 1);
    layout->addLayout(buttons);
    layout->addWidget(caption_);
}

void ImageViewer::update_zoom_button() {
    // The button names what it does next.
    zoom_toggle_->setText(view_->fitting() ? tr("100 %") : tr("Fit"));
}

void ImageViewer::set_upscale_enabled(bool enabled, const QString& tip) {
    for (QPushButton* button : upscale_) {
        button->setEnabled(enabled);
        button->setToolTip(tip);
    }
}

void ImageViewer::set_position(int index, int count) {
    position_->setText(index >= 0 ? tr("%1 / %2").arg(index + 1).arg(count) : QString());
    previous_->setEnabled(index > 0);
    next_->setEnabled(index >= 0 && index + 1 < count);
}

void ImageViewer::show_image(const QString& file, const QString& caption) {
    QImageReader reader(file);
    reader.setAutoTransform(true);
    const QImage image = reader.read();
    setWindowTitle(QFileInfo(file).fileName());
    caption_->setText(image.isNull() ? tr("Cannot read %1: %2").arg(file, reader.errorString())
                                     : caption);
    view_->set_image(image);
    // A screen reader names the image by what it shows.
    view_->setAccessibleName(caption.isEmpty() ? QFileInfo(file).fileName() : caption);
    update_zoom_button();
    show();
    raise();
    activateWindow();
}

}  // namespace lightning::ui
