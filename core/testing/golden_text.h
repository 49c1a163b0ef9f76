// Golden check of the two SDXL text encoders (tiny-sdxl/text_encoder{,_2}) against
// golden/text_encoders.safetensors: every prompt pN there, each tensor the fixtures README lists.
#pragma once
#include "core/testing/golden.h"

namespace lightning {

// Loads both tiny encoders (fp16 files into an fp32 model, then moved to options.device /
// options.dtype), runs every golden prompt's ids and compares, per prompt:
//   te1/te2.hidden_states_m2, te1/te2.last_hidden_state, te1.pooler_output, te2.text_embeds,
//   te1/te2.pooled_index (exact), and prompt_embeds / pooled_prompt_embeds computed the way the
//   pipeline does (hidden_states[-2] only; te2's last layer at the pooled token alone).
// Tolerance atol 1e-5 (the README's fp32 acceptance); for fp16/bf16 the comparisons run alike
// and their failures just report the deviation. Throws lightning::Error if a fixture is missing
// or malformed.
GoldenReport check_text_encoder_goldens(const GoldenOptions& options);

}  // namespace lightning
