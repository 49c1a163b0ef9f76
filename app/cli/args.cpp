#include "app/cli/args.h"

#include "app/cli/commands.h"
#include "core/request/limits.h"
#include "core/request/model_layout.h"
#include "core/text/textual_inversion.h"
#include "core/util/devices.h"
#include "core/util/error.h"
#include "core/util/input_file.h"

#ifdef LIGHTNING_HAVE_OIIO
#include "core/image/image_file.h"
#endif

#include <charconv>
#include <filesystem>
#include <map>
#include <set>

namespace lightning::cli {
namespace {

namespace fs = std::filesystem;

const char* const kGenerateHelp = R"(Usage: lightning generate --model PATH --prompt TEXT [options]
       lightning generate --from IMAGE.png --model PATH --lightning DIR [options]

Text-to-image with SDXL-Lightning (or any SDXL UNet) using the Euler sampler on trailing
timesteps, as ByteDance's reference pipeline does.

Model:
  --model PATH          diffusers folder (model_index.json, unet/, vae/, text_encoder*/,
                        tokenizer*/, scheduler/) or a single-file .safetensors checkpoint
  --config DIR          diffusers folder with the configs and tokenizers; required with a
                        single-file --model
  --lightning DIR       folder with sdxl_lightning_{N}step_unet.safetensors files; the file for
                        --steps is used (1 step: sdxl_lightning_1step_unet_x0.safetensors); a
                        step count without its file is an error
  --unet FILE           UNet weights (diffusers names, .safetensors) instead of the model's own
                        UNet; not together with --lightning
  --lora FILE[:SCALE]   fuse a LoRA (kohya or diffusers/peft keys) at SCALE (default 1);
                        repeatable
  --prediction TYPE     epsilon | sample (default: sample for the 1-step x0 UNet, else the
                        scheduler config's type)
  --vae FILE_OR_DIR     VAE to use instead of the model's: diffusers VAE folder or single
                        .safetensors (diffusers or ldm names, e.g. sdxl-vae-fp16-fix's
                        sdxl.vae.safetensors); a VAE with force_upcast false decodes in fp16
  --vae-tiling M        auto | on | off: diffusers' tiled VAE decode (default auto: tiled
                        when an untiled decode would not fit the device's free memory)

Generation:
  --prompt TEXT         the prompt (required unless --from; may be empty)
  --negative TEXT       negative prompt (used with --guidance > 1; without it the
                        unconditional embedding is zeros, as SDXL does)
  --steps N             denoising steps (default 4)
  --guidance G          classifier-free guidance scale; active only when > 1 (default 0,
                        as Lightning is trained)
  --width W, --height H image size in pixels, multiples of 8 (default 1024 x 1024)
  --seed S              seed of the CPU noise generator (default, or -1 as in A1111: random,
                        printed and written into the PNG)
  --batch N             number of images; image i uses seed S + i (default 1)
  --clip-skip N         skip the last N CLIP layers (default 0)
  --prompt-syntax S     how prompt and negative are read: a1111 (default; (word:1.2),
                        [word], BREAK, 75-token chunks), compel (word++, (phrase)1.3,
                        .and(), 77-token chunks) or none (diffusers: literal text cut at 75
                        tokens, 77 with start and end; a warning says when it is cut)
  --embedding FILE[:TOKEN]
                        textual-inversion embedding (SDXL clip_l/clip_g .safetensors); TOKEN
                        defaults to the file stem; repeatable, loaded in order
  --from IMAGE.png      start from the parameters stored in a PNG (prompt, seed, size, steps,
                        guidance, ...); flags given as well override them. The model, Lightning
                        folder and LoRA files must still be given; their recorded hashes are
                        compared and a difference is reported

Runtime:
  --device D            cpu | cuda | cuda:N (default cpu)
  --dtype T             fp32 | fp16 | bf16 (default fp32 on cpu, fp16 on cuda; fp16 is not
                        available on cpu)
  --log-level L         trace | debug | info | warn | error | critical | off
                        (default: $LIGHTNING_LOG_LEVEL, else info)

Output (at least one):
  --out FILE.png        PNG with an A1111-style "parameters" text chunk, written as soon as the
                        image is done; with --batch N > 1 one file per image: FILE-0.png,
                        FILE-1.png, ...; "-" writes the PNG to standard output (batch 1)
  --overwrite           replace existing output files (otherwise an existing file is an error,
                        also one another process writes while this one runs; folders,
                        devices, FIFOs and symbolic links are never replaced)
  --dump FILE.safetensors
                        intermediate tensors under the golden fixture names: prompt_embeds,
                        add_text_embeds, noise, step{i}.latents, step{i}.pred_x0,
                        final_latents, image (1x3xHxW float in [0, 1]); with --batch N > 1, image i > 0 has the prefix "img{i}."
                        (img1.noise, img1.step0.latents, ...)

Limits, checked before anything loads: size 64..4096 in steps of 8, steps 1..150, batch
1..64, guidance 0..30, seed 0..2^53-1, LoRA scale -10..10.

Ctrl+C (or SIGTERM) stops before the next step; images already written are kept; exit 130.
Exit status: 0 on success, 1 on a runtime error, 2 on a bad argument, 130 when interrupted.
)";

const char* const kInfoHelp = R"(Usage: lightning info [--json] IMAGE.png [IMAGE.png ...]

Prints the generation parameters stored in PNG files (the A1111-style "parameters" text), as
written, or with --json as the fields this program reads from it.
)";

const char* const kVerifyHelp = R"(Usage: lightning verify [--fixtures DIR] [--device D] [--dtype T]

Runs every golden check (tokenizer/text encoders, UNet, VAE, scheduler, all pipeline cases of
golden/manifest.json) on the given device and prints a table. Exit status 0 iff all pass.

  --fixtures DIR        folder with golden/, tiny-sdxl/, tiny-lightning/
                        (default: $LIGHTNING_FIXTURES, else ../shared/fixtures)
  --device D            cpu | cuda | cuda:N (default cpu)
  --dtype T             fp32 | fp16 | bf16 (default fp32; fp16/bf16 report deviations against
                        looser tolerances)
  --log-level L         as for generate
)";

const char* const kBenchHelp = R"(Usage: lightning bench --model DIR [options]

Times the engine as SDXL-Lightning is used (guidance 0, batch 1): model load from safetensors,
prompt encoding, each UNet step, VAE decode, preview decode (reduced and full), end to end per
step count, peak GPU memory. Medians over --runs after warm-up; prints a table, writes JSON.
A full-size SDXL with random weights for it: bench/reference/make_random_sdxl.py.

  --model DIR           diffusers folder (required)
  --lightning DIR       use the SDXL-Lightning UNet files of DIR for each step count
  --device D            cpu | cuda | cuda:N (default: cuda when this build and machine have a
                        GPU, else cpu)
  --dtype T             fp32 | fp16 | bf16 (default fp16 on cuda, fp32 on cpu)
  --width W, --height H image size (default 1024 x 1024)
  --steps LIST          comma-separated step counts (default 1,2,4,8)
  --runs N              timed runs per measurement (default 10)
  --warmup N            untimed runs per step count first (default 2; 0 times the first run)
  --no-previews         skip the 4-step runs with previews at every step (slow on a CPU)
  --batch N             also time 4 steps with N images per request (time per image)
  --with LEVERS, --without LEVERS
                        turn CUDA speed levers on or off, comma-separated: unet-graphs,
                        text-graphs, vae-graphs, cudnn-benchmark (off by default), group-norm,
                        batch-images (docs/performance.md)
  --profile FILE        write a Chrome trace (CPU ops, CUDA kernels) of one 1-step image with a
                        reduced preview (CUDA builds of libtorch 2)
  --json FILE           write the report as JSON
  --log-level L         as for generate
)";

const char* const kMainHelp = R"(Usage: lightning <command> [options]

Commands:
  generate    text-to-image (see: lightning generate --help)
  batch       render a JSON Lines manifest: resumable, sharded for Slurm/Kubernetes,
              one engine per GPU (see: lightning batch --help)
  info        print the parameters stored in PNGs (see: lightning info --help)
  verify      run the golden checks (see: lightning verify --help)
  bench       time the engine (see: lightning bench --help)
  models      download, list or verify models in the Hugging Face cache
              (see: lightning models --help)
  help [CMD]  this text, or a command's

  --version   print the version and exit
)";

// --name VALUE or --name=VALUE; returns the flag and the value.
class ArgReader {
public:
    explicit ArgReader(const std::vector<std::string>& args) : args_(args) {}
    bool done() const { return index_ >= args_.size(); }

    // Next flag; value filled in when the flag takes one.
    std::string next_flag(const std::set<std::string>& valued, const std::set<std::string>& bare,
                          std::string* value) {
        std::string arg = args_[index_++];
        if (arg.rfind("--", 0) != 0)
            throw UsageError("unexpected argument '" + arg + "' (options start with --)");
        std::optional<std::string> inline_value;
        if (const auto eq = arg.find('='); eq != std::string::npos) {
            inline_value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        if (bare.count(arg)) {
            if (inline_value) throw UsageError(arg + " takes no value");
            return arg;
        }
        if (!valued.count(arg)) throw UsageError("unknown option '" + arg + "'");
        if (inline_value) {
            *value = *inline_value;
        } else {
            if (done()) throw UsageError(arg + " needs a value");
            *value = args_[index_++];
        }
        return arg;
    }

private:
    const std::vector<std::string>& args_;
    size_t index_ = 0;
};

template <typename T>
T parse_number(const std::string& flag, const std::string& text) {
    T value{};
    const auto* begin = text.data();
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end || text.empty())
        throw UsageError(flag + ": '" + text + "' is not a valid number");
    return value;
}

int parse_int(const std::string& flag, const std::string& text, int min, int max) {
    const auto value = parse_number<long long>(flag, text);
    if (value < min || value > max)
        throw UsageError(flag + ": " + text + " is out of range " + std::to_string(min) + ".." +
                         std::to_string(max));
    return static_cast<int>(value);
}

float parse_float(const std::string& flag, const std::string& text) {
    // from_chars for floating point is in libstdc++ 11+; strtof keeps older toolchains working.
    char* end = nullptr;
    const float value = std::strtof(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value))
        throw UsageError(flag + ": '" + text + "' is not a valid number");
    return value;
}

std::string parse_device(const std::string& flag, const std::string& text) {
    if (text == "cpu" || text == "cuda") return text;
    if (text.rfind("cuda:", 0) == 0) {
        parse_int(flag, text.substr(5), 0, 1023);
        return text;
    }
    throw UsageError(flag + ": '" + text + "' is not a device (cpu, cuda or cuda:N)");
}

void check_log_level(const std::string& flag, const std::string& text) {
    static const std::set<std::string> levels = {"trace", "debug",    "info", "warn",
                                                 "error", "critical", "off"};
    if (!levels.count(text))
        throw UsageError(flag + ": '" + text +
                         "' is not a log level (trace, debug, info, warn, error, critical, off)");
}

void require_file(const std::string& flag, const std::string& path) {
    try {
        require_regular_file(path, flag);
    } catch (const Error& e) {
        throw UsageError(e.what());
    }
}

void require_dir(const std::string& flag, const std::string& path) {
    if (!fs::is_directory(path)) throw UsageError(flag + ": no such folder '" + path + "'");
}

void require_writable_parent(const std::string& flag, const std::string& path) {
    const auto parent = fs::path(path).parent_path();
    if (!parent.empty() && !fs::is_directory(parent))
        throw UsageError(flag + ": folder '" + parent.string() + "' does not exist");
}

LoraSpec parse_lora(const std::string& flag, const std::string& text) {
    try {
        LoraSpec spec = parse_lora_argument(text);
        require_file(flag, spec.path);
        return spec;
    } catch (const Error& e) {
        throw UsageError(flag + ": " + e.message());
    }
}

// The parameters of an earlier image, for --from.
ImageRecord read_from_png(const std::string& path) {
    require_file("--from", path);
#ifndef LIGHTNING_HAVE_OIIO
    throw UsageError("--from: this build has no PNG support (built without OpenImageIO)");
#else
    ImageFileRecord found;
    try {
        found = read_image_record(path);
    } catch (const Error& e) {
        throw UsageError("--from: " + std::string(e.what()));
    }
    if (!found.parameters)
        throw UsageError("--from: " + path + " has no \"parameters\" text chunk");
    if (!found.record)
        throw UsageError("--from: the parameters text of " + path +
                         " has no settings line (Steps: ..., Seed: ...)");
    return *found.record;
#endif
}

// A setting of --from's PNG that names a request field but whose value could not be read:
// without its flag the image would not be the same, so it is an error, not a silent default.
void check_unreadable_from_settings(const GenerateArgs& g, const std::set<std::string>& seen) {
    static const std::map<std::string, std::string> kFlagOf = {{"Seed", "--seed"},
                                                               {"Steps", "--steps"},
                                                               {"CFG scale", "--guidance"},
                                                               {"Size", "--width and --height"},
                                                               {"Clip skip", "--clip-skip"},
                                                               {"Prompt syntax", "--prompt-syntax"},
                                                               {"VAE tiling", "--vae-tiling"},
                                                               {"Prediction", "--prediction"},
                                                               {"Schedule type", ""}};
    for (const auto& key : unreadable_settings(*g.from_record)) {
        const auto flag = kFlagOf.find(key);
        const std::string name = flag == kFlagOf.end() ? "" : flag->second;
        if (name.empty() || seen.count(name.substr(0, name.find(' ')))) continue;
        throw UsageError("--from: the " + key + " of " + g.from + " cannot be read; give " + name);
    }
}

// The flags of a generate-like command in order, each once (--lora and --embedding repeat);
// `seen` gets the names given.
std::vector<std::pair<std::string, std::string>> read_flags(const std::vector<std::string>& args,
                                                            const std::set<std::string>& valued,
                                                            const std::set<std::string>& bare,
                                                            std::set<std::string>& seen) {
    std::vector<std::pair<std::string, std::string>> flags;
    ArgReader reader(args);
    while (!reader.done()) {
        std::string value;
        const std::string flag = reader.next_flag(valued, bare, &value);
        if (flag != "--lora" && flag != "--embedding" && !seen.insert(flag).second)
            throw UsageError(flag + " given more than once");
        flags.emplace_back(flag, value);
    }
    return flags;
}

// Which repeatable flags were given (they replace, not extend, what --from read).
struct Repeated {
    bool loras = false;
    bool embeddings = false;
};

void apply_generate_flag(GenerateArgs& g, const std::string& flag, const std::string& value,
                         bool& prompt_given, std::optional<std::string>& dtype, Repeated& given) {
    bool& loras_given = given.loras;
    bool& embeddings_given = given.embeddings;
    auto& r = g.request;
    if (flag == "--model") {
        if (!fs::exists(value)) throw UsageError("--model: no such file or folder '" + value + "'");
        g.engine.models.base = value;
    } else if (flag == "--config") {
        require_dir(flag, value);
        g.engine.models.config_dir = value;
    } else if (flag == "--unet") {
        require_file(flag, value);
        r.unet_file = value;
    } else if (flag == "--lightning") {
        require_dir(flag, value);
        g.engine.models.lightning_dir = value;
    } else if (flag == "--lora") {
        if (!loras_given) r.loras.clear();  // flags replace the LoRAs of --from
        loras_given = true;
        r.loras.push_back(parse_lora(flag, value));
    } else if (flag == "--prediction") {
        if (value != "epsilon" && value != "sample")
            throw UsageError("--prediction: '" + value + "' is not epsilon or sample");
        r.prediction = parse_prediction_type(value);
    } else if (flag == "--prompt-syntax") {
        try {
            r.prompt_syntax = parse_prompt_syntax(value);
        } catch (const Error&) {
            throw UsageError("--prompt-syntax: '" + value + "' is not a1111, compel or none");
        }
    } else if (flag == "--embedding") {
        if (!embeddings_given) r.embeddings.clear();  // flags replace the embeddings of --from
        embeddings_given = true;
        auto spec = parse_embedding_spec(value);
        require_file(flag, spec.path);
        r.embeddings.push_back(spec);
    } else if (flag == "--vae") {
        if (!fs::exists(value)) throw UsageError("--vae: no such file or folder '" + value + "'");
        g.engine.vae = value;
    } else if (flag == "--vae-tiling") {
        try {
            r.vae_tiling = parse_vae_tiling(value);
        } catch (const Error&) {
            throw UsageError("--vae-tiling: '" + value + "' is not auto, on or off");
        }
    } else if (flag == "--prompt") {
        r.prompt = value;
        prompt_given = true;
    } else if (flag == "--negative") {
        r.negative_prompt = value;
    } else if (flag == "--steps") {
        r.steps = parse_int(flag, value, INT32_MIN, INT32_MAX);
    } else if (flag == "--guidance") {
        r.guidance = parse_float(flag, value);
    } else if (flag == "--width" || flag == "--height") {
        (flag == "--width" ? r.width : r.height) = parse_int(flag, value, INT32_MIN, INT32_MAX);
    } else if (flag == "--seed") {
        // -1 is "random" as in A1111 (the seed drawn is printed and written into the PNG).
        g.seed_given = value != "-1";
        if (g.seed_given) r.seed = parse_number<uint64_t>(flag, value);
    } else if (flag == "--batch") {
        r.batch = parse_int(flag, value, INT32_MIN, INT32_MAX);
    } else if (flag == "--clip-skip") {
        r.clip_skip = parse_int(flag, value, INT32_MIN, INT32_MAX);
    } else if (flag == "--device") {
        g.engine.device = parse_device(flag, value);
    } else if (flag == "--dtype") {
        try {
            g.engine.precision = parse_precision(value);
        } catch (const Error&) {
            throw UsageError("--dtype: '" + value + "' is not fp32, fp16 or bf16");
        }
        dtype = value;
    } else if (flag == "--out") {
        g.out = value;
    } else if (flag == "--overwrite") {
        g.overwrite = true;
    } else if (flag == "--dump") {
        require_writable_parent(flag, value);
        g.dump = value;
    } else if (flag == "--log-level") {
        check_log_level(flag, value);
        g.log_level = value;
    }
}

GenerateArgs parse_generate(const std::vector<std::string>& args) {
    static const std::set<std::string> valued = {
        "--model",         "--config",    "--unet",     "--lightning",  "--lora",
        "--prediction",    "--prompt",    "--negative", "--steps",      "--guidance",
        "--width",         "--height",    "--seed",     "--batch",      "--clip-skip",
        "--device",        "--dtype",     "--out",      "--dump",       "--log-level",
        "--prompt-syntax", "--embedding", "--vae",      "--vae-tiling", "--from"};
    static const std::set<std::string> bare = {"--overwrite"};
    std::set<std::string> seen;
    const auto flags = read_flags(args, valued, bare, seen);
    GenerateArgs g;
    bool prompt_given = false;
    Repeated given;
    std::optional<std::string> dtype;
    for (const auto& [flag, value] : flags)
        if (flag == "--from") {
            g.from = value;
            g.from_record = read_from_png(value);
            g.request = g.from_record->request;
            g.seed_given = prompt_given = true;
        }
    for (const auto& [flag, value] : flags)
        apply_generate_flag(g, flag, value, prompt_given, dtype, given);

    if (g.engine.models.base.empty()) throw UsageError("--model is required");
    if (!prompt_given) throw UsageError("--prompt is required");
    if (is_single_file(g.engine.models.base) && g.engine.models.config_dir.empty())
        throw UsageError(
            "--config DIR is required with a single-file --model (configs and "
            "tokenizers come from a diffusers folder)");
    if (g.out.empty() && g.dump.empty())
        throw UsageError("nothing to write: give --out FILE.png and/or --dump FILE.safetensors");
    if (g.out == "-" && g.request.batch > 1)
        throw UsageError("--out -: standard output takes one image; use a file name with --batch");
    if (g.from_record) check_unreadable_from_settings(g, seen);
    if (g.from_record && !given.embeddings)
        for (const auto& embedding : g.from_record->request.embeddings)
            throw UsageError("--from: " + g.from + " was made with the embedding '" +
                             embedding.token +
                             "'; pass it with --embedding FILE:" + embedding.token);
    if (g.from_record && !given.loras)
        for (const auto& lora : g.from_record->request.loras)
            throw UsageError("--from: " + g.from + " was made with the LoRA '" + lora.path +
                             "' at " + format_number(lora.scale) +
                             "; pass it with --lora FILE:" + format_number(lora.scale));
    if (!dtype) g.engine.precision = g.engine.device == "cpu" ? Precision::FP32 : Precision::FP16;
    g.engine.preview = PreviewMode::Off;
    return g;
}

// "a,b,,c" -> {"a", "b", "", "c"}: empty items are kept for the caller to reject.
std::vector<std::string> comma_items(const std::string& text) {
    std::vector<std::string> items;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t comma = std::min(text.find(',', start), text.size());
        items.push_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    return items;
}

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
    return out;
}

std::vector<std::string> parse_device_list(const std::string& flag, const std::string& text) {
    if (text == "all") return {"all"};
    std::vector<std::string> devices;
    for (const auto& item : comma_items(text)) {
        if (item.empty())
            throw UsageError(flag + ": '" + text + "' is not a comma-separated device list");
        devices.push_back(parse_device(flag, item));
    }
    return devices;
}

// The flags only `batch` has; false for the rest (generate's, applied to the defaults).
bool apply_batch_flag(BatchArgs& b, const std::string& flag, const std::string& value) {
    if (flag == "--out") {
        b.out_dir = value;
    } else if (flag == "--device") {
        b.devices = {parse_device(flag, value)};
    } else if (flag == "--devices") {
        b.devices = parse_device_list(flag, value);
    } else if (flag == "--shard") {
        try {
            b.shard = batch::parse_shard(value);
        } catch (const Error& e) {
            throw UsageError(e.what());
        }
    } else if (flag == "--shards") {
        b.shards = parse_int(flag, value, 1, 1000000);
    } else if (flag == "--json") {
        require_writable_parent(flag, value);
        b.json = value;
    } else if (flag == "--strict") {
        b.strict = true;
    } else if (flag == "--strict-paths") {
        b.strict_paths = true;
    } else if (flag == "--discard-images") {
        b.discard_images = true;
    } else {
        return false;
    }
    return true;
}

void check_batch_args(const BatchArgs& b, const std::set<std::string>& seen) {
    if (b.defaults.engine.models.base.empty()) throw UsageError("--model is required");
    if (b.out_dir.empty()) throw UsageError("--out DIR is required (the folder for images)");
    if (fs::exists(b.out_dir) && !fs::is_directory(b.out_dir))
        throw UsageError("--out: '" + b.out_dir + "' exists and is not a folder");
    if (seen.count("--device") && seen.count("--devices"))
        throw UsageError("--device and --devices both given; give one");
    if (b.shard && b.shards)
        throw UsageError("--shard I/N and --shards N both given; --shards is for schedulers");
    if (is_single_file(b.defaults.engine.models.base) &&
        b.defaults.engine.models.config_dir.empty())
        throw UsageError("--config DIR is required with a single-file --model");
#ifndef LIGHTNING_HAVE_OIIO
    if (!b.discard_images)
        throw UsageError(
            "--out: this build has no PNG support (built without OpenImageIO); "
            "--discard-images times the batch without writing images");
#endif
}

BatchArgs parse_batch(const std::vector<std::string>& args) {
    static const std::set<std::string> valued = {
        "--model",      "--config",    "--unet",      "--lightning",     "--lora",
        "--prediction", "--prompt",    "--negative",  "--steps",         "--guidance",
        "--width",      "--height",    "--seed",      "--batch",         "--clip-skip",
        "--dtype",      "--log-level", "--embedding", "--prompt-syntax", "--vae",
        "--vae-tiling", "--out",       "--device",    "--devices",       "--shard",
        "--shards",     "--json"};
    static const std::set<std::string> bare = {"--strict", "--strict-paths", "--discard-images"};
    if (args.empty() || args[0].rfind("--", 0) == 0)
        throw UsageError(
            "batch: the manifest comes first: lightning batch MANIFEST.jsonl --out DIR");
    BatchArgs b;
    b.manifest = args[0];
    require_file("manifest", b.manifest);
    std::set<std::string> seen;
    const auto flags =
        read_flags(std::vector<std::string>(args.begin() + 1, args.end()), valued, bare, seen);
    Repeated given;
    std::optional<std::string> dtype;
    for (const auto& [flag, value] : flags)
        if (!apply_batch_flag(b, flag, value))
            apply_generate_flag(b.defaults, flag, value, b.prompt_given, dtype, given);
    check_batch_args(b, seen);
    if (b.devices.empty()) b.devices = {"cpu"};
    b.dtype_given = dtype.has_value();
    b.defaults.engine.preview = PreviewMode::Off;
    return b;
}

InfoArgs parse_info(const std::vector<std::string>& args) {
    InfoArgs info;
    for (const auto& arg : args) {
        if (arg == "--json")
            info.json = true;
        else if (arg.rfind("--", 0) == 0)
            throw UsageError("unknown option '" + arg + "'");
        else
            info.files.push_back(arg);
    }
    if (info.files.empty()) throw UsageError("info: give one or more PNG files");
    return info;
}

VerifyArgs parse_verify(const std::vector<std::string>& args) {
    static const std::set<std::string> valued = {"--fixtures", "--device", "--dtype",
                                                 "--log-level"};
    VerifyArgs v;
    if (const char* env = std::getenv("LIGHTNING_FIXTURES"); env && *env) v.fixtures_dir = env;
    if (v.fixtures_dir.empty()) v.fixtures_dir = "../shared/fixtures";
    ArgReader reader(args);
    while (!reader.done()) {
        std::string value;
        const std::string flag = reader.next_flag(valued, {}, &value);
        if (flag == "--fixtures") {
            v.fixtures_dir = value;
        } else if (flag == "--device") {
            v.device = parse_device(flag, value);
        } else if (flag == "--dtype") {
            try {
                parse_precision(value);
            } catch (const Error&) {
                throw UsageError("--dtype: '" + value + "' is not fp32, fp16 or bf16");
            }
            v.dtype = value;
        } else if (flag == "--log-level") {
            check_log_level(flag, value);
            v.log_level = value;
        }
    }
    require_dir("--fixtures", v.fixtures_dir + "/golden");
    return v;
}

std::vector<int> parse_step_list(const std::string& flag, const std::string& value) {
    std::vector<int> steps;
    for (const auto& item : comma_items(value)) {
        try {
            size_t used = 0;
            const int n = std::stoi(item, &used);
            if (used != item.size() || n < 1 || n > 1000) throw std::invalid_argument(item);
            steps.push_back(n);
        } catch (const std::exception&) {
            throw UsageError(flag + ": '" + value +
                             "' is not a comma-separated list of step counts");
        }
    }
    return steps;
}

int parse_positive(const std::string& flag, const std::string& value, int max) {
    try {
        size_t used = 0;
        const int n = std::stoi(value, &used);
        if (used == value.size() && n >= 1 && n <= max) return n;
    } catch (const std::exception&) {
    }
    throw UsageError(flag + ": '" + value + "' is not a whole number from 1 to " +
                     std::to_string(max));
}

// The first GPU when this build and machine have one, else the CPU.
std::string default_device() {
    for (const auto& device : list_devices())
        if (device.id.rfind("cuda", 0) == 0) return "cuda";
    return "cpu";
}

BenchArgs parse_bench(const std::vector<std::string>& args) {
    static const std::set<std::string> valued = {
        "--model",     "--lightning", "--device", "--dtype",   "--width",
        "--height",    "--steps",     "--runs",   "--warmup",  "--json",
        "--log-level", "--batch",     "--with",   "--without", "--profile"};
    BenchArgs b;
    bool device_given = false, dtype_given = false;
    ArgReader reader(args);
    while (!reader.done()) {
        std::string value;
        const std::string flag = reader.next_flag(valued, {"--no-previews"}, &value);
        if (flag == "--model") {
            b.model = value;
        } else if (flag == "--lightning") {
            b.lightning_dir = value;
        } else if (flag == "--device") {
            b.device = parse_device(flag, value);
            device_given = true;
        } else if (flag == "--dtype") {
            dtype_given = true;
            try {
                b.precision = parse_precision(value);
            } catch (const Error&) {
                throw UsageError("--dtype: '" + value + "' is not fp32, fp16 or bf16");
            }
        } else if (flag == "--width" || flag == "--height") {
            const int size = parse_positive(flag, value, 8192);
            if (size % 8) throw UsageError(flag + ": " + value + " is not a multiple of 8");
            (flag == "--width" ? b.width : b.height) = size;
        } else if (flag == "--steps") {
            b.steps = parse_step_list(flag, value);
        } else if (flag == "--runs") {
            b.runs = parse_positive(flag, value, 100000);
        } else if (flag == "--warmup") {
            b.warmup = value == "0" ? 0 : parse_positive(flag, value, 1000);
        } else if (flag == "--no-previews") {
            b.previews = false;
        } else if (flag == "--batch") {
            b.batch = parse_positive(flag, value, limits::kMaxBatch);
        } else if (flag == "--with" || flag == "--without") {
            for (const auto& lever : comma_items(value))
                if (!set_speedup(b.speedups, lever, flag == "--with"))
                    throw UsageError(flag + ": '" + lever + "' is not one of " +
                                     joined(cuda_speedup_names(), ", "));
        } else if (flag == "--profile") {
            b.profile = value;
        } else if (flag == "--json") {
            b.json = value;
        } else if (flag == "--log-level") {
            check_log_level(flag, value);
            b.log_level = value;
        }
    }
    if (b.model.empty()) throw UsageError("--model DIR is required");
    require_dir("--model", b.model);
    if (!device_given) b.device = default_device();
    if (!dtype_given) b.precision = b.device == "cpu" ? Precision::FP32 : Precision::FP16;
    if (b.device == "cpu" && b.precision == Precision::FP16)
        throw UsageError("--dtype fp16 is not supported on cpu (use fp32 or bf16)");
    return b;
}

bool wants_help(const std::vector<std::string>& args) {
    for (const auto& a : args)
        if (a == "--help" || a == "-h") return true;
    return false;
}

}  // namespace

std::string usage(const std::string& topic) {
    if (topic == "generate") return kGenerateHelp;
    if (topic == "batch") return batch_usage();
    if (topic == "verify") return kVerifyHelp;
    if (topic == "bench") return kBenchHelp;
    if (topic == "info") return kInfoHelp;
    if (topic == "models") return models_usage();
    return kMainHelp;
}

Command parse_command_line(const std::vector<std::string>& args) {
    Command command;
    if (args.empty()) throw UsageError("no command given (try: lightning --help)");
    const std::string& name = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    static const std::set<std::string> commands = {"generate", "batch", "verify",
                                                   "bench",    "info",  "models"};
    if (name == "--version" || name == "version") {
        command.kind = Command::Kind::Version;
        return command;
    }
    if (name == "--help" || name == "-h" || name == "help") {
        command.help_topic = rest.empty() ? "" : rest[0];
        if (!command.help_topic.empty() && !commands.count(command.help_topic))
            throw UsageError("no help for unknown command '" + command.help_topic + "'");
        return command;
    }
    if (!commands.count(name))
        throw UsageError("unknown command '" + name +
                         "' (commands: generate, batch, info, models, verify, bench, help)");
    if (wants_help(rest)) {
        command.help_topic = name;
        return command;
    }
    if (name == "models") {
        command.kind = Command::Kind::Models;
        command.models = rest;
    } else if (name == "generate") {
        command.kind = Command::Kind::Generate;
        command.generate = parse_generate(rest);
    } else if (name == "batch") {
        command.kind = Command::Kind::Batch;
        command.batch = parse_batch(rest);
    } else if (name == "info") {
        command.kind = Command::Kind::Info;
        command.info = parse_info(rest);
    } else if (name == "verify") {
        command.kind = Command::Kind::Verify;
        command.verify = parse_verify(rest);
    } else {
        command.kind = Command::Kind::Bench;
        command.bench = parse_bench(rest);
    }
    return command;
}

}  // namespace lightning::cli
