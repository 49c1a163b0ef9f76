// Live mode's Qt side: feeds form changes to the Qt-free LiveScheduler (core/engine/
// live_scheduler.h), carries out its decisions on the GenerationController (start a live job,
// cancel the running one, wait out the grace period on a timer) and hands on the newest image.
// Live images are not saved; the window keeps one only when asked ("Keep").
#pragma once
#include "core/engine/live_scheduler.h"
#include "ui/gallery_store.h"

#include <QImage>
#include <QObject>
#include <QTimer>

#include <optional>
#include <utility>

namespace lightning::ui {

class GenerationController;

class LiveMode : public QObject {
    Q_OBJECT
public:
    // `clock` is the scheduler's (tests pass one they advance by hand).
    explicit LiveMode(GenerationController* controller,
                      lightning::SecondsClock clock = lightning::steady_clock_seconds,
                      QObject* parent = nullptr);

    // Off: the pending input is dropped and the running live job cancelled.
    void set_enabled(bool enabled);
    bool enabled() const { return enabled_; }
    void set_output_dir(const QString& folder) { output_dir_ = folder; }

    // The form changed (ignored while off). A burst of changes in one event-loop pass counts once.
    void input(const lightning::GenerationRequest& request);
    // Carries out what the scheduler says now (the timer calls it; tests may too).
    void poll();

    // The running live job, or the one that just ended (jobFinished reaches the window after
    // this object).
    bool owns(int job_id) const {
        return job_id != 0 && (job_id == running_job_ || job_id == ended_job_);
    }
    const lightning::LiveScheduler& scheduler() const { return scheduler_; }

Q_SIGNALS:
    // The newest finished live image (never an older one after a newer).
    void resultReady(lightning::ui::GalleryItem item, QImage image);
    // A live job failed (the message is the engine's).
    void failed(QString message);

private:
    void on_image(int job_id, int image_index, const GalleryItem& item, const QImage& image);
    void on_finished(int job_id, bool cancelled, const QString& error);

    GenerationController* controller_;
    lightning::LiveScheduler scheduler_;
    QTimer timer_;
    bool enabled_ = false;
    QString output_dir_;
    int running_job_ = 0;
    int ended_job_ = 0;
    uint64_t running_input_ = 0;
    std::optional<std::pair<GalleryItem, QImage>> running_image_;
};

}  // namespace lightning::ui
