// The engine side of the app: lives on its own QThread, owns the Pipeline (loaded once, kept
// across jobs; the pipeline swaps only the UNet when a job's step count changes), runs jobs,
// decodes live previews and writes finished images into the gallery folder, so the GUI thread
// never waits on torch or on PNG encoding.
#pragma once
#include "core/pipeline/pipeline.h"
#include "ui/app_settings.h"
#include "ui/gallery_store.h"
#include "ui/job_queue.h"

#include <QImage>
#include <QObject>

#include <atomic>
#include <exception>
#include <memory>

namespace lightning::ui {

// The engine's load options for these settings. Throws lightning::Error for an unknown
// precision name.
lightning::LoadOptions to_load_options(const EngineSettings& engine);
bool same_load_options(const lightning::LoadOptions& a, const lightning::LoadOptions& b);

// One readable line for an exception from the engine: lightning::Error as is, torch errors
// without their backtrace, out-of-memory with advice on what to change.
QString readable_error(const std::exception_ptr& error, const QString& device);

class GenerationWorker : public QObject {
    Q_OBJECT
public:
    GenerationWorker();
    ~GenerationWorker() override;

    // Thread-safe: may be called from any thread while a job runs.
    void request_cancel(int job_id);
    void set_preview_quality(PreviewQuality quality);

    // Run on the worker thread (the controller queues them there).
    void load(const lightning::LoadOptions& options);
    void run(const GenerationJob& job);

Q_SIGNALS:
    void loadStarted(QString description);
    void loaded(QString description, double seconds);
    void loadFailed(QString message);
    void jobStarted(int job_id);
    // After every UNet step; `preview` is null when previews are off or failed.
    void stepFinished(int job_id, int image_index, int batch, int step, int total_steps,
                      double seconds, QImage preview);
    void imageSaved(int job_id, lightning::ui::GalleryItem item, QImage image);
    // `error` is empty on success and on cancel.
    void jobFinished(int job_id, bool cancelled, QString error);

private:
    bool cancel_requested(int job_id) const { return cancel_job_.load() == job_id; }
    // Runs image `index` of the job; returns false when it was cancelled.
    bool run_image(const GenerationJob& job, int index);

    std::unique_ptr<lightning::Pipeline> pipeline_;
    lightning::LoadOptions options_;
    std::atomic<int> cancel_job_{0};
    std::atomic<int> preview_quality_{int(PreviewQuality::Reduced)};
};

}  // namespace lightning::ui
