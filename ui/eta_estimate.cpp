#include "ui/eta_estimate.h"

#include <algorithm>

namespace lightning::ui {

void EtaEstimate::start(int images, int steps) {
    running_ = true;
    images_ = std::max(1, images);
    steps_ = std::max(1, steps);
    steps_done_ = images_done_ = 0;
    step_seconds_ = current_image_steps_ = 0;
}

void EtaEstimate::step_done(int image_index, int step, double seconds) {
    if (!running_) return;
    steps_done_ = image_index * steps_ + step + 1;
    step_seconds_ += seconds;
    current_image_steps_ += seconds;
}

void EtaEstimate::image_done(int image_index, double seconds) {
    if (!running_) return;
    images_done_ = image_index + 1;
    decode_seconds_ = std::max(0.0, seconds - current_image_steps_);
    current_image_steps_ = 0;
}

std::optional<double> EtaEstimate::remaining_seconds() const {
    if (!running_ || steps_done_ == 0) return std::nullopt;
    const double per_step = step_seconds_ / steps_done_;
    const int steps_left = std::max(0, images_ * steps_ - steps_done_);
    const int decodes_left = std::max(0, images_ - images_done_);
    return steps_left * per_step + decodes_left * decode_seconds_.value_or(per_step);
}

}  // namespace lightning::ui
