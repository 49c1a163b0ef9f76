#include "ui/live_mode.h"

#include "ui/generation_controller.h"

#include <cmath>

namespace lightning::ui {

LiveMode::LiveMode(GenerationController* controller, lightning::SecondsClock clock, QObject* parent)
    : QObject(parent), controller_(controller), scheduler_(std::move(clock)) {
    timer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, &LiveMode::poll);
    connect(controller_, &GenerationController::imageMade, this, &LiveMode::on_image);
    connect(controller_, &GenerationController::jobFinished, this, &LiveMode::on_finished);
}

void LiveMode::set_enabled(bool enabled) {
    if (enabled == enabled_) return;
    enabled_ = enabled;
    if (enabled_) return;
    timer_.stop();
    scheduler_.reset();
    if (running_job_) controller_->cancel(running_job_);
    ended_job_ = running_job_;
    running_job_ = 0;
    running_image_.reset();
}

void LiveMode::input(const lightning::GenerationRequest& request) {
    if (!enabled_) return;
    if (scheduler_.input(request) == 0) return;
    // A zero timer: every change made in this event-loop pass becomes one input.
    timer_.start(0);
}

void LiveMode::poll() {
    if (!enabled_) return;
    for (;;) {
        const lightning::LiveScheduler::Decision decision = scheduler_.poll();
        switch (decision.action) {
            case lightning::LiveScheduler::Action::Idle:
                return;
            case lightning::LiveScheduler::Action::Wait:
                timer_.start(int(std::ceil(decision.wait_seconds * 1000)));
                return;
            case lightning::LiveScheduler::Action::Cancel:
                controller_->cancel(running_job_);
                break;
            case lightning::LiveScheduler::Action::Start: {
                GenerationJob job;
                job.request = decision.request;
                job.output_dir = output_dir_;
                running_image_.reset();
                running_input_ = decision.input;
                running_job_ = controller_->submit_live(job);
                break;
            }
        }
    }
}

void LiveMode::on_image(int job_id, int, const GalleryItem& item, const QImage& image) {
    if (job_id != 0 && job_id == running_job_) running_image_ = {item, image};
}

void LiveMode::on_finished(int job_id, bool cancelled, const QString& error) {
    if (job_id == 0 || job_id != running_job_) return;
    ended_job_ = running_job_;
    running_job_ = 0;
    const bool completed = running_image_.has_value();
    const bool newest = scheduler_.finished(running_input_, completed);
    if (newest) Q_EMIT resultReady(running_image_->first, running_image_->second);
    running_image_.reset();
    if (!error.isEmpty() && !cancelled) Q_EMIT failed(error);
    poll();
}

}  // namespace lightning::ui
