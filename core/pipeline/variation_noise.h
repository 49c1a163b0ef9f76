// The start noise of one text-to-image image as AUTOMATIC1111's stable-diffusion-webui draws it
// with the setting "Random number generator source: CPU" (modules/rng.py, ImageRNG.first, at
// commit 0d5dc9a6e7f6362e423a06bf0e75dd5854025394; bench/reference/a1111_variation_noise.py runs
// that code for tests/data/variation). Every draw is torch's CPU generator seeded with the seed
// (torch.Generator("cpu").manual_seed), which is also diffusers' noise with a CPU generator:
//   - no variation: randn(seed) at the latent shape;
//   - a variation strength: slerp(strength, randn(seed), randn(variation seed)), A1111's slerp
//     (normalised over dim 1 of the [C, H, W] noise, i.e. per channel and latent column; a plain
//     blend when the two are nearly equal);
//   - "seed resize from" WxH: that blend drawn at (W/8, H/8), pasted centred into a fresh
//     randn(seed) of the request's shape (cropped centred when larger).
// Torch-light header, as pipeline.h.
#pragma once
#include "core/request/request.h"

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace lightning {

// [channels, latent_height, latent_width] float32 on the CPU: image noise for `seed` and
// `variation` (an image's own: GenerationRequest::single_image gives each image its seeds).
at::Tensor variation_noise(uint64_t seed, const SeedVariation& variation, int64_t channels,
                           int64_t latent_height, int64_t latent_width);

// A1111's slerp of two [C, H, W] noises at `val` (0 = low, 1 = high), in float32.
at::Tensor a1111_slerp(double val, const at::Tensor& low, const at::Tensor& high);

}  // namespace lightning
