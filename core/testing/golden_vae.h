// Golden check of the VAE (tiny-sdxl/vae) against golden/vae.safetensors: decode of the
// 1x4x8x8 and 1x4x12x8 latents, encode mean/std of the 1x3x64x64 and 1x3x64x96 images.
#pragma once
#include "core/testing/golden.h"

namespace lightning {

// Runs on options.device in the dtype a pipeline would give the VAE for options.dtype
// (vae_compute_dtype: fp16 runs in fp32 because of force_upcast). fp32 is held to atol 1e-4
// (the fixtures' acceptance for VAE outputs); bf16 (and fp16 without force_upcast) only to
// loose bounds that catch gross errors. A failure to load anything is reported as one failed
// comparison.
GoldenReport check_vae_goldens(const GoldenOptions& options);

}  // namespace lightning
