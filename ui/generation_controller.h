// GUI-thread side of generation: owns the worker thread and the job queue, loads the model when
// the settings call for it, feeds queued jobs to the worker one at a time and relays progress.
#pragma once
#include "ui/app_settings.h"
#include "ui/gallery_store.h"
#include "ui/job_queue.h"

#include <QImage>
#include <QObject>
#include <QStringList>
#include <QThread>

#include <optional>

namespace lightning::ui {

class GenerationWorker;

class GenerationController : public QObject {
    Q_OBJECT
public:
    enum class ModelState { NotConfigured, Loading, Ready, Failed };
    Q_ENUM(ModelState)

    explicit GenerationController(QObject* parent = nullptr);
    ~GenerationController() override;  // cancels the running job and joins the thread

    JobQueue* queue() { return &queue_; }

    // New engine settings: previews apply at once, the checkpoint cache size after the running
    // job; a different model, device or precision is loaded in the background (after the
    // running job, if any).
    void set_engine(const EngineSettings& engine);

    // Queues a job (id assigned here) and starts it when the worker is free. Returns the id.
    int submit(GenerationJob job);
    // Live mode's job: not shown in the queue, runs before queued jobs as soon as the worker is
    // free, except right after another live job: then a queued job goes first (live renders
    // yield to the queue, one job at a time). A live job still waiting is replaced (and
    // reported as cancelled). Returns the id.
    int submit_live(GenerationJob job);
    // Cancels one job: the running one before its next UNet step; a waiting live job or a queued
    // one is dropped and reported finished (cancelled) from the event loop.
    void cancel(int job_id);
    // Cancels the running job before its next UNet step; the queue goes on.
    void cancel_current();
    // Drops queued jobs and cancels the running one.
    void cancel_all();
    // Loads again after a failure (the user may have fixed a file).
    void retry_load();
    // Makes the checkpoint for `steps` active ahead of the next job (ignored while busy or when
    // no model is loaded: a job switches by itself).
    void switch_to_steps(int steps);

    bool busy() const { return current_.has_value(); }
    // Busy with a job the user asked for (not live mode's background renders).
    bool busy_with_user_job() const { return current_ && current_->purpose != JobPurpose::Live; }
    // Jobs that would be lost on quitting, in order: what is left of the running gallery job
    // (its images not saved yet) or the running upscale, and the queued ones.
    QList<GenerationJob> unfinished_gallery_jobs() const;
    // Lightning checkpoints the engine read ahead after the last load; -1 while that is not done
    // (or was cut short by a job, or failed: then they are read on first use).
    int preloaded_checkpoints() const { return preloaded_; }
    const std::optional<GenerationJob>& current_job() const { return current_; }
    ModelState model_state() const { return state_; }
    QString model_message() const { return message_; }

Q_SIGNALS:
    void modelStateChanged(lightning::ui::GenerationController::ModelState state, QString message);
    void busyChanged(bool busy);
    void jobStarted(lightning::ui::GenerationJob job);
    void stepFinished(int job_id, int image_index, int batch, int step, int total_steps,
                      double seconds, QImage preview);
    void imageSaved(lightning::ui::GalleryItem item, QImage image);
    // An image of a live, compare or variations job (not saved; item.file is empty).
    void imageMade(int job_id, int image_index, lightning::ui::GalleryItem item, QImage image);
    void checkpointUsed(int job_id, QString from);
    void jobFinished(int job_id, bool cancelled, QString error);
    // Engine warnings worth showing (a setting it advises against, a request it doubts).
    void warningsRaised(QStringList warnings);
    void stepsSwitched(int steps, double seconds, QString from);
    void checkpointsPreloaded(int cached);
    void switchFailed(int steps, QString message);

private:
    void connect_worker();
    void dispatch();
    void start_load();
    void set_state(ModelState state, const QString& message);
    void on_loaded(const QString& description, double seconds, const QStringList& warnings);
    void on_load_failed(const QString& message);
    void on_job_started(int job_id, const QStringList& warnings);
    void on_job_finished(int job_id, bool cancelled, const QString& error);
    void report_dropped(int job_id);
    bool is_loaded(const EngineSettings& engine) const;

    QThread thread_;
    GenerationWorker* worker_ = nullptr;  // lives on thread_
    JobQueue queue_;
    EngineSettings engine_;
    QString setup_problem_;                 // why engine_ cannot load ("" when it can)
    std::optional<EngineSettings> loaded_;  // what the worker holds
    std::optional<EngineSettings> failed_;  // last load that failed (not retried by itself)
    EngineSettings loading_target_;         // what the running load is for
    bool loading_ = false;
    std::optional<GenerationJob> current_;
    std::optional<GenerationJob> live_waiting_;
    bool last_was_live_ = false;    // the last job started was live mode's (dispatch())
    int current_images_saved_ = 0;  // of the running job's batch (image i has seed + i)
    int next_job_id_ = 1;
    int preloaded_ = -1;
    ModelState state_ = ModelState::NotConfigured;
    QString message_;
    QString ready_message_;
};

}  // namespace lightning::ui
