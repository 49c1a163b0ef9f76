// Sampling schedulers: the small interface the pipeline drives, plus the training noise schedule
// (betas, alphas_cumprod) every diffusers discrete scheduler derives from. Euler is the one
// SDXL-Lightning uses; LCM / TCD / DDIM-trailing can be added as siblings behind this interface.
#pragma once
#include "core/io/config.h"

#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lightning {

struct SchedulerStep {
    at::Tensor prev_sample;  // latents entering the next step (after the last step: the result)
    at::Tensor pred_x0;      // the model's estimate of the clean latent at this step
};

// Stateless with respect to a run: every call names its step index, so a cancelled run leaves
// nothing behind and one configured scheduler can serve many generations.
class Scheduler {
public:
    virtual ~Scheduler() = default;

    // Prepares the schedule for `num_inference_steps` (>= 1). Throws lightning::Error.
    virtual void set_timesteps(int num_inference_steps) = 0;
    // Number of denoising steps of the current schedule (= timesteps().numel()).
    virtual int num_steps() const = 0;
    // Model timesteps, float32 [num_steps] on CPU (the UNet gets these values).
    virtual const at::Tensor& timesteps() const = 0;
    // Noise level at step i for display and callbacks (Euler: sigma_i).
    virtual double noise_level(int step_index) const = 0;
    // Factor that turns unit-variance noise into the first latents (0-dim float32, CPU).
    virtual at::Tensor init_noise_sigma() const = 0;
    // Model input for step i (Euler: sample / sqrt(sigma_i^2 + 1)).
    virtual at::Tensor scale_model_input(const at::Tensor& sample, int step_index) const = 0;
    // One denoising step from `sample` given the (guided) model output of step i.
    virtual SchedulerStep step(const at::Tensor& model_output, int step_index,
                               const at::Tensor& sample) const = 0;
    // `original` noised to the level of step i (img2img's start, inpainting's known region):
    // diffusers' add_noise at the timestep of step i. Euler: original + noise * sigma_i.
    virtual at::Tensor add_noise(const at::Tensor& original, const at::Tensor& noise,
                                 int step_index) const = 0;
    virtual PredictionType prediction_type() const = 0;
    virtual const SchedulerConfig& config() const = 0;
    // The schedule under the reference's names (Euler: "timesteps", "sigmas"), for traces.
    virtual std::vector<std::pair<std::string, at::Tensor>> schedule_tensors() const = 0;
};

// The training noise schedule, as diffusers builds it (float32 throughout):
// betas from `beta_schedule`, alphas_cumprod = cumprod(1 - betas).
at::Tensor training_betas(const SchedulerConfig& config);
at::Tensor alphas_cumprod_from_betas(const at::Tensor& betas);

// The scheduler named by config.class_name. Throws lightning::Error for an unsupported class.
std::unique_ptr<Scheduler> make_scheduler(const SchedulerConfig& config);

}  // namespace lightning
