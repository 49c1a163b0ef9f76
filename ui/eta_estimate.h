// Time left for the running job, from its own step times so far and the decode time the last
// images took (which per-step events do not cover). Qt-free; the window feeds it events.
#pragma once
#include <optional>
#include <vector>

namespace lightning::ui {

class EtaEstimate {
public:
    // A job of `images` images with `steps` steps each begins.
    void start(int images, int steps);
    // Step `step` (0-based) of image `image_index` took `seconds` (its share of the step, when
    // images are denoised together: the events of a batch then interleave by step).
    void step_done(int image_index, int step, double seconds);
    // Image `image_index` is finished; `seconds` is its whole time (steps and decode).
    void image_done(int image_index, double seconds);
    void stop() { running_ = false; }

    // Seconds until the job's last image; nullopt before the first step (nothing to go by).
    std::optional<double> remaining_seconds() const;

private:
    bool running_ = false;
    int images_ = 0;
    int steps_ = 0;
    int steps_done_ = 0;
    int images_done_ = 0;
    double step_seconds_ = 0;                 // sum over this job
    std::vector<double> image_step_seconds_;  // per image of the job
    std::optional<double>
        decode_seconds_;  // what an image took beyond its steps (kept across jobs)
};

}  // namespace lightning::ui
