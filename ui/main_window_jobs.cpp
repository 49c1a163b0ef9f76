// The main window's side of running jobs: Generate and the request the form makes, the
// controller's progress and results on the preview, the status bar (model and job state, the
// CPU estimate, the ETA) and the jobs a previous session left queued. The same class as
// main_window.cpp.
#include "core/engine/engine.h"
#include "core/lora/lora_files.h"
#include "core/request/limits.h"
#include "core/util/error.h"
#include "core/util/log.h"
#include "ui/device_choice.h"
#include "ui/error_text.h"
#include "ui/form/generation_form.h"
#include "ui/form/lora_panel.h"
#include "ui/gallery_widget.h"
#include "ui/live_mode.h"
#include "ui/main_window.h"
#include "ui/preview_pane.h"
#include "ui/result_grid.h"
#include "ui/saved_jobs.h"
#include "ui/string_convert.h"
#include "ui/window/queue_panel.h"

#include <QAction>
#include <QFileInfo>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QThread>

#include <cmath>

namespace lightning::ui {
namespace {

QString seconds_text(double seconds) {
    if (seconds < 1) return QObject::tr("less than a second");
    return describe_duration(std::round(seconds));
}

}  // namespace

// ------------------------------------------------------------------------------ Generate

void MainWindow::on_steps_changed(int steps) {
    update_generate_button();
    // Idle: make the chosen checkpoint active now (instant from the engine's cache), so the
    // next Generate starts at once. Busy: the next job switches by itself.
    if (form_->steps_available(steps)) controller_->switch_to_steps(steps);
}

bool MainWindow::steps_available(int steps) const {
    return form_->steps_available(steps);
}

void MainWindow::update_generate_button() {
    // Live mode's background renders leave Generate as it is (it queues a gallery job).
    const bool busy = controller_->busy_with_user_job();
    const bool configured =
        controller_->model_state() != GenerationController::ModelState::NotConfigured;
    const int steps = form_->request().steps;
    QString why_not;
    if (!configured)
        why_not = tr("Set up the model first (File ▸ Settings)");
    else if (!form_->steps_available(steps))
        why_not = tr("The %1 file is missing").arg(steps_text(steps));

    if (busy) {
        generate_button_->setText(tr("Cancel"));
        generate_button_->setToolTip(tr("Stop the running image before its next step (Esc)"));
        generate_button_->setEnabled(true);
    } else {
        generate_button_->setText(tr("Generate"));
        generate_button_->setToolTip(why_not.isEmpty() ? tr("Generate (Ctrl+Enter)") : why_not);
        generate_button_->setEnabled(why_not.isEmpty());
    }
    queue_button_->setEnabled(busy && why_not.isEmpty());
    queue_button_->setToolTip(why_not.isEmpty() ? tr("Queue another job (Ctrl+Enter)") : why_not);
    cancel_action_->setEnabled(controller_->busy());
    update_explore_actions();
}

// The state of the model, or of the job while one runs ("Ready" only when it is).
void MainWindow::update_status_label() {
    QString text = controller_->model_message();
    if (controller_->model_state() == GenerationController::ModelState::NotConfigured)
        text = tr("Model not set up");
    else if (controller_->model_state() == GenerationController::ModelState::Failed)
        text = tr("Model failed to load");
    else if (const auto& job = controller_->current_job()) {
        if (job->purpose == JobPurpose::Live)
            text = tr("Live mode: rendering the newest change");
        else if (job->upscales())
            text = tr("Upscaling (job #%1)").arg(job->id);
        else
            text = controller_->queue()->count() > 0 ? tr("Generating job #%1 (%2 more queued)")
                                                           .arg(job->id)
                                                           .arg(controller_->queue()->count())
                                                     : tr("Generating job #%1").arg(job->id);
        if (!eta_text_.isEmpty()) text += QStringLiteral(" · ") + eta_text_;
    }
    model_state_label_->setText(text);
}

QString MainWindow::status_text() const {
    return model_state_label_->text();
}

// On the CPU an image takes minutes: say so, with a rough time for the form's settings.
void MainWindow::update_cpu_notice() {
    if (!cpu_label_) return;  // called while the form is built
    if (!is_cpu_device(engine_.device)) {
        cpu_label_->clear();
        cpu_label_->hide();
        return;
    }
    const lightning::GenerationRequest request = form_->request();
    const double seconds = estimated_cpu_seconds(request, QThread::idealThreadCount());
    cpu_label_->setText(tr("Running on the CPU: about %1 per %2×%3 image")
                            .arg(describe_duration(seconds))
                            .arg(request.width)
                            .arg(request.height));
    cpu_label_->show();
}

QString MainWindow::cpu_notice() const {
    return cpu_label_->isHidden() ? QString() : cpu_label_->text();
}

void MainWindow::on_generate_clicked() {
    if (controller_->busy_with_user_job())
        controller_->cancel_current();
    else
        generate();
}

int MainWindow::generate() {
    if (controller_->model_state() == GenerationController::ModelState::NotConfigured) {
        show_message(tr("Set up the model first: %1").arg(controller_->model_message()), true);
        return 0;
    }
    if (!form_->has_seed()) form_->randomize_seed();  // an empty field: the seed shown runs
    QString why_not;
    const auto request = form_request(&why_not);
    if (!request) {
        show_message(tr("Cannot generate: %1").arg(why_not), true);
        return 0;
    }
    // Its files as the engine will read them (an upscaler model that is none, a result over
    // the limits): said now rather than by a failed job.
    try {
        lightning::check_request_files(*request);
    } catch (const lightning::Error& error) {
        show_message(tr("Cannot generate: %1").arg(to_qstring(error.what())), true);
        return 0;
    }
    hide_message();
    GenerationJob job;
    job.request = *request;
    job.output_dir = engine_.output_dir;
    const int id = controller_->submit(job);
    form_->advance_seed(job.request);
    QSettings settings;
    save_form_settings(settings, form_->settings());
    return id;
}

std::optional<lightning::GenerationRequest> MainWindow::form_request(QString* why_not) const {
    lightning::GenerationRequest request = form_->request();
    // Without guidance a negative prompt does nothing; the image's record must not claim it did.
    if (!request.uses_guidance()) request.negative_prompt.reset();
    request.prompt_syntax = engine_.prompt_syntax;
    request.vae_tiling = engine_.vae_tiling;
    request.embeddings = embeddings_for(engine_.embeddings_dir, request);
    const LoraPanel* loras = form_->lora_panel();
    // The checks the CLI makes before loading, from the same table and with the same words; the
    // engine checks again against the loaded model.
    try {
        lightning::resolve_prompt_loras(request, loras->library(), loras->searched());
        lightning::limits::validate(request);
        lightning::unet_file_for(to_engine_options(engine_).models, request);
    } catch (const lightning::Error& error) {
        if (why_not) *why_not = to_qstring(error.what());
        return std::nullopt;
    }
    // A restored image whose input files are gone: said here rather than by a failed job.
    for (const auto& [file, what] :
         {std::pair{&request.input.image, tr("the input image")},
          std::pair{&request.input.mask, tr("the mask")},
          std::pair{&request.hires.upscaler_model, tr("the hires upscaler model")},
          std::pair{&request.upscale.model, tr("the upscaler model")}})
        if (!file->empty() && !QFileInfo(to_qstring(*file)).isFile()) {
            if (why_not) *why_not = tr("%1 %2 is not there").arg(what, to_qstring(*file));
            return std::nullopt;
        }
    return request;
}

void MainWindow::on_model_state(GenerationController::ModelState state, const QString& message) {
    if (state == GenerationController::ModelState::Failed)
        show_error(tr("Could not load the model"), message);
    update_status_label();
    update_setup_views();
    update_generate_button();
}

void MainWindow::on_busy(bool busy) {
    update_generate_button();
    update_status_label();
    progress_->setVisible(busy);
    if (!busy) {
        queue_panel_->set_running({});
        progress_->setRange(0, 100);
        progress_->setValue(0);
        eta_.stop();
        eta_text_.clear();
    }
}

void MainWindow::on_job_started(const GenerationJob& job) {
    queue_panel_->set_running(describe_job(job));
    if (job.purpose != JobPurpose::Live)
        step_label_->setText(tr("Starting %1…").arg(describe_job(job, 40)));
    // An upscale counts its tiles once the model runs; until then the bar only says it is busy.
    progress_->setRange(0, job.upscales() ? 0 : 100);
    progress_->setValue(0);
    progress_->show();
    if (job.upscales()) {
        eta_.stop();
        eta_text_.clear();
        update_generate_button();
        update_status_label();
        return;
    }
    // The steps that run: with the hires fix its second pass's too (the engine counts on).
    const lightning::GenerationRequest& r = job.request;
    eta_.start(r.batch, r.denoising_steps() + (r.hires.on() ? r.hires_denoising_steps() : 0));
    eta_text_.clear();
    update_generate_button();
    update_status_label();
}

void MainWindow::on_step(int job_id, int image_index, int batch, int step, int total,
                         double seconds, const QImage& preview) {
    const auto& job = controller_->current_job();
    if (job && job->id == job_id && job->upscales()) {
        on_upscale_tile(step, total, seconds);
        return;
    }
    eta_.step_done(image_index, step, seconds);
    update_eta_text();
    QString text = tr("step %1/%2 · %3 s").arg(step + 1).arg(total).arg(seconds, 0, 'f', 2);
    if (batch > 1) text = tr("image %1/%2 · ").arg(image_index + 1).arg(batch) + text;
    if (!eta_text_.isEmpty()) text += QStringLiteral(" · ") + eta_text_;
    const int done = image_index * total + step + 1;
    progress_->setValue(int(100.0 * done / std::max(1, batch * total)));
    if (grid_->owns(job_id)) {  // compare / variations: the tile shows its own render
        grid_->set_progress(job_id, image_index, step, total, preview);
        step_label_->setText(text);
        return;
    }
    if (live_->owns(job_id)) text = tr("Live · ") + text;
    step_label_->setText(text);
    if (!preview.isNull()) {
        show_grid(false);
        preview_->set_image(preview);
        Q_EMIT previewShown(job_id, image_index, step, total);
    }
}

// An upscale's tiles (Engine::upscale reports them as steps): a bar and a count, no ETA model
// (tiles at the edges are smaller).
void MainWindow::on_upscale_tile(int tile, int tiles, double seconds) {
    progress_->setRange(0, 100);
    progress_->setValue(int(100.0 * (tile + 1) / std::max(1, tiles)));
    step_label_->setText(
        tr("Upscaling · tile %1/%2 · %3 s").arg(tile + 1).arg(tiles).arg(seconds, 0, 'f', 2));
}

// Short enough for the row under the preview at any usual window size; the checkpoint is the
// step count's (the gallery has the file name).
void MainWindow::on_image_saved(const GalleryItem& item, const QImage& image) {
    const auto& job = controller_->current_job();
    if (job && !job->upscales())  // image i of a batch has seed + i
        eta_.image_done(int(item.record.request.seed - job->request.seed), item.seconds);
    // The gallery folder may have been changed while this image was generated.
    if (QFileInfo(item.file).absolutePath() == gallery_->model()->folder())
        gallery_->model()->add(item, image);
    show_grid(false);
    preview_->set_image(image);
    live_result_.reset();
    keep_live_button_->hide();
    if (job && job->upscales())
        step_label_->setText(tr("Upscaled ×%1 in %2 s · %3×%4")
                                 .arg(job->request.upscale.scale)
                                 .arg(item.seconds, 0, 'f', 2)
                                 .arg(image.width())
                                 .arg(image.height()));
    else
        step_label_->setText(tr("Done in %1 s · seed %2 · %3")
                                 .arg(item.seconds, 0, 'f', 2)
                                 .arg(item.record.request.seed)
                                 .arg(steps_text(item.record.request.steps)));
}

void MainWindow::on_job_finished(int job_id, bool cancelled, const QString& error) {
    if (grid_->owns(job_id)) grid_->set_finished(job_id, cancelled, error);
    if (live_->owns(job_id) || (cancelled && error.isEmpty() && grid_->owns(job_id)))
        return;  // live mode reports its own; a cancelled tile says so itself
    if (!error.isEmpty()) {
        show_error(tr("Job #%1 failed").arg(job_id), error);
        step_label_->setText(tr("Failed"));
    } else if (cancelled) {
        step_label_->setText(tr("Cancelled"));
        statusBar()->showMessage(tr("Job #%1 cancelled").arg(job_id), 4000);
    }
}

// ------------------------------------------------------------------- restart & the ETA

void MainWindow::restore_pending_jobs() {
    QSettings settings;
    const QList<GenerationJob> jobs = load_pending_jobs(settings);
    if (jobs.isEmpty()) return;
    save_pending_jobs(settings, {});  // taken: a crash now does not queue them twice
    for (const GenerationJob& job : jobs) controller_->submit(job);
    statusBar()->showMessage(
        jobs.size() == 1 ? tr("1 job from the last session queued again")
                         : tr("%1 jobs from the last session queued again").arg(jobs.size()),
        6000);
    lightning::log().info("Queued {} job(s) left from the last session", jobs.size());
}

void MainWindow::update_eta_text() {
    const auto remaining = eta_.remaining_seconds();
    eta_text_ = remaining ? tr("about %1 left").arg(seconds_text(*remaining)) : QString();
    update_status_label();
}

}  // namespace lightning::ui
