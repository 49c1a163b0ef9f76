// The engine side of the app: a thin adapter that owns a lightning::Engine on its own QThread
// and turns the engine's callbacks into queued Qt signals, so the GUI thread never waits on torch
// or on PNG encoding. Loading, validation, checkpoint switching, previews and cancellation are
// the engine's; what is added here is the gallery (each image is written the moment it is done)
// and the job ids the GUI knows jobs by.
#pragma once
#include "core/engine/engine.h"
#include "ui/gallery_store.h"
#include "ui/job_queue.h"

#include <QImage>
#include <QObject>
#include <QStringList>

#include <atomic>
#include <exception>
#include <memory>
#include <mutex>

namespace lightning::ui {

// One readable line for an exception from the engine: lightning::Error as is, torch errors
// without their backtrace, out-of-memory with advice on what to change.
QString readable_error(const std::exception_ptr& error, const QString& device);

class GenerationWorker : public QObject {
    Q_OBJECT
public:
    GenerationWorker();
    ~GenerationWorker() override;

    // Thread-safe: may be called from any thread while a job runs. A cancel names its job, so
    // one that arrives after that job finished does not stop the next.
    void request_cancel(int job_id);
    void set_preview_mode(lightning::PreviewMode mode);
    // Thread-safe: the GUI thread says a job or switch is queued for this worker, so background
    // checkpoint preloading yields to it.
    void announce_work();

    // Run on the worker thread (the controller queues them there).
    void load(const lightning::EngineOptions& options);
    void run(const GenerationJob& job);
    void switch_to_steps(int steps);
    void set_checkpoint_budget(const lightning::CheckpointBudget& budget);

Q_SIGNALS:
    void loaded(QString description, double seconds, QStringList warnings);
    void loadFailed(QString message);
    // After a load: Lightning checkpoints now cached for instant switching (not sent when the
    // preload was cut short by waiting work or failed).
    void checkpointsPreloaded(int cached);
    void stepsSwitched(int steps, double seconds, QString from);
    void switchFailed(int steps, QString message);
    void jobStarted(int job_id, QStringList warnings);
    // After every UNet step; `preview` is null when previews are off or failed.
    void stepFinished(int job_id, int image_index, int batch, int step, int total_steps,
                      double seconds, QImage preview);
    void imageSaved(int job_id, lightning::ui::GalleryItem item, QImage image);
    // An image of a job that does not save to the gallery (live, compare, variations): `item`
    // has its record and time but no file yet.
    void imageMade(int job_id, int image_index, lightning::ui::GalleryItem item, QImage image);
    // Where the job's UNet checkpoint came from ("active", "device", "disk", ...).
    void checkpointUsed(int job_id, QString from);
    // `error` is empty on success and on cancel.
    void jobFinished(int job_id, bool cancelled, QString error);

private:
    bool cancel_requested(int job_id) const { return cancel_job_.load() == job_id; }
    void take_work();  // one announced piece of work begins
    lightning::EngineCallbacks callbacks_for(const GenerationJob& job);
    void set_running(lightning::Engine* engine, int job_id);
    void preload_checkpoints();
    // An upscale job (GenerationJob::upscales()): the file's pixels through Engine::upscale,
    // saved to the gallery with Engine::upscaled_record. Throws the engine's errors, Cancelled.
    void run_upscale(const GenerationJob& job);
    void save_image(const GenerationJob& job, const lightning::ImageEvent& event);
    void hand_over_image(const GenerationJob& job, const lightning::ImageEvent& event);
    QString device() const;

    std::unique_ptr<lightning::Engine> engine_;  // written on the worker thread only
    std::mutex running_mutex_;                   // guards the two below against cancel()
    lightning::Engine* running_engine_ = nullptr;
    int running_job_ = 0;
    std::atomic<int> cancel_job_{0};
    std::atomic<int> pending_work_{0};
    std::atomic<int> preview_mode_{int(lightning::PreviewMode::Reduced)};
};

}  // namespace lightning::ui
