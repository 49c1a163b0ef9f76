#include "ui/eliding_label.h"

#include <QPainter>
#include <QStyle>
#include <QStyleOption>
#include <QTextLayout>

#include <algorithm>

namespace lightning::ui {

ElidingLabel::ElidingLabel(QWidget* parent) : QLabel(parent) {
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    setTextFormat(Qt::PlainText);
}

void ElidingLabel::set_line_count(int lines) {
    lines_ = std::max(1, lines);
    // Several lines: the height is reserved, so rows below stay put whatever the text.
    setSizePolicy(QSizePolicy::Ignored, lines_ > 1 ? QSizePolicy::Fixed : QSizePolicy::Preferred);
    updateGeometry();
    update();
}

int ElidingLabel::height_for_lines() const {
    const QMargins margins = contentsMargins();
    return fontMetrics().lineSpacing() * lines_ + margins.top() + margins.bottom();
}

QSize ElidingLabel::sizeHint() const {
    const QSize hint = QLabel::sizeHint();
    return lines_ > 1 ? QSize(hint.width(), height_for_lines()) : hint;
}

QSize ElidingLabel::minimumSizeHint() const {
    const int height = lines_ > 1 ? height_for_lines() : QLabel::minimumSizeHint().height();
    return {fontMetrics().averageCharWidth() * 4, height};
}

QStringList ElidingLabel::shown_lines(bool* elided) const {
    const int width = contentsRect().width();
    const QString all = text();
    if (elided) *elided = fontMetrics().horizontalAdvance(all) > width;
    if (lines_ == 1) return {fontMetrics().elidedText(all, Qt::ElideRight, width)};
    QTextLayout layout(all, font());
    QTextOption option;
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(option);
    QStringList lines;
    layout.beginLayout();
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(width);
        if (lines.size() + 1 == lines_) {
            // The last line takes the rest of the text, elided.
            const QString rest = all.mid(line.textStart()).simplified();
            if (elided) *elided = fontMetrics().horizontalAdvance(rest) > width;
            lines << fontMetrics().elidedText(rest, Qt::ElideRight, width);
            break;
        }
        lines << all.mid(line.textStart(), line.textLength()).trimmed();
    }
    layout.endLayout();
    if (elided && lines.size() < lines_) *elided = false;
    return lines;
}

bool ElidingLabel::is_elided() const {
    bool elided = false;
    shown_lines(&elided);
    return elided;
}

void ElidingLabel::paintEvent(QPaintEvent*) {
    const QRect area = contentsRect();
    bool elided = false;
    const QStringList lines = shown_lines(&elided);
    // The tooltip follows the width: the whole text exactly when part of it is hidden.
    setToolTip(elided ? text() : QString());
    QPainter painter(this);
    QStyleOption option;
    option.initFrom(this);
    const int flags = int(alignment() | (lines_ == 1 ? Qt::TextSingleLine : 0));
    style()->drawItemText(&painter, area, flags, option.palette, isEnabled(), lines.join(u'\n'),
                          foregroundRole());
}

}  // namespace lightning::ui
