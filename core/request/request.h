// The one generation request: what the form, the CLI, the queue, the gallery, the PNG
// `parameters` codec, batch manifests and the golden harness all pass around. Plain data, no
// torch, no Qt. Limits and validation: core/request/limits.h.
#pragma once
#include "core/request/enums.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lightning {

// A textual-inversion embedding file and the token it becomes (core/text/textual_inversion.h).
struct EmbeddingSpec {
    std::string path;   // .safetensors with clip_l and clip_g
    std::string token;  // "" = the file stem (A1111's habit)

    bool operator==(const EmbeddingSpec&) const = default;
};

struct LoraSpec {
    std::string path;  // a .safetensors file (a bare name when read back from a PNG)
    double scale = 1.0;

    bool operator==(const LoraSpec&) const = default;
};

struct GenerationRequest {
    std::string prompt;
    std::optional<std::string> negative_prompt;  // nullopt: zero embeddings (SDXL default)
    int steps = 4;
    double guidance = 0.0;  // classifier-free guidance only when > 1
    int width = 1024;
    int height = 1024;
    uint64_t seed = 0;  // image i of a batch uses seed + i
    int batch = 1;
    int clip_skip = 0;
    // UNet selection: an explicit file (a model without Lightning folder), else the Lightning
    // checkpoint for `steps`, else the base model's own UNet.
    std::string unet_file;
    std::optional<PredictionType> prediction;  // default: sample for the 1-step x0 file
    // Default: trailing, which every Lightning checkpoint needs (the model's own config may say
    // otherwise, e.g. SDXL base's "leading").
    std::optional<TimestepSpacing> timestep_spacing;
    std::vector<LoraSpec> loras;
    // How prompt and negative prompt are read (core/request/prompt_syntax.h). `None` is diffusers'
    // encode_prompt exactly (77 tokens, no weights).
    PromptSyntax prompt_syntax = PromptSyntax::A1111;
    // Textual-inversion embeddings, loaded in this order.
    std::vector<EmbeddingSpec> embeddings;
    VaeTiling vae_tiling = VaeTiling::Auto;
    bool record_trace = false;  // fill GenerationResult::trace with golden-named tensors

    bool operator==(const GenerationRequest&) const = default;

    // The request of image `index` of this batch: batch 1, seed + index.
    GenerationRequest single_image(int index) const;
    // Whether classifier-free guidance runs (and so whether the negative prompt matters).
    bool uses_guidance() const { return guidance > 1.0; }
};

}  // namespace lightning
