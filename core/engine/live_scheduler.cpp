#include "core/engine/live_scheduler.h"

#include <algorithm>
#include <chrono>

namespace lightning {

double steady_clock_seconds() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

LiveScheduler::LiveScheduler(SecondsClock clock, LivePolicy policy)
    : clock_(std::move(clock)), policy_(policy) {}

uint64_t LiveScheduler::input(const GenerationRequest& request) {
    const bool same_as_running =
        running_ && !running_->cancel_sent && running_->input.request == request;
    const bool same_as_shown = !running_ && last_rendered_ && *last_rendered_ == request;
    if (same_as_running || same_as_shown) {
        // Typed and undone, or a change that does not change the request: nothing new to draw.
        pending_.reset();
        return 0;
    }
    pending_ = Input{next_input_++, request, clock_()};
    return pending_->number;
}

double LiveScheduler::grace_seconds() const {
    if (!render_seconds_ || *render_seconds_ <= policy_.slow_render_seconds) return 0;
    return std::clamp(*render_seconds_ * policy_.grace_per_render_second, policy_.min_grace_seconds,
                      policy_.max_grace_seconds);
}

LiveScheduler::Decision LiveScheduler::poll() {
    Decision decision;
    if (running_) {
        // The running render is out of date once a newer input waits: stop it at the next step,
        // unless it already replaced a cancelled one (then the newest input runs after it).
        if (pending_ && !running_->cancel_sent && !running_->replaces_cancelled) {
            running_->cancel_sent = true;
            decision.action = Action::Cancel;
            decision.input = running_->input.number;
        }
        return decision;
    }
    if (!pending_) return decision;
    const double now = clock_();
    const double start_at = pending_->at + grace_seconds();
    if (now < start_at) {
        decision.action = Action::Wait;
        decision.wait_seconds = start_at - now;
        return decision;
    }
    running_ = Running{*pending_, now, false, last_cancelled_};
    pending_.reset();
    ++started_jobs_;
    decision.action = Action::Start;
    decision.input = running_->input.number;
    decision.request = running_->input.request;
    return decision;
}

bool LiveScheduler::finished(uint64_t input, bool completed) {
    if (!running_ || running_->input.number != input) return false;
    const double elapsed = clock_() - running_->started_at;
    const GenerationRequest request = running_->input.request;
    last_cancelled_ = !completed && running_->cancel_sent;
    running_.reset();
    if (!completed) {
        // A cancelled render ran at least this long: a lower bound for the next estimate.
        if (render_seconds_ && elapsed > *render_seconds_) render_seconds_ = elapsed;
        return false;
    }
    render_seconds_ = elapsed;
    last_rendered_ = request;
    if (input <= shown_input_) return false;
    shown_input_ = input;
    return true;
}

void LiveScheduler::reset() {
    pending_.reset();
    running_.reset();
    last_rendered_.reset();
    last_cancelled_ = false;
}

}  // namespace lightning
