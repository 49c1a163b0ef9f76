// A multi-line prompt editor with a live token count against CLIP's window; the part of the
// prompt past the window (which the encoders never see) is marked. LoRA names are completed
// after `<lora:`.
#pragma once
#include "ui/token_counter.h"

#include <QPlainTextEdit>
#include <QSyntaxHighlighter>
#include <QTimer>
#include <QWidget>

class QCompleter;
class QLabel;
class QStringListModel;

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
    // While its popup shows, the keys that choose or dismiss go to `completer`.
    void set_completer(QCompleter* completer) { completer_ = completer; }

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    QCompleter* completer_ = nullptr;
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
    // LoRA names offered while `<lora:` is typed (A1111's tag); choosing one completes the tag
    // with weight 1, as A1111's cards insert it. None: no completion.
    void set_lora_names(const QStringList& names);
    QCompleter* lora_completer() const { return lora_completer_; }
    // The positive prompt's box: its `<lora:...>` tags are not counted (TokenCounter::
    // count_prompt).
    void set_lora_tags_removed(bool removed);
    // What the text resolves to when it is a template (the form's resolved prompt): counted
    // instead of the text; a null string counts the text. `error` (why the template does not
    // resolve) is shown instead of a count.
    void set_resolved(const QString& text, const QString& error = {});

Q_SIGNALS:
    void textChanged();

private:
    // Shows the completer while the text before the cursor is an unfinished `<lora:` tag.
    void update_lora_completion();
    void complete_lora(const QString& name);

    PromptTextEdit* editor_;
    QCompleter* lora_completer_ = nullptr;
    QStringListModel* lora_names_ = nullptr;
    QLabel* count_;
    TruncationHighlighter* highlighter_;
    TokenCounter* counter_ = nullptr;
    bool lora_tags_removed_ = false;
    QString resolved_;       // null: the text is counted
    QString resolve_error_;  // the template does not resolve
    QTimer debounce_;
};

}  // namespace lightning::ui
