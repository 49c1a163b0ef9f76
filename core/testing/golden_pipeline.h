// Golden checks of the scheduler and (to come with the pipeline) of whole text-to-image runs.
// Shared by the tests and `lightning verify`.
#pragma once
#include "core/testing/golden.h"

namespace lightning {

// scheduler.json + scheduler.safetensors: timesteps, sigmas, init_noise_sigma, input divisors,
// betas and alphas_cumprod, all exact in float32.
GoldenReport check_scheduler_goldens(const GoldenOptions& options);

}  // namespace lightning
