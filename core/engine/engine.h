// The engine: the one object the app's worker thread, the CLI, benchmarks and the golden harness
// drive. It owns the loaded model set and the step-checkpoint switching, validates each request
// once (against core/request/limits.h and the loaded model), decides previews, forwards progress,
// cancels between steps, and describes every image it makes (ImageRecord, for the PNG).
// Qt-free; one request at a time per engine; cancel() and set_preview_mode() may be called
// from any thread.
#pragma once
#include "core/engine/engine_options.h"
#include "core/pipeline/pipeline.h"
#include "core/request/parameters.h"
#include "core/request/request.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lightning {

class BackgroundHashes;

struct StepEvent {
    int image_index = 0;
    int batch = 1;
    int step = 0;  // 0-based
    int total_steps = 0;
    // This step's wall time (UNet and scheduler; the preview not included); when the batch's
    // images share UNet calls (CUDA), each image's share of it.
    double seconds = 0;
    Image8 preview;                  // empty when previews are off or the decode failed
    double preview_seconds = 0;      // the preview's decode (0 without one)
    const StepInfo* info = nullptr;  // latents and x0 of the step (valid during the call)
};

struct ImageEvent {
    int index = 0;  // within the batch
    const GeneratedImage* image = nullptr;
    ImageRecord record;  // what the PNG's parameters say
};

struct EngineCallbacks {
    // Once the request is valid, before any work: its warnings (those of warnings_for()). An
    // error thrown by generate() before this call is the request's (a bad argument).
    std::function<void(const std::vector<std::string>& warnings)> on_start;
    std::function<void(const StepEvent&)> on_step;
    std::function<void(const ImageEvent&)> on_image;  // each image as soon as it is decoded
    std::function<bool()> should_cancel;              // polled with cancel() before each step
};

struct EngineResult {
    GenerationResult run;
    std::vector<ImageRecord> records;   // one per finished image
    std::vector<std::string> warnings;  // e.g. a step count the checkpoint was not trained for
};

// Checks options before anything is loaded: device present, precision usable there, model files
// where they must be. Throws lightning::Error naming the setting or the file.
void validate_options(const EngineOptions& options);

// Problems with options that do not stop loading (bf16 on a CPU without bf16 arithmetic, ...).
std::vector<std::string> option_warnings(const EngineOptions& options);

// Checks that the files a request names are what it uses them as (an explicit UNet file is a
// diffusers UNet, each LoRA file a LoRA, each embedding an embedding), from their tensor names
// alone, read once per file while it is unchanged. Throws lightning::Error naming the file, what
// it is, and where it belongs instead.
void check_request_files(const GenerationRequest& request);

// Width and height of the images `request` makes: the hires pass's size, times the upscale's
// scale (the model file's own when 0, read from the file). Throws like check_request_files for a
// model file that is no upscaler.
std::pair<int, int> output_size(const GenerationRequest& request);

// "Lightning Studio 0.2.0".
std::string program_version();

class Engine {
public:
    static std::unique_ptr<Engine> load(const EngineOptions& options);
    ~Engine();

    // Throws lightning::Error(field, message) for the first problem of `request` with this
    // model: the limits table, a step count without checkpoint, an explicit UNet together with a
    // Lightning folder, missing LoRA files, clip skip deeper than the text encoders.
    void validate(const GenerationRequest& request) const;
    std::vector<std::string> warnings_for(const GenerationRequest& request) const;

    // Validates (the one check that counts: callers check early only with the model-free
    // limits::validate, unet_file_for and check_request_files), switches checkpoint and LoRAs,
    // runs. Images reach on_image one by one, so a cancelled or failed batch keeps what was
    // finished.
    EngineResult generate(const GenerationRequest& request, const EngineCallbacks& callbacks = {});

    // The upscale of pixels that exist already (the app's "Upscale ×2 / ×4" of a gallery image):
    // what generate() does with request.upscale to each finished image, so that a record made by
    // upscaled_record() regenerates these pixels. Throws lightning::Error naming the model file
    // (not an upscaler, a scale above its own) or the size (over the limits) before any work.
    // Its tiles reach callbacks.on_step as steps of one image (step i of total = tile i); it
    // stops between tiles when cancelled (cancel() or should_cancel) and throws Cancelled then.
    Image8 upscale(const Image8& image, const PostUpscale& how,
                   const EngineCallbacks& callbacks = {});
    // The record of upscale()'s result: `source` (the record of the pixels given to upscale(),
    // width × height) with the upscale added, the model file's hash included. Without a source
    // record (another tool's image), or of an image upscaled already (a record says one
    // upscale), it says only the size and this upscale: nothing to reuse or regenerate, rather
    // than a request that makes other pixels.
    ImageRecord upscaled_record(const std::optional<ImageRecord>& source, int width, int height,
                                const PostUpscale& how) const;

    void cancel();  // the running generate() stops before its next UNet call
    void set_preview_mode(PreviewMode mode);
    PreviewMode preview_mode() const;

    // Lightning checkpoints.
    std::vector<int> available_steps() const;
    // The UNet file a request would use ("" = the base model's own UNet). Throws like validate().
    std::string unet_for(const GenerationRequest& request) const;
    // Makes the checkpoint for `steps` active now (the app calls it when the dropdown changes).
    CheckpointSwitch switch_to_steps(int steps);
    // Reads every available checkpoint into the cache, as the budget allows; stops early when
    // should_stop() says so (a job is waiting). Returns how many are cached.
    int preload_checkpoints(const std::function<bool()>& should_stop = {});
    std::vector<CachedCheckpoint> cached_checkpoints() const;
    // How many checkpoints are kept ready, and where (the app's setting; benchmarks vary it).
    void set_checkpoint_budget(CheckpointBudget budget);
    void clear_cached_checkpoints();
    // Every weight file the engine reads: the base model's (no UNet when Lightning checkpoints
    // replace it) and each Lightning checkpoint; what the PNG records' hashes are taken of.
    std::vector<std::string> model_files() const;

    ImageRecord record_for(const GenerationRequest& request, const GenerationResult& result,
                           int index) const;
    std::pair<int, int> count_tokens(const std::string& prompt) const;
    const EngineOptions& options() const { return options_; }
    const std::vector<std::string>& load_warnings() const { return load_warnings_; }

private:
    Engine(EngineOptions options, std::unique_ptr<Pipeline> pipeline);
    // validate(); returns the UNet file the request uses ("" = the base model's own).
    std::string checked_unet(const GenerationRequest& request) const;
    // The UNet file of the hires fix's second pass (the Lightning checkpoint for its steps).
    std::string hires_unet(const GenerationRequest& request) const;
    std::vector<std::string> warnings_with(const GenerationRequest& request,
                                           const std::string& unet) const;
    Image8 preview_of(const StepInfo& step, bool& preview_failed);

    EngineOptions options_;
    std::unique_ptr<Pipeline> pipeline_;
    std::vector<std::string> load_warnings_;
    std::atomic<bool> cancel_{false};
    std::atomic<int> preview_mode_{int(PreviewMode::Reduced)};
    // The model files' hashes for the PNGs, computed after loading; stopped and joined first
    // when the engine goes.
    std::unique_ptr<BackgroundHashes> hashes_;
};

}  // namespace lightning
