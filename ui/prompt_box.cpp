#include "ui/prompt_box.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QKeyEvent>
#include <QLabel>
#include <QRegularExpression>
#include <QScrollBar>
#include <QStringListModel>
#include <QTextBlock>
#include <QVBoxLayout>

namespace lightning::ui {

void TruncationHighlighter::set_cut(int position) {
    if (position == cut_) return;
    cut_ = position;
    rehighlight();
}

void TruncationHighlighter::highlightBlock(const QString& text) {
    if (cut_ < 0) return;
    const int block_start = currentBlock().position();
    const int from = std::max(0, cut_ - block_start);
    if (from >= text.size()) return;
    QTextCharFormat format;
    format.setForeground(QColor(0x99, 0x99, 0x99));
    format.setFontStrikeOut(true);
    format.setBackground(QColor(0xff, 0xe8, 0xe8));
    setFormat(from, int(text.size()) - from, format);
}

PromptTextEdit::PromptTextEdit(QWidget* parent) : QPlainTextEdit(parent) {
    setTabChangesFocus(true);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
}

void PromptTextEdit::keyPressEvent(QKeyEvent* event) {
    // The completer's popup sees these keys only when the editor leaves them (Qt's custom
    // completer pattern).
    if (completer_ && completer_->popup()->isVisible()) switch (event->key()) {
            case Qt::Key_Enter:
            case Qt::Key_Return:
            case Qt::Key_Escape:
            case Qt::Key_Tab:
            case Qt::Key_Backtab:
                event->ignore();
                return;
            default:
                break;
        }
    QPlainTextEdit::keyPressEvent(event);
}

QSize PromptTextEdit::sizeHint() const {
    const int lines = 4;
    return {300, fontMetrics().lineSpacing() * lines + 2 * frameWidth() + 8};
}

PromptBox::PromptBox(const QString& name, const QString& placeholder, QWidget* parent)
    : QWidget(parent) {
    setObjectName(name + QStringLiteral("Box"));
    editor_ = new PromptTextEdit(this);
    editor_->setObjectName(name + QStringLiteral("Edit"));
    editor_->setPlaceholderText(placeholder);
    count_ = new QLabel(this);
    count_->setObjectName(name + QStringLiteral("Tokens"));
    count_->setAlignment(Qt::AlignRight);
    QFont small = count_->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    count_->setFont(small);
    highlighter_ = new TruncationHighlighter(editor_->document());

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(editor_, 1);
    layout->addWidget(count_);

    debounce_.setSingleShot(true);
    debounce_.setInterval(120);
    connect(&debounce_, &QTimer::timeout, this, &PromptBox::recount);
    connect(editor_, &QPlainTextEdit::textChanged, this, [this] {
        debounce_.start();
        update_lora_completion();
        Q_EMIT textChanged();
    });
    lora_names_ = new QStringListModel(this);
    lora_completer_ = new QCompleter(lora_names_, this);
    lora_completer_->setObjectName(name + QStringLiteral("LoraCompleter"));
    lora_completer_->setWidget(editor_);
    editor_->set_completer(lora_completer_);
    lora_completer_->setCaseSensitivity(Qt::CaseInsensitive);
    lora_completer_->setCompletionMode(QCompleter::PopupCompletion);
    connect(lora_completer_, qOverload<const QString&>(&QCompleter::activated), this,
            &PromptBox::complete_lora);
    recount();
}

void PromptBox::set_lora_names(const QStringList& names) {
    lora_names_->setStringList(names);
}

// The name typed so far of a `<lora:` tag that ends at the cursor, or a null string.
static QString lora_prefix(const QPlainTextEdit* editor) {
    static const QRegularExpression open_tag(QStringLiteral("<(?:lora|lyco):([^:<>]*)$"));
    QTextCursor cursor = editor->textCursor();
    const QString block = cursor.block().text().left(cursor.positionInBlock());
    const auto match = open_tag.match(block);
    return match.hasMatch() ? match.captured(1) : QString();
}

void PromptBox::update_lora_completion() {
    const QString prefix = lora_prefix(editor_);
    if (prefix.isNull() || lora_names_->rowCount() == 0) {
        lora_completer_->popup()->hide();
        return;
    }
    lora_completer_->setCompletionPrefix(prefix);
    if (lora_completer_->completionCount() == 0) {
        lora_completer_->popup()->hide();
        return;
    }
    QRect at = editor_->cursorRect();
    at.setWidth(lora_completer_->popup()->sizeHintForColumn(0) +
                lora_completer_->popup()->verticalScrollBar()->sizeHint().width());
    lora_completer_->complete(at);
}

void PromptBox::complete_lora(const QString& name) {
    const QString prefix = lora_prefix(editor_);
    if (prefix.isNull()) return;
    QTextCursor cursor = editor_->textCursor();
    cursor.movePosition(QTextCursor::Left, QTextCursor::KeepAnchor, int(prefix.size()));
    cursor.insertText(name + QStringLiteral(":1>"));
    editor_->setTextCursor(cursor);
}

QString PromptBox::text() const {
    return editor_->toPlainText();
}

void PromptBox::set_text(const QString& text) {
    if (text == editor_->toPlainText()) return;
    editor_->setPlainText(text);
    recount();
}

void PromptBox::set_counter(TokenCounter* counter) {
    if (counter_) disconnect(counter_, nullptr, this, nullptr);
    counter_ = counter;
    if (counter_) connect(counter_, &TokenCounter::readyChanged, this, &PromptBox::recount);
    recount();
}

void PromptBox::set_lora_tags_removed(bool removed) {
    lora_tags_removed_ = removed;
    recount();
}

void PromptBox::set_resolved(const QString& text, const QString& error) {
    if (text == resolved_ && text.isNull() == resolved_.isNull() && error == resolve_error_) return;
    resolved_ = text;
    resolve_error_ = error;
    debounce_.start();
}

void PromptBox::recount() {
    debounce_.stop();
    if (!counter_ || !counter_->ready()) {
        highlighter_->set_cut(-1);
        count_->setText(counter_ ? tr("tokens: %1").arg(counter_->status()) : QString());
        count_->setToolTip({});
        return;
    }
    // A template is counted as it resolves (the resolved text has no place in the editor to
    // strike out); the form shows that text under the box.
    const bool resolved = !resolved_.isNull() || !resolve_error_.isEmpty();
    const QString text = resolved ? resolved_ : editor_->toPlainText();
    TokenCount count = lora_tags_removed_ ? counter_->count_prompt(text) : counter_->count(text);
    if (!resolve_error_.isEmpty()) count.error = resolve_error_;
    highlighter_->set_cut(resolved ? -1 : count.cut);
    if (!count.error.isEmpty()) {
        count_->setText(QStringLiteral("<span style='color:#b02020'>%1</span>")
                            .arg(tr("cannot read the prompt").toHtmlEscaped()));
        count_->setToolTip(count.error);
        return;
    }
    QString label = tr("%1 / %2 tokens").arg(count.first).arg(count.limit);
    if (count.chunks > 0) {
        // Long prompts are encoded in several chunks: nothing is cut, each chunk holds 75.
        count_->setText(label);
        count_->setToolTip((count.chunks == 1 ? tr("1 chunk of %1 tokens")
                                              : tr("%1 chunks of %2 tokens").arg(count.chunks))
                               .arg(count.limit / count.chunks) +
                           tr("; a longer prompt takes another chunk (prompt syntax %1)")
                               .arg(QString::fromLatin1(lightning::to_string(counter_->syntax()))));
        return;
    }
    if (count.second != count.first) label += tr(" (OpenCLIP: %1)").arg(count.second);
    if (count.cut >= 0) {
        label = QStringLiteral("<span style='color:#b02020'>%1 — %2</span>")
                    .arg(label.toHtmlEscaped(), resolved ? tr("the resolved prompt's end is cut")
                                                         : tr("the struck-out end is cut"));
        count_->setToolTip(tr("SDXL's text encoders read at most %1 tokens; the rest of the "
                              "prompt is ignored.")
                               .arg(count.limit));
    } else {
        count_->setToolTip(tr("Tokens used of the %1 the text encoders read").arg(count.limit));
    }
    count_->setText(label);
}

}  // namespace lightning::ui
