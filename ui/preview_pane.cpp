#include "ui/preview_pane.h"

#include <QPainter>

namespace lightning::ui {

PreviewPane::PreviewPane(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("previewPane"));
    setMinimumSize(256, 256);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void PreviewPane::set_image(const QImage& image) {
    image_ = image;
    update();
}

void PreviewPane::set_placeholder(const QString& text) {
    placeholder_ = text;
    if (image_.isNull()) update();
}

void PreviewPane::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Window).darker(108));
    if (image_.isNull()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap,
                         placeholder_);
        return;
    }
    // Small previews (reduced decodes, tiny sizes) are scaled up crisp, big images smoothly down.
    const QSize size = image_.size().scaled(this->size() - QSize(8, 8), Qt::KeepAspectRatio);
    const QRect target((width() - size.width()) / 2, (height() - size.height()) / 2, size.width(),
                       size.height());
    painter.setRenderHint(QPainter::SmoothPixmapTransform, size.width() < image_.width() * 2);
    painter.drawImage(target, image_);
}

}  // namespace lightning::ui
