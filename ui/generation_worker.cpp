#include "ui/generation_worker.h"

#include "core/image/image_pixels.h"
#include "core/util/error.h"
#include "core/util/log.h"
#include "ui/image_convert.h"
#include "ui/string_convert.h"

#include <c10/util/Exception.h>

#include <QElapsedTimer>

#include <new>

namespace lightning::ui {
namespace {

QString first_line(const std::string& text) {
    const QString all = to_qstring(text).trimmed();
    const qsizetype end = all.indexOf(u'\n');
    return end < 0 ? all : all.left(end).trimmed();
}

bool mentions_out_of_memory(const QString& text) {
    return text.contains(QLatin1String("out of memory"), Qt::CaseInsensitive) ||
           text.contains(QLatin1String("not enough memory"), Qt::CaseInsensitive) ||
           text.contains(QLatin1String("bad_alloc"), Qt::CaseInsensitive);
}

QString out_of_memory_message(const QString& device, const QString& detail) {
    return QStringLiteral(
               "Out of memory on %1. Try a smaller image size or batch count, fp16/bf16 on a GPU, "
               "or close other programs, then generate again. (%2)")
        .arg(device, detail);
}

QString with_memory_advice(const QString& text, const QString& device) {
    return mentions_out_of_memory(text) ? out_of_memory_message(device, text) : text;
}

QString describe_load(const lightning::EngineOptions& options) {
    return QStringLiteral("%1 on %2 (%3)")
        .arg(to_qstring(lightning::model_display_name(options.models.base)),
             to_qstring(options.device),
             QString::fromLatin1(lightning::to_string(options.precision)));
}

}  // namespace

QString readable_error(const std::exception_ptr& error, const QString& device) {
    try {
        std::rethrow_exception(error);
    } catch (const lightning::Error& e) {
        // Engine errors are written as one line ("where: what"); a multi-line one stays whole.
        return with_memory_advice(to_qstring(e.what()).simplified(), device);
    } catch (const std::bad_alloc&) {
        return out_of_memory_message(device, QStringLiteral("allocation failed"));
    } catch (const c10::Error& e) {
        const QString text = first_line(e.what_without_backtrace());
        return mentions_out_of_memory(text) ? out_of_memory_message(device, text)
                                            : QStringLiteral("Engine error: ") + text;
    } catch (const std::exception& e) {
        return with_memory_advice(first_line(e.what()), device);
    } catch (...) {
        return QStringLiteral("Unknown engine error");
    }
}

GenerationWorker::GenerationWorker() = default;
GenerationWorker::~GenerationWorker() = default;

void GenerationWorker::request_cancel(int job_id) {
    cancel_job_.store(job_id);
    // The engine's own flag stops a step sooner than polling; only for the job asked about.
    std::lock_guard lock(running_mutex_);
    if (running_engine_ && running_job_ == job_id) running_engine_->cancel();
}

void GenerationWorker::set_preview_mode(lightning::PreviewMode mode) {
    preview_mode_.store(int(mode));
    std::lock_guard lock(running_mutex_);
    if (running_engine_) running_engine_->set_preview_mode(mode);
}

void GenerationWorker::announce_work() {
    ++pending_work_;
}

void GenerationWorker::take_work() {
    if (pending_work_.load() > 0) --pending_work_;
}

QString GenerationWorker::device() const {
    return engine_ ? to_qstring(engine_->options().device) : QStringLiteral("the device");
}

void GenerationWorker::load(const lightning::EngineOptions& options) {
    if (engine_ && engine_->options() == options) {
        set_checkpoint_budget(options.checkpoint_budget);
        Q_EMIT loaded(QStringLiteral("Model already loaded"), 0.0, {});
        return;
    }
    const QString description = describe_load(options);
    // Free the old weights before reading new ones: two SDXLs rarely fit at once.
    engine_.reset();
    QElapsedTimer timer;
    timer.start();
    try {
        engine_ = lightning::Engine::load(options);
        engine_->set_preview_mode(lightning::PreviewMode(preview_mode_.load()));
        const double seconds = timer.elapsed() / 1000.0;
        lightning::log().info("Loaded {} in {:.1f} s", to_std(description), seconds);
        Q_EMIT loaded(description, seconds, to_qstring_list(engine_->load_warnings()));
    } catch (...) {
        engine_.reset();
        const QString message =
            readable_error(std::current_exception(), to_qstring(options.device));
        lightning::log().error("Loading the model failed: {}", to_std(message));
        Q_EMIT loadFailed(message);
        return;
    }
    preload_checkpoints();
}

// Reads the other Lightning checkpoints into the engine's cache right after loading, so the
// first switch in the steps dropdown is instant too; a job or switch asked for meanwhile goes
// first (the rest are then read on first use).
void GenerationWorker::preload_checkpoints() {
    QElapsedTimer timer;
    timer.start();
    try {
        bool interrupted = false;
        const int cached = engine_->preload_checkpoints([this, &interrupted] {
            interrupted = interrupted || pending_work_.load() > 0;
            return interrupted;
        });
        lightning::log().info("{} Lightning checkpoint(s) ready for switching ({:.1f} s{})", cached,
                              timer.elapsed() / 1000.0, interrupted ? ", stopped for a job" : "");
        if (!interrupted) Q_EMIT checkpointsPreloaded(cached);
    } catch (...) {
        // Not fatal: the checkpoint is read again (and its error shown) when a job needs it.
        lightning::log().warn("Preloading checkpoints stopped: {}",
                              to_std(readable_error(std::current_exception(), device())));
    }
}

void GenerationWorker::set_checkpoint_budget(const lightning::CheckpointBudget& budget) {
    if (engine_) engine_->set_checkpoint_budget(budget);
}

void GenerationWorker::switch_to_steps(int steps) {
    take_work();
    if (!engine_) return;
    try {
        const lightning::CheckpointSwitch done = engine_->switch_to_steps(steps);
        lightning::log().info("Switched to {} steps ({}) in {:.3f} s from {}", steps, done.path,
                              done.seconds, lightning::to_string(done.from));
        Q_EMIT stepsSwitched(steps, done.seconds,
                             QString::fromLatin1(lightning::to_string(done.from)));
    } catch (...) {
        const QString message = readable_error(std::current_exception(), device());
        lightning::log().warn("Switching to {} steps failed: {}", steps, to_std(message));
        Q_EMIT switchFailed(steps, message);
    }
}

lightning::EngineCallbacks GenerationWorker::callbacks_for(const GenerationJob& job) {
    lightning::EngineCallbacks callbacks;
    callbacks.should_cancel = [this, id = job.id] { return cancel_requested(id); };
    callbacks.on_step = [this, id = job.id](const lightning::StepEvent& step) {
        Q_EMIT stepFinished(id, step.image_index, step.batch, step.step, step.total_steps,
                            step.seconds, to_qimage(step.preview));
    };
    // Each image goes into the gallery as soon as it is decoded: a cancelled or failed batch
    // keeps what was finished.
    callbacks.on_image = [this, &job](const lightning::ImageEvent& event) {
        if (job.saves_to_gallery())
            save_image(job, event);
        else
            hand_over_image(job, event);
    };
    return callbacks;
}

void GenerationWorker::set_running(lightning::Engine* engine, int job_id) {
    std::lock_guard lock(running_mutex_);
    running_engine_ = engine;
    running_job_ = job_id;
}

void GenerationWorker::run(const GenerationJob& job) {
    take_work();
    if (!engine_) {
        Q_EMIT jobStarted(job.id, {});
        Q_EMIT jobFinished(job.id, false, QStringLiteral("The model is not loaded"));
        return;
    }
    QStringList warnings;
    try {
        if (!job.upscales()) warnings = to_qstring_list(engine_->warnings_for(job.request));
    } catch (const lightning::Error&) {
        // An invalid request: generate() below reports it.
    }
    Q_EMIT jobStarted(job.id, warnings);
    engine_->set_preview_mode(lightning::PreviewMode(preview_mode_.load()));
    set_running(engine_.get(), job.id);
    bool cancelled = false;
    QString error;
    try {
        if (job.upscales()) {
            run_upscale(job);
        } else {
            const lightning::EngineResult result =
                engine_->generate(job.request, callbacks_for(job));
            cancelled = result.run.cancelled;
            Q_EMIT checkpointUsed(
                job.id, QString::fromLatin1(lightning::to_string(result.run.unet_switch.from)));
        }
    } catch (const lightning::Cancelled&) {
        cancelled = true;
    } catch (...) {
        error = readable_error(std::current_exception(), device());
    }
    set_running(nullptr, 0);
    if (!error.isEmpty())
        lightning::log().error("Job #{} failed: {}", job.id, to_std(error));
    else if (cancelled)
        lightning::log().info("Job #{} cancelled", job.id);
    Q_EMIT jobFinished(job.id, cancelled, error);
}

// Its tiles count as steps; cancelled between tiles (throws Cancelled). Nothing is written
// unless the whole image is done.
void GenerationWorker::run_upscale(const GenerationJob& job) {
    const UpscaleSource& source = *job.upscale_source;
    QElapsedTimer timer;
    timer.start();
    const lightning::Image8 pixels = lightning::read_image_pixels(to_std(source.file));
    const lightning::Image8 upscaled =
        engine_->upscale(pixels, job.request.upscale, callbacks_for(job));
    GalleryItem item;
    item.record =
        engine_->upscaled_record(source.record, pixels.width, pixels.height, job.request.upscale);
    item.seconds = timer.elapsed() / 1000.0;
    item.device = device();
    item = write_gallery_png(job.output_dir, upscaled, item);
    lightning::log().info("Upscaled {} to {} ({:.2f} s)", to_std(source.file), to_std(item.file),
                          item.seconds);
    Q_EMIT imageSaved(job.id, item, to_qimage(upscaled));
}

void GenerationWorker::save_image(const GenerationJob& job, const lightning::ImageEvent& event) {
    GalleryItem item;
    item.record = event.record;
    item.seconds = event.image->seconds;
    item.device = device();
    item = write_gallery_png(job.output_dir, event.image->pixels, item);
    lightning::log().info("Saved {} ({:.2f} s)", to_std(item.file), item.seconds);
    Q_EMIT imageSaved(job.id, item, to_qimage(event.image->pixels));
}

// Not saved: the GUI shows it and writes it only if the user keeps it.
void GenerationWorker::hand_over_image(const GenerationJob& job,
                                       const lightning::ImageEvent& event) {
    GalleryItem item;
    item.record = event.record;
    item.seconds = event.image->seconds;
    item.device = device();
    item.created = QDateTime::currentDateTimeUtc();
    Q_EMIT imageMade(job.id, event.index, item, to_qimage(event.image->pixels));
}

}  // namespace lightning::ui
