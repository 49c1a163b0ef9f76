// The Queue dock's contents: what runs now, the jobs waiting (reorderable, removable) and Clear.
#pragma once
#include <QWidget>

class QLabel;
class QListView;

namespace lightning::ui {

class JobQueue;

class QueuePanel : public QWidget {
    Q_OBJECT
public:
    explicit QueuePanel(JobQueue* queue, QWidget* parent = nullptr);

    // "Running: …", or "Idle" for an empty text.
    void set_running(const QString& job_text);

private:
    int selected_row() const;
    void move_selected(int by);

    JobQueue* queue_;
    QLabel* running_;
    QListView* view_;
};

}  // namespace lightning::ui
