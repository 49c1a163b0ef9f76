#include "ui/eliding_label.h"

#include <QPainter>
#include <QStyle>
#include <QStyleOption>

namespace lightning::ui {

ElidingLabel::ElidingLabel(QWidget* parent) : QLabel(parent) {
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    setTextFormat(Qt::PlainText);
}

QSize ElidingLabel::minimumSizeHint() const {
    return {fontMetrics().averageCharWidth() * 4, QLabel::minimumSizeHint().height()};
}

bool ElidingLabel::is_elided() const {
    return fontMetrics().horizontalAdvance(text()) > contentsRect().width();
}

void ElidingLabel::paintEvent(QPaintEvent*) {
    const QRect area = contentsRect();
    const QString shown = fontMetrics().elidedText(text(), Qt::ElideRight, area.width());
    // The tooltip follows the width: the whole text exactly when part of it is hidden.
    setToolTip(shown == text() ? QString() : text());
    QPainter painter(this);
    QStyleOption option;
    option.initFrom(this);
    style()->drawItemText(&painter, area, int(alignment() | Qt::TextSingleLine), option.palette,
                          isEnabled(), shown, foregroundRole());
}

}  // namespace lightning::ui
