// Recent prompts, newest first and each once, for reuse from the prompt box. The gallery feeds it
// (every image's prompt, so the history survives restarts and index rebuilds without a file of
// its own); the window may record prompts it submits too. attach_prompt_history() connects it to
// a prompt editor: a button and Alt+Down open a filterable list, Enter puts the prompt in.
#pragma once
#include <QAbstractListModel>
#include <QFrame>
#include <QStringList>

class QLineEdit;
class QListView;
class QPlainTextEdit;
class QSortFilterProxyModel;
class QToolButton;

namespace lightning::ui {

struct GalleryItem;

class PromptHistory : public QAbstractListModel {
    Q_OBJECT
public:
    static constexpr int kMaxPrompts = 500;

    using QAbstractListModel::QAbstractListModel;

    // The prompts of `items` (newest first), each once, at most kMaxPrompts.
    void reset_from(const QList<GalleryItem>& newest_first);
    // Puts `prompt` on top (moving it there when it is already listed). Blank prompts are not
    // recorded.
    void record(const QString& prompt);
    const QStringList& prompts() const { return prompts_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    // Display: the prompt on one line; tool tip: the whole prompt.
    QVariant data(const QModelIndex& index, int role) const override;

private:
    QStringList prompts_;
};

// A popup list of the history with a filter field: type to narrow it, Up/Down to pick, Enter or
// a click to choose, Escape to close.
class PromptHistoryPopup : public QFrame {
    Q_OBJECT
public:
    explicit PromptHistoryPopup(PromptHistory* history, QWidget* parent = nullptr);

    // Shows the popup below `anchor`, filter cleared and focused.
    void show_below(QWidget* anchor);
    QLineEdit* filter() const { return filter_; }
    QListView* list() const { return list_; }

Q_SIGNALS:
    void promptChosen(QString prompt);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void choose(const QModelIndex& index);

    QSortFilterProxyModel* proxy_;
    QLineEdit* filter_;
    QListView* list_;
};

// Connects `history` to `editor`: returns a "Recent prompts" button (not yet in a layout: the
// caller places it) and installs Alt+Down in the editor; both open the popup, and a chosen
// prompt replaces the editor's text as one undoable edit.
QToolButton* attach_prompt_history(PromptHistory* history, QPlainTextEdit* editor);

}  // namespace lightning::ui
