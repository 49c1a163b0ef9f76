// Where the weights are in the model layouts people hold, found from file names alone (no
// tensor is read), so no layout has to be configured:
//   - diffusers folders with plain or fp16-variant weights (<stem>.fp16.safetensors), or a
//     component folder holding one differently named file (the fp16-fix VAE's
//     sdxl_vae.safetensors);
//   - a whole SDXL single-file checkpoint, given alone next to its configs (the hub snapshot of
//     stable-diffusion-xl-base-1.0 has sd_xl_base_1.0.safetensors beside model_index.json), or as
//     the weights of a diffusers folder whose unet/ holds none;
//   - SDXL-Lightning folders with the published UNet files, their fp16 variants, or only the
//     all-in-one checkpoints (sdxl_lightning_{N}step.safetensors).
// What the files' tensor names say (diffusers, ldm, transformers 5) is core/convert's business.
#pragma once
#include <string>

namespace lightning {

// The weights of a component folder: <stem>.safetensors, else <stem>.fp16.safetensors, else the
// folder's only *.safetensors file. "" when there is none (or several other files).
std::string find_component_weights(const std::string& folder, const std::string& stem);

// A .safetensors file at the top of a diffusers folder (model_index.json) whose unet/ has no
// weights: the single-file checkpoint that folder is the config of. "" otherwise.
std::string find_single_file_checkpoint(const std::string& folder);

// For a single-file checkpoint given without a config folder: the folder it sits in, when that
// holds model_index.json. "" otherwise.
std::string config_folder_for_single_file(const std::string& checkpoint);

// The Lightning UNet for a step count in `lightning_dir`: the published UNet file
// (sdxl_lightning_{N}step_unet.safetensors; 1 step: sdxl_lightning_1step_unet_x0.safetensors),
// else its .fp16 variant, else the all-in-one checkpoint (sdxl_lightning_{N}step.safetensors;
// 1 step: sdxl_lightning_1step_x0.safetensors), whose UNet part is used. "" when none.
std::string find_lightning_unet(const std::string& lightning_dir, int steps);

}  // namespace lightning
