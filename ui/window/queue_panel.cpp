#include "ui/window/queue_panel.h"

#include "ui/job_queue.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QVBoxLayout>

namespace lightning::ui {

QueuePanel::QueuePanel(JobQueue* queue, QWidget* parent) : QWidget(parent), queue_(queue) {
    running_ = new QLabel(tr("Idle"), this);
    running_->setObjectName(QStringLiteral("runningLabel"));
    running_->setWordWrap(true);
    view_ = new QListView(this);
    view_->setObjectName(QStringLiteral("queueView"));
    view_->setModel(queue_);
    view_->setSelectionMode(QAbstractItemView::SingleSelection);
    view_->setAccessibleName(tr("Queue"));
    view_->setAccessibleDescription(tr("Jobs waiting to run, first to run at the top"));
    auto add_button = [this](const QString& text, const char* name, const QString& tip) {
        auto* button = new QPushButton(text, this);
        button->setObjectName(QString::fromLatin1(name));
        button->setToolTip(tip);
        return button;
    };
    auto* remove =
        add_button(tr("Remove"), "removeJobButton", tr("Remove the selected job from the queue"));
    connect(remove, &QPushButton::clicked, this, [this] { queue_->remove(selected_row()); });
    auto* up = add_button(tr("Up"), "moveUpButton", tr("Run the selected job earlier"));
    connect(up, &QPushButton::clicked, this, [this] { move_selected(-1); });
    auto* down = add_button(tr("Down"), "moveDownButton", tr("Run the selected job later"));
    connect(down, &QPushButton::clicked, this, [this] { move_selected(+1); });
    auto* clear = add_button(tr("Clear"), "clearQueueButton", tr("Remove every waiting job"));
    connect(clear, &QPushButton::clicked, queue_, &JobQueue::clear);
    auto* buttons = new QHBoxLayout;
    for (QPushButton* button : {remove, up, down}) buttons->addWidget(button);
    buttons->addStretch();
    buttons->addWidget(clear);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(running_);
    layout->addWidget(view_, 1);
    layout->addLayout(buttons);
}

void QueuePanel::set_running(const QString& job_text) {
    running_->setText(job_text.isEmpty() ? tr("Idle") : tr("Running: %1").arg(job_text));
}

int QueuePanel::selected_row() const {
    const QModelIndex index = view_->currentIndex();
    return index.isValid() ? index.row() : -1;
}

void QueuePanel::move_selected(int by) {
    const int row = selected_row();
    if (queue_->move(row, row + by)) view_->setCurrentIndex(queue_->index(row + by));
}

}  // namespace lightning::ui
