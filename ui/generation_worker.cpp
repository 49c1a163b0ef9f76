#include "ui/generation_worker.h"

#include "core/util/error.h"
#include "core/util/log.h"
#include "ui/image_convert.h"

#include <c10/util/Exception.h>

#include <QElapsedTimer>
#include <QFileInfo>

#include <new>

namespace lightning::ui {
namespace {

lightning::PreviewMode to_preview_mode(PreviewQuality quality) {
    switch (quality) {
        case PreviewQuality::Off:
            return lightning::PreviewMode::Off;
        case PreviewQuality::Full:
            return lightning::PreviewMode::Full;
        case PreviewQuality::Reduced:
            break;
    }
    return lightning::PreviewMode::Reduced;
}

QString first_line(const std::string& text) {
    const QString all = QString::fromStdString(text).trimmed();
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

}  // namespace

lightning::LoadOptions to_load_options(const EngineSettings& engine) {
    lightning::LoadOptions options;
    options.paths.base = engine.models.base.toStdString();
    options.paths.config_dir =
        is_single_file(engine.models.base) ? engine.models.config_dir.toStdString() : "";
    options.paths.lightning_dir = engine.models.lightning_dir.toStdString();
    options.device = engine.device.trimmed().isEmpty() ? "cpu" : engine.device.toStdString();
    options.precision = lightning::parse_precision(engine.precision.toStdString());
    return options;
}

bool same_load_options(const lightning::LoadOptions& a, const lightning::LoadOptions& b) {
    return a.paths.base == b.paths.base && a.paths.config_dir == b.paths.config_dir &&
           a.paths.lightning_dir == b.paths.lightning_dir && a.device == b.device &&
           a.precision == b.precision;
}

QString readable_error(const std::exception_ptr& error, const QString& device) {
    try {
        std::rethrow_exception(error);
    } catch (const lightning::Error& e) {
        const QString text = QString::fromStdString(e.what());
        return mentions_out_of_memory(text) ? out_of_memory_message(device, text) : text;
    } catch (const std::bad_alloc&) {
        return out_of_memory_message(device, QStringLiteral("allocation failed"));
    } catch (const c10::Error& e) {
        const QString text = first_line(e.what_without_backtrace());
        return mentions_out_of_memory(text) ? out_of_memory_message(device, text)
                                            : QStringLiteral("Engine error: ") + text;
    } catch (const std::exception& e) {
        const QString text = first_line(e.what());
        return mentions_out_of_memory(text) ? out_of_memory_message(device, text) : text;
    } catch (...) {
        return QStringLiteral("Unknown engine error");
    }
}

GenerationWorker::GenerationWorker() = default;
GenerationWorker::~GenerationWorker() = default;

void GenerationWorker::request_cancel(int job_id) {
    cancel_job_.store(job_id);
}

void GenerationWorker::set_preview_quality(PreviewQuality quality) {
    preview_quality_.store(int(quality));
}

void GenerationWorker::load(const lightning::LoadOptions& options) {
    if (pipeline_ && same_load_options(options, options_)) {
        Q_EMIT loaded(QStringLiteral("Model already loaded"), 0.0);
        return;
    }
    const QString description =
        QStringLiteral("%1 on %2 (%3)")
            .arg(QFileInfo(QString::fromStdString(options.paths.base)).fileName(),
                 QString::fromStdString(options.device),
                 QString::fromLatin1(lightning::to_string(options.precision)));
    Q_EMIT loadStarted(description);
    // Free the old weights before reading new ones: two SDXLs rarely fit at once.
    pipeline_.reset();
    QElapsedTimer timer;
    timer.start();
    try {
        pipeline_ = lightning::Pipeline::load(options);
        options_ = options;
        const double seconds = timer.elapsed() / 1000.0;
        lightning::log().info("Loaded {} in {:.1f} s", description.toStdString(), seconds);
        Q_EMIT loaded(description, seconds);
    } catch (...) {
        pipeline_.reset();
        const QString message =
            readable_error(std::current_exception(), QString::fromStdString(options.device));
        lightning::log().error("Loading the model failed: {}", message.toStdString());
        Q_EMIT loadFailed(message);
    }
}

void GenerationWorker::run(const GenerationJob& job) {
    Q_EMIT jobStarted(job.id);
    if (!pipeline_) {
        Q_EMIT jobFinished(job.id, false, QStringLiteral("The model is not loaded"));
        return;
    }
    try {
        for (int index = 0; index < job.batch; ++index) {
            if (cancel_requested(job.id) || !run_image(job, index)) {
                lightning::log().info("Job #{} cancelled", job.id);
                Q_EMIT jobFinished(job.id, true, {});
                return;
            }
        }
        Q_EMIT jobFinished(job.id, false, {});
    } catch (const lightning::Cancelled&) {
        lightning::log().info("Job #{} cancelled", job.id);
        Q_EMIT jobFinished(job.id, true, {});
    } catch (...) {
        const QString message =
            readable_error(std::current_exception(), QString::fromStdString(options_.device));
        lightning::log().error("Job #{} failed: {}", job.id, message.toStdString());
        Q_EMIT jobFinished(job.id, false, message);
    }
}

bool GenerationWorker::run_image(const GenerationJob& job, int index) {
    const GenerationParams& params = job.params;
    lightning::GenerationRequest request;
    request.prompt = params.prompt.toStdString();
    if (params.negative_prompt) request.negative_prompt = params.negative_prompt->toStdString();
    request.steps = params.steps;
    request.guidance = float(params.guidance);
    request.width = params.width;
    request.height = params.height;
    request.seed = params.seed + uint64_t(index);  // image i of a batch uses seed + i
    request.batch = 1;  // one at a time, so each image reaches the gallery as soon as it is done

    bool preview_failed = false;
    lightning::Callbacks callbacks;
    callbacks.should_cancel = [this, &job] { return cancel_requested(job.id); };
    callbacks.on_step = [&](const lightning::StepInfo& step) {
        const auto quality = PreviewQuality(preview_quality_.load());
        QImage preview;
        if (quality != PreviewQuality::Off && !preview_failed && step.pred_x0.defined()) {
            try {
                preview =
                    to_qimage(pipeline_->decode_preview(step.pred_x0, to_preview_mode(quality)));
            } catch (...) {
                // A failed preview must not fail the image; say so once and go on without.
                preview_failed = true;
                lightning::log().warn("Preview decode failed: {}",
                                      readable_error(std::current_exception(),
                                                     QString::fromStdString(options_.device))
                                          .toStdString());
            }
        }
        Q_EMIT stepFinished(job.id, index, job.batch, step.step, step.total_steps, step.seconds,
                            preview);
        return !cancel_requested(job.id);
    };

    const lightning::GenerationResult result = pipeline_->generate(request, callbacks);
    if (result.cancelled) return false;
    if (result.images.empty()) throw lightning::Error("generate", "the engine returned no image");

    const lightning::GeneratedImage& image = result.images.front();
    GalleryItem item;
    item.params = params;
    item.params.seed = image.seed;
    item.params.model = QFileInfo(QString::fromStdString(result.unet_name)).completeBaseName();
    if (item.params.model.isEmpty())
        item.params.model =
            QFileInfo(QString::fromStdString(options_.paths.base)).completeBaseName();
    item.seconds = result.seconds;
    item.device = QString::fromStdString(options_.device);
    item = write_gallery_png(job.output_dir, image.pixels, item);
    lightning::log().info("Saved {} ({:.2f} s)", item.file.toStdString(), item.seconds);
    Q_EMIT imageSaved(job.id, item, to_qimage(image.pixels));
    return true;
}

}  // namespace lightning::ui
