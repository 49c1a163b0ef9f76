#include "ui/generation_controller.h"

#include "core/util/error.h"
#include "core/util/log.h"
#include "ui/generation_worker.h"
#include "ui/model_setup.h"
#include "ui/string_convert.h"

#include <utility>

namespace lightning::ui {

GenerationController::GenerationController(QObject* parent) : QObject(parent) {
    qRegisterMetaType<GalleryItem>("lightning::ui::GalleryItem");
    qRegisterMetaType<GenerationJob>("lightning::ui::GenerationJob");
    worker_ = new GenerationWorker;
    worker_->moveToThread(&thread_);
    thread_.setObjectName(QStringLiteral("generation"));
    connect_worker();
    thread_.start();
}

GenerationController::~GenerationController() {
    queue_.clear();
    cancel_current();
    thread_.quit();
    thread_.wait();  // a running load finishes first; a running job stops before its next step
    delete worker_;
}

void GenerationController::connect_worker() {
    constexpr auto queued = Qt::QueuedConnection;
    connect(worker_, &GenerationWorker::loaded, this, &GenerationController::on_loaded, queued);
    connect(worker_, &GenerationWorker::loadFailed, this, &GenerationController::on_load_failed,
            queued);
    connect(worker_, &GenerationWorker::jobStarted, this, &GenerationController::on_job_started,
            queued);
    connect(worker_, &GenerationWorker::stepFinished, this, &GenerationController::stepFinished,
            queued);
    connect(
        worker_, &GenerationWorker::imageSaved, this,
        [this](int job_id, const GalleryItem& item, const QImage& image) {
            if (current_ && current_->id == job_id) ++current_images_saved_;
            Q_EMIT imageSaved(item, image);
        },
        queued);
    connect(worker_, &GenerationWorker::jobFinished, this, &GenerationController::on_job_finished,
            queued);
    connect(worker_, &GenerationWorker::imageMade, this, &GenerationController::imageMade, queued);
    connect(worker_, &GenerationWorker::checkpointUsed, this, &GenerationController::checkpointUsed,
            queued);
    connect(worker_, &GenerationWorker::stepsSwitched, this, &GenerationController::stepsSwitched,
            queued);
    connect(worker_, &GenerationWorker::switchFailed, this, &GenerationController::switchFailed,
            queued);
    connect(
        worker_, &GenerationWorker::checkpointsPreloaded, this,
        [this](int cached) {
            preloaded_ = cached;
            Q_EMIT checkpointsPreloaded(cached);
        },
        queued);
}

bool GenerationController::is_loaded(const EngineSettings& engine) const {
    return loaded_ && !needs_reload(*loaded_, engine);
}

void GenerationController::set_engine(const EngineSettings& engine) {
    engine_ = engine;
    worker_->set_preview_mode(engine.preview);

    // The engine's own checks, before anything is loaded: model files, device, precision.
    QStringList problems = model_problems(engine.models);
    if (problems.isEmpty()) {
        try {
            lightning::validate_options(to_engine_options(engine));
        } catch (const lightning::Error& error) {
            problems << to_qstring(error.what());
        }
    }
    setup_problem_ = problems.join(u'\n');
    if (!setup_problem_.isEmpty() && !loading_) {
        set_state(ModelState::NotConfigured, setup_problem_);
        return;
    }
    if (is_loaded(engine_) && loaded_->checkpoint_cache_gb != engine_.checkpoint_cache_gb) {
        const auto budget = to_engine_options(engine_).checkpoint_budget;
        QMetaObject::invokeMethod(
            worker_, [worker = worker_, budget] { worker->set_checkpoint_budget(budget); },
            Qt::QueuedConnection);
        loaded_ = engine_;
    }
    if (is_loaded(engine_) && !loading_) set_state(ModelState::Ready, ready_message_);
    dispatch();
}

int GenerationController::submit(GenerationJob job) {
    job.id = next_job_id_++;
    queue_.append(job);
    lightning::log().info("Queued {}", to_std(describe_job(job)));
    // A user asking again is the cue to retry a load that failed (a file may have been fixed).
    if (failed_ && !needs_reload(*failed_, engine_)) failed_.reset();
    dispatch();
    return job.id;
}

int GenerationController::submit_live(GenerationJob job) {
    job.id = next_job_id_++;
    job.purpose = JobPurpose::Live;
    if (live_waiting_) report_dropped(live_waiting_->id);
    live_waiting_ = job;
    dispatch();
    return job.id;
}

void GenerationController::cancel(int job_id) {
    if (current_ && current_->id == job_id) {
        worker_->request_cancel(job_id);
        return;
    }
    if (live_waiting_ && live_waiting_->id == job_id) {
        live_waiting_.reset();
        report_dropped(job_id);
        return;
    }
    for (int row = 0; row < queue_.count(); ++row)
        if (queue_.at(row).id == job_id) {
            queue_.remove(row);
            report_dropped(job_id);
            return;
        }
}

// Said from the event loop, so a caller reacting to jobFinished is never re-entered.
void GenerationController::report_dropped(int job_id) {
    QMetaObject::invokeMethod(
        this, [this, job_id] { Q_EMIT jobFinished(job_id, true, QString()); },
        Qt::QueuedConnection);
}

QList<GenerationJob> GenerationController::unfinished_gallery_jobs() const {
    QList<GenerationJob> jobs;
    if (current_ && current_->upscales() && current_images_saved_ == 0) jobs << *current_;
    if (current_ && current_->saves_to_gallery() &&
        current_images_saved_ < current_->request.batch) {
        // The images of the batch already in the gallery are not made again.
        GenerationJob rest = *current_;
        // Its seeds from the first image not saved: with a variation strength that is the
        // variation seed that steps, not the seed (GenerationRequest::single_image).
        const auto next = current_->request.single_image(current_images_saved_);
        rest.request.seed = next.seed;
        rest.request.variation.seed = next.variation.seed;
        rest.request.batch -= current_images_saved_;
        jobs << rest;
    }
    for (int row = 0; row < queue_.count(); ++row)
        if (queue_.at(row).kept_across_restarts()) jobs << queue_.at(row);
    return jobs;
}

void GenerationController::cancel_current() {
    if (current_) worker_->request_cancel(current_->id);
}

void GenerationController::cancel_all() {
    queue_.clear();
    if (live_waiting_) report_dropped(std::exchange(live_waiting_, std::nullopt)->id);
    cancel_current();
}

void GenerationController::retry_load() {
    failed_.reset();
    dispatch();
}

void GenerationController::switch_to_steps(int steps) {
    if (current_ || loading_ || !is_loaded(engine_)) return;
    worker_->announce_work();
    QMetaObject::invokeMethod(
        worker_, [worker = worker_, steps] { worker->switch_to_steps(steps); },
        Qt::QueuedConnection);
}

void GenerationController::dispatch() {
    if (current_ || loading_) return;
    if (!setup_problem_.isEmpty()) {
        set_state(ModelState::NotConfigured, setup_problem_);
        return;
    }
    if (!is_loaded(engine_)) {
        if (failed_ && !needs_reload(*failed_, engine_)) return;  // wait for a retry
        start_load();
        return;
    }
    // Live mode's render goes first (it is what the user is looking at), but not twice in a
    // row past a queued job: with someone typing, live renders would follow each other forever
    // and the queue never run. So a queued job waits for at most the live render in flight.
    std::optional<GenerationJob> job;
    if (live_waiting_ && !(last_was_live_ && queue_.count() > 0))
        job = std::exchange(live_waiting_, std::nullopt);
    else
        job = queue_.take_first();
    if (!job) return;
    last_was_live_ = job->purpose == JobPurpose::Live;
    current_ = job;
    current_images_saved_ = 0;
    Q_EMIT busyChanged(true);
    Q_EMIT jobStarted(*job);
    worker_->announce_work();
    QMetaObject::invokeMethod(
        worker_, [worker = worker_, job = *job] { worker->run(job); }, Qt::QueuedConnection);
}

void GenerationController::start_load() {
    const lightning::EngineOptions options = to_engine_options(engine_);
    loading_ = true;
    loaded_.reset();
    preloaded_ = -1;
    loading_target_ = engine_;
    set_state(
        ModelState::Loading,
        tr("Loading the model on %1 (%2)…")
            .arg(engine_.device, QString::fromLatin1(lightning::to_string(engine_.precision))));
    QMetaObject::invokeMethod(
        worker_, [worker = worker_, options] { worker->load(options); }, Qt::QueuedConnection);
}

void GenerationController::on_loaded(const QString& description, double seconds,
                                     const QStringList& warnings) {
    loading_ = false;
    loaded_ = loading_target_;
    failed_.reset();
    if (seconds > 0)
        ready_message_ =
            tr("Ready: %1, loaded in %2 s").arg(description, QString::number(seconds, 'f', 1));
    else if (ready_message_.isEmpty())
        ready_message_ = tr("Ready: %1").arg(description);
    set_state(ModelState::Ready, ready_message_);
    if (!warnings.isEmpty()) Q_EMIT warningsRaised(warnings);
    dispatch();
}

void GenerationController::on_load_failed(const QString& message) {
    loading_ = false;
    loaded_.reset();
    failed_ = loading_target_;
    set_state(ModelState::Failed, message);
    dispatch();  // settings may have changed meanwhile: then the new ones load
}

void GenerationController::on_job_started(int job_id, const QStringList& warnings) {
    if (current_ && current_->id == job_id && !warnings.isEmpty()) Q_EMIT warningsRaised(warnings);
}

void GenerationController::on_job_finished(int job_id, bool cancelled, const QString& error) {
    if (!current_ || current_->id != job_id) return;
    current_.reset();
    Q_EMIT jobFinished(job_id, cancelled, error);
    dispatch();
    if (!current_) Q_EMIT busyChanged(false);
}

void GenerationController::set_state(ModelState state, const QString& message) {
    if (state == state_ && message == message_) return;
    state_ = state;
    message_ = message;
    Q_EMIT modelStateChanged(state, message);
}

}  // namespace lightning::ui
