#include "ui/eta_estimate.h"

#include <algorithm>

namespace lightning::ui {

void EtaEstimate::start(int images, int steps) {
    running_ = true;
    images_ = std::max(1, images);
    steps_ = std::max(1, steps);
    steps_done_ = images_done_ = 0;
    step_seconds_ = 0;
    image_step_seconds_.assign(size_t(images_), 0.0);
}

void EtaEstimate::step_done(int image_index, int step, double seconds) {
    if (!running_) return;
    (void)step;
    ++steps_done_;
    step_seconds_ += seconds;
    if (image_index >= 0 && image_index < images_)
        image_step_seconds_[size_t(image_index)] += seconds;
}

void EtaEstimate::image_done(int image_index, double seconds) {
    if (!running_) return;
    ++images_done_;
    const double steps =
        image_index >= 0 && image_index < images_ ? image_step_seconds_[size_t(image_index)] : 0.0;
    decode_seconds_ = std::max(0.0, seconds - steps);
}

std::optional<double> EtaEstimate::remaining_seconds() const {
    if (!running_ || steps_done_ == 0) return std::nullopt;
    const double per_step = step_seconds_ / steps_done_;
    const int steps_left = std::max(0, images_ * steps_ - steps_done_);
    const int decodes_left = std::max(0, images_ - images_done_);
    return steps_left * per_step + decodes_left * decode_seconds_.value_or(per_step);
}

}  // namespace lightning::ui
