// The SDXL text-to-image pipeline, reproducing diffusers' StableDiffusionXLPipeline.__call__
// (with an Euler scheduler on trailing timesteps) operation for operation, so that a fp32 run
// matches the reference to float rounding.
#include "core/pipeline/pipeline.h"
#include "core/pipeline/backend_errors.h"
#include "core/pipeline/image_tensor.h"
#include "core/pipeline/refine_latents.h"
#include "core/pipeline/scalar_type.h"
#include "core/pipeline/upscale.h"
#include "core/pipeline/variation_noise.h"

#include "core/convert/single_file.h"
#include "core/convert/text_encoder_names.h"
#include "core/convert/vae_file.h"
#include "core/cuda/graph_cache.h"
#include "core/io/config.h"
#include "core/io/safetensors.h"
#include "core/io/state_dict.h"
#include "core/lora/lora.h"
#include "core/models/unet.h"
#include "core/models/vae.h"
#include "core/models/vae_tiling.h"
#include "core/request/file_hashes.h"
#include "core/request/limits.h"
#include "core/sched/euler.h"
#include "core/text/clip_text_model.h"
#include "core/text/clip_tokenizer.h"
#include "core/text/prompt_encoder.h"
#include "core/text/textual_inversion.h"
#include "core/util/cpu_backends.h"
#include "core/util/devices.h"
#include "core/util/error.h"
#include "core/util/log.h"

#include <ATen/Parallel.h>
#include <c10/core/DeviceGuard.h>

#ifdef LIGHTNING_WITH_CUDA
#include <c10/cuda/CUDAFunctions.h>
#endif

#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>
#include <tuple>

namespace lightning {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

c10::Device parse_device(const std::string& text) {
    try {
        c10::Device device(text == "cuda" ? "cuda:0" : text);
        if (!device.is_cpu() && !device.is_cuda())
            throw Error("device", "'" + text + "' is not supported (cpu, cuda or cuda:N)");
        if (device.is_cuda() && !torch::cuda::is_available())
            throw Error("device", "'" + text + "' requested but CUDA is not available");
        if (device.is_cuda() && device.index() >= int(torch::cuda::device_count()))
            throw Error("device", "'" + text + "': only " +
                                      std::to_string(torch::cuda::device_count()) +
                                      " CUDA device(s) present");
        return device;
    } catch (const c10::Error&) {
        throw Error("device", "'" + text + "' is not a device (cpu, cuda or cuda:N)");
    }
}

// Waits for queued device work so step timings and cancellation points are real.
void synchronize(const c10::Device& device) {
#ifdef LIGHTNING_WITH_CUDA
    if (device.is_cuda()) c10::cuda::device_synchronize();
#else
    (void)device;
#endif
}

// The pipeline's CUDA device, to be made the calling thread's current device for a call: CUDA
// streams, graph capture and device_synchronize() act on the current device, which is cuda:0 in
// every new thread (the app's worker, each engine thread of `lightning batch --devices`).
c10::optional<c10::Device> cuda_device_of(const c10::Device& device) {
    if (!device.is_cuda()) return c10::nullopt;
    return device;
}

// libtorch's intra-op thread count is a per-thread setting (OpenMP), and CPU reductions split
// their sums by it: the same request gave other bits on a thread that had run torch with another
// count (the app's worker against `lightning generate --from` re-rendering its PNG). Every thread
// that generates uses every core, whatever it ran before.
void use_every_core_on_this_thread() {
    const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (at::get_num_threads() != threads) at::set_num_threads(threads);
}

std::string require_file(const std::string& path) {
    if (!fs::is_regular_file(path)) throw Error(path, "file not found");
    return path;
}

bool same_loras(const std::vector<LoraSpec>& a, const std::vector<LoraSpec>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].path != b[i].path || a[i].scale != b[i].scale) return false;
    return true;
}

at::Tensor to_trace(const at::Tensor& t) {
    return t.detach().to(torch::kCPU, t.is_floating_point() ? torch::kFloat : t.scalar_type(),
                         /*non_blocking=*/false, /*copy=*/true);
}

// The VAE's output in [-1, 1] as an image in [0, 1] (float32).
at::Tensor unit_pixels(const at::Tensor& decoded) {
    return (decoded.to(torch::kFloat) * 0.5 + 0.5).clamp(0, 1);
}

// The UNet's conditioning for one request (batch 2 with classifier-free guidance:
// [negative, positive]).
struct Conditioning {
    at::Tensor embeds;    // [B, 77, 2048]
    at::Tensor pooled;    // [B, 1280]
    at::Tensor time_ids;  // [B, 6]
    bool cfg = false;
};

// Records golden-named tensors when the request asks for a trace.
using Trace = std::function<void(const std::string& name, const at::Tensor& t)>;

// Where a model's files are (Pipeline::Impl::locate_model_files).
struct ModelFiles {
    ModelLocations paths;
    bool single_file = false;
    std::string root;  // the diffusers folder with the configs and tokenizers
};

struct ComponentConfigs {
    UNetConfig unet;
    VaeConfig vae;
    ClipTextConfig text_encoder_1, text_encoder_2;
};

struct ComponentWeights {
    std::shared_ptr<TensorSource> text_encoder_1, text_encoder_2, vae;
};

// The latents a group of images starts from, and what refining carries through the loop (each
// [images, 4, h, w]; the refine ones undefined for text to image).
struct StartLatents {
    at::Tensor latents;
    at::Tensor image_latents, noise, masked_image_latents;
    at::Tensor image_posterior_noise, masked_posterior_noise;  // traces only
};

}  // namespace

// ---------------------------------------------------------------------------------------------

struct Pipeline::Impl {
    LoadOptions options;
    c10::Device device = c10::kCPU;
    c10::ScalarType unet_dtype = torch::kFloat;
    c10::ScalarType text_dtype = torch::kFloat;

    PipelineIndex index;
    SchedulerConfig scheduler_config;
    std::unique_ptr<ClipTokenizer> tokenizer_1, tokenizer_2;
    ClipTextModel text_encoder_1{nullptr}, text_encoder_2{nullptr};
    UNet2DConditionModel unet{nullptr};
    std::shared_ptr<AutoencoderKL> vae;

    // The UNet's own weights (diffusers folder file or the single file's UNet part), and the
    // checkpoints switched to from there.
    std::shared_ptr<TensorSource> base_unet_weights;
    std::string base_unet_name;                     // file name, for results and PNG parameters
    std::vector<std::string> base_component_files;  // text encoders, VAE (for the identity)
    std::string base_unet_file;                     // the base UNet's weights file
    std::unique_ptr<UnetCheckpoints> checkpoints;
    LoraFuser lora_fuser;
    std::vector<LoraSpec> current_loras;
    std::vector<EmbeddingSpec> current_embeddings;
    std::unique_ptr<TextualInversion> textual_inversion;  // null: no embeddings loaded
    GraphCache unet_graphs;
    GraphCache vae_graphs;  // untiled decodes: the final image's size and the preview's
    // The last upscaler model used (PostUpscale, HiresUpscaler::Model), kept for the next image.
    std::unique_ptr<Upscaler> upscaler;
    std::string upscaler_stamp;  // its path and file_stamp: a changed file is read again

    std::mutex generate_mutex;  // one generation at a time per pipeline

    void load_models();
    ModelFiles locate_model_files() const;
    ComponentConfigs read_component_configs(const std::string& root);
    ComponentWeights open_single_file_weights(const ModelFiles& files,
                                              const ComponentConfigs& configs);
    ComponentWeights open_folder_weights(const ModelFiles& files, const ComponentConfigs& configs);
    void load_vae_model(const VaeConfig& model_config, std::shared_ptr<TensorSource> weights);
    CheckpointSwitch select_unet(const std::string& path);
    void apply_loras(const std::vector<LoraSpec>& loras);
    void apply_embeddings(const std::vector<EmbeddingSpec>& embeddings);
    TextEncoders text_encoders();
    at::Tensor run_unet(const at::Tensor& sample, const at::Tensor& timestep,
                        const at::Tensor& embeds, const at::Tensor& text_embeds,
                        const at::Tensor& time_ids);
    at::Tensor decode(const at::Tensor& latents, VaeTiling tiling);
    std::unique_ptr<Scheduler> make_request_scheduler(const GenerationRequest& request,
                                                      const std::string& unet_name) const;
    Conditioning encode_conditioning(const GenerationRequest& request, const Trace& trace);
    int images_per_unet_batch(const GenerationRequest& request) const;
    StartLatents start_latents(const GenerationRequest& request, const Scheduler& scheduler,
                               const RefineLatents* refine, int first_step, int first_image,
                               int images, const Trace& trace);
    bool denoise(const GenerationRequest& request, const Scheduler& scheduler,
                 const Conditioning& cond, const RefineLatents* refine, int first_image, int images,
                 int denoising_steps, const Callbacks& callbacks, at::Tensor& latents,
                 const Trace& trace);
    RefineLatents hires_input(const GenerationRequest& request, const at::Tensor& latents,
                              const GenerationRequest& pass, const Callbacks& callbacks);
    bool hires_fix(const GenerationRequest& request, const Conditioning& first_cond, int image,
                   const Callbacks& callbacks, at::Tensor& latents, const Trace& trace);
    const Upscaler& upscaler_for(const std::string& path);
    void finish_image(const GenerationRequest& request, const at::Tensor& latents, int image,
                      double denoise_seconds, const std::optional<RefinePixels>& pixels,
                      const Callbacks& callbacks, const Trace& trace, GenerationResult& result);
    void apply_speedups();
    GeneratedImage decode_image(const at::Tensor& latents, int image, VaeTiling tiling,
                                const Trace& trace, GenerationResult& result);
    GenerationResult run(const GenerationRequest& request, const Callbacks& callbacks);
    Image8 preview(const at::Tensor& pred_x0, PreviewMode mode);
};

void Pipeline::Impl::load_models() {
    const ModelFiles files = locate_model_files();
    const ComponentConfigs configs = read_component_configs(files.root);
    const ComponentWeights weights = files.single_file ? open_single_file_weights(files, configs)
                                                       : open_folder_weights(files, configs);
    const auto text_options = torch::TensorOptions().dtype(text_dtype).device(device);
    text_encoder_1 = ClipTextModel(configs.text_encoder_1, text_options);
    load_clip_text_model(text_encoder_1, *clip_text_weights_any_layout(weights.text_encoder_1));
    text_encoder_2 = ClipTextModel(configs.text_encoder_2, text_options);
    load_clip_text_model(text_encoder_2, *clip_text_weights_any_layout(weights.text_encoder_2));
    load_vae_model(configs.vae, weights.vae);
    unet =
        UNet2DConditionModel(configs.unet, torch::TensorOptions().dtype(unet_dtype).device(device));
    // Weights come in when a request (or preload) activates a checkpoint: loading the base
    // UNet here would be wasted work for every Lightning run. Checkpoint files may be in
    // diffusers or ldm names (Lightning all-in-one files).
    checkpoints = std::make_unique<UnetCheckpoints>(
        *unet, device, base_unet_weights,
        [config = configs.unet](const std::string& path) -> std::shared_ptr<const TensorSource> {
            return unet_weights_any_layout(SafeTensorsFile::open(path), config);
        },
        options.checkpoint_budget,
        [this](int64_t channels) {
            unet->set_in_channels(channels);
            unet_graphs.clear();  // captured with the old conv_in's weights
        });
    text_encoder_1->eval();
    text_encoder_2->eval();
    vae->eval();
    unet->eval();
    apply_speedups();
}

// Where the weights and the configs are: a diffusers folder, or a single file with a config
// folder. Single-file layouts are detected, not configured (core/request/model_layout.h).
ModelFiles Pipeline::Impl::locate_model_files() const {
    if (options.models.base.empty()) throw Error("model", "no model path given");
    ModelFiles files;
    files.paths = options.models;
    ModelLocations& paths = files.paths;
    if (fs::is_regular_file(paths.base) && paths.config_dir.empty())
        paths.config_dir = config_folder_for_single_file(paths.base);
    if (auto checkpoint = find_single_file_checkpoint(paths.base); !checkpoint.empty()) {
        paths.config_dir = paths.base;
        paths.base = checkpoint;
    }
    files.single_file = is_single_file(paths.base);
    if (!files.single_file && !fs::is_directory(paths.base))
        throw Error(paths.base, "no such file or folder");
    // Configs and tokenizers come from the diffusers folder: the model itself, or config_dir.
    files.root = config_root(paths);
    if (files.root.empty())
        throw Error(paths.base,
                    "a single-file checkpoint needs a config folder (diffusers layout with "
                    "model_index.json, tokenizers and component configs)");
    if (!fs::is_directory(files.root)) throw Error(files.root, "config folder not found");
    return files;
}

// model_index.json, the scheduler's and components' configs and both tokenizers of `root`.
ComponentConfigs Pipeline::Impl::read_component_configs(const std::string& root) {
    index = read_pipeline_index(require_file(root + "/model_index.json"));
    scheduler_config =
        read_scheduler_config(require_file(root + "/scheduler/scheduler_config.json"));
    make_scheduler(scheduler_config);  // reject an unsupported scheduler now, not mid-request
    ComponentConfigs configs{
        read_unet_config(require_file(root + "/unet/config.json")),
        read_vae_config(require_file(root + "/vae/config.json")),
        read_clip_text_config(require_file(root + "/text_encoder/config.json")),
        read_clip_text_config(require_file(root + "/text_encoder_2/config.json")),
    };
    tokenizer_1 = std::make_unique<ClipTokenizer>(ClipTokenizer::from_folder(root + "/tokenizer"));
    tokenizer_2 =
        std::make_unique<ClipTokenizer>(ClipTokenizer::from_folder(root + "/tokenizer_2"));
    return configs;
}

ComponentWeights Pipeline::Impl::open_single_file_weights(const ModelFiles& files,
                                                          const ComponentConfigs& configs) {
    const std::string& file = files.paths.base;
    const auto parts = open_single_file(SafeTensorsFile::open(file), configs.unet, configs.vae,
                                        configs.text_encoder_2);
    base_unet_weights = parts.unet;
    base_unet_file = file;
    base_component_files = {file};
    base_unet_name = fs::path(file).filename().string();
    // A UNet-only checkpoint takes the other components from the config folder.
    auto part_or_folder = [&](const std::shared_ptr<TensorSource>& part, const std::string& folder,
                              const std::string& stem) {
        if (part) return part;
        const auto weights = component_weights(files.root + "/" + folder, stem);
        base_component_files.push_back(weights);
        return std::shared_ptr<TensorSource>(SafeTensorsFile::open(weights));
    };
    ComponentWeights weights;
    weights.text_encoder_1 = part_or_folder(parts.text_encoder, "text_encoder", "model");
    weights.text_encoder_2 = part_or_folder(parts.text_encoder_2, "text_encoder_2", "model");
    weights.vae = part_or_folder(parts.vae, "vae", "diffusion_pytorch_model");
    return weights;
}

ComponentWeights Pipeline::Impl::open_folder_weights(const ModelFiles& files,
                                                     const ComponentConfigs& configs) {
    const std::string& base = files.paths.base;
    // The base UNet's weights are optional: SDXL-Lightning replaces the base UNet, so a
    // base folder may hold only its config (what `lightning models download` fetches).
    base_unet_file = find_component_weights(base + "/unet", "diffusion_pytorch_model");
    if (base_unet_file.empty() &&
        fs::exists(base + "/unet/diffusion_pytorch_model.safetensors.index.json"))
        component_weights(base + "/unet", "diffusion_pytorch_model");  // says why
    if (!base_unet_file.empty())
        base_unet_weights =
            unet_weights_any_layout(SafeTensorsFile::open(base_unet_file), configs.unet);
    base_component_files = {component_weights(base + "/text_encoder", "model"),
                            component_weights(base + "/text_encoder_2", "model"),
                            component_weights(base + "/vae", "diffusion_pytorch_model")};
    base_unet_name = base_unet_file.empty() ? std::string("(no base UNet weights)")
                                            : fs::path(base_unet_file).filename().string();
    ComponentWeights weights;
    weights.text_encoder_1 = SafeTensorsFile::open(base_component_files[0]);
    weights.text_encoder_2 = SafeTensorsFile::open(base_component_files[1]);
    weights.vae = SafeTensorsFile::open(base_component_files[2]);
    return weights;
}

// On CUDA an fp16 run decodes in bf16: it keeps fp32's exponent range, so the SDXL VAE does
// not overflow as it does in fp16, at a fraction of fp32's cost (H100, 1024²: 90 ms vs 400 ms
// with TF32 off). Elsewhere diffusers' rule applies (fp16 + force_upcast -> fp32).
// A VAE file given in the options replaces the model's; one that is safe in fp16
// (force_upcast false) decodes in fp16. The model's own may be in diffusers or ldm names.
void Pipeline::Impl::load_vae_model(const VaeConfig& model_config,
                                    std::shared_ptr<TensorSource> weights) {
    VaeConfig config = model_config;
    if (!options.vae.empty()) {
        auto file = open_vae_file(options.vae, model_config);
        config = file.config;
        weights = file.weights;
    } else {
        weights = vae_weights_any_layout(weights, model_config);
    }
    const auto vae_dtype = device.is_cuda() && unet_dtype == torch::kHalf && config.force_upcast
                               ? torch::kBFloat16
                               : vae_compute_dtype(config, unet_dtype);
    vae = load_vae(config, *weights, device, vae_dtype);
}

// Makes `path` ("" = base) the UNet's weights: a copy from the checkpoint cache, or a strict
// load from disk, which validates everything before writing.
CheckpointSwitch Pipeline::Impl::select_unet(const std::string& path) {
    if (checkpoints->active() && *checkpoints->active() == path)
        return {path, CheckpointHome::Active, 0};
    // The fused LoRAs belong to the old weights; the checkpoint copy overwrites them.
    lora_fuser.forget();
    current_loras.clear();
    return checkpoints->activate(path);
}

void Pipeline::Impl::apply_loras(const std::vector<LoraSpec>& loras) {
    if (same_loras(loras, current_loras)) return;
    lora_fuser.unfuse();
    current_loras.clear();
    LoraTargets targets{unet.get(), text_encoder_1.get(), text_encoder_2.get(), &unet->config()};
    try {
        for (const auto& lora : loras) {
            const auto file = SafeTensorsFile::open(require_file(lora.path));
            lora_fuser.fuse(*file, float(lora.scale), targets);
        }
    } catch (...) {
        lora_fuser.unfuse();  // back to the plain weights, never half of a LoRA set
        throw;
    }
    current_loras = loras;
}

// Textual inversion: both tokenizers and both embedding tables, replaced as a set (files are
// checked before anything changes).
void Pipeline::Impl::apply_embeddings(const std::vector<EmbeddingSpec>& embeddings) {
    if (embeddings == current_embeddings) return;
    std::unique_ptr<TextualInversion> loaded;
    if (!embeddings.empty())
        loaded = std::make_unique<TextualInversion>(TextualInversion::load(
            embeddings, *tokenizer_1, *tokenizer_2, text_encoder_1->config().hidden_size,
            text_encoder_2->config().hidden_size));
    text_encoder_1->set_added_token_embeddings(loaded ? loaded->rows_1() : at::Tensor());
    text_encoder_2->set_added_token_embeddings(loaded ? loaded->rows_2() : at::Tensor());
    textual_inversion = std::move(loaded);
    current_embeddings = embeddings;
}

TextEncoders Pipeline::Impl::text_encoders() {
    TextEncoders e;
    e.tokenizer_1 = textual_inversion ? &textual_inversion->tokenizer_1() : tokenizer_1.get();
    e.tokenizer_2 = textual_inversion ? &textual_inversion->tokenizer_2() : tokenizer_2.get();
    e.text_encoder_1 = &text_encoder_1;
    e.text_encoder_2 = &text_encoder_2;
    e.textual_inversion = textual_inversion.get();
    e.force_zeros_for_empty_prompt = index.force_zeros_for_empty_prompt;
    return e;
}

at::Tensor Pipeline::Impl::run_unet(const at::Tensor& sample, const at::Tensor& timestep,
                                    const at::Tensor& embeds, const at::Tensor& text_embeds,
                                    const at::Tensor& time_ids) {
    // Everything the UNet reads is a device tensor (the timestep too), so on CUDA the whole
    // forward can be captured once per shape and replayed.
    return unet_graphs.run({sample.to(unet_dtype), timestep, embeds.to(unet_dtype),
                            text_embeds.to(unet_dtype), time_ids.to(unet_dtype)},
                           [this](const std::vector<at::Tensor>& in) {
                               return unet->forward(in[0], in[1], in[2], in[3], in[4]);
                           });
}

at::Tensor Pipeline::Impl::decode(const at::Tensor& latents, VaeTiling tiling) {
    // diffusers: vae.decode(latents / scaling_factor) (+ shift_factor for VAEs that have one).
    at::Tensor z = latents / vae->scaling_factor();
    if (vae->shift_factor() != 0) z = z + vae->shift_factor();
    if (use_vae_tiling(tiling, vae->config(), z.size(2), z.size(3) * z.size(0),
                       int64_t(c10::elementSize(vae->dtype())), device))
        return tiled_decode(*vae, z, default_tile_settings(vae->config()));
    return vae_graphs.run({z},
                          [this](const std::vector<at::Tensor>& in) { return vae->decode(in[0]); });
}

void Pipeline::Impl::apply_speedups() {
    const auto& levers = options.speedups;
    const bool cuda = device.is_cuda();
    unet_graphs.set_enabled(cuda && levers.unet_graphs);
    vae_graphs.set_enabled(cuda && levers.vae_graphs);
    text_encoder_1->use_cuda_graphs(cuda && levers.text_encoder_graphs);
    text_encoder_2->use_cuda_graphs(cuda && levers.text_encoder_graphs);
    // Process-wide; the first use of each convolution shape then times cuDNN's algorithms
    // (once, before any graph capture records the winner).
    if (cuda) at::globalContext().setBenchmarkCuDNN(levers.cudnn_benchmark);
    if (cuda) set_wide_group_norm(levers.wide_group_norm);
}

// ---------------------------------------------------------------------------------------------
// One request, in stages.

namespace {

// The trace name of a per-image tensor: image 0 keeps the golden name, image i > 0 gets "img{i}.".
std::string image_name(int image, const std::string& name) {
    return image == 0 ? name : "img" + std::to_string(image) + "." + name;
}

// What most likely made a step's latents non-finite, for the error message.
std::string non_finite_causes(const GenerationRequest& request, const std::string& unet_name) {
    std::string causes = "NaN/Inf values in the UNet weights (" + unet_name + ")";
    if (request.uses_guidance())
        causes += ", a guidance scale too large (" + std::to_string(request.guidance) + ")";
    for (const auto& lora : request.loras)
        causes += ", the LoRA " + fs::path(lora.path).filename().string() + " at scale " +
                  std::to_string(lora.scale);
    return causes;
}

// Hands each image's share of step `step` (absolute index; `run_step` of `run_steps` counted
// from the first step that runs) to on_step; false when it asks to cancel.
bool report_step(const Scheduler& scheduler, int step, int run_step, int run_steps, int first_image,
                 int images, double seconds, const at::Tensor& latents, const at::Tensor& pred_x0,
                 const Callbacks& callbacks) {
    const double timestep = scheduler.timesteps()[step].item<double>();
    for (int k = 0; k < images; ++k) {
        StepInfo info;
        info.image_index = first_image + k;
        info.step = run_step;
        info.total_steps = run_steps;
        info.timestep = timestep;
        info.sigma = scheduler.noise_level(step);
        info.latents = latents.slice(0, k, k + 1);
        info.pred_x0 = pred_x0.slice(0, k, k + 1);
        info.seconds = seconds / images;  // its share of the batch's step
        // Cancel before the next UNet call; the last step's result is not decoded.
        if (!callbacks.on_step(info)) return false;
    }
    return true;
}

// `callbacks` whose steps count on from `offset` out of `total`: with the hires fix, one count
// over both passes (a progress bar that does not restart at the second pass).
Callbacks counting_steps(const Callbacks& callbacks, int offset, int total) {
    Callbacks counted = callbacks;
    if (callbacks.on_step)
        counted.on_step = [on_step = callbacks.on_step, offset, total](const StepInfo& step) {
            StepInfo shifted = step;
            shifted.step += offset;
            shifted.total_steps = total;
            return on_step(shifted);
        };
    return counted;
}

}  // namespace

// The model's scheduler config with the spacing Lightning needs and the UNet's prediction.
std::unique_ptr<Scheduler> Pipeline::Impl::make_request_scheduler(
    const GenerationRequest& request, const std::string& unet_name) const {
    SchedulerConfig config = scheduler_config;
    config.timestep_spacing = request.timestep_spacing.value_or(TimestepSpacing::Trailing);
    if (request.prediction)
        config.prediction_type = *request.prediction;
    else if (const auto prediction = prediction_of_unet_file(unet_name))
        config.prediction_type = *prediction;
    auto scheduler = make_scheduler(config);
    scheduler->set_timesteps(request.steps);
    return scheduler;
}

// SDXL's size conditioning (original size, crop, target size) for one row of `cond`, twice with
// classifier-free guidance.
static at::Tensor size_time_ids(const Conditioning& cond, int width, int height,
                                const c10::Device& device) {
    const double h = height, w = width;
    const auto row = torch::tensor({h, w, 0.0, 0.0, h, w},
                                   torch::TensorOptions().dtype(cond.embeds.scalar_type()))
                         .unsqueeze(0)
                         .to(device);
    return cond.cfg ? torch::cat({row, row}) : row;
}

// Prompt (and, with CFG, negative) through both encoders, plus the size conditioning.
Conditioning Pipeline::Impl::encode_conditioning(const GenerationRequest& request,
                                                 const Trace& trace) {
    Conditioning cond;
    cond.cfg = request.uses_guidance();  // diffusers' do_classifier_free_guidance
    const auto encoders = text_encoders();
    PromptConditioning positive, negative;
    if (cond.cfg)
        std::tie(negative, positive) =
            encode_for_guidance(encoders, request.prompt, request.negative_prompt,
                                request.prompt_syntax, request.clip_skip);
    else
        positive =
            encode_prompt(encoders, request.prompt, request.prompt_syntax, request.clip_skip);
    for (const auto& [name, t] : positive.trace) trace(name, t);
    for (const auto& [name, t] : negative.trace) trace(name, t);
    cond.embeds = positive.embeds.to(text_dtype);
    cond.pooled = positive.pooled.to(text_dtype);
    if (cond.cfg) {
        cond.embeds = torch::cat({negative.embeds.to(text_dtype), cond.embeds});
        cond.pooled = torch::cat({negative.pooled.to(text_dtype), cond.pooled});
    }
    cond.time_ids = size_time_ids(cond, request.width, request.height, device);
    synchronize(device);
    trace("prompt_embeds", cond.embeds);
    trace("add_text_embeds", cond.pooled);
    trace("add_time_ids", cond.time_ids);
    return cond;
}

// How many of a request's images share one UNet batch. On CUDA a batch of images keeps the GPU
// busier than one image does; on the CPU it gains nothing. Traces (golden checks) go one image
// at a time, as the reference does.
int Pipeline::Impl::images_per_unet_batch(const GenerationRequest& request) const {
    constexpr int kMaxImagesPerUnetBatch = 4;
    if (!device.is_cuda() || !options.speedups.batch_images || request.record_trace) return 1;
    return std::min(request.batch, kMaxImagesPerUnetBatch);
}

// The latents entering the first step for images first_image .. first_image + images - 1, each
// from its own generator (seed + index): seeded noise times init_noise_sigma, or when refining
// the input's sample noised to the first kept step (core/pipeline/refine_latents.h).
StartLatents Pipeline::Impl::start_latents(const GenerationRequest& request,
                                           const Scheduler& scheduler, const RefineLatents* refine,
                                           int first_step, int first_image, int images,
                                           const Trace& trace) {
    auto name = [&](const std::string& n) { return image_name(first_image, n); };
    std::vector<RefineStart> starts;
    for (int k = 0; k < images; ++k) {
        const GenerationRequest one = request.single_image(first_image + k);
        if (refine) {
            starts.push_back(start_refine(*refine, one.seed, scheduler, first_step, device));
            continue;
        }
        // CPU draws, then moved (CPU and CUDA generators differ; the CPU one reproduces
        // torch.Generator("cpu").manual_seed(seed), and A1111's "RNG source: CPU").
        RefineStart start;
        start.noise = variation_noise(one.seed, one.variation, vae->latent_channels(),
                                      request.height / 8, request.width / 8)
                          .unsqueeze(0)
                          .to(device);
        start.latents = start.noise * scheduler.init_noise_sigma().to(device);
        starts.push_back(start);
    }
    const auto stack = [&](at::Tensor RefineStart::*field) {
        std::vector<at::Tensor> parts;
        for (const auto& start : starts)
            if ((start.*field).defined()) parts.push_back(start.*field);
        return parts.empty() ? at::Tensor() : parts.size() == 1 ? parts[0] : torch::cat(parts);
    };
    StartLatents out{stack(&RefineStart::latents),
                     stack(&RefineStart::image_latents),
                     stack(&RefineStart::noise),
                     stack(&RefineStart::masked_image_latents),
                     stack(&RefineStart::image_posterior_noise),
                     stack(&RefineStart::masked_posterior_noise)};
    const auto trace_defined = [&](const char* what, const at::Tensor& t) {
        if (t.defined()) trace(name(what), t);
    };
    trace_defined("image_posterior_noise", out.image_posterior_noise);
    trace_defined("image_latents", out.image_latents);
    trace(name("noise"), out.noise);
    trace_defined("masked_image_posterior_noise", out.masked_posterior_noise);
    trace_defined("masked_image_latents", out.masked_image_latents);
    trace(name("latents_init"), out.latents);
    return out;
}

// The Euler loop of images first_image .. first_image + images - 1 as one UNet batch, over the
// request's denoising steps (all, or the last ones when refining). Returns false when cancelled.
bool Pipeline::Impl::denoise(const GenerationRequest& request, const Scheduler& scheduler,
                             const Conditioning& cond, const RefineLatents* refine, int first_image,
                             int images, int denoising_steps, const Callbacks& callbacks,
                             at::Tensor& latents, const Trace& trace) {
    auto name = [&](const std::string& n) { return image_name(first_image, n); };
    const int steps = scheduler.num_steps();
    const int first_step = steps - denoising_steps;
    const StartLatents start =
        start_latents(request, scheduler, refine, first_step, first_image, images, trace);
    latents = start.latents;
    // Conditioning rows per image: [negative x images, positive x images] with CFG.
    const auto per_image = [&](const at::Tensor& t) {
        return images == 1 ? t : t.repeat_interleave(images, 0);
    };
    const auto embeds = per_image(cond.embeds), pooled = per_image(cond.pooled),
               time_ids = per_image(cond.time_ids);
    const auto guided = [&](const at::Tensor& t) { return cond.cfg ? torch::cat({t, t}) : t; };
    const auto masked_image_latents =
        start.masked_image_latents.defined() ? guided(start.masked_image_latents) : at::Tensor();

    if (refine && first_image == 0)
        trace("timesteps_kept", scheduler.timesteps().slice(0, first_step, steps));
    for (int i = first_step; i < steps; ++i) {
        if (callbacks.should_cancel && callbacks.should_cancel()) return false;
        const auto step_start = Clock::now();
        const int run_step = i - first_step;  // the reference's loop index
        const auto step_name = [&](const char* what) {
            return name("step" + std::to_string(run_step) + "." + what);
        };
        const auto timestep = scheduler.timesteps()[i];
        auto model_input = scheduler.scale_model_input(guided(latents), i);
        if (refine) model_input = with_inpaint_channels(*refine, model_input, masked_image_latents);
        const auto unet_output =
            run_unet(model_input, timestep.to(device), embeds, pooled, time_ids);
        at::Tensor model_output = unet_output;
        if (cond.cfg) {
            const auto chunks = unet_output.chunk(2);
            model_output = chunks[0] + request.guidance * (chunks[1] - chunks[0]);
        }
        const auto step = scheduler.step(model_output, i, latents);
        latents = step.prev_sample;
        if (refine) {
            const auto blended = blend_known_region(*refine, scheduler, i, latents,
                                                    start.image_latents, start.noise);
            if (blended.known.defined()) {
                trace(step_name("prev_sample"), latents);
                trace(step_name("noised_image_latents"), blended.known);
            }
            latents = blended.latents;
        }
        synchronize(device);
        // A NaN here would otherwise become a black image written as if all went well.
        if (!all_finite(latents))
            throw Error("step " + std::to_string(run_step + 1) + " of " +
                            std::to_string(steps - first_step),
                        "the latents became NaN or infinite; likely causes: " +
                            non_finite_causes(request, checkpoints->active().value_or("")));
        trace(step_name("timestep"), timestep.reshape({1}));
        trace(step_name("unet_input"), model_input);
        trace(step_name("unet_output"), unet_output);
        trace(step_name("model_output"), model_output);
        trace(step_name("pred_x0"), step.pred_x0);
        trace(step_name("latents"), latents);
        if (callbacks.on_step &&
            !report_step(scheduler, i, run_step, steps - first_step, first_image, images,
                         seconds_since(step_start), latents, step.pred_x0, callbacks))
            return false;
    }
    return true;
}

GeneratedImage Pipeline::Impl::decode_image(const at::Tensor& latents, int image, VaeTiling tiling,
                                            const Trace& trace, GenerationResult& result) {
    auto name = [&](const std::string& n) { return image_name(image, n); };
    trace(name("final_latents"), latents);
    const auto decode_start = Clock::now();
    const auto decoded = decode(latents, tiling);
    synchronize(device);
    result.decode_seconds += seconds_since(decode_start);
    trace(name("vae_input"), latents / vae->scaling_factor());
    trace(name("vae_decoded"), decoded);
    if (!all_finite(decoded))
        throw Error("VAE decode",
                    "produced NaN or infinite pixels; the VAE overflowed (in fp16 use a VAE that "
                    "is safe in fp16, such as sdxl-vae-fp16-fix, or run in bf16/fp32)");
    const auto pixels = unit_pixels(decoded);
    trace(name("image"), pixels);
    GeneratedImage generated;
    generated.image = pixels;
    generated.pixels = to_image8(pixels);
    return generated;
}

GenerationResult Pipeline::Impl::run(const GenerationRequest& request, const Callbacks& callbacks) {
    std::lock_guard<std::mutex> lock(generate_mutex);
    c10::InferenceMode inference;
    const auto start = Clock::now();
    limits::validate(request);
    // The input files are read and checked before anything changes.
    std::optional<RefinePixels> pixels;
    if (request.refines()) pixels = prepare_refine_pixels(request, options.read_image);
    GenerationResult result;
    const Trace trace = [&](const std::string& name, const at::Tensor& t) {
        if (request.record_trace) result.trace.emplace_back(name, to_trace(t));
    };

    // Weights: the UNet checkpoint, the LoRA set, the embeddings (no-ops when unchanged).
    result.unet_switch = select_unet(request.unet_file);
    if (!request.inpaints() && unet->config().in_channels != vae->latent_channels())
        throw Error(request.unet_file.empty() ? base_unet_name : request.unet_file,
                    "is an inpainting UNet (" + std::to_string(unet->config().in_channels) +
                        " input channels): it needs an input image and a mask");
    apply_loras(request.loras);
    apply_embeddings(request.embeddings);
    result.unet_path = request.unet_file;
    result.unet_name = request.unet_file.empty() ? base_unet_name
                                                 : fs::path(request.unet_file).filename().string();

    const auto scheduler = make_request_scheduler(request, result.unet_name);
    for (const auto& [name, t] : scheduler->schedule_tensors()) trace(name, t);
    trace("init_noise_sigma", scheduler->init_noise_sigma().reshape({1}));

    const auto encode_start = Clock::now();
    const Conditioning cond = encode_conditioning(request, trace);
    result.encode_seconds = seconds_since(encode_start);
    std::optional<RefineLatents> refine;
    if (pixels) {
        refine = encode_refine_input(*vae, *pixels, request, unet->config().in_channels, device);
        trace("init_image", refine->image);
        if (refine->mask.defined()) {
            trace("mask_image", refine->mask_image);
            trace("mask", refine->mask);
        }
    }

    const int group = images_per_unet_batch(request);
    // With the hires fix every image's first pass comes first (the UNet switches once), then
    // each image's second pass, decoded and handed over as it finishes.
    std::vector<std::pair<at::Tensor, double>> first_passes;  // latents, seconds
    const int all_steps =
        request.denoising_steps() + (request.hires.on() ? request.hires_denoising_steps() : 0);
    const Callbacks first_pass_callbacks = counting_steps(callbacks, 0, all_steps);
    const Callbacks second_pass_callbacks =
        counting_steps(callbacks, request.denoising_steps(), all_steps);
    for (int first = 0; first < request.batch && !result.cancelled; first += group) {
        const int images = std::min(group, request.batch - first);
        const auto group_start = Clock::now();
        at::Tensor latents;
        if (!denoise(request, *scheduler, cond, refine ? &*refine : nullptr, first, images,
                     request.denoising_steps(), first_pass_callbacks, latents, trace)) {
            result.cancelled = true;
            break;
        }
        const double share = seconds_since(group_start) / images;
        // Decoded one at a time: each image is handed over as soon as it exists.
        for (int k = 0; k < images; ++k) {
            if (request.hires.on())
                first_passes.emplace_back(latents.slice(0, k, k + 1), share);
            else
                finish_image(request, latents.slice(0, k, k + 1), first + k, share, pixels,
                             callbacks, trace, result);
        }
    }
    for (int i = 0; i < int(first_passes.size()) && !result.cancelled; ++i) {
        const auto pass_start = Clock::now();
        at::Tensor latents = first_passes[size_t(i)].first;
        if (!hires_fix(request, cond, i, second_pass_callbacks, latents, trace)) {
            result.cancelled = true;
            break;
        }
        finish_image(request, latents, i,
                     first_passes[size_t(i)].second + seconds_since(pass_start), pixels, callbacks,
                     trace, result);
    }
    result.seconds = seconds_since(start);
    return result;
}

// Stops an upscaler model between its tiles when the request is cancelled: on a CPU one image's
// ×4 takes minutes.
static TileDone cancel_between_tiles(const Callbacks& callbacks) {
    return [&callbacks](int64_t, int64_t) {
        if (callbacks.should_cancel && callbacks.should_cancel()) throw Cancelled();
    };
}

// Image `image` of the request from its final latents: decoded, the input's unmasked pixels
// pasted back when asked, handed over. `denoise_seconds`: its share of the denoising.
void Pipeline::Impl::finish_image(const GenerationRequest& request, const at::Tensor& latents,
                                  int image, double denoise_seconds,
                                  const std::optional<RefinePixels>& pixels,
                                  const Callbacks& callbacks, const Trace& trace,
                                  GenerationResult& result) {
    const auto image_start = Clock::now();
    GeneratedImage generated = decode_image(latents, image, request.vae_tiling, trace, result);
    generated.seed = request.single_image(image).seed;
    if (pixels && request.input.keep_unmasked)
        generated.pixels = paste_unmasked(generated.pixels, *pixels);
    if (request.upscale.on()) {
        try {
            generated.pixels =
                upscaler_for(request.upscale.model)
                    .upscale_by(generated.pixels, request.upscale.scale, kRequestUpscaleTiling,
                                cancel_between_tiles(callbacks));
        } catch (const Cancelled&) {
            result.cancelled = true;  // an image without its upscale is not handed over
            return;
        }
    }
    generated.seconds = seconds_since(image_start) + denoise_seconds;
    if (callbacks.on_image) callbacks.on_image(image, generated);
    result.images.push_back(std::move(generated));
}

// The hires fix's start for one first-pass image (`latents`, [1, 4, h, w]) at the pass's size:
// in latent space interpolated (A1111's "Latent" upscalers; a posterior of zero spread, so that
// the seed's draws come in the same order as for an encoded image), or decoded, resized with
// Lanczos as PIL resizes and encoded again.
RefineLatents Pipeline::Impl::hires_input(const GenerationRequest& request,
                                          const at::Tensor& latents, const GenerationRequest& pass,
                                          const Callbacks& callbacks) {
    const int64_t factor = vae->downscale_factor();
    const int64_t h = pass.height / factor, w = pass.width / factor;
    if (request.hires.upscaler == HiresUpscaler::Lanczos ||
        request.hires.upscaler == HiresUpscaler::Model) {
        Image8 first = to_image8(unit_pixels(decode(latents, request.vae_tiling)));
        if (request.hires.upscaler == HiresUpscaler::Model)
            first = upscaler_for(request.hires.upscaler_model)
                        .upscale(first, kRequestUpscaleTiling, cancel_between_tiles(callbacks));
        RefinePixels pixels{resize_lanczos(first, pass.width, pass.height), std::nullopt};
        return encode_refine_input(*vae, pixels, pass, vae->latent_channels(), device);
    }
    const auto up = request.hires.upscaler == HiresUpscaler::LatentNearest
                        ? at::upsample_nearest2d(latents.to(torch::kFloat), {h, w})
                        : at::upsample_bilinear2d(latents.to(torch::kFloat), {h, w},
                                                  /*align_corners=*/false);
    RefineLatents input;
    input.scaling_factor = vae->scaling_factor();
    input.image_mean = (up / input.scaling_factor).to(device);
    input.image_std = torch::zeros_like(input.image_mean);
    return input;
}

// The upscaler model at `path` on the pipeline's device in the UNet's dtype, opened once and
// kept while the next request names the same unchanged file.
const Upscaler& Pipeline::Impl::upscaler_for(const std::string& path) {
    const std::string stamp = path + "\n" + file_stamp(path);
    if (!upscaler || upscaler_stamp != stamp) {
        upscaler.reset();  // its memory back before the next one loads
        upscaler = Upscaler::open(path, device, unet_dtype);
        upscaler_stamp = stamp;
    }
    return *upscaler;
}

// A1111's hires fix of image `image`: its first-pass latents enlarged (hires_input), then refined
// at the larger size with the pass's own schedule and Lightning checkpoint, the first pass's
// prompt encodings with the larger size's conditioning. Returns false when cancelled; `latents`
// become the larger image's.
bool Pipeline::Impl::hires_fix(const GenerationRequest& request, const Conditioning& first_cond,
                               int image, const Callbacks& callbacks, at::Tensor& latents,
                               const Trace& trace) {
    const GenerationRequest pass = request.hires_pass();
    const Trace pass_trace = [&](const std::string& name, const at::Tensor& t) {
        trace("hires." + name, t);
    };
    RefineLatents input;
    try {
        input = hires_input(request, latents, pass, callbacks);
    } catch (const Cancelled&) {  // between the upscaler model's tiles
        return false;
    }
    select_unet(pass.unet_file);
    apply_loras(request.loras);
    const std::string unet_name =
        pass.unet_file.empty() ? base_unet_name : fs::path(pass.unet_file).filename().string();
    const auto scheduler = make_request_scheduler(pass, unet_name);
    Conditioning cond = first_cond;
    cond.time_ids = size_time_ids(cond, pass.width, pass.height, device);
    pass_trace("add_time_ids", cond.time_ids);
    at::Tensor out;
    if (!denoise(pass, *scheduler, cond, &input, image, 1, request.hires_denoising_steps(),
                 callbacks, out, pass_trace))
        return false;
    latents = out;
    return true;
}

Image8 Pipeline::Impl::preview(const at::Tensor& pred_x0, PreviewMode mode) {
    if (mode == PreviewMode::Off) return {};
    if (!pred_x0.defined() || pred_x0.dim() != 4 || pred_x0.size(0) != 1)
        throw Error("preview", "expects a 1 x C x h x w latent");
    c10::InferenceMode inference;
    at::Tensor latent = pred_x0.to(device, torch::kFloat);
    if (mode == PreviewMode::Reduced) {
        // A real VAE decode of the latent averaged down at least 2x, and further until its longer
        // side is at most kPreviewLatentSide (a 256-pixel preview): the decoder's cost scales with
        // the pixel count, so at 1024² this costs 1/16 of the final decode (7.6 ms on an H100).
        constexpr double kPreviewLatentSide = 32;
        const double longer = double(std::max(latent.size(2), latent.size(3)));
        const double scale = std::min(0.5, kPreviewLatentSide / longer);
        const int64_t h = std::max<int64_t>(1, int64_t(double(latent.size(2)) * scale));
        const int64_t w = std::max<int64_t>(1, int64_t(double(latent.size(3)) * scale));
        latent = torch::adaptive_avg_pool2d(latent, {h, w});
    }
    const auto decoded = decode(latent, VaeTiling::Auto);
    return to_image8(unit_pixels(decoded));
}

// ---------------------------------------------------------------------------------------------

Pipeline::Pipeline(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pipeline::~Pipeline() = default;

const LoadOptions& Pipeline::options() const {
    return impl_->options;
}

std::unique_ptr<Pipeline> Pipeline::load(const LoadOptions& options) {
    apply_cpu_backend_environment();
    use_every_core_on_this_thread();
    const auto start = Clock::now();
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    impl->device = parse_device(options.device);
    impl->unet_dtype = scalar_type_of(options.precision);
    // fp32 means fp32: TF32 tensor cores (cuDNN's default for convolutions) round inputs to
    // 10 mantissa bits, which moves a UNet output by ~3e-4 and breaks parity with the reference.
    if (impl->device.is_cuda() && options.precision == Precision::FP32) {
        at::globalContext().setAllowTF32CuDNN(false);
        at::globalContext().setAllowTF32CuBLAS(false);
    }
    if (impl->device.is_cpu() && impl->unet_dtype == torch::kHalf)
        throw Error("precision", "fp16 is not supported on the CPU (use fp32 or bf16)");
    impl->text_dtype = impl->unet_dtype;
    const c10::OptionalDeviceGuard on_device(cuda_device_of(impl->device));
    torch::NoGradGuard no_grad;
    with_lightning_errors(options.models.base.c_str(), [&] { impl->load_models(); });
    log().info("loaded {} on {} ({}) in {:.2f} s", options.models.base, impl->device.str(),
               to_string(options.precision), seconds_since(start));
    return std::unique_ptr<Pipeline>(new Pipeline(std::move(impl)));
}

std::pair<int, int> Pipeline::count_tokens(const std::string& prompt) const {
    const auto* ti = impl_->textual_inversion.get();
    const auto& tokenizer_1 = ti ? ti->tokenizer_1() : *impl_->tokenizer_1;
    const auto& tokenizer_2 = ti ? ti->tokenizer_2() : *impl_->tokenizer_2;
    return {static_cast<int>(tokenizer_1.tokenize(prompt).size()),
            static_cast<int>(tokenizer_2.tokenize(prompt).size())};
}

GenerationResult Pipeline::generate(const GenerationRequest& request, const Callbacks& callbacks) {
    use_every_core_on_this_thread();
    const c10::OptionalDeviceGuard on_device(cuda_device_of(impl_->device));
    return with_lightning_errors("generation", [&] { return impl_->run(request, callbacks); });
}

Image8 Pipeline::upscale(const Image8& image, const PostUpscale& how, const TileDone& on_tile) {
    std::lock_guard<std::mutex> lock(impl_->generate_mutex);
    const c10::OptionalDeviceGuard on_device(cuda_device_of(impl_->device));
    c10::InferenceMode inference;
    return with_lightning_errors("upscale", [&] {
        return impl_->upscaler_for(how.model).upscale_by(image, how.scale, kRequestUpscaleTiling,
                                                         on_tile);
    });
}

Image8 Pipeline::decode_preview(const at::Tensor& pred_x0, PreviewMode mode) {
    const c10::OptionalDeviceGuard on_device(cuda_device_of(impl_->device));
    return with_lightning_errors("preview", [&] { return impl_->preview(pred_x0, mode); });
}

CheckpointSwitch Pipeline::activate_unet(const std::string& path) {
    std::lock_guard<std::mutex> lock(impl_->generate_mutex);
    const c10::OptionalDeviceGuard on_device(cuda_device_of(impl_->device));
    c10::InferenceMode inference;
    return with_lightning_errors("UNet", [&] { return impl_->select_unet(path); });
}

bool Pipeline::preload_unet(const std::string& path) {
    std::lock_guard<std::mutex> lock(impl_->generate_mutex);
    const c10::OptionalDeviceGuard on_device(cuda_device_of(impl_->device));
    c10::InferenceMode inference;
    return with_lightning_errors("UNet", [&] { return impl_->checkpoints->preload(path); });
}

std::vector<CachedCheckpoint> Pipeline::cached_unets() const {
    return impl_->checkpoints->cached();
}

void Pipeline::set_checkpoint_budget(CheckpointBudget budget) {
    std::lock_guard<std::mutex> lock(impl_->generate_mutex);
    impl_->checkpoints->set_budget(budget);
}

void Pipeline::clear_cached_unets() {
    std::lock_guard<std::mutex> lock(impl_->generate_mutex);
    impl_->checkpoints->clear();
    release_cached_device_memory();
}

int Pipeline::max_clip_skip() const {
    return int(std::min(impl_->text_encoder_1->config().num_hidden_layers,
                        impl_->text_encoder_2->config().num_hidden_layers)) -
           1;
}

std::vector<std::string> Pipeline::base_files(bool with_unet) const {
    auto files = impl_->base_component_files;
    if (with_unet && !impl_->base_unet_file.empty() &&
        std::find(files.begin(), files.end(), impl_->base_unet_file) == files.end())
        files.push_back(impl_->base_unet_file);
    return files;
}

bool Pipeline::has_base_unet() const {
    return impl_->base_unet_weights != nullptr;
}

const std::string& Pipeline::base_unet_name() const {
    return impl_->base_unet_name;
}

}  // namespace lightning
