#include "core/engine/engine.h"

#include "core/convert/checkpoint_kind.h"
#include "core/io/safetensors.h"
#include "core/lora/lora_files.h"
#include "core/pipeline/upscale.h"
#include "core/request/file_hashes.h"
#include "core/request/limits.h"
#include "core/request/model_layout.h"
#include "core/request/wildcards.h"
#include "core/util/devices.h"
#include "core/util/error.h"
#include "core/util/input_file.h"
#include "core/util/log.h"
#include "core/version.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>

namespace lightning {
namespace {

namespace fs = std::filesystem;

// The pipeline runs of a request (dynamic prompts, core/request/wildcards.h): itself without
// templates; with them its images' requests, resolved from their seeds and checked here, before
// any work: one run when all resolved alike (the batch stays one pipeline call), else one each.
std::vector<GenerationRequest> prompt_runs(const GenerationRequest& request) {
    if (!request.has_template()) return {request};
    const std::vector<GenerationRequest> images = resolved_images(request);
    for (const auto& image : images) {
        GenerationRequest resolved = image;  // its prompts checked as any typed prompt is
        resolved.prompt_template.clear();
        resolved.negative_template.reset();
        try {
            limits::validate(resolved);
        } catch (const Error& e) {
            throw Error(e.where(), e.message() + " (as its template resolved for seed " +
                                       std::to_string(image.seed) + ")");
        }
    }
    const bool alike = std::all_of(images.begin(), images.end(), [&](const auto& image) {
        return image.prompt == images.front().prompt &&
               image.negative_prompt == images.front().negative_prompt;
    });
    if (!alike) return images;
    GenerationRequest one = request;
    one.prompt = images.front().prompt;
    one.negative_prompt = images.front().negative_prompt;
    return {one};
}

// `run`'s images and times added to `total` (the first run is taken whole).
void add_run(GenerationResult& total, GenerationResult run, bool first) {
    if (first) {
        total = std::move(run);
        return;
    }
    for (auto& image : run.images) total.images.push_back(std::move(image));
    for (auto& entry : run.trace) total.trace.push_back(std::move(entry));
    total.cancelled = total.cancelled || run.cancelled;
    total.seconds += run.seconds;
    total.encode_seconds += run.encode_seconds;
    total.decode_seconds += run.decode_seconds;
}

void validate_device(const std::string& device, Precision precision) {
    const auto devices = list_devices();
    const std::string id = device == "cuda" ? "cuda:0" : device;
    bool found = false;
    for (const auto& d : devices) found = found || d.id == id;
    if (!found) {
        std::string present;
        for (const auto& d : devices) present += (present.empty() ? "" : ", ") + d.id;
        throw Error("device", "'" + device + "' is not available here (present: " + present + ")");
    }
    if (id == "cpu" && precision == Precision::FP16)
        throw Error("precision", "fp16 is not supported on the CPU (use fp32, or bf16)");
}

// What a request's file says, by path, while the file is unchanged (same size and time): the
// CLI checks a request before loading and the engine again before it runs, a batch repeats the
// same LoRA on every line, and every image's record states the upscaler's scale; a file's header
// is read once. A read that throws keeps nothing.
template <typename Value>
class PerFileCache {
public:
    Value get(const std::string& path, const std::function<Value()>& read) {
        const std::string stamp = file_stamp(path);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (const auto found = values_.find(path);
                found != values_.end() && found->second.first == stamp)
                return found->second.second;
        }
        Value value = read();
        std::lock_guard<std::mutex> lock(mutex_);
        values_[path] = {stamp, value};
        return value;
    }

private:
    std::mutex mutex_;
    std::map<std::string, std::pair<std::string, Value>> values_;
};

// A request file's kind, and for a LoRA why it does not fit SDXL.
struct CheckedFile {
    CheckpointKind kind = CheckpointKind::Unknown;
    std::string lora_problem;  // lora_base_problem() of a LoRA
};

CheckedFile check_file(const std::string& path) {
    static PerFileCache<CheckedFile> checked;
    return checked.get(path, [&] {
        const auto file = SafeTensorsFile::open(path);
        CheckedFile result{classify_checkpoint(*file), {}};
        if (result.kind == CheckpointKind::Lora)
            result.lora_problem = lora_base_problem(lora_base_of(file->metadata(), file->infos()));
        return result;
    });
}

// The scale an upscaler model file makes (its header read once while unchanged); throws
// lightning::Error naming the file when it is no upscaler.
int64_t native_upscale(const std::string& path) {
    static PerFileCache<int64_t> scales;
    return scales.get(path, [&] { return check_upscaler_file(path).scale(); });
}

}  // namespace

// An upscaler model file of the request: readable as one, and what it makes within the limits
// (the model's own output, before any resize down: the hires fix's from the first pass, the
// post-upscale's from the finished image).
static void check_upscaler(const std::string& path, int width, int height, int scale) {
    const int64_t native = native_upscale(path);
    check_upscale_scale(path, native, scale);
    limits::check_upscaled_size(width, height, int(native));
}

void check_request_files(const GenerationRequest& request) {
    auto check = [](const std::string& path, CheckpointKind wanted, const char* as) {
        require_regular_file(path, as);
        const auto [kind, lora_problem] = check_file(path);
        if (kind == wanted && !lora_problem.empty()) throw Error(path, lora_problem);
        if (kind == wanted || kind == CheckpointKind::Unknown) return;
        throw Error(path, std::string("this is ") + describe(kind) + ", not " + as + "; " +
                              where_it_belongs(kind));
    };
    if (!request.unet_file.empty())
        check(request.unet_file, CheckpointKind::DiffusersUNet, "a UNet");
    for (const auto& lora : request.loras) check(lora.path, CheckpointKind::Lora, "a LoRA");
    for (const auto& embedding : request.embeddings)
        check(embedding.path, CheckpointKind::TextualInversion, "an embedding");
    if (request.refines()) require_regular_file(request.input.image, "an input image");
    if (!request.input.mask.empty()) require_regular_file(request.input.mask, "a mask");
    if (request.hires.on() && request.hires.upscaler == HiresUpscaler::Model)
        check_upscaler(request.hires.upscaler_model, request.width, request.height, 0);
    if (request.upscale.on()) {
        const GenerationRequest made = request.hires.on() ? request.hires_pass() : request;
        check_upscaler(request.upscale.model, made.width, made.height, request.upscale.scale);
    }
}

// The scale an upscale runs at: its own, or when 0 the model file's.
static int upscale_scale(const PostUpscale& how) {
    return how.scale ? how.scale : int(native_upscale(how.model));
}

std::pair<int, int> output_size(const GenerationRequest& request) {
    const GenerationRequest made = request.hires.on() ? request.hires_pass() : request;
    if (!request.upscale.on()) return {made.width, made.height};
    const int scale = upscale_scale(request.upscale);
    return {made.width * scale, made.height * scale};
}

std::string program_version() {
    return std::string("Lightning Studio ") + LIGHTNING_VERSION;
}

void validate_options(const EngineOptions& options) {
    validate_device(options.device, options.precision);
    if (const auto problems = check_base_model(options.models.base, options.models.config_dir);
        !problems.empty())
        throw Error("model", problems.front());
    if (!options.models.lightning_dir.empty())
        if (const auto problems = check_lightning_dir(options.models.lightning_dir);
            !problems.empty())
            throw Error("lightning", problems.front());
    std::error_code error;
    if (!options.vae.empty() && !fs::exists(options.vae, error))
        throw Error(options.vae, "VAE file or folder not found");
}

std::vector<std::string> option_warnings(const EngineOptions& options) {
    std::vector<std::string> warnings;
    if (options.device == "cpu" && options.precision == Precision::BF16 && !cpu_has_native_bf16())
        warnings.push_back(
            "this CPU has no bf16 arithmetic: bf16 runs slower than fp32 here and rounds every "
            "partial sum; fp32 is recommended");
    return warnings;
}

Engine::Engine(EngineOptions options, std::unique_ptr<Pipeline> pipeline)
    : options_(std::move(options)), pipeline_(std::move(pipeline)) {
    preview_mode_ = int(options_.preview);
    load_warnings_ = option_warnings(options_);
}

Engine::~Engine() = default;

std::unique_ptr<Engine> Engine::load(const EngineOptions& options) {
    validate_options(options);
    auto engine = std::unique_ptr<Engine>(new Engine(options, Pipeline::load(options)));
    // Callers show warnings their way (the CLI's "warning:" lines, the app's banner); the log
    // keeps them only for debugging, so that no terminal shows one twice.
    for (const auto& warning : engine->load_warnings_) log().debug("warning: {}", warning);
    engine->hashes_ = std::make_unique<BackgroundHashes>(engine->model_files());
    return engine;
}

std::vector<int> Engine::available_steps() const {
    return available_lightning_steps(options_.models.lightning_dir);
}

std::string Engine::unet_for(const GenerationRequest& request) const {
    return unet_file_for(options_.models, request);
}

void Engine::validate(const GenerationRequest& request) const {
    checked_unet(request);
    prompt_runs(request);
}

std::string Engine::checked_unet(const GenerationRequest& request) const {
    limits::validate(request);
    std::string unet = unet_for(request);
    if (unet.empty() && !pipeline_->has_base_unet())
        throw Error("unet", options_.models.base +
                                " has no UNet weights of its own (only unet/config.json); give a "
                                "Lightning folder or a UNet file");
    if (request.clip_skip > pipeline_->max_clip_skip())
        throw Error("clip skip",
                    std::to_string(request.clip_skip) + " exceeds the text encoders' " +
                        std::to_string(pipeline_->max_clip_skip()) + " skippable layers");
    check_request_files(request);
    if (request.hires.on()) hires_unet(request);  // its steps need a checkpoint too
    return unet;
}

std::string Engine::hires_unet(const GenerationRequest& request) const {
    GenerationRequest pass = request.hires_pass();
    pass.unet_file = request.unet_file;  // an explicit file serves both passes
    try {
        return unet_for(pass);
    } catch (const Error& e) {
        if (e.where() != "steps") throw;
        throw Error("hires steps", e.message());  // the second pass's steps, not --steps
    }
}

// CLIP's 77 positions less the start and end tokens.
constexpr int kPlainPromptTokens = 75;

std::vector<std::string> Engine::warnings_for(const GenerationRequest& request) const {
    return warnings_with(request, unet_for(request));
}

std::vector<std::string> Engine::warnings_with(const GenerationRequest& request,
                                               const std::string& unet) const {
    std::vector<std::string> warnings;
    auto check_trained_steps = [&](const std::string& file) {
        const auto trained = lightning_steps_of(file);
        if (trained && *trained != request.steps)
            warnings.push_back(fs::path(file).stem().string() + " was trained for " +
                               std::to_string(*trained) + " steps; " +
                               std::to_string(request.steps) +
                               " steps will not give its best results");
    };
    if (!unet.empty()) check_trained_steps(unet);
    for (const auto& lora : request.loras) check_trained_steps(lora.path);
    if (request.prompt_syntax == PromptSyntax::None) {
        // diffusers' plain encoding cuts silently; say so (77 tokens with start and end).
        auto check_length = [&](const std::string& text, const char* what) {
            const auto [clip_l, clip_g] = count_tokens(text);
            const int tokens = std::max(clip_l, clip_g);
            if (tokens > kPlainPromptTokens)
                warnings.push_back(std::string(what) + " is " + std::to_string(tokens) +
                                   " tokens long; prompt syntax none uses only the first " +
                                   std::to_string(kPlainPromptTokens) +
                                   " (a1111 or compel encode all of it)");
        };
        check_length(request.prompt, "the prompt");
        if (request.negative_prompt && request.uses_guidance())
            check_length(*request.negative_prompt, "the negative prompt");
    }
    if (request.negative_prompt && !request.negative_prompt->empty() && !request.uses_guidance())
        warnings.push_back("the negative prompt has no effect without guidance above 1");
    return warnings;
}

Image8 Engine::preview_of(const StepInfo& step, bool& preview_failed) {
    const auto mode = preview_mode();
    // A cancelled run stops now: its next preview would only delay the return.
    if (mode == PreviewMode::Off || preview_failed || !step.pred_x0.defined() || cancel_) return {};
    try {
        return pipeline_->decode_preview(step.pred_x0, mode);
    } catch (const std::exception& e) {
        // A failed preview must not fail the image: say so once and go on without.
        preview_failed = true;
        log().warn("preview decode failed: {}", e.what());
        return {};
    }
}

EngineResult Engine::generate(const GenerationRequest& input, const EngineCallbacks& callbacks) {
    cancel_ = false;
    GenerationRequest request = input;
    request.unet_file = checked_unet(input);
    if (request.hires.on()) request.hires.unet_file = hires_unet(input);
    // Records are made from `input`'s runs (what the user asked), the pipeline runs them with
    // the engine's choices of UNet.
    const std::vector<GenerationRequest> runs = prompt_runs(input);
    EngineResult out;
    out.warnings = warnings_with(runs.front(), request.unet_file);
    for (const auto& warning : out.warnings) log().debug("warning: {}", warning);
    if (callbacks.on_start) callbacks.on_start(out.warnings);

    bool preview_failed = false;
    const GenerationRequest* run = &runs.front();
    int first_index = 0;  // of the run's images in the request's batch
    Callbacks pipeline_callbacks;
    pipeline_callbacks.should_cancel = [&] {
        return cancel_.load() || (callbacks.should_cancel && callbacks.should_cancel());
    };
    pipeline_callbacks.on_step = [&](const StepInfo& step) {
        if (callbacks.on_step) {
            StepEvent event;
            event.image_index = first_index + step.image_index;
            event.batch = request.batch;
            event.step = step.step;
            event.total_steps = step.total_steps;
            event.seconds = step.seconds;
            event.info = &step;
            const auto preview_start = std::chrono::steady_clock::now();
            event.preview = preview_of(step, preview_failed);
            if (!event.preview.rgb.empty())
                event.preview_seconds =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - preview_start)
                        .count();
            callbacks.on_step(event);
        }
        return !pipeline_callbacks.should_cancel();
    };
    // Records need the checkpoint name, known once the pipeline switched: built per image.
    GenerationResult partial;
    partial.unet_path = request.unet_file;
    pipeline_callbacks.on_image = [&](int index, const GeneratedImage& image) {
        ImageRecord record = record_for(*run, partial, index);
        out.records.push_back(record);
        if (callbacks.on_image)
            callbacks.on_image(ImageEvent{first_index + index, &image, std::move(record)});
    };
    for (size_t i = 0; i < runs.size() && !out.run.cancelled; ++i) {
        run = &runs[i];
        first_index = runs.size() == 1 ? 0 : int(i);
        GenerationRequest pipeline_request = *run;
        pipeline_request.unet_file = request.unet_file;
        pipeline_request.hires.unet_file = request.hires.unet_file;
        add_run(out.run, pipeline_->generate(pipeline_request, pipeline_callbacks), i == 0);
    }
    return out;
}

void Engine::cancel() {
    cancel_ = true;
}

void Engine::set_preview_mode(PreviewMode mode) {
    preview_mode_ = int(mode);
}

PreviewMode Engine::preview_mode() const {
    return PreviewMode(preview_mode_.load());
}

CheckpointSwitch Engine::switch_to_steps(int steps) {
    GenerationRequest request;
    request.steps = steps;
    return pipeline_->activate_unet(unet_for(request));
}

void Engine::set_checkpoint_budget(CheckpointBudget budget) {
    pipeline_->set_checkpoint_budget(budget);
}

void Engine::clear_cached_checkpoints() {
    pipeline_->clear_cached_unets();
}

std::vector<std::string> Engine::model_files() const {
    auto files = pipeline_->base_files(/*with_unet=*/false);
    for (int steps : available_steps())
        files.push_back(lightning_file(options_.models.lightning_dir, steps));
    return files;
}

int Engine::preload_checkpoints(const std::function<bool()>& should_stop) {
    int cached = 0;
    for (int steps : available_steps()) {
        if (should_stop && should_stop()) break;
        if (pipeline_->preload_unet(lightning_file(options_.models.lightning_dir, steps)))
            ++cached;
        else
            break;  // no room for more
    }
    return cached;
}

std::vector<CachedCheckpoint> Engine::cached_checkpoints() const {
    return pipeline_->cached_unets();
}

ImageRecord Engine::record_for(const GenerationRequest& request, const GenerationResult& result,
                               int index) const {
    ImageRecord record;
    record.request = request.single_image(index);
    record.request.record_trace = false;
    record.request.unet_file.clear();      // recorded as `unet` below, by name and hash
    record.request.wildcards_dir.clear();  // a folder of this machine, as the models' are
    // What ran, stated explicitly (the text always names the schedule).
    record.request.timestep_spacing = request.timestep_spacing.value_or(TimestepSpacing::Trailing);
    const bool base_unet = result.unet_path.empty();
    record.model.name = model_display_name(options_.models.base);
    record.model.hash = short_combined_hash(pipeline_->base_files(base_unet));
    if (!base_unet)
        record.unet = {fs::path(result.unet_path).stem().string(),
                       short_file_hash(result.unet_path)};
    for (const auto& lora : request.loras)
        record.loras.push_back({fs::path(lora.path).stem().string(), short_file_hash(lora.path)});
    for (auto& embedding : record.request.embeddings) {
        if (embedding.token.empty()) embedding.token = fs::path(embedding.path).stem().string();
        record.embeddings.push_back({embedding.token, short_file_hash(embedding.path)});
    }
    if (!options_.vae.empty()) {
        record.vae.name = model_display_name(options_.vae);
        record.vae.hash =
            fs::is_directory(options_.vae)
                ? short_file_hash(component_weights(options_.vae, "diffusion_pytorch_model"))
                : short_file_hash(options_.vae);
    }
    if (request.refines()) {
        record.input_image = {fs::path(request.input.image).stem().string(),
                              short_file_hash(request.input.image)};
        if (!request.input.mask.empty())
            record.mask = {fs::path(request.input.mask).stem().string(),
                           short_file_hash(request.input.mask)};
    }
    if (request.hires.on() && request.hires.upscaler == HiresUpscaler::Model)
        record.hires_upscaler = {fs::path(request.hires.upscaler_model).stem().string(),
                                 short_file_hash(request.hires.upscaler_model)};
    if (request.upscale.on()) {
        record.request.upscale.scale = upscale_scale(request.upscale);  // stated explicitly
        record.upscaler = {fs::path(request.upscale.model).stem().string(),
                           short_file_hash(request.upscale.model)};
    }
    record.version = program_version();
    return record;
}

Image8 Engine::upscale(const Image8& image, const PostUpscale& how,
                       const EngineCallbacks& callbacks) {
    if (!how.on()) throw Error("upscale", "no upscaler model file given");
    check_upscaler(how.model, image.width, image.height, how.scale);
    cancel_ = false;
    auto tile_start = std::chrono::steady_clock::now();
    const TileDone on_tile = [&](int64_t done, int64_t total) {
        if (callbacks.on_step) {
            const auto now = std::chrono::steady_clock::now();
            StepEvent event;
            event.step = int(done - 1);
            event.total_steps = int(total);
            event.seconds = std::chrono::duration<double>(now - tile_start).count();
            tile_start = now;
            callbacks.on_step(event);
        }
        if (cancel_ || (callbacks.should_cancel && callbacks.should_cancel())) throw Cancelled();
    };
    return pipeline_->upscale(image, how, on_tile);
}

// Whether `record` describes pixels upscaled after they were made (scale is stated explicitly
// in every record an upscale writes; the model may be known by name and hash only).
static bool upscaled_already(const ImageRecord& record) {
    return record.request.upscale.on() || record.request.upscale.scale != 0 ||
           !record.upscaler.name.empty();
}

ImageRecord Engine::upscaled_record(const std::optional<ImageRecord>& source, int width, int height,
                                    const PostUpscale& how) const {
    ImageRecord record;
    if (source && !upscaled_already(*source)) {
        record = *source;
    } else {
        record.request.width = width;
        record.request.height = height;
    }
    record.request.upscale = {how.model, upscale_scale(how)};
    record.upscaler = {fs::path(how.model).stem().string(), short_file_hash(how.model)};
    record.version = program_version();
    return record;
}

std::pair<int, int> Engine::count_tokens(const std::string& prompt) const {
    return pipeline_->count_tokens(prompt);
}

}  // namespace lightning
