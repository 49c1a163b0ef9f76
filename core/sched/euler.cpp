#include "core/sched/euler.h"

#include "core/util/error.h"

#include <cmath>
#include <string>
#include <vector>

namespace lightning {
namespace {

// The timestep grids of diffusers' set_timesteps, reproducing numpy's arithmetic (float64, then
// float32) so that every value is identical to the reference.

// timestep_spacing "trailing": round(arange(T, 0, -T/n)) - 1. numpy's arange takes its length
// as ceil((stop - start) / step) and fills value i as start + i * ((start + step) - start);
// rounding is half-to-even (np.round).
std::vector<float> trailing_timesteps(int num_train, int n) {
    const double start = num_train;
    const double step = -(double(num_train) / n);
    const auto length = static_cast<int64_t>(std::ceil((0.0 - start) / step));
    const double delta = (start + step) - start;
    std::vector<float> timesteps;
    for (int64_t i = 0; i < length; ++i) {
        const double value = i == 0 ? start : start + double(i) * delta;
        timesteps.push_back(static_cast<float>(std::nearbyint(value)) - 1.0f);
    }
    return timesteps;
}

// "leading": arange(n) * (T // n), reversed, + steps_offset (SDXL base's spacing).
std::vector<float> leading_timesteps(int num_train, int n, int steps_offset) {
    const int64_t ratio = num_train / n;
    std::vector<float> timesteps;
    for (int64_t i = n - 1; i >= 0; --i)
        timesteps.push_back(static_cast<float>(i * ratio) + static_cast<float>(steps_offset));
    return timesteps;
}

// "linspace": np.linspace(0, T - 1, n, dtype=float32)[::-1]; numpy computes i * step + start in
// float64 and pins the last value to the end point before casting.
std::vector<float> linspace_timesteps(int num_train, int n) {
    const double stop = num_train - 1;
    std::vector<double> values(n);
    for (int i = 0; i < n; ++i) values[i] = n > 1 ? double(i) * (stop / (n - 1)) + 0.0 : 0.0;
    if (n > 1) values[n - 1] = stop;
    std::vector<float> timesteps;
    for (int i = n - 1; i >= 0; --i) timesteps.push_back(static_cast<float>(values[i]));
    return timesteps;
}

// np.interp(x, arange(len(fp)), fp) in float64, including its exact-hit and clamping rules.
double interp_on_unit_grid(double x, const float* fp, int64_t size) {
    if (x <= 0) return fp[0];
    if (x >= double(size - 1)) return fp[size - 1];
    const auto j = static_cast<int64_t>(std::floor(x));
    if (double(j) == x) return fp[j];
    const double slope = (double(fp[j + 1]) - double(fp[j])) / 1.0;
    return slope * (x - double(j)) + double(fp[j]);
}

}  // namespace

EulerDiscreteScheduler::EulerDiscreteScheduler(SchedulerConfig config)
    : config_(std::move(config)) {
    if (config_.interpolation_type != "linear")
        throw Error("scheduler_config.json: interpolation_type",
                    "unsupported value '" + config_.interpolation_type +
                        "' for EulerDiscreteScheduler (only 'linear')");
    if (config_.use_karras_sigmas)
        throw Error("scheduler_config.json: use_karras_sigmas",
                    "Karras sigmas are not supported by this Euler scheduler");
    betas_ = training_betas(config_);
    alphas_cumprod_ = alphas_cumprod_from_betas(betas_);
    // diffusers evaluates this with torch in float32 (pow 0.5 is a correctly rounded sqrt).
    base_sigmas_ = torch::sqrt((1 - alphas_cumprod_) / alphas_cumprod_).contiguous();
}

void EulerDiscreteScheduler::set_timesteps(int num_inference_steps) {
    const int train = config_.num_train_timesteps;
    if (num_inference_steps < 1 || num_inference_steps > train)
        throw Error("steps", "number of inference steps must be between 1 and " +
                                 std::to_string(train) + ", got " +
                                 std::to_string(num_inference_steps));
    std::vector<float> timesteps;
    switch (config_.timestep_spacing) {
        case TimestepSpacing::Trailing:
            timesteps = trailing_timesteps(train, num_inference_steps);
            break;
        case TimestepSpacing::Leading:
            timesteps = leading_timesteps(train, num_inference_steps, config_.steps_offset);
            break;
        case TimestepSpacing::Linspace:
            timesteps = linspace_timesteps(train, num_inference_steps);
            break;
    }
    // Sigmas: interpolated in float64 at the float32 timesteps, a final 0 appended, then float32.
    const float* base = base_sigmas_.data_ptr<float>();
    std::vector<float> sigmas;
    for (float t : timesteps)
        sigmas.push_back(static_cast<float>(interp_on_unit_grid(t, base, base_sigmas_.numel())));
    sigmas.push_back(0.0f);
    timesteps_ = torch::tensor(timesteps, torch::kFloat);
    sigmas_ = torch::tensor(sigmas, torch::kFloat);
}

int EulerDiscreteScheduler::num_steps() const {
    return timesteps_.defined() ? static_cast<int>(timesteps_.numel()) : 0;
}

void EulerDiscreteScheduler::check_step(int step_index, const char* what) const {
    if (!timesteps_.defined())
        throw Error(std::string("scheduler.") + what, "set_timesteps() was not called");
    if (step_index < 0 || step_index >= num_steps())
        throw Error(std::string("scheduler.") + what, "step index " + std::to_string(step_index) +
                                                          " outside 0.." +
                                                          std::to_string(num_steps() - 1));
}

at::Tensor EulerDiscreteScheduler::sigma(int index) const {
    return sigmas_[index];
}

double EulerDiscreteScheduler::noise_level(int step_index) const {
    check_step(step_index, "noise_level");
    return sigma(step_index).item<double>();
}

at::Tensor EulerDiscreteScheduler::add_noise(const at::Tensor& original, const at::Tensor& noise,
                                             int step_index) const {
    check_step(step_index, "add_noise");
    // diffusers casts the sigmas to the sample's dtype and device first.
    const auto sigma_i = sigma(step_index).to(original.device(), original.scalar_type());
    return original + noise * sigma_i;
}

at::Tensor EulerDiscreteScheduler::init_noise_sigma() const {
    if (!sigmas_.defined()) throw Error("scheduler", "set_timesteps() was not called");
    const auto max_sigma = sigmas_.max();
    // diffusers: "linspace" and "trailing" start from sigma_max itself; "leading" from the
    // standard deviation of x + sigma_max * noise for unit-variance x.
    if (config_.timestep_spacing == TimestepSpacing::Leading)
        return torch::pow(torch::pow(max_sigma, 2) + 1, 0.5);
    return max_sigma;
}

at::Tensor EulerDiscreteScheduler::input_divisor(int step_index) const {
    check_step(step_index, "input_divisor");
    return torch::pow(torch::pow(sigma(step_index), 2) + 1, 0.5);
}

at::Tensor EulerDiscreteScheduler::scale_model_input(const at::Tensor& sample,
                                                     int step_index) const {
    return sample / input_divisor(step_index);
}

SchedulerStep EulerDiscreteScheduler::step(const at::Tensor& model_output, int step_index,
                                           const at::Tensor& sample) const {
    check_step(step_index, "step");
    // Latents are kept in float32 whatever the UNet precision (diffusers upcasts the sample too;
    // we also upcast the model output so a half-precision UNet does not round pred_x0).
    const auto x = sample.to(torch::kFloat);
    const auto out = model_output.to(torch::kFloat);
    const auto sigma_now = sigma(step_index);
    SchedulerStep result;
    switch (config_.prediction_type) {
        case PredictionType::Epsilon:
            result.pred_x0 = x - sigma_now * out;
            break;
        case PredictionType::Sample:
            result.pred_x0 = out;
            break;
        case PredictionType::VPrediction: {
            const auto sigma_sq_plus_1 = torch::pow(sigma_now, 2) + 1;
            result.pred_x0 =
                out * (-sigma_now / torch::pow(sigma_sq_plus_1, 0.5)) + (x / sigma_sq_plus_1);
            break;
        }
    }
    const auto derivative = (x - result.pred_x0) / sigma_now;
    const auto dt = sigma(step_index + 1) - sigma_now;
    result.prev_sample = x + derivative * dt;
    return result;
}

}  // namespace lightning
