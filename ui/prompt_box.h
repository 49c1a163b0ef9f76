// A multi-line prompt editor with a live token count against CLIP's window; the part of the
// prompt past the window (which the encoders never see) is marked.
#pragma once
#include "ui/token_counter.h"

#include <QPlainTextEdit>
#include <QSyntaxHighlighter>
#include <QTimer>
#include <QWidget>

class QLabel;

namespace lightning::ui {

// Greys out and strikes through the text from a character position on.
class TruncationHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    using QSyntaxHighlighter::QSyntaxHighlighter;
    void set_cut(int position);
    int cut() const { return cut_; }

protected:
    void highlightBlock(const QString& text) override;

private:
    int cut_ = -1;
};

// Tab moves focus on (prompts rarely need tabs); Ctrl+Enter is left to the window's shortcut.
class PromptTextEdit : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit PromptTextEdit(QWidget* parent = nullptr);
    QSize sizeHint() const override;
};

class PromptBox : public QWidget {
    Q_OBJECT
public:
    PromptBox(const QString& name, const QString& placeholder, QWidget* parent = nullptr);

    QString text() const;
    void set_text(const QString& text);
    PromptTextEdit* editor() const { return editor_; }
    QLabel* count_label() const { return count_; }
    void set_counter(TokenCounter* counter);
    int cut_position() const { return highlighter_->cut(); }
    // Counts now instead of after the typing pause (tests, and after set_text).
    void recount();

Q_SIGNALS:
    void textChanged();

private:
    PromptTextEdit* editor_;
    QLabel* count_;
    TruncationHighlighter* highlighter_;
    TokenCounter* counter_ = nullptr;
    QTimer debounce_;
};

}  // namespace lightning::ui
