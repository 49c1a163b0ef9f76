// UNet golden checks against the diffusers reference (fixtures/golden):
//  - the `unet` cases of manifest.json: tiny-sdxl/unet on golden/unet.safetensors inputs
//    (t999, t499, non-square t999);
//  - every UNet call of the Lightning pipeline cases: the case's Lightning UNet file on
//    step{i}.unet_input / step{i}.timestep with the case's prompt_embeds, add_text_embeds and
//    add_time_ids, compared with step{i}.unet_output (includes the batch-2 CFG case).
// fp32 is held to atol 1e-5; fp16/bf16 to the bound of one UNet call (reduced_precision.h).
#pragma once
#include "core/testing/golden.h"

namespace lightning {

GoldenReport check_unet_goldens(const GoldenOptions& options);

}  // namespace lightning
