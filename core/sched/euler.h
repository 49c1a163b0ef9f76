// Euler discrete scheduler (diffusers' EulerDiscreteScheduler with s_churn = 0), reproducing its
// float32/float64 arithmetic exactly so timesteps, sigmas and every step match the reference bit
// for bit (see fixtures README, "Exact arithmetic").
#pragma once
#include "core/sched/scheduler.h"

namespace lightning {

class EulerDiscreteScheduler : public Scheduler {
public:
    // Throws lightning::Error("scheduler", ...) for options it cannot honour exactly.
    explicit EulerDiscreteScheduler(SchedulerConfig config);

    void set_timesteps(int num_inference_steps) override;
    int num_steps() const override;
    const at::Tensor& timesteps() const override { return timesteps_; }
    double noise_level(int step_index) const override;
    at::Tensor init_noise_sigma() const override;
    at::Tensor scale_model_input(const at::Tensor& sample, int step_index) const override;
    SchedulerStep step(const at::Tensor& model_output, int step_index,
                       const at::Tensor& sample) const override;
    at::Tensor add_noise(const at::Tensor& original, const at::Tensor& noise,
                         int step_index) const override;
    PredictionType prediction_type() const override { return config_.prediction_type; }
    const SchedulerConfig& config() const override { return config_; }
    std::vector<std::pair<std::string, at::Tensor>> schedule_tensors() const override {
        return {{"timesteps", timesteps_}, {"sigmas", sigmas_}};
    }

    // float32 [num_steps + 1], the last one 0.
    const at::Tensor& sigmas() const { return sigmas_; }
    // sqrt(sigma_i^2 + 1) as a 0-dim float32 tensor: what scale_model_input divides by.
    at::Tensor input_divisor(int step_index) const;
    const at::Tensor& betas() const { return betas_; }
    const at::Tensor& alphas_cumprod() const { return alphas_cumprod_; }

private:
    at::Tensor sigma(int index) const;  // 0-dim float32 view of sigmas_[index]
    void check_step(int step_index, const char* what) const;

    SchedulerConfig config_;
    at::Tensor betas_;
    at::Tensor alphas_cumprod_;
    at::Tensor base_sigmas_;  // sqrt((1 - ac) / ac), float32 [num_train_timesteps]
    at::Tensor timesteps_;
    at::Tensor sigmas_;
};

}  // namespace lightning
