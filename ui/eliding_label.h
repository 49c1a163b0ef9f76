// A one-line label that never widens its layout: text that does not fit is drawn with "…" and
// shown whole in the tooltip. text() stays the full text.
#pragma once
#include <QLabel>

namespace lightning::ui {

class ElidingLabel : public QLabel {
    Q_OBJECT
public:
    explicit ElidingLabel(QWidget* parent = nullptr);

    QSize minimumSizeHint() const override;
    bool is_elided() const;  // at the current width

protected:
    void paintEvent(QPaintEvent* event) override;
};

}  // namespace lightning::ui
