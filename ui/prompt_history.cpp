#include "ui/prompt_history.h"

#include "ui/gallery_store.h"
#include "ui/string_convert.h"

#include <QCoreApplication>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QSet>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QTextCursor>
#include <QToolButton>
#include <QVBoxLayout>

namespace lightning::ui {

void PromptHistory::reset_from(const QList<GalleryItem>& newest_first) {
    QStringList prompts;
    QSet<QString> seen;
    for (const GalleryItem& item : newest_first) {
        const QString prompt = to_qstring(item.record.request.prompt).trimmed();
        if (prompt.isEmpty() || seen.contains(prompt)) continue;
        seen.insert(prompt);
        prompts << prompt;
        if (prompts.size() == kMaxPrompts) break;
    }
    beginResetModel();
    prompts_ = prompts;
    endResetModel();
}

void PromptHistory::record(const QString& text) {
    const QString prompt = text.trimmed();
    if (prompt.isEmpty()) return;
    const int row = int(prompts_.indexOf(prompt));
    if (row == 0) return;
    if (row > 0) {
        beginMoveRows({}, row, row, {}, 0);
        prompts_.move(row, 0);
        endMoveRows();
        return;
    }
    beginInsertRows({}, 0, 0);
    prompts_.prepend(prompt);
    endInsertRows();
    if (prompts_.size() > kMaxPrompts) {
        beginRemoveRows({}, kMaxPrompts, int(prompts_.size()) - 1);
        prompts_ = prompts_.mid(0, kMaxPrompts);
        endRemoveRows();
    }
}

int PromptHistory::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(prompts_.size());
}

QVariant PromptHistory::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= prompts_.size()) return {};
    const QString& prompt = prompts_.at(index.row());
    if (role == Qt::DisplayRole) return prompt.simplified();
    if (role == Qt::ToolTipRole || role == Qt::EditRole) return prompt;
    return {};
}

PromptHistoryPopup::PromptHistoryPopup(PromptHistory* history, QWidget* parent)
    : QFrame(parent, Qt::Popup) {
    setObjectName(QStringLiteral("promptHistoryPopup"));
    setFrameShape(QFrame::StyledPanel);
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(history);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    filter_ = new QLineEdit(this);
    filter_->setObjectName(QStringLiteral("promptHistoryFilter"));
    filter_->setPlaceholderText(tr("Filter recent prompts…"));
    filter_->setToolTip(tr("Type to narrow the list; Up/Down to pick, Enter to use, Esc to close"));
    filter_->setClearButtonEnabled(true);
    list_ = new QListView(this);
    list_->setObjectName(QStringLiteral("promptHistoryList"));
    list_->setModel(proxy_);
    list_->setUniformItemSizes(true);
    list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    list_->setToolTip(
        tr("Recent prompts, newest first: Enter or a click puts one in the prompt "
           "box"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(filter_);
    layout->addWidget(list_);
    connect(filter_, &QLineEdit::textChanged, this, [this](const QString& text) {
        proxy_->setFilterFixedString(text);
        list_->setCurrentIndex(proxy_->index(0, 0));
    });
    connect(list_, &QListView::clicked, this, &PromptHistoryPopup::choose);
    connect(list_, &QListView::activated, this, &PromptHistoryPopup::choose);
    filter_->installEventFilter(this);
}

void PromptHistoryPopup::show_below(QWidget* anchor) {
    filter_->clear();
    list_->setCurrentIndex(proxy_->index(0, 0));
    const int width = std::max(anchor->width(), 360);
    resize(width, 320);
    move(anchor->mapToGlobal(QPoint(0, anchor->height())));
    show();
    filter_->setFocus();
}

bool PromptHistoryPopup::eventFilter(QObject* watched, QEvent* event) {
    // The list's keys while typing in the filter: Up/Down/PageUp/PageDown move, Enter chooses.
    if (watched == filter_ && event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        switch (key->key()) {
            case Qt::Key_Up:
            case Qt::Key_Down:
            case Qt::Key_PageUp:
            case Qt::Key_PageDown:
                QCoreApplication::sendEvent(list_, event);
                return true;
            case Qt::Key_Return:
            case Qt::Key_Enter:
                choose(list_->currentIndex());
                return true;
            default:
                break;
        }
    }
    return QFrame::eventFilter(watched, event);
}

void PromptHistoryPopup::choose(const QModelIndex& index) {
    if (!index.isValid()) return;
    const QString prompt = index.data(Qt::EditRole).toString();
    hide();
    Q_EMIT promptChosen(prompt);
}

QToolButton* attach_prompt_history(PromptHistory* history, QPlainTextEdit* editor) {
    auto* popup = new PromptHistoryPopup(history, editor);
    auto* button = new QToolButton;
    button->setObjectName(QStringLiteral("promptHistoryButton"));
    button->setText(QObject::tr("Recent prompts…"));
    button->setToolTip(
        QObject::tr("Reuse a recent prompt from the gallery (Alt+Down in the prompt box)"));
    auto open = [popup, editor] { popup->show_below(editor); };
    QObject::connect(button, &QToolButton::clicked, popup, open);
    auto* shortcut = new QShortcut(QKeySequence(Qt::ALT | Qt::Key_Down), editor);
    shortcut->setContext(Qt::WidgetShortcut);
    QObject::connect(shortcut, &QShortcut::activated, popup, open);
    QObject::connect(popup, &PromptHistoryPopup::promptChosen, editor,
                     [editor](const QString& prompt) {
                         // One edit through the cursor: Ctrl+Z brings the previous text back.
                         QTextCursor cursor(editor->document());
                         cursor.select(QTextCursor::Document);
                         cursor.insertText(prompt);
                         editor->setFocus();
                     });
    return button;
}

}  // namespace lightning::ui
