// Live mode's scheduling policy: when to start, cancel or wait as inputs (form changes) arrive,
// so the newest input reaches the screen as early as possible. Qt-free and clock-injectable: the
// app drives it from a timer, tests from a clock they advance by hand.
//
//   - At most one live job in flight; the newest input wins (older pending ones are dropped).
//   - A new input cancels the running job (the engine stops before its next UNet step). Its
//     image could only show an input that is already out of date, and finishing it would make
//     the newest input wait for the rest of that render instead of at most one step: the
//     lowest input-to-image latency is to cancel. The running job's step previews still keep
//     the picture moving while typing.
//   - But a render that replaced a cancelled one runs to its end: with inputs coming faster
//     than renders, cancelling every time would never finish an image. So at most one cancel
//     in a row: an image at least every two render times, each input on screen within about
//     two render times.
//   - Grace period (Krita AI Diffusion's rule): none while renders are fast; once they take
//     longer than 1.5 s, start only after a pause in the input that grows with the render time
//     (0.25 s at 1.5 s, at most 3 s), so slow renders are not started for every keystroke.
//   - An input equal to what is running or was last rendered starts nothing.
#pragma once
#include "core/request/request.h"

#include <cstdint>
#include <functional>
#include <optional>

namespace lightning {

// Seconds on a monotonic clock.
using SecondsClock = std::function<double()>;
double steady_clock_seconds();

struct LivePolicy {
    double slow_render_seconds = 1.5;  // renders up to this long get no grace period
    double min_grace_seconds = 0.25;   // the grace period of a render just over that
    double max_grace_seconds = 3.0;
    double grace_per_render_second = 1.0 / 6.0;  // the grace period grows with the render time
};

class LiveScheduler {
public:
    enum class Action {
        Idle,    // nothing to do until the next input or the running job's end
        Wait,    // poll again after wait_seconds (the grace period runs)
        Start,   // run `request` (input number `input`); it now counts as running
        Cancel,  // cancel the running job (input number `input`); said at most once per job
    };
    struct Decision {
        Action action = Action::Idle;
        double wait_seconds = 0;
        uint64_t input = 0;
        GenerationRequest request;
    };

    explicit LiveScheduler(SecondsClock clock = steady_clock_seconds, LivePolicy policy = {});

    // The form changed. Returns the input's number (increasing from 1), or 0 when the request
    // is what already runs or was last rendered (nothing new to do).
    uint64_t input(const GenerationRequest& request);
    // What to do now. Start and Cancel change the state; call again until Idle or Wait.
    Decision poll();
    // The running job ended: `completed` when its image was made. Returns true when that image
    // is the newest result so far (the one to show).
    bool finished(uint64_t input, bool completed);
    // Live mode off: forgets the pending input and the running job (the caller cancels it).
    void reset();

    double grace_seconds() const;
    std::optional<double> render_seconds() const { return render_seconds_; }
    bool running() const { return running_.has_value(); }
    bool has_pending() const { return pending_.has_value(); }
    uint64_t shown_input() const { return shown_input_; }
    int started_jobs() const { return started_jobs_; }

private:
    struct Input {
        uint64_t number = 0;
        GenerationRequest request;
        double at = 0;  // clock time of the input
    };
    struct Running {
        Input input;
        double started_at = 0;
        bool cancel_sent = false;
        bool replaces_cancelled = false;  // the job before it was cancelled: this one finishes
    };

    SecondsClock clock_;
    LivePolicy policy_;
    std::optional<Input> pending_;
    std::optional<Running> running_;
    std::optional<GenerationRequest> last_rendered_;
    std::optional<double> render_seconds_;  // of the last completed render
    bool last_cancelled_ = false;           // the last job to end was cancelled
    uint64_t next_input_ = 1;
    uint64_t shown_input_ = 0;
    int started_jobs_ = 0;
};

}  // namespace lightning
