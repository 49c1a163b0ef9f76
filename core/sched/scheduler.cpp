#include "core/sched/scheduler.h"

#include "core/sched/euler.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace lightning {
namespace {

// diffusers' betas_for_alpha_bar with the cosine alpha_bar (squaredcos_cap_v2): computed in
// Python floats (double), then stored as float32.
at::Tensor cosine_betas(int num_train_timesteps) {
    auto alpha_bar = [](double t) {
        const double c = std::cos((t + 0.008) / 1.008 * M_PI / 2);
        return c * c;
    };
    std::vector<double> betas(num_train_timesteps);
    for (int i = 0; i < num_train_timesteps; ++i) {
        const double t1 = double(i) / num_train_timesteps;
        const double t2 = double(i + 1) / num_train_timesteps;
        betas[i] = std::min(1 - alpha_bar(t2) / alpha_bar(t1), 0.999);
    }
    return torch::tensor(betas, torch::kDouble).to(torch::kFloat);
}

// torch.linspace(start, end, n, dtype=float32) as torch 2.x computes it on the CPU: a float32
// step, then start + step * i for the first half and end - step * (n - 1 - i) for the second,
// each with a single rounding (the reference's kernel is compiled with FMA contraction). The
// betas are bit-identical to the reference only this way; libtorch 1.13's vectorised linspace
// differs in the last bit for some entries.
at::Tensor reference_linspace(double start_value, double end_value, int n) {
    const float start = static_cast<float>(start_value);
    const float end = static_cast<float>(end_value);
    const float step = (end - start) / static_cast<float>(n - 1);
    std::vector<float> values(n);
    for (int i = 0; i < n; ++i)
        values[i] = i < n / 2 ? std::fma(step, static_cast<float>(i), start)
                              : std::fma(-step, static_cast<float>(n - 1 - i), end);
    return torch::tensor(values, torch::kFloat);
}

}  // namespace

at::Tensor training_betas(const SchedulerConfig& config) {
    const int n = config.num_train_timesteps;
    if (n < 2)
        throw Error("scheduler_config.json: num_train_timesteps",
                    "must be at least 2, got " + std::to_string(n));
    if (config.beta_schedule == "scaled_linear") {
        // linspace of the square roots in float32, then squared (torch.linspace(...) ** 2).
        const auto roots =
            reference_linspace(std::sqrt(config.beta_start), std::sqrt(config.beta_end), n);
        return roots * roots;
    }
    if (config.beta_schedule == "linear")
        return reference_linspace(config.beta_start, config.beta_end, n);
    if (config.beta_schedule == "squaredcos_cap_v2") return cosine_betas(n);
    throw Error("scheduler_config.json: beta_schedule",
                "unsupported value '" + config.beta_schedule +
                    "' (expected scaled_linear, linear or squaredcos_cap_v2)");
}

at::Tensor alphas_cumprod_from_betas(const at::Tensor& betas) {
    return torch::cumprod(1.0 - betas, 0);
}

std::unique_ptr<Scheduler> make_scheduler(const SchedulerConfig& config) {
    if (config.class_name == "EulerDiscreteScheduler")
        return std::make_unique<EulerDiscreteScheduler>(config);
    throw Error(
        "scheduler_config.json: _class_name",
        "unsupported scheduler '" + config.class_name + "' (supported: EulerDiscreteScheduler)");
}

}  // namespace lightning
