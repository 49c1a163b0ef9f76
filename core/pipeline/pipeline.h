// The engine's public face: load once, generate many. Used alike by the GUI worker, the CLI,
// tests and benchmarks. Torch-light on purpose: only <ATen/core/Tensor.h>.
#pragma once
#include "core/io/config.h"
#include "core/models/vae_tiling.h"
#include "core/text/prompt_syntax.h"
#include "core/text/textual_inversion.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lightning {

enum class Precision { FP32, FP16, BF16 };
const char* to_string(Precision precision);
Precision parse_precision(const std::string& text);  // fp32 | fp16 | bf16; throws Error

struct ModelPaths {
    std::string base;           // diffusers folder, or a single-file .safetensors checkpoint
    std::string config_dir;     // diffusers folder with configs/tokenizers (for a single file)
    std::string lightning_dir;  // folder with sdxl_lightning_{N}step_unet*.safetensors
};

struct LoadOptions {
    ModelPaths paths;
    std::string device = "cpu";  // cpu | cuda | cuda:N
    Precision precision = Precision::FP32;
    // A VAE to use instead of the model's own: diffusers VAE folder or single file (diffusers or
    // ldm names; core/convert/vae_file.h). "" = the model's. A VAE whose config says
    // force_upcast false (sdxl-vae-fp16-fix) decodes in fp16 in an fp16 pipeline.
    std::string vae;
};

struct LoraSpec {
    std::string path;
    float scale = 1.0f;
};

// The Lightning UNet file for a step count, or "" when the folder has none for it.
std::string lightning_unet_file(const std::string& lightning_dir, int steps);

struct GenerationRequest {
    std::string prompt;
    std::optional<std::string> negative_prompt;  // nullopt: zero embeddings (SDXL default)
    int steps = 4;
    float guidance = 0.0f;  // CFG only when > 1
    int width = 1024;
    int height = 1024;
    uint64_t seed = 0;
    int batch = 1;  // image i uses seed + i
    int clip_skip = 0;
    // UNet selection: explicit file, else lightning_dir's file for `steps`, else the base UNet.
    std::string unet_file;
    std::optional<PredictionType> prediction;  // default: sample for the 1-step x0 file
    // Default: trailing, which every Lightning checkpoint needs (the model's own config may say
    // otherwise, e.g. SDXL base's "leading").
    std::optional<TimestepSpacing> timestep_spacing;
    std::vector<LoraSpec> loras;
    // How prompt and negative prompt are read (core/text/prompt_syntax.h). `None` is diffusers'
    // encode_prompt exactly (77 tokens, no weights).
    PromptSyntax prompt_syntax = PromptSyntax::A1111;
    // Textual-inversion embeddings, loaded in this order (core/text/textual_inversion.h).
    std::vector<EmbeddingSpec> embeddings;
    // Tiled VAE decode as diffusers' enable_tiling(); Auto: when an untiled decode would not fit
    // the device's free memory.
    VaeTiling vae_tiling = VaeTiling::Auto;
    bool record_trace = false;  // fill GenerationResult::trace with golden-named tensors
};

struct StepInfo {
    int image_index = 0;  // within the batch
    int step = 0;         // 0-based
    int total_steps = 0;
    double timestep = 0;
    double sigma = 0;
    at::Tensor latents;  // after this step
    at::Tensor pred_x0;  // predicted clean latent of this step
    double seconds = 0;  // wall time of this step
};

struct Callbacks {
    // Called after every step; return false to cancel (effective before the next UNet call).
    std::function<bool(const StepInfo&)> on_step;
    // Polled before every UNet call; return true to cancel.
    std::function<bool()> should_cancel;
};

// 8-bit RGB, row-major, no padding.
struct Image8 {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> rgb;
};

struct GeneratedImage {
    Image8 pixels;
    at::Tensor image;  // 1x3xHxW float in [0, 1]
    uint64_t seed = 0;
};

struct GenerationResult {
    std::vector<GeneratedImage> images;
    bool cancelled = false;
    double seconds = 0;
    double encode_seconds = 0;  // prompt encoding (positive and negative), synchronised
    double decode_seconds = 0;  // final VAE decodes of the batch, synchronised
    std::string unet_name;      // checkpoint used (file name)
    std::vector<std::pair<std::string, at::Tensor>> trace;  // golden names, when requested
};

enum class PreviewMode { Off, Reduced, Full };

class Pipeline {
public:
    static std::unique_ptr<Pipeline> load(const LoadOptions& options);
    ~Pipeline();

    GenerationResult generate(const GenerationRequest& request, const Callbacks& callbacks = {});

    // Decodes a predicted x0 latent (1x4xhxw) for a live preview.
    Image8 decode_preview(const at::Tensor& pred_x0, PreviewMode mode);

    // Token counts for the prompt box: {tokenizer 1, tokenizer 2} without specials/padding
    // (with the embeddings of the last request's tokens).
    std::pair<int, int> count_tokens(const std::string& prompt) const;

    const LoadOptions& options() const;

    struct Impl;

private:
    explicit Pipeline(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace lightning
