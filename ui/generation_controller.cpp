#include "ui/generation_controller.h"

#include "core/util/log.h"
#include "ui/generation_worker.h"

namespace lightning::ui {
namespace {

// The parts of the settings that need a (re)load when they change.
bool same_model(const EngineSettings& a, const EngineSettings& b) {
    return a.models == b.models && a.device == b.device && a.precision == b.precision;
}

}  // namespace

GenerationController::GenerationController(QObject* parent) : QObject(parent) {
    qRegisterMetaType<GalleryItem>("lightning::ui::GalleryItem");
    qRegisterMetaType<GenerationJob>("lightning::ui::GenerationJob");
    worker_ = new GenerationWorker;
    worker_->moveToThread(&thread_);
    thread_.setObjectName(QStringLiteral("generation"));

    connect(worker_, &GenerationWorker::loaded, this, &GenerationController::on_loaded,
            Qt::QueuedConnection);
    connect(worker_, &GenerationWorker::loadFailed, this, &GenerationController::on_load_failed,
            Qt::QueuedConnection);
    connect(worker_, &GenerationWorker::stepFinished, this, &GenerationController::stepFinished,
            Qt::QueuedConnection);
    connect(
        worker_, &GenerationWorker::imageSaved, this,
        [this](int, const GalleryItem& item, const QImage& image) {
            Q_EMIT imageSaved(item, image);
        },
        Qt::QueuedConnection);
    connect(worker_, &GenerationWorker::jobFinished, this, &GenerationController::on_job_finished,
            Qt::QueuedConnection);
    thread_.start();
}

GenerationController::~GenerationController() {
    queue_.clear();
    cancel_current();
    thread_.quit();
    thread_.wait();  // a running load finishes first; a running job stops before its next step
    delete worker_;
}

void GenerationController::set_engine(const EngineSettings& engine) {
    engine_ = engine;
    worker_->set_preview_quality(engine.preview);

    QStringList problems = check_base_model(engine.models.base, engine.models.config_dir).problems;
    problems += check_lightning_dir(engine.models.lightning_dir).problems;
    try {
        to_load_options(engine);
    } catch (const std::exception& error) {
        problems << QString::fromStdString(error.what());
    }
    engine_valid_ = problems.isEmpty();
    setup_problem_ = problems.join(u'\n');
    if (!engine_valid_ && !loading_) {
        set_state(ModelState::NotConfigured, setup_problem_);
        return;
    }
    if (loaded_ && same_model(*loaded_, engine_) && !loading_)
        set_state(ModelState::Ready, ready_message_);
    dispatch();
}

int GenerationController::submit(GenerationJob job) {
    job.id = next_job_id_++;
    queue_.append(job);
    lightning::log().info("Queued {}", describe_job(job).toStdString());
    // A user asking again is the cue to retry a load that failed (a file may have been fixed).
    if (failed_ && same_model(*failed_, engine_)) failed_.reset();
    dispatch();
    return job.id;
}

void GenerationController::cancel_current() {
    if (current_) worker_->request_cancel(current_->id);
}

void GenerationController::cancel_all() {
    queue_.clear();
    cancel_current();
}

void GenerationController::retry_load() {
    failed_.reset();
    dispatch();
}

void GenerationController::dispatch() {
    if (current_ || loading_) return;
    if (!engine_valid_) {
        set_state(ModelState::NotConfigured, setup_problem_);
        return;
    }
    if (!loaded_ || !same_model(*loaded_, engine_)) {
        if (failed_ && same_model(*failed_, engine_)) return;  // wait for a retry
        start_load();
        return;
    }
    auto job = queue_.take_first();
    if (!job) return;
    current_ = job;
    Q_EMIT busyChanged(true);
    Q_EMIT jobStarted(*job);
    QMetaObject::invokeMethod(
        worker_, [worker = worker_, job = *job] { worker->run(job); }, Qt::QueuedConnection);
}

void GenerationController::start_load() {
    lightning::LoadOptions options;
    try {
        options = to_load_options(engine_);
    } catch (const std::exception& error) {
        failed_ = engine_;
        set_state(ModelState::Failed, QString::fromStdString(error.what()));
        return;
    }
    loading_ = true;
    loaded_.reset();
    const EngineSettings target = engine_;
    set_state(
        ModelState::Loading,
        QStringLiteral("Loading the model on %1 (%2)…").arg(engine_.device, engine_.precision));
    loading_target_ = target;
    QMetaObject::invokeMethod(
        worker_, [worker = worker_, options] { worker->load(options); }, Qt::QueuedConnection);
}

void GenerationController::on_loaded(const QString& description, double seconds) {
    loading_ = false;
    loaded_ = loading_target_;
    failed_.reset();
    ready_message_ = seconds > 0 ? QStringLiteral("Ready: %1, loaded in %2 s")
                                       .arg(description, QString::number(seconds, 'f', 1))
                                 : QStringLiteral("Ready: %1").arg(description);
    set_state(ModelState::Ready, ready_message_);
    dispatch();
}

void GenerationController::on_load_failed(const QString& message) {
    loading_ = false;
    loaded_.reset();
    failed_ = loading_target_;
    set_state(ModelState::Failed, message);
    dispatch();  // settings may have changed meanwhile: then the new ones load
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
