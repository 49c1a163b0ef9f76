// A label of a fixed number of lines (one unless set) that never widens its layout: text that
// does not fit is drawn with "…" and shown whole in the tooltip. text() stays the full text.
#pragma once
#include <QLabel>

namespace lightning::ui {

class ElidingLabel : public QLabel {
    Q_OBJECT
public:
    explicit ElidingLabel(QWidget* parent = nullptr);

    // Lines shown (1 by default): the text wraps at word boundaries (inside a word too long for
    // a line, such as a path), the last line is elided, and the height is that of `lines`.
    void set_line_count(int lines);
    int line_count() const { return lines_; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool is_elided() const;  // at the current width

    // What is drawn at the current width: the lines, the last one elided when text is left
    // (`elided` says whether it was).
    QStringList shown_lines(bool* elided = nullptr) const;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    int height_for_lines() const;
    int lines_ = 1;
};

}  // namespace lightning::ui
