// The A1111-style "parameters" text stored in generated PNGs, so other tools (and the app)
// read prompt, seed and settings back:
//   <prompt>
//   Negative prompt: <negative>            (only when a negative prompt was given)
//   Steps: 4, Sampler: Euler, Schedule type: trailing, CFG scale: 0, Seed: 42, Size: 1024x1024,
//   Model: <name>, Lightning: 4step        (Lightning only for a Lightning UNet/LoRA)
#pragma once
#include "core/pipeline/pipeline.h"

#include <optional>
#include <string>

namespace lightning {

struct ImageParameters {
    std::string prompt;
    std::optional<std::string> negative_prompt;
    int steps = 0;
    std::string sampler = "Euler";
    std::string schedule = "trailing";
    float guidance = 0;
    uint64_t seed = 0;
    int width = 0;
    int height = 0;
    std::string model;                   // model name (folder or file stem)
    std::optional<int> lightning_steps;  // N of an "sdxl_lightning_Nstep" UNet or LoRA
    int clip_skip = 0;                   // written as "Clip skip: N" only when > 0
};

std::string format_parameters(const ImageParameters& parameters);

// Parses text written by format_parameters (and the same fields of A1111 texts). Throws
// lightning::Error("parameters", ...) when the settings line is missing or malformed.
ImageParameters parse_parameters(const std::string& text);

// The parameters of image `index` of a finished request.
ImageParameters parameters_for(const GenerationRequest& request, const GenerationResult& result,
                               int index, const std::string& model_name);

// "sdxl_lightning_4step_unet.safetensors" -> 4; "sdxl_lightning_1step_unet_x0" -> 1; else nullopt.
std::optional<int> lightning_steps_of(const std::string& file_name);

// A display name for a model path: the folder name, or the file name without extension.
std::string model_name_of(const std::string& path);

}  // namespace lightning
