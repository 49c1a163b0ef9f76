// What a .safetensors file holds, told from its tensor names alone, so a file given in the
// wrong place gets an error that names the right place ("this is a LoRA: use --lora").
#pragma once
#include "core/io/tensor_source.h"

#include <string>

namespace lightning {

enum class CheckpointKind {
    DiffusersUNet,     // down_blocks.*, conv_in.weight ...
    Lora,              // lora_unet_*, *.lora_down.weight, *.lora_A.weight ...
    SingleFileSdxl,    // model.diffusion_model.* with first_stage_model / conditioner parts
    SingleFileUNet,    // model.diffusion_model.* only
    TextEncoder,       // text_model.* (CLIP)
    Vae,               // encoder.* / decoder.* (diffusers) or first_stage_model-less ldm VAE
    TextualInversion,  // clip_l / clip_g (SDXL embeddings), emb_params, string_to_param
    Unknown,
};

CheckpointKind classify_checkpoint(const TensorSource& file);

// "a LoRA", "a full SDXL single-file checkpoint", ... for messages.
const char* describe(CheckpointKind kind);

// Where a file of this kind belongs, as advice: "pass it with --lora", "pass it as --model", ...
// ("" for a diffusers UNet or an unknown file).
std::string where_it_belongs(CheckpointKind kind);

}  // namespace lightning
