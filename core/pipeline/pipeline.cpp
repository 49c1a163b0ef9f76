// The SDXL text-to-image pipeline, reproducing diffusers' StableDiffusionXLPipeline.__call__
// (with an Euler scheduler on trailing timesteps) operation for operation, so that a fp32 run
// matches the reference to float rounding.
#include "core/pipeline/pipeline.h"

#include "core/convert/single_file.h"
#include "core/convert/text_encoder_names.h"
#include "core/cuda/graph_cache.h"
#include "core/io/config.h"
#include "core/io/model_layout.h"
#include "core/io/safetensors.h"
#include "core/io/state_dict.h"
#include "core/lora/lora.h"
#include "core/models/unet.h"
#include "core/models/vae.h"
#include "core/sched/euler.h"
#include "core/text/clip_text_model.h"
#include "core/text/clip_tokenizer.h"
#include "core/util/cpu_backends.h"
#include "core/util/error.h"
#include "core/util/log.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#ifdef LIGHTNING_WITH_CUDA
#include <c10/cuda/CUDAFunctions.h>
#endif

#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

namespace lightning {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

c10::ScalarType scalar_type_of(Precision precision) {
    switch (precision) {
        case Precision::FP16:
            return torch::kHalf;
        case Precision::BF16:
            return torch::kBFloat16;
        case Precision::FP32:
            break;
    }
    return torch::kFloat;
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

// The weights file of a diffusers component folder (core/io/model_layout.h): the plain name,
// else the fp16 variant, else the folder's only .safetensors file.
std::string component_weights(const std::string& folder, const std::string& stem) {
    if (auto path = find_component_weights(folder, stem); !path.empty()) return path;
    if (fs::exists(folder + "/" + stem + ".safetensors.index.json"))
        throw Error(folder, "sharded checkpoints (" + stem +
                                ".safetensors.index.json) are not supported; merge the shards "
                                "into one " +
                                stem + ".safetensors");
    throw Error(folder, "no " + stem + ".safetensors (nor the .fp16 variant)");
}

// The UNet a base folder without UNet weights of its own starts with: its Lightning folder's
// 4-step file, else another step count's.
std::string first_lightning_unet(const ModelPaths& paths) {
    for (int steps : {4, 8, 2, 1})
        if (auto file = find_lightning_unet(paths.lightning_dir, steps); !file.empty()) return file;
    throw Error(paths.base + "/unet",
                "no diffusion_pytorch_model.safetensors here, and no "
                "Lightning UNet in " +
                    paths.lightning_dir);
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

// One prompt through both encoders, as diffusers' encode_prompt does it.
struct EncodedPrompt {
    at::Tensor ids_1, ids_2;  // [1, 77] int64
    at::Tensor embeds;        // [1, 77, hidden_1 + hidden_2]: hidden_states[-(clip_skip + 2)]
    at::Tensor pooled;        // [1, projection_dim]: text_encoder_2's text_embeds
};

// x in [0, 1] (1x3xHxW float) -> 8-bit RGB: round half to even of x * 255, as numpy/PIL do.
Image8 to_image8(const at::Tensor& image) {
    const auto pixels = (image.to(torch::kCPU, torch::kFloat) * 255)
                            .round()
                            .to(torch::kUInt8)
                            .squeeze(0)
                            .permute({1, 2, 0})
                            .contiguous();
    Image8 out;
    out.height = static_cast<int>(pixels.size(0));
    out.width = static_cast<int>(pixels.size(1));
    out.rgb.assign(pixels.data_ptr<uint8_t>(), pixels.data_ptr<uint8_t>() + pixels.numel());
    return out;
}

// libtorch failures (out of memory, a kernel missing for a dtype, ...) reach callers as
// lightning::Error like every other failure, with torch's first line as the message.
template <typename F>
auto with_lightning_errors(const char* where, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const c10::Error& e) {
        std::string message = e.what_without_backtrace();
        if (const auto nl = message.find('\n'); nl != std::string::npos) message.resize(nl);
        throw Error(where, message);
    }
}

}  // namespace

const char* to_string(Precision precision) {
    switch (precision) {
        case Precision::FP32:
            return "fp32";
        case Precision::FP16:
            return "fp16";
        case Precision::BF16:
            return "bf16";
    }
    return "?";
}

Precision parse_precision(const std::string& text) {
    if (text == "fp32") return Precision::FP32;
    if (text == "fp16") return Precision::FP16;
    if (text == "bf16") return Precision::BF16;
    throw Error("precision", "'" + text + "' is not fp32, fp16 or bf16");
}

std::string lightning_unet_file(const std::string& lightning_dir, int steps) {
    return find_lightning_unet(lightning_dir, steps);
}

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

    // The UNet's own weights (diffusers folder file or the single file's UNet part), kept to
    // switch back after a Lightning or explicit UNet file was used.
    std::shared_ptr<TensorSource> base_unet_weights;
    std::string base_unet_name;  // file name, for results and PNG parameters
    std::string current_unet;    // path of the weights in `unet` now; "" = the base weights
    LoraFuser lora_fuser;
    std::vector<LoraSpec> current_loras;
    GraphCache unet_graphs;

    std::mutex generate_mutex;  // one generation at a time per pipeline

    void load_models();
    void select_unet(const std::string& path);
    void apply_loras(const std::vector<LoraSpec>& loras);
    EncodedPrompt encode(const std::string& prompt, int clip_skip);
    at::Tensor run_unet(const at::Tensor& sample, const at::Tensor& timestep,
                        const at::Tensor& embeds, const at::Tensor& text_embeds,
                        const at::Tensor& time_ids);
    at::Tensor decode(const at::Tensor& latents);
    std::string resolve_unet(const GenerationRequest& request) const;
    GenerationResult run(const GenerationRequest& request, const Callbacks& callbacks);
    Image8 preview(const at::Tensor& pred_x0, PreviewMode mode);
};

void Pipeline::Impl::load_models() {
    if (options.paths.base.empty()) throw Error("model", "no model path given");
    // Single-file layouts are detected, not configured (core/io/model_layout.h).
    ModelPaths paths = options.paths;
    if (fs::is_regular_file(paths.base) && paths.config_dir.empty())
        paths.config_dir = config_folder_for_single_file(paths.base);
    if (auto checkpoint = find_single_file_checkpoint(paths.base); !checkpoint.empty()) {
        paths.config_dir = paths.base;
        paths.base = checkpoint;
    }
    const bool single_file = fs::is_regular_file(paths.base);
    if (!single_file && !fs::is_directory(paths.base))
        throw Error(paths.base, "no such file or folder");
    // Configs and tokenizers come from the diffusers folder: the model itself, or config_dir.
    const std::string config_root = single_file ? paths.config_dir : paths.base;
    if (config_root.empty())
        throw Error(paths.base,
                    "a single-file checkpoint needs a config folder (diffusers layout with "
                    "model_index.json, tokenizers and component configs)");
    if (!fs::is_directory(config_root)) throw Error(config_root, "config folder not found");

    index = read_pipeline_index(require_file(config_root + "/model_index.json"));
    scheduler_config =
        read_scheduler_config(require_file(config_root + "/scheduler/scheduler_config.json"));
    make_scheduler(scheduler_config);  // reject an unsupported scheduler now, not mid-request
    const auto unet_config = read_unet_config(require_file(config_root + "/unet/config.json"));
    const auto vae_config = read_vae_config(require_file(config_root + "/vae/config.json"));
    const auto te1_config =
        read_clip_text_config(require_file(config_root + "/text_encoder/config.json"));
    const auto te2_config =
        read_clip_text_config(require_file(config_root + "/text_encoder_2/config.json"));
    tokenizer_1 =
        std::make_unique<ClipTokenizer>(ClipTokenizer::from_folder(config_root + "/tokenizer"));
    tokenizer_2 =
        std::make_unique<ClipTokenizer>(ClipTokenizer::from_folder(config_root + "/tokenizer_2"));

    std::shared_ptr<TensorSource> te1_weights, te2_weights, vae_weights;
    if (single_file) {
        const auto parts = open_single_file(SafeTensorsFile::open(paths.base), unet_config,
                                            vae_config, te2_config);
        base_unet_weights = parts.unet;
        // A UNet-only checkpoint takes the other components from the config folder.
        auto part_or_folder = [&](const std::shared_ptr<TensorSource>& part,
                                  const std::string& folder, const std::string& stem) {
            return part ? part
                        : std::shared_ptr<TensorSource>(SafeTensorsFile::open(
                              component_weights(config_root + "/" + folder, stem)));
        };
        te1_weights = part_or_folder(parts.text_encoder, "text_encoder", "model");
        te2_weights = part_or_folder(parts.text_encoder_2, "text_encoder_2", "model");
        vae_weights = part_or_folder(parts.vae, "vae", "diffusion_pytorch_model");
        base_unet_name = fs::path(paths.base).filename().string();
    } else {
        // SDXL-Lightning replaces the base UNet, so a base folder may hold only its config (what
        // `lightning models download` fetches); a Lightning UNet then fills the module.
        const auto unet_file =
            paths.lightning_dir.empty() ||
                    !find_component_weights(paths.base + "/unet", "diffusion_pytorch_model").empty()
                ? component_weights(paths.base + "/unet", "diffusion_pytorch_model")
                : std::string();
        if (!unet_file.empty())
            base_unet_weights =
                unet_weights_any_layout(SafeTensorsFile::open(unet_file), unet_config);
        te1_weights =
            SafeTensorsFile::open(component_weights(paths.base + "/text_encoder", "model"));
        te2_weights =
            SafeTensorsFile::open(component_weights(paths.base + "/text_encoder_2", "model"));
        vae_weights = SafeTensorsFile::open(
            component_weights(paths.base + "/vae", "diffusion_pytorch_model"));
        if (!unet_file.empty()) base_unet_name = fs::path(unet_file).filename().string();
    }

    const auto text_options = torch::TensorOptions().dtype(text_dtype).device(device);
    text_encoder_1 = ClipTextModel(te1_config, text_options);
    load_clip_text_model(text_encoder_1, *clip_text_weights_any_layout(te1_weights));
    text_encoder_2 = ClipTextModel(te2_config, text_options);
    load_clip_text_model(text_encoder_2, *clip_text_weights_any_layout(te2_weights));

    // On CUDA an fp16 run decodes in bf16: it keeps fp32's exponent range, so the SDXL VAE does
    // not overflow as it does in fp16, at a fraction of fp32's cost (H100, 1024²: 90 ms vs 400 ms
    // with TF32 off). Elsewhere diffusers' rule applies (fp16 + force_upcast -> fp32).
    const auto vae_dtype = device.is_cuda() && unet_dtype == torch::kHalf
                               ? torch::kBFloat16
                               : vae_compute_dtype(vae_config, unet_dtype);
    vae = load_vae(vae_config, *vae_weights_any_layout(vae_weights, vae_config), device, vae_dtype);
    unet =
        UNet2DConditionModel(unet_config, torch::TensorOptions().dtype(unet_dtype).device(device));
    if (base_unet_weights) {
        load_state_dict(*unet, *base_unet_weights);
        current_unet.clear();
    } else {
        select_unet(first_lightning_unet(paths));
    }
    text_encoder_1->eval();
    text_encoder_2->eval();
    vae->eval();
    unet->eval();
}

std::string Pipeline::Impl::resolve_unet(const GenerationRequest& request) const {
    if (!request.unet_file.empty()) return request.unet_file;
    if (!options.paths.lightning_dir.empty()) {
        const auto file = lightning_unet_file(options.paths.lightning_dir, request.steps);
        if (!file.empty()) return file;
        log().warn("{}: no Lightning UNet for {} steps; using the model's own UNet",
                   options.paths.lightning_dir, request.steps);
    }
    return {};
}

// Loads other UNet weights into the existing module (nothing else is re-created). The strict
// loader validates everything before writing, so a bad file leaves the current state intact.
void Pipeline::Impl::select_unet(const std::string& unet) {
    if (unet == current_unet) return;
    if (unet.empty() && !base_unet_weights)
        throw Error(options.paths.base + "/unet",
                    "the model has no UNet weights of its own (only its config): pick a step "
                    "count that has a Lightning UNet in " +
                        options.paths.lightning_dir);
    const auto start = Clock::now();
    if (unet.empty()) {
        load_state_dict(*this->unet, *base_unet_weights);
    } else {
        const auto file = unet_weights_any_layout(SafeTensorsFile::open(require_file(unet)),
                                                  this->unet->config());
        load_state_dict(*this->unet, *file);
    }
    // The fused LoRAs went with the old weights.
    lora_fuser.forget();
    current_loras.clear();
    current_unet = unet;
    log().info("UNet weights {} loaded in {:.2f} s", unet.empty() ? base_unet_name : unet,
               seconds_since(start));
}

void Pipeline::Impl::apply_loras(const std::vector<LoraSpec>& loras) {
    if (same_loras(loras, current_loras)) return;
    lora_fuser.unfuse();
    current_loras.clear();
    LoraTargets targets{unet.get(), text_encoder_1.get(), text_encoder_2.get(), &unet->config()};
    try {
        for (const auto& lora : loras) {
            const auto file = SafeTensorsFile::open(require_file(lora.path));
            lora_fuser.fuse(*file, lora.scale, targets);
        }
    } catch (...) {
        lora_fuser.unfuse();  // back to the plain weights, never half of a LoRA set
        throw;
    }
    current_loras = loras;
}

EncodedPrompt Pipeline::Impl::encode(const std::string& prompt, int clip_skip) {
    // hidden_states[-(clip_skip + 2)]: the input of the last (clip_skip + 1)-th layer; layers
    // after it are not needed for the sequence, only the pooled token of text_encoder_2.
    EncodedPrompt out;
    const auto ids = [](const ClipTokenizer& tokenizer, const std::string& text) {
        const auto v = tokenizer.encode(text);
        return torch::tensor(v, torch::kLong).unsqueeze(0);
    };
    out.ids_1 = ids(*tokenizer_1, prompt);
    out.ids_2 = ids(*tokenizer_2, prompt);
    const int64_t index = -(clip_skip + 2);
    auto run = [&](ClipTextModel& model, const at::Tensor& input_ids, bool pooled) {
        const int64_t layers = model->config().num_hidden_layers;
        if (clip_skip > layers - 1)
            throw Error("clip_skip", std::to_string(clip_skip) + " exceeds the text encoder's " +
                                         std::to_string(layers - 1) + " skippable layers");
        ClipTextRequest request;
        request.layers = static_cast<int>(layers - 1 - clip_skip);
        request.pooled = pooled;
        return model->forward(input_ids, request);
    };
    const auto te1 = run(text_encoder_1, out.ids_1, false);
    const auto te2 = run(text_encoder_2, out.ids_2, true);
    out.embeds = torch::cat({te1.hidden_state(index), te2.hidden_state(index)}, -1);
    out.pooled = te2.text_embeds;
    return out;
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

at::Tensor Pipeline::Impl::decode(const at::Tensor& latents) {
    // diffusers: vae.decode(latents / scaling_factor) (+ shift_factor for VAEs that have one).
    at::Tensor z = latents / vae->scaling_factor();
    if (vae->shift_factor() != 0) z = z + vae->shift_factor();
    return vae->decode(z);
}

// ---------------------------------------------------------------------------------------------

Pipeline::Pipeline(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pipeline::~Pipeline() = default;

const LoadOptions& Pipeline::options() const {
    return impl_->options;
}

std::unique_ptr<Pipeline> Pipeline::load(const LoadOptions& options) {
    static std::once_flag threads_once;
    apply_cpu_backend_environment();
    std::call_once(threads_once, [] {
        at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    });
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
    if (!options.paths.lightning_dir.empty() && !fs::is_directory(options.paths.lightning_dir))
        throw Error(options.paths.lightning_dir, "Lightning folder not found");
    torch::NoGradGuard no_grad;
    with_lightning_errors(options.paths.base.c_str(), [&] { impl->load_models(); });
    log().info("loaded {} on {} ({}) in {:.2f} s", options.paths.base, impl->device.str(),
               to_string(options.precision), seconds_since(start));
    return std::unique_ptr<Pipeline>(new Pipeline(std::move(impl)));
}

std::pair<int, int> Pipeline::count_tokens(const std::string& prompt) const {
    return {static_cast<int>(impl_->tokenizer_1->tokenize(prompt).size()),
            static_cast<int>(impl_->tokenizer_2->tokenize(prompt).size())};
}

namespace {

void validate(const GenerationRequest& r) {
    if (r.steps < 1) throw Error("steps", "must be at least 1, got " + std::to_string(r.steps));
    if (r.width < 8 || r.height < 8 || r.width % 8 || r.height % 8)
        throw Error("size", "width and height must be positive multiples of 8, got " +
                                std::to_string(r.width) + "x" + std::to_string(r.height));
    if (r.batch < 1) throw Error("batch", "must be at least 1, got " + std::to_string(r.batch));
    if (r.clip_skip < 0)
        throw Error("clip_skip", "must not be negative, got " + std::to_string(r.clip_skip));
    if (!std::isfinite(r.guidance) || r.guidance < 0)
        throw Error("guidance", "must be a finite non-negative number");
}

// The trace name of a per-image tensor: image 0 keeps the golden name, image i > 0 gets "img{i}.".
std::string image_name(int image, const std::string& name) {
    return image == 0 ? name : "img" + std::to_string(image) + "." + name;
}

}  // namespace

GenerationResult Pipeline::Impl::run(const GenerationRequest& request, const Callbacks& callbacks) {
    auto& p = *this;
    std::lock_guard<std::mutex> lock(p.generate_mutex);
    c10::InferenceMode inference;
    const auto start = Clock::now();
    validate(request);
    GenerationResult result;
    auto trace = [&](const std::string& name, const at::Tensor& t) {
        if (request.record_trace) result.trace.emplace_back(name, to_trace(t));
    };

    // Weights: UNet file for the step count, then the LoRA set (both no-ops when unchanged).
    const std::string unet_choice = p.resolve_unet(request);
    p.select_unet(unet_choice);
    p.apply_loras(request.loras);
    result.unet_name =
        p.current_unet.empty() ? p.base_unet_name : fs::path(p.current_unet).filename().string();

    // Scheduler: the model's config with the spacing Lightning needs and the UNet's prediction.
    SchedulerConfig scheduler_config = p.scheduler_config;
    scheduler_config.timestep_spacing =
        request.timestep_spacing.value_or(TimestepSpacing::Trailing);
    if (request.prediction)
        scheduler_config.prediction_type = *request.prediction;
    else if (result.unet_name.find("_x0") != std::string::npos)
        scheduler_config.prediction_type = PredictionType::Sample;
    auto scheduler = make_scheduler(scheduler_config);
    scheduler->set_timesteps(request.steps);
    for (const auto& [name, t] : scheduler->schedule_tensors()) trace(name, t);
    const auto init_sigma = scheduler->init_noise_sigma();
    trace("init_noise_sigma", init_sigma.reshape({1}));

    // Conditioning. CFG only when guidance > 1 (diffusers' do_classifier_free_guidance).
    const bool cfg = request.guidance > 1.0f;
    const auto encode_start = Clock::now();
    const auto positive = p.encode(request.prompt, request.clip_skip);
    trace("input_ids", positive.ids_1);
    trace("input_ids_2", positive.ids_2);
    at::Tensor embeds = positive.embeds.to(p.text_dtype);
    at::Tensor pooled = positive.pooled.to(p.text_dtype);
    const auto time_ids = torch::tensor({double(request.height), double(request.width), 0.0, 0.0,
                                         double(request.height), double(request.width)},
                                        torch::TensorOptions().dtype(embeds.scalar_type()))
                              .unsqueeze(0)
                              .to(p.device);
    at::Tensor add_time_ids = time_ids;
    if (cfg) {
        at::Tensor negative_embeds, negative_pooled;
        if (!request.negative_prompt && p.index.force_zeros_for_empty_prompt) {
            negative_embeds = torch::zeros_like(embeds);
            negative_pooled = torch::zeros_like(pooled);
        } else {
            // diffusers takes hidden_states[-2] for the negative prompt whatever clip_skip is.
            const auto negative = p.encode(request.negative_prompt.value_or(""), 0);
            trace("negative_input_ids", negative.ids_1);
            trace("negative_input_ids_2", negative.ids_2);
            negative_embeds = negative.embeds.to(p.text_dtype);
            negative_pooled = negative.pooled.to(p.text_dtype);
        }
        embeds = torch::cat({negative_embeds, embeds});
        pooled = torch::cat({negative_pooled, pooled});
        add_time_ids = torch::cat({time_ids, time_ids});
    }
    synchronize(p.device);
    result.encode_seconds = seconds_since(encode_start);
    trace("prompt_embeds", embeds);
    trace("add_text_embeds", pooled);
    trace("add_time_ids", add_time_ids);

    const int steps = scheduler->num_steps();
    const int64_t latent_h = request.height / 8, latent_w = request.width / 8;
    const int64_t channels = p.unet->config().in_channels;
    for (int image = 0; image < request.batch; ++image) {
        const uint64_t seed = request.seed + uint64_t(image);
        auto name = [&](const std::string& n) { return image_name(image, n); };
        // Noise: one CPU draw of exactly the latent shape, then moved (CPU and CUDA generators
        // differ; the CPU one reproduces torch.Generator("cpu").manual_seed(seed)).
        auto generator = at::detail::createCPUGenerator(seed);
        const auto noise = torch::randn({1, channels, latent_h, latent_w}, generator,
                                        torch::TensorOptions().dtype(torch::kFloat));
        trace(name("noise"), noise);
        at::Tensor latents = noise.to(p.device) * init_sigma.to(p.device);
        trace(name("latents_init"), latents);

        bool cancelled = false;
        for (int i = 0; i < steps; ++i) {
            if (callbacks.should_cancel && callbacks.should_cancel()) {
                cancelled = true;
                break;
            }
            const auto step_start = Clock::now();
            const auto step_name = [&](const char* what) {
                return name("step" + std::to_string(i) + "." + what);
            };
            const auto timestep = scheduler->timesteps()[i];
            const auto model_input =
                scheduler->scale_model_input(cfg ? torch::cat({latents, latents}) : latents, i);
            const auto unet_output =
                p.run_unet(model_input, timestep.to(p.device), embeds, pooled, add_time_ids);
            at::Tensor model_output = unet_output;
            if (cfg) {
                const auto chunks = unet_output.chunk(2);
                model_output = chunks[0] + request.guidance * (chunks[1] - chunks[0]);
            }
            const auto step = scheduler->step(model_output, i, latents);
            latents = step.prev_sample;
            synchronize(p.device);
            trace(step_name("timestep"), timestep.reshape({1}));
            trace(step_name("unet_input"), model_input);
            trace(step_name("unet_output"), unet_output);
            trace(step_name("model_output"), model_output);
            trace(step_name("pred_x0"), step.pred_x0);
            trace(step_name("latents"), latents);
            if (callbacks.on_step) {
                StepInfo info;
                info.image_index = image;
                info.step = i;
                info.total_steps = steps;
                info.timestep = timestep.item<double>();
                info.sigma = scheduler->noise_level(i);
                info.latents = latents;
                info.pred_x0 = step.pred_x0;
                info.seconds = seconds_since(step_start);
                if (!callbacks.on_step(info)) {
                    // Cancel before the next UNet call; the last step's result is not decoded.
                    cancelled = true;
                    break;
                }
            }
        }
        if (cancelled) {
            result.cancelled = true;
            break;
        }

        trace(name("final_latents"), latents);
        const auto decode_start = Clock::now();
        const auto decoded = p.decode(latents);
        synchronize(p.device);
        result.decode_seconds += seconds_since(decode_start);
        if (request.record_trace) {
            trace(name("vae_input"), latents / p.vae->scaling_factor());
            trace(name("vae_decoded"), decoded);
        }
        const auto pixels = (decoded.to(torch::kFloat) * 0.5 + 0.5).clamp(0, 1);
        trace(name("image"), pixels);
        GeneratedImage generated;
        generated.image = pixels.to(torch::kCPU);
        generated.pixels = to_image8(generated.image);
        generated.seed = seed;
        result.images.push_back(std::move(generated));
    }
    result.seconds = seconds_since(start);
    return result;
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
    const auto decoded = decode(latent);
    return to_image8((decoded.to(torch::kFloat) * 0.5 + 0.5).clamp(0, 1));
}

GenerationResult Pipeline::generate(const GenerationRequest& request, const Callbacks& callbacks) {
    return with_lightning_errors("generation", [&] { return impl_->run(request, callbacks); });
}

Image8 Pipeline::decode_preview(const at::Tensor& pred_x0, PreviewMode mode) {
    return with_lightning_errors("preview", [&] { return impl_->preview(pred_x0, mode); });
}

}  // namespace lightning
