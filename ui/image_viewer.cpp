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
    fit();
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
    caption_ = new QLabel(this);
    caption_->setWordWrap(true);
    caption_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* fit = new QPushButton(tr("Fit"), this);
    auto* actual = new QPushButton(tr("100 %"), this);
    auto* zoom_in = new QPushButton(tr("Zoom in"), this);
    auto* zoom_out = new QPushButton(tr("Zoom out"), this);
    connect(fit, &QPushButton::clicked, view_, &ZoomableImageView::fit);
    connect(actual, &QPushButton::clicked, view_, &ZoomableImageView::actual_size);
    connect(zoom_in, &QPushButton::clicked, this, [this] { view_->zoom_by(1.25); });
    connect(zoom_out, &QPushButton::clicked, this, [this] { view_->zoom_by(0.8); });
    new QShortcut(QKeySequence(Qt::Key_F), this, [this] { view_->fit(); });
    new QShortcut(QKeySequence(Qt::Key_1), this, [this] { view_->actual_size(); });
    new QShortcut(QKeySequence::ZoomIn, this, [this] { view_->zoom_by(1.25); });
    new QShortcut(QKeySequence::ZoomOut, this, [this] { view_->zoom_by(0.8); });

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(fit);
    buttons->addWidget(actual);
    buttons->addWidget(zoom_in);
    buttons->addWidget(zoom_out);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(view_, 1);
    layout->addLayout(buttons);
    layout->addWidget(caption_);
}

void ImageViewer::show_image(const QString& file, const QString& caption) {
    QImageReader reader(file);
    const QImage image = reader.read();
    setWindowTitle(QFileInfo(file).fileName());
    caption_->setText(image.isNull() ? tr("Cannot read %1: %2").arg(file, reader.errorString())
                                     : caption);
    view_->set_image(image);
    show();
    raise();
    activateWindow();
}

}  // namespace lightning::ui
