// A VAE the user gives instead of the model's own (`--vae`): a diffusers VAE folder, or one
// .safetensors file with diffusers names or with the original ldm names (madebyollin's
// sdxl-vae-fp16-fix `sdxl.vae.safetensors`; also under "first_stage_model.").
#pragma once
#include "core/io/config.h"
#include "core/io/tensor_source.h"

#include <memory>
#include <string>

namespace lightning {

struct VaeWeights {
    VaeConfig config;
    std::shared_ptr<TensorSource> weights;  // diffusers names
    std::string name;                       // for logs and results
};

// A folder needs config.json and diffusion_pytorch_model[.fp16].safetensors. A single file
// takes the config.json beside it when that describes an AutoencoderKL (as in madebyollin's
// repository), else `model_config`, the pipeline's own VAE config. Throws lightning::Error
// naming the path when it is neither a VAE folder nor a VAE file.
VaeWeights open_vae_file(const std::string& file_or_folder, const VaeConfig& model_config);

}  // namespace lightning
