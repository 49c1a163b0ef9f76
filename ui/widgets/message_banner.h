// The window's message strip across form and preview: one message at a time (an error in red, a
// note in blue), with the full text of a long engine error behind "Show details", Dismiss,
// Settings… and, while the model failed to load, Retry.
#pragma once
#include <QFrame>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace lightning::ui {

class MessageBanner : public QFrame {
    Q_OBJECT
public:
    explicit MessageBanner(QWidget* parent = nullptr);

    // Shows `text` (replacing any message); `details` ("" for none) behind "Show details"; Retry
    // only with `offer_retry`.
    void show_message(const QString& text, bool is_error, const QString& details = {},
                      bool offer_retry = false);
    void dismiss();  // hides it (the Dismiss button)

    QString text() const;     // "" when hidden
    QString details() const;  // "" when hidden or none

Q_SIGNALS:
    void retryRequested();     // hidden already
    void settingsRequested();  // "Settings…"

private:
    QLabel* text_;
    QPushButton* details_button_;
    QPushButton* retry_;
    QPlainTextEdit* details_;
};

}  // namespace lightning::ui
