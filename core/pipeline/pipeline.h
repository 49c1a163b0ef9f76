// The SDXL denoising pipeline: models loaded once, one request run at a time, numerically as
// diffusers does it. The engine (core/engine/engine.h) drives it for the app, the CLI, tests and
// benchmarks; it validates requests and picks the UNet checkpoint, so the pipeline runs what it
// is given (request.unet_file, "" = the base model's own UNet). Torch-light on purpose: only
// <ATen/core/Tensor.h>.
#pragma once
#include "core/io/config.h"
#include "core/pipeline/cuda_speedups.h"
#include "core/pipeline/load_options.h"
#include "core/pipeline/tile_done.h"
#include "core/pipeline/unet_checkpoints.h"
#include "core/request/image8.h"
#include "core/request/model_layout.h"
#include "core/request/request.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lightning {

struct StepInfo {
    int image_index = 0;  // within the batch
    int step = 0;         // 0-based
    int total_steps = 0;
    double timestep = 0;
    double sigma = 0;
    at::Tensor latents;  // after this step
    at::Tensor pred_x0;  // predicted clean latent of this step
    double seconds = 0;  // wall time of this step (the image's share, in a shared UNet batch)
};

struct GeneratedImage {
    Image8 pixels;
    at::Tensor image;  // 1x3xHxW float in [0, 1], on the pipeline's device
    uint64_t seed = 0;
    double seconds = 0;  // this image's denoising and decode
};

struct Callbacks {
    // Called after every step; return false to cancel (effective before the next UNet call).
    std::function<bool(const StepInfo&)> on_step;
    // Polled before every UNet call; return true to cancel.
    std::function<bool()> should_cancel;
    // Each finished image of a batch, as soon as it is decoded (before the next one starts), so
    // a cancelled or failed batch keeps what was finished.
    std::function<void(int index, const GeneratedImage& image)> on_image;
};

struct GenerationResult {
    std::vector<GeneratedImage> images;
    bool cancelled = false;
    double seconds = 0;
    double encode_seconds = 0;     // prompt encoding (positive and negative), synchronised
    double decode_seconds = 0;     // final VAE decodes of the batch, synchronised
    std::string unet_name;         // checkpoint used (file name)
    std::string unet_path;         // its path ("" = the base model's own UNet)
    CheckpointSwitch unet_switch;  // how the checkpoint became active for this request
    std::vector<std::pair<std::string, at::Tensor>> trace;  // golden names, when requested
};

class Pipeline {
public:
    static std::unique_ptr<Pipeline> load(const LoadOptions& options);
    ~Pipeline();

    GenerationResult generate(const GenerationRequest& request, const Callbacks& callbacks = {});

    // `how`'s upscaler model (opened on the pipeline's device and dtype, kept for the next
    // call) over `image`, resized down with Lanczos to how.scale when below the model's own:
    // what generate() does to each finished image of a request with `upscale` on. Throws
    // lightning::Error naming the model file (core/pipeline/upscale.h) or the scale. `on_tile`
    // follows the tiles and may stop them (core/pipeline/upscale.h's TileDone).
    Image8 upscale(const Image8& image, const PostUpscale& how, const TileDone& on_tile = {});

    // Decodes a predicted x0 latent (1x4xhxw) for a live preview.
    Image8 decode_preview(const at::Tensor& pred_x0, PreviewMode mode);

    // Token counts for the prompt box: {tokenizer 1, tokenizer 2} without specials/padding
    // (with the embeddings of the last request's tokens).
    std::pair<int, int> count_tokens(const std::string& prompt) const;

    // UNet checkpoints: make one active now, read one into the cache ahead of use, list them.
    CheckpointSwitch activate_unet(const std::string& path);
    bool preload_unet(const std::string& path);
    std::vector<CachedCheckpoint> cached_unets() const;
    void set_checkpoint_budget(CheckpointBudget budget);
    void clear_cached_unets();

    const LoadOptions& options() const;
    // The deepest clip_skip the text encoders allow.
    int max_clip_skip() const;
    // Weight files of the base model in use (for its identity), and the base UNet's name.
    std::vector<std::string> base_files(bool with_unet) const;
    const std::string& base_unet_name() const;
    // False when the base folder carries only the UNet's config (Lightning-only downloads).
    bool has_base_unet() const;

    struct Impl;

private:
    explicit Pipeline(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace lightning
