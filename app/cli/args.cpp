#include "app/cli/args.h"

#include "app/cli/commands.h"
#include "app/cli/flag_table.h"
#include "core/lora/lora_files.h"
#include "core/request/limits.h"
#include "core/request/model_layout.h"
#include "core/request/wildcards.h"
#include "core/text/textual_inversion.h"
#include "core/util/api_access.h"
#include "core/util/devices.h"
#include "core/util/error.h"
#include "core/util/input_file.h"

#ifdef LIGHTNING_HAVE_OIIO
#include "core/image/image_file.h"
#endif
#ifdef LIGHTNING_HAVE_IMAGE_READER
#include "core/image/image_pixels.h"
#endif

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <set>

namespace lightning::cli {
namespace {

namespace fs = std::filesystem;

// The help texts around the flag tables below (each table writes its own rows).
const char* const kGenerateIntro = R"(Usage: lightning generate --model PATH --prompt TEXT [options]
       lightning generate --from IMAGE.png --model PATH --lightning DIR [options]

Text-to-image with SDXL-Lightning (or any SDXL UNet) using the Euler sampler on trailing
timesteps, as ByteDance's reference pipeline does.

)";

const char* const kGenerateOutro = R"(
Limits, checked before anything loads: size 64..4096 in steps of 8, steps 1..150, batch
1..64, guidance 0..30, seed 0..2^53-1, LoRA scale -10..10.

Ctrl+C (or SIGTERM) stops before the next step; images already written are kept; exit 130.
Exit status: 0 on success, 1 on a runtime error, 2 on a bad argument, 130 when interrupted.
)";

const char* const kBatchIntro =
    R"(Usage: lightning batch MANIFEST.jsonl --out DIR --model PATH [options]

Renders every line of MANIFEST (JSON Lines: one request per line) into DIR: one PNG per image
with its "parameters" text, named from the line number and seed (line000042-seed7.png), and
results.jsonl with a line per image written (line, file, seed, seconds, time, device, meta).
A re-run skips images that already exist complete, so an interrupted or pre-empted batch
resumes where it stopped. The app opens DIR as a gallery (File > Open folder as gallery).

A manifest line:
  {"prompt": "a lighthouse at dusk", "seed": 7, "steps": 4, "size": "1024x768",
   "guidance": 0, "negative_prompt": "fog", "clip_skip": 0, "prompt_syntax": "a1111",
   "loras": [{"path": "style.safetensors", "scale": 0.8}], "embeddings": ["emb.safetensors:tok"],
   "batch": 4, "meta": {"id": "anything; copied to results.jsonl"}}
Keys: prompt, negative_prompt (or negative), steps, guidance, width and height (or size),
seed (a number or a decimal string), batch, clip_skip, unet_file (or unet), prediction,
timestep_spacing, loras, prompt_syntax, embeddings, vae_tiling, meta. What a line leaves out
comes from the flags below; a line without "seed" uses --seed, else its line number times 64
(the largest batch), so no two lines share a seed.
Relative file paths in a line are relative to the manifest's folder; a line may name files
anywhere (as the command line can) unless --strict-paths is given. Blank lines are skipped.

Each line of this shard is checked before the first image (the limits, the UNet for its step
count, that its files exist and are what they are used as); a bad line is reported with its
line number and skipped, and the exit status is 1 once the rest is done.

)";

const char* const kBatchOutro = R"(
Exit status: 0 when every line of the shard is done, 1 when some lines were bad or failed
(the others are done), 2 on a bad argument (or a bad line with --strict), 130 when
interrupted (Ctrl+C or SIGTERM: images in progress are dropped, finished ones are kept).
)";

const char* const kInfoHelp = R"(Usage: lightning info [--json] IMAGE.png [IMAGE.png ...]

Prints the generation parameters stored in PNG files (the A1111-style "parameters" text), as
written, or with --json as the fields this program reads from it.
)";

const char* const kVerifyIntro =
    R"(Usage: lightning verify [--fixtures DIR] [--refine DIR] [--upscale DIR] [--only LIST]
                        [--device D] [--dtype T]

Runs every golden check (tokenizer/text encoders, UNet, VAE, scheduler, all pipeline cases of
golden/manifest.json, the prompt cases of golden-prompts/, with --refine the refine cases, with
--upscale the ESRGAN upscaler cases) on the given device and prints a table. Exit status 0 iff
all pass.

)";

const char* const kBenchIntro = R"(Usage: lightning bench --model DIR [options]
       lightning bench --upscaler FILE [--width W --height H --tile N ...]

Times the engine as SDXL-Lightning is used (guidance 0, batch 1): model load from safetensors,
prompt encoding, each UNet step, VAE decode, preview decode (reduced and full), end to end per
step count, peak GPU memory. Medians over --runs after warm-up; prints a table, writes JSON.
A full-size SDXL with random weights for it: bench/reference/make_random_sdxl.py.
With --upscaler: the ESRGAN-family model upscaling a random W x H image (float pixels in host
memory to the unclamped output in host memory, as bench/reference/esrgan_bench.py times
spandrel), load time and peak GPU memory.

)";

const char* const kUpscaleIntro =
    R"(Usage: lightning upscale IN --model FILE --out OUT.png [options]

Upscales IN (PNG, JPEG, ... as for --init-image) with an ESRGAN-family model file: RRDBNet
(RealESRGAN_x4plus, RealESRGAN_x2plus, 4x-UltraSharp, the original ESRGAN and BSRGAN files)
as .safetensors or as a torch.save .pth (tensors only: a .pth that refers to any other Python
object is refused, never run). The output PNG records the upscale in its "postprocessing" text.
Ctrl+C (or SIGTERM) stops between tiles; nothing is written; exit 130.

)";

const char* const kServeIntro =
    R"(Usage: lightning serve --model PATH [--lightning DIR] [options]

An HTTP API on one engine per device, the model loaded once: A1111's /sdapi/v1/txt2img,
img2img, progress, interrupt, sd-models and options; OpenAI's /v1/images/generations; native
jobs (POST /v1/jobs, GET|DELETE /v1/jobs/ID, step previews as Server-Sent Events at
/v1/jobs/ID/events); GET /health. Images come back as base64 PNGs with their parameters.
Requests name no server files (UNet, LoRA, embedding and upscaler paths are refused).
SIGTERM or Ctrl+C: no new requests; waiting and running jobs are cancelled (each client gets
its answer: A1111 the images finished so far, OpenAI and jobs "cancelled"); then exit 0.

)";

const char* const kServeOutro = R"(
Bound to 127.0.0.1 unless --listen says otherwise; any other address needs --api-key or
--api-key-file (clients send "Authorization: Bearer KEY", or KEY as the Basic password). For
TLS, put a reverse proxy in front (README, "Server").
)";

const char* const kMainHelp = R"(Usage: lightning <command> [options]

Commands:
  generate    text-to-image (see: lightning generate --help)
  batch       render a JSON Lines manifest: resumable, sharded for Slurm/Kubernetes,
              one engine per GPU (see: lightning batch --help)
  info        print the parameters stored in PNGs (see: lightning info --help)
  upscale     upscale an image with an ESRGAN-family model (see: lightning upscale --help)
  serve       an HTTP API (A1111, OpenAI, jobs) on the loaded model (see: lightning serve --help)
  verify      run the golden checks (see: lightning verify --help)
  bench       time the engine (see: lightning bench --help)
  models      download, list or verify models in the Hugging Face cache
              (see: lightning models --help)
  help [CMD]  this text, or a command's

  --version   print the version and exit
)";

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

// Full double precision: int(steps x strength) must see the value diffusers' float sees (10 x
// 0.7 is 7.000000000000001 in doubles, 6.99999988 with 0.7 read as a float).
double parse_double(const std::string& flag, const std::string& text) {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
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

// The generation settings of an earlier image, for --from: its A1111 `parameters` text, else
// another tool's entries (ComfyUI, InvokeAI, Fooocus: core/request/foreign_metadata.h), whose
// summary ("Read from ComfyUI (prompt): Prompt, Seed, ...") goes to `summary`.
ImageRecord read_from_png(const std::string& path, std::string& summary) {
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
    if (!found.foreign_problem.empty()) throw UsageError("--from: " + found.foreign_problem);
    if (!found.record && found.parameters)
        throw UsageError("--from: the parameters text of " + path +
                         " has no settings line (Steps: ..., Seed: ...)");
    if (!found.record)
        throw UsageError("--from: " + path +
                         " holds no generation settings (no A1111 \"parameters\" text, no "
                         "ComfyUI, InvokeAI or Fooocus entry)");
    summary = found.foreign_summary;
    return *found.record;
#endif
}

// A setting of --from's PNG that names a request field but whose value could not be read:
// without its flag the image would not be the same, so it is an error, not a silent default.
void check_unreadable_from_settings(const GenerateArgs& g, const std::set<std::string>& seen) {
    static const std::map<std::string, std::string> kFlagOf = {
        {"Seed", "--seed"},
        {"Steps", "--steps"},
        {"CFG scale", "--guidance"},
        {"Size", "--width and --height"},
        {"Clip skip", "--clip-skip"},
        {"Prompt syntax", "--prompt-syntax"},
        {"VAE tiling", "--vae-tiling"},
        {"Prediction", "--prediction"},
        {"Hires upscale", "--hires-scale"},
        {"Hires steps", "--hires-steps"},
        {"Hires upscaler", "--hires-upscaler"},
        {"Postprocess upscale by", "--upscale-by"},
        {"Variation seed", "--variation-seed"},
        {"Variation seed strength", "--variation-strength"},
        {"Seed resize from", "--seed-resize-from"},
        {"Schedule type", ""}};
    for (const auto& key : unreadable_settings(*g.from_record)) {
        const auto flag = kFlagOf.find(key);
        const std::string name = flag == kFlagOf.end() ? "" : flag->second;
        if (name.empty() || seen.count(name.substr(0, name.find(' ')))) continue;
        throw UsageError("--from: the " + key + " of " + g.from + " cannot be read; give " + name);
    }
}

// `parse` of `value`, its lightning::Error worded as `flag: 'value' is not <choices>`.
template <typename Parse>
auto parse_choice(const std::string& flag, const std::string& value, const char* choices,
                  Parse parse) {
    try {
        return parse(value);
    } catch (const Error&) {
        throw UsageError(flag + ": '" + value + "' is not " + choices);
    }
}

Precision parse_dtype(const std::string& flag, const std::string& value) {
    return parse_choice(flag, value, "fp32, fp16 or bf16", parse_precision);
}

// A name of HiresUpscaler's, or an upscaler model file (HiresUpscaler::Model).
void set_hires_upscaler(HiresFix& hires, const std::string& flag, const std::string& value) {
    const auto named = enum_from_name<HiresUpscaler>(value);
    if (named && *named != HiresUpscaler::Model) {
        hires.upscaler = *named;
        hires.upscaler_model.clear();
        return;
    }
    if (!std::filesystem::is_regular_file(value))
        throw UsageError(flag + ": '" + value +
                         "' is not latent, latent-nearest, lanczos or an upscaler model file");
    hires.upscaler = HiresUpscaler::Model;
    hires.upscaler_model = value;
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

// "LEFT,TOP,RIGHT,BOTTOM" in pixels.
Margins parse_margins(const std::string& flag, const std::string& text) {
    const auto items = comma_items(text);
    if (items.size() != 4)
        throw UsageError(flag + ": '" + text + "' is not LEFT,TOP,RIGHT,BOTTOM (four numbers)");
    std::vector<int> sides;
    for (const auto& item : items) sides.push_back(parse_int(flag, item, 0, limits::kMaxSide));
    return {sides[0], sides[1], sides[2], sides[3]};
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

// What generate's flags fill in, and what was given: flags replace (not extend) the LoRAs and
// embeddings --from read, and the default dtype depends on the device.
struct GenerateParse {
    GenerateArgs args;
    bool prompt_given = false;
    bool loras_given = false;
    bool embeddings_given = false;
    bool dtype_given = false;
};

using GenerateFlag = Flag<GenerateParse>;

const std::vector<GenerateFlag> kModelFlags = {
    {{{"--model", "PATH"}},
     "diffusers folder (model_index.json, unet/, vae/, text_encoder*/,\n"
     "tokenizer*/, scheduler/) or a single-file .safetensors checkpoint",
     [](auto& p, auto&, auto& v) {
         if (!fs::exists(v)) throw UsageError("--model: no such file or folder '" + v + "'");
         p.args.engine.models.base = v;
     }},
    {{{"--config", "DIR"}},
     "diffusers folder with the configs and tokenizers; required with a\n"
     "single-file --model",
     [](auto& p, auto& flag, auto& v) {
         require_dir(flag, v);
         p.args.engine.models.config_dir = v;
     }},
    {{{"--lightning", "DIR"}},
     "folder with sdxl_lightning_{N}step_unet.safetensors files; the file for\n"
     "--steps is used (1 step: sdxl_lightning_1step_unet_x0.safetensors); a\n"
     "step count without its file is an error",
     [](auto& p, auto& flag, auto& v) {
         require_dir(flag, v);
         p.args.engine.models.lightning_dir = v;
     }},
    {{{"--unet", "FILE"}},
     "UNet weights (diffusers names, .safetensors) instead of the model's own\n"
     "UNet; not together with --lightning",
     [](auto& p, auto& flag, auto& v) {
         require_file(flag, v);
         p.args.request.unet_file = v;
     }},
    {{{"--lora", "FILE[:SCALE]"}},
     "fuse a LoRA (kohya or diffusers/peft keys) at SCALE (default 1);\n"
     "repeatable",
     [](auto& p, auto& flag, auto& v) {
         if (!p.loras_given) p.args.request.loras.clear();  // flags replace the LoRAs of --from
         p.loras_given = true;
         p.args.request.loras.push_back(parse_lora(flag, v));
     },
     true},
    {{{"--lora-dir", "DIR"}},
     "folder of LoRA files (subfolders too) that <lora:NAME:WEIGHT> tags in\n"
     "the prompt name by file stem (A1111's syntax); repeatable",
     [](auto& p, auto& flag, auto& v) {
         require_dir(flag, v);
         p.args.lora_dirs.push_back(v);
     },
     true},
    {{{"--prediction", "TYPE"}},
     "epsilon | sample (default: sample for the 1-step x0 UNet, else the\n"
     "scheduler config's type)",
     [](auto& p, auto&, auto& v) {
         if (v != "epsilon" && v != "sample")
             throw UsageError("--prediction: '" + v + "' is not epsilon or sample");
         p.args.request.prediction = parse_prediction_type(v);
     }},
    {{{"--vae", "FILE_OR_DIR"}},
     "VAE to use instead of the model's: diffusers VAE folder or single\n"
     ".safetensors (diffusers or ldm names, e.g. sdxl-vae-fp16-fix's\n"
     "sdxl.vae.safetensors); a VAE with force_upcast false decodes in fp16",
     [](auto& p, auto&, auto& v) {
         if (!fs::exists(v)) throw UsageError("--vae: no such file or folder '" + v + "'");
         p.args.engine.vae = v;
     }},
    {{{"--vae-tiling", "M"}},
     "auto | on | off: diffusers' tiled VAE decode (default auto: tiled\n"
     "when an untiled decode would not fit the device's free memory)",
     [](auto& p, auto& flag, auto& v) {
         p.args.request.vae_tiling = parse_choice(flag, v, "auto, on or off", parse_vae_tiling);
     }},
};

int parse_any_int(const std::string& flag, const std::string& value) {
    return parse_int(flag, value, INT32_MIN, INT32_MAX);  // the limits are the engine's check
}

// "WxH" (A1111's "Seed resize from" spelling) into the variation's resize size.
void set_seed_resize_from(SeedVariation& variation, const std::string& flag,
                          const std::string& value) {
    const auto x = value.find('x');
    if (x == std::string::npos)
        throw UsageError(flag + ": '" + value + "' is not WIDTHxHEIGHT (e.g. 768x768)");
    variation.resize_from_width = parse_any_int(flag, value.substr(0, x));
    variation.resize_from_height = parse_any_int(flag, value.substr(x + 1));
}

// --from's PNG is the request the other flags change.
void apply_from(GenerateParse& p, const std::string& path) {
    p.args.from = path;
    p.args.from_record = read_from_png(path, p.args.from_summary);
    p.args.request = p.args.from_record->request;
    p.args.seed_given = p.prompt_given = true;
}

const std::vector<GenerateFlag> kGenerationFlags = {
    {{{"--prompt", "TEXT"}},
     "the prompt (required unless --from; may be empty); with {a|b} variants\n"
     "or __name__ wildcards a template, resolved for each image from its seed\n"
     "(README: Dynamic prompts)",
     [](auto& p, auto&, auto& v) {
         p.args.request.prompt = v;
         p.args.request.prompt_template.clear();  // --from's template gives way too
         mark_prompt_templates(p.args.request);
         p.prompt_given = true;
     }},
    {{{"--negative", "TEXT"}},
     "negative prompt (used with --guidance > 1; without it the\n"
     "unconditional embedding is zeros, as SDXL does); a template as --prompt",
     [](auto& p, auto&, auto& v) {
         p.args.request.negative_prompt = v;
         p.args.request.negative_template.reset();
         mark_prompt_templates(p.args.request);
     }},
    {{{"--steps", "N"}},
     "denoising steps (default 4)",
     [](auto& p, auto& flag, auto& v) { p.args.request.steps = parse_any_int(flag, v); }},
    {{{"--guidance", "G"}},
     "classifier-free guidance scale; active only when > 1 (default 0,\n"
     "as Lightning is trained)",
     [](auto& p, auto& flag, auto& v) { p.args.request.guidance = parse_float(flag, v); }},
    {{{"--width", "W"}, {"--height", "H"}},
     "image size in pixels, multiples of 8 (default 1024 x 1024)",
     [](auto& p, auto& flag, auto& v) {
         auto& r = p.args.request;
         (flag == "--width" ? r.width : r.height) = parse_any_int(flag, v);
     }},
    {{{"--seed", "S"}},
     "seed of the CPU noise generator (default, or -1 as in A1111: random,\n"
     "printed and written into the PNG)",
     [](auto& p, auto& flag, auto& v) {
         // -1 is "random" as in A1111 (the seed drawn is printed and written into the PNG).
         p.args.seed_given = v != "-1";
         if (p.args.seed_given) p.args.request.seed = parse_number<uint64_t>(flag, v);
     }},
    {{{"--batch", "N"}},
     "number of images; image i uses seed S + i (default 1)",
     [](auto& p, auto& flag, auto& v) { p.args.request.batch = parse_any_int(flag, v); }},
    {{{"--variation-seed", "S"}},
     "A1111's variation seed: the noise is the slerp of --seed's noise and\n"
     "this seed's at --variation-strength; image i of a batch keeps --seed\n"
     "and uses S + i",
     [](auto& p, auto& flag, auto& v) {
         p.args.request.variation.seed = parse_number<uint64_t>(flag, v);
     }},
    {{{"--variation-strength", "F"}},
     "0 (the seed's own noise; default) .. 1 (the variation seed's noise)",
     [](auto& p, auto& flag, auto& v) {
         p.args.request.variation.strength = parse_double(flag, v);
     }},
    {{{"--seed-resize-from", "WxH"}},
     "A1111's \"Resize seed from\": the noise drawn at this size and pasted\n"
     "centred into the image's (a seed's composition kept at a new size)",
     [](auto& p, auto& flag, auto& v) { set_seed_resize_from(p.args.request.variation, flag, v); }},
    {{{"--clip-skip", "N"}},
     "skip the last N CLIP layers (default 0)",
     [](auto& p, auto& flag, auto& v) { p.args.request.clip_skip = parse_any_int(flag, v); }},
    {{{"--prompt-syntax", "S"}},
     "how prompt and negative are read: a1111 (default; (word:1.2),\n"
     "[word], BREAK, 75-token chunks), compel (word++, (phrase)1.3,\n"
     ".and(), 77-token chunks) or none (diffusers: literal text cut at 75\n"
     "tokens, 77 with start and end; a warning says when it is cut)",
     [](auto& p, auto& flag, auto& v) {
         p.args.request.prompt_syntax =
             parse_choice(flag, v, "a1111, compel or none", parse_prompt_syntax);
     }},
    {{{"--wildcards", "DIR"}},
     "the folder of the prompts' __name__ wildcards: NAME.txt, one option a\n"
     "line (__sub/name__: DIR/sub/name.txt)",
     [](auto& p, auto& flag, auto& v) {
         require_dir(flag, v);
         p.args.request.wildcards_dir = v;
     }},
    {{{"--embedding", "FILE[:TOKEN]"}},
     "textual-inversion embedding (SDXL clip_l/clip_g .safetensors); TOKEN\n"
     "defaults to the file stem; repeatable, loaded in order",
     [](auto& p, auto& flag, auto& v) {
         auto& embeddings = p.args.request.embeddings;
         if (!p.embeddings_given) embeddings.clear();  // flags replace the embeddings of --from
         p.embeddings_given = true;
         auto spec = parse_embedding_spec(v);
         require_file(flag, spec.path);
         embeddings.push_back(spec);
     },
     true},
    {{{"--from", "IMAGE.png"}},
     "start from the parameters stored in a PNG (prompt, seed, size, steps,\n"
     "guidance, ...); flags given as well override them. The model, Lightning\n"
     "folder and LoRA files must still be given; their recorded hashes are\n"
     "compared and a difference is reported",
     [](auto& p, auto&, auto& v) { apply_from(p, v); },
     false,
     true},
};

const std::vector<GenerateFlag> kRefineFlags = {
    {{{"--init-image", "FILE"}},
     "start from this image (img2img; PNG, JPEG, ... as 8-bit RGB, alpha\n"
     "dropped); --width/--height default to its size (plus --outpaint)",
     [](auto& p, auto& flag, auto& v) {
         require_file(flag, v);
         p.args.request.input.image = v;
     }},
    {{{"--strength", "S"}},
     "how much of the schedule runs from the input: the last int(steps x S)\n"
     "steps (0 < S <= 1; default 0.75)",
     [](auto& p, auto& flag, auto& v) { p.args.request.input.strength = parse_double(flag, v); }},
    {{{"--fit", "M"}},
     "an input of another size: resize (stretch; default) | crop (cover,\n"
     "cut the middle) | pad (fit inside, fill from the edges)",
     [](auto& p, auto& flag, auto& v) {
         p.args.request.input.fit =
             parse_choice(flag, v, "resize, crop or pad",
                          [](const std::string& t) { return parse_enum<ImageFit>(t); });
     }},
    {{{"--mask", "FILE"}},
     "inpainting: white = repaint, black = keep (diffusers' convention)",
     [](auto& p, auto& flag, auto& v) {
         require_file(flag, v);
         p.args.request.input.mask = v;
     }},
    {{{"--mask-blur", "N"}},
     "Gaussian blur of the mask, radius in pixels (default 0)",
     [](auto& p, auto& flag, auto& v) { p.args.request.input.mask_blur = parse_any_int(flag, v); }},
    {{{"--outpaint", "L,T,R,B"}},
     "grow the canvas by these pixels on each side; the new area is filled\n"
     "from the image's edges and repainted",
     [](auto& p, auto& flag, auto& v) { p.args.request.input.outpaint = parse_margins(flag, v); }},
    {{{"--keep-unmasked", ""}},
     "paste the input's unmasked pixels back over the result (A1111's\n"
     "overlay; default off: the output is diffusers' output)",
     [](auto& p, auto&, auto&) { p.args.request.input.keep_unmasked = true; }},
};

const std::vector<GenerateFlag> kHiresFlags = {
    {{{"--hires-scale", "F"}},
     "A1111's hires fix: each image upscaled by F (1 < F <= 4) and refined\n"
     "there; the output is F times --width/--height (rounded down to 8)",
     [](auto& p, auto& flag, auto& v) { p.args.request.hires.scale = parse_double(flag, v); }},
    {{{"--hires-strength", "S"}},
     "the second pass runs the last int(steps x S) steps (default 0.5)",
     [](auto& p, auto& flag, auto& v) { p.args.request.hires.strength = parse_double(flag, v); }},
    {{{"--hires-steps", "N"}},
     "the second pass's schedule and Lightning checkpoint (default: --steps)",
     [](auto& p, auto& flag, auto& v) { p.args.request.hires.steps = parse_any_int(flag, v); }},
    {{{"--hires-upscaler", "U"}},
     "latent (bilinear in latent space; default) | latent-nearest |\n"
     "lanczos (the decoded image, re-encoded) | FILE (an ESRGAN-family\n"
     "model, then Lanczos to the size)",
     [](auto& p, auto& flag, auto& v) { set_hires_upscaler(p.args.request.hires, flag, v); }},
    {{{"--upscale-model", "FILE"}},
     "upscale each finished image with an ESRGAN-family model (.safetensors\n"
     "or .pth; A1111's Extras), after the hires fix",
     [](auto& p, auto& flag, auto& v) {
         require_file(flag, v);
         p.args.request.upscale.model = v;
     }},
    {{{"--upscale-by", "N"}},
     "with --upscale-model: 1 up to the model's scale (default: the model's),\n"
     "below it resized down with Lanczos",
     [](auto& p, auto& flag, auto& v) {
         p.args.request.upscale.scale = parse_int(flag, v, 1, limits::kMaxUpscaleScale);
     }},
};

const std::vector<GenerateFlag> kRuntimeFlags = {
    {{{"--device", "D"}},
     "cpu | cuda | cuda:N (default cpu)",
     [](auto& p, auto& flag, auto& v) { p.args.engine.device = parse_device(flag, v); },
     false,
     true},
    {{{"--dtype", "T"}},
     "fp32 | fp16 | bf16 (default fp32 on cpu, fp16 on cuda; fp16 is not\n"
     "available on cpu)",
     [](auto& p, auto& flag, auto& v) {
         p.args.engine.precision = parse_dtype(flag, v);
         p.dtype_given = true;
     }},
    {{{"--log-level", "L"}},
     "trace | debug | info | warn | error | critical | off\n"
     "(default: $LIGHTNING_LOG_LEVEL, else info)",
     [](auto& p, auto& flag, auto& v) {
         check_log_level(flag, v);
         p.args.log_level = v;
     }},
};

const std::vector<GenerateFlag> kOutputFlags = {
    {{{"--out", "FILE.png"}},
     "PNG with an A1111-style \"parameters\" text chunk, written as soon as the\n"
     "image is done; with --batch N > 1 one file per image: FILE-0.png,\n"
     "FILE-1.png, ...; \"-\" writes the PNG to standard output (batch 1)",
     [](auto& p, auto&, auto& v) { p.args.out = v; },
     false,
     true},
    {{{"--overwrite", ""}},
     "replace existing output files (otherwise an existing file is an error,\n"
     "also one another process writes while this one runs; folders,\n"
     "devices, FIFOs and symbolic links are never replaced)",
     [](auto& p, auto&, auto&) { p.args.overwrite = true; },
     false,
     true},
    {{{"--dump", "FILE.safetensors"}},
     "intermediate tensors under the golden fixture names: prompt_embeds,\n"
     "add_text_embeds, noise, step{i}.latents, step{i}.pred_x0,\n"
     "final_latents, image (1x3xHxW float in [0, 1]); refining adds image_latents (the\n"
     "encoded input) and mask (at latent size); with --batch N > 1, image i > 0 has the "
     "prefix \"img{i}.\"\n"
     "(img1.noise, img1.step0.latents, ...)",
     [](auto& p, auto& flag, auto& v) {
         require_writable_parent(flag, v);
         p.args.dump = v;
     },
     false,
     true},
};

const FlagTable<GenerateParse> kGenerateFlags = {
    {"Model:", kModelFlags},
    {"Generation:", kGenerationFlags},
    {"Refine (img2img, inpainting, outpainting):", kRefineFlags},
    {"Hires fix (text to image):", kHiresFlags},
    {"Runtime:", kRuntimeFlags},
    {"Output (at least one):", kOutputFlags}};

// `lightning batch`: its own flags, and generate's (but for generate_only) as the defaults of
// every manifest line.
struct BatchParse {
    BatchArgs args;
    GenerateParse defaults;
};

using BatchFlag = Flag<BatchParse>;

const std::vector<BatchFlag> kBatchOutputFlags = {
    {{{"--out", "DIR"}},
     "output folder (created if missing)",
     [](auto& b, auto&, auto& v) { b.args.out_dir = v; }},
    {{{"--strict", ""}},
     "stop before the first image when a line is bad, and at the first\n"
     "image that fails",
     [](auto& b, auto&, auto&) { b.args.strict = true; }},
    {{{"--strict-paths", ""}},
     "a line may name only files in the manifest's folder or below it\n"
     "(symbolic links resolved; for manifests from elsewhere); other\n"
     "lines are bad lines",
     [](auto& b, auto&, auto&) { b.args.strict_paths = true; }},
    {{{"--json", "FILE"}},
     "write a summary: images, images per second, time and memory per\n"
     "device",
     [](auto& b, auto& flag, auto& v) {
         require_writable_parent(flag, v);
         b.args.json = v;
     }},
    {{{"--discard-images", ""}},
     "generate and time every image but write no PNG (throughput\n"
     "measurements; builds without PNG support)",
     [](auto& b, auto&, auto&) { b.args.discard_images = true; }},
};

const std::vector<BatchFlag> kShardFlags = {
    {{{"--shard", "I/N"}},
     "take lines I+1, I+1+N, I+1+2N, ... (0 <= I < N); results go to\n"
     "results-I-of-N.jsonl",
     [](auto& b, auto&, auto& v) {
         try {
             b.args.shard = batch::parse_shard(v);
         } catch (const Error& e) {
             throw UsageError(e.what());
         }
     }},
    {{{"--shards", "N"}},
     "take the shard index from the scheduler: JOB_COMPLETION_INDEX of a\n"
     "Kubernetes Indexed Job (N = the Job's completions), or\n"
     "SLURM_ARRAY_TASK_ID of a Slurm job array (N must then equal\n"
     "SLURM_ARRAY_TASK_COUNT). Inside a Slurm job array the shard is taken\n"
     "from its variables even without --shards; --shard 0/1 renders all lines",
     [](auto& b, auto& flag, auto& v) { b.args.shards = parse_int(flag, v, 1, 1000000); }},
};

// --devices / --device, for batch and serve (each Parse has args.devices).
template <typename Parse>
std::vector<Flag<Parse>> device_flags() {
    return {
        {{{"--devices", "LIST"}},
         "one engine per device in this process, all taking images from one\n"
         "queue: cuda:0,cuda:1 or all (every CUDA device); cpu,cpu runs two CPU\n"
         "engines",
         [](auto& b, auto& flag, auto& v) { b.args.devices = parse_device_list(flag, v); }},
        {{{"--device", "D"}},
         "one device: cpu | cuda | cuda:N (default cpu)",
         [](auto& b, auto& flag, auto& v) { b.args.devices = {parse_device(flag, v)}; }},
    };
}

// Generate's flags that set the defaults of batch's manifest lines.
std::vector<BatchFlag> batch_request_flags() {
    std::vector<BatchFlag> flags;
    for (const auto& section : kGenerateFlags)
        for (const auto& flag : section.flags)
            if (!flag.generate_only)
                flags.push_back(lifted<BatchParse>(
                    flag, [](BatchParse& b) -> GenerateParse& { return b.defaults; }));
    return flags;
}

const FlagTable<BatchParse> kBatchFlags = {
    {"Output:", kBatchOutputFlags},
    {"Shards (processes or machines on shared storage; none writes another's files):", kShardFlags},
    {"Devices:", device_flags<BatchParse>()},
    {"Request defaults and model, as for generate (see lightning generate --help):",
     batch_request_flags(), /*names_only=*/true}};

// `lightning serve`: its own flags, the model's and the request defaults clients leave out
// (no file-naming request flags: clients may not name server files, so defaults do not either).
struct ServeParse {
    ServeArgs args;
    GenerateParse defaults;
    bool api_key_given = false;
};

using ServeFlag = Flag<ServeParse>;

const std::vector<ServeFlag> kServeOwnFlags = {
    {{{"--listen", "ADDR"}},
     "address to bind (default 127.0.0.1); another than loopback needs a key",
     [](auto& s, auto&, auto& v) { s.args.listen = v; }},
    {{{"--port", "N"}},
     "TCP port (default 7860, A1111's; 0 = any free port, printed)",
     [](auto& s, auto& flag, auto& v) { s.args.port = parse_int(flag, v, 0, 65535); }},
    {{{"--api-key", "KEY"}},
     "clients must send this key (visible in the process list: prefer the file)",
     [](auto& s, auto&, auto& v) {
         if (v.empty()) throw UsageError("--api-key: empty key");
         s.args.api_key = v;
         s.api_key_given = true;
     }},
    {{{"--api-key-file", "FILE"}},
     "the key is this file's first line",
     [](auto& s, auto& flag, auto& v) {
         require_file(flag, v);
         try {
             s.args.api_key = read_api_key_file(v);
         } catch (const Error& e) {
             throw UsageError(flag + ": " + e.what());
         }
         s.api_key_given = true;
     }},
    {{{"--queue", "N"}},
     "jobs that may wait (default 16); more are refused with 503",
     [](auto& s, auto& flag, auto& v) { s.args.max_queue = parse_positive(flag, v, 100000); }},
    {{{"--max-batch", "N"}},
     "images one request may ask for (default 8)",
     [](auto& s, auto& flag, auto& v) {
         s.args.max_batch = parse_positive(flag, v, limits::kMaxBatch);
     }},
    {{{"--max-body-mb", "N"}},
     "largest request body in MiB (default 64; base64 images count 4/3)",
     [](auto& s, auto& flag, auto& v) { s.args.max_body_mb = parse_positive(flag, v, 4096); }},
    {{{"--log-format", "F"}},
     "text (default) or json: one JSON object per log line (time, level, message)",
     [](auto& s, auto& flag, auto& v) {
         if (v != "text" && v != "json") throw UsageError(flag + ": expected text or json");
         s.args.log_json = v == "json";
     }},
};

std::vector<ServeFlag> serve_request_flags() {
    static const std::set<std::string> taken = {
        "--model",    "--config", "--lightning",     "--vae",   "--vae-tiling", "--steps",
        "--guidance", "--width",  "--prompt-syntax", "--dtype", "--log-level",  "--negative"};
    std::vector<ServeFlag> flags;
    for (const auto& section : kGenerateFlags)
        for (const auto& flag : section.flags)
            if (taken.count(flag.names.front().flag))
                flags.push_back(lifted<ServeParse>(
                    flag, [](ServeParse& s) -> GenerateParse& { return s.defaults; }));
    return flags;
}

const FlagTable<ServeParse> kServeFlags = {
    {"Server:", kServeOwnFlags},
    {"Devices:", device_flags<ServeParse>()},
    {"Model and request defaults, as for generate (see lightning generate --help):",
     serve_request_flags(), /*names_only=*/true}};

const FlagTable<VerifyArgs> kVerifyFlags = {
    {"",
     {{{{"--fixtures", "DIR"}},
       "folder with golden/, tiny-sdxl/, tiny-lightning/\n"
       "(default: $LIGHTNING_FIXTURES, else ../shared/fixtures)",
       [](auto& v, auto&, auto& value) { v.fixtures_dir = value; }},
      {{{"--refine", "DIR"}},
       "also the img2img, inpainting and outpainting goldens of DIR\n"
       "(the source tree's tests/data/refine)",
       [](auto& v, auto&, auto& value) { v.refine_dir = value; }},
      {{{"--upscale", "DIR"}},
       "also the ESRGAN upscaler goldens of DIR (the source tree's\n"
       "tests/data/esrgan)",
       [](auto& v, auto&, auto& value) { v.upscale_dir = value; }},
      {{{"--only", "LIST"}},
       "run these checks alone, comma-separated: text, unet, vae, scheduler,\n"
       "pipeline, prompts, refine, upscale (upscale alone needs no --fixtures)",
       [](auto& v, auto&, auto& value) { v.only = comma_items(value); }},
      {{{"--device", "D"}},
       "cpu | cuda | cuda:N (default cpu)",
       [](auto& v, auto& flag, auto& value) { v.device = parse_device(flag, value); }},
      {{{"--dtype", "T"}},
       "fp32 | fp16 | bf16 (default fp32; fp16/bf16 report deviations against\n"
       "looser tolerances)",
       [](auto& v, auto& flag, auto& value) {
           parse_dtype(flag, value);
           v.dtype = value;
       }},
      {{{"--log-level", "L"}}, "as for generate", [](auto& v, auto& flag, auto& value) {
           check_log_level(flag, value);
           v.log_level = value;
       }}}}};

const FlagTable<UpscaleArgs> kUpscaleFlags = {
    {"",
     {{{{"--model", "FILE"}},
       "the upscaler (.safetensors or .pth; required)",
       [](auto& u, auto& flag, auto& v) {
           require_file(flag, v);
           u.model = v;
       }},
      {{{"--out", "OUT.png"}},
       "the PNG to write (required)",
       [](auto& u, auto&, auto& v) { u.out = v; }},
      {{{"--overwrite", ""}},
       "replace OUT.png if it exists",
       [](auto& u, auto&, auto&) { u.overwrite = true; }},
      {{{"--scale", "N"}},
       "output size as a multiple of the input's (default: the model's own);\n"
       "below the model's, its output is resized down with Lanczos (as PIL)",
       [](auto& u, auto& flag, auto& v) { u.scale = parse_positive(flag, v, 8); }},
      {{{"--tile", "N"}},
       "run the model on tiles of N input pixels (default 256; 0 = whole image)",
       [](auto& u, auto& flag, auto& v) { u.tile = parse_int(flag, v, 0, 16384); }},
      {{{"--tile-overlap", "N"}},
       "context pixels around each tile (default 32); tiles are cropped, not\n"
       "blended, so an overlap of the model's receptive radius is exact",
       [](auto& u, auto& flag, auto& v) { u.tile_overlap = parse_int(flag, v, 0, 4096); }},
      {{{"--device", "D"}},
       "cpu | cuda | cuda:N (default: cuda when this build and machine have a\n"
       "GPU, else cpu)",
       [](auto& u, auto& flag, auto& v) { u.device = parse_device(flag, v); }},
      {{{"--dtype", "T"}},
       "fp32 | fp16 | bf16 (default fp16 on cuda, fp32 on cpu)",
       [](auto& u, auto& flag, auto& v) { u.precision = parse_dtype(flag, v); }},
      {{{"--log-level", "L"}}, "as for generate", [](auto& u, auto& flag, auto& v) {
           check_log_level(flag, v);
           u.log_level = v;
       }}}}};

struct BenchParse {
    BenchArgs args;
    bool device_given = false;
    bool dtype_given = false;
};

void set_bench_size(BenchParse& b, const std::string& flag, const std::string& value) {
    const int size = parse_positive(flag, value, 8192);
    if (size % 8) throw UsageError(flag + ": " + value + " is not a multiple of 8");
    (flag == "--width" ? b.args.width : b.args.height) = size;
}

void set_bench_levers(BenchParse& b, const std::string& flag, const std::string& value) {
    for (const auto& lever : comma_items(value))
        if (!set_speedup(b.args.speedups, lever, flag == "--with"))
            throw UsageError(flag + ": '" + lever + "' is not one of " +
                             joined(cuda_speedup_names(), ", "));
}

const std::vector<Flag<BenchParse>> kBenchFlagRows = {
    {{{"--model", "DIR"}},
     "diffusers folder (required)",
     [](auto& b, auto&, auto& v) { b.args.model = v; }},
    {{{"--lightning", "DIR"}},
     "use the SDXL-Lightning UNet files of DIR for each step count",
     [](auto& b, auto&, auto& v) { b.args.lightning_dir = v; }},
    {{{"--device", "D"}},
     "cpu | cuda | cuda:N (default: cuda when this build and machine have a\n"
     "GPU, else cpu)",
     [](auto& b, auto& flag, auto& v) {
         b.args.device = parse_device(flag, v);
         b.device_given = true;
     }},
    {{{"--dtype", "T"}},
     "fp32 | fp16 | bf16 (default fp16 on cuda, fp32 on cpu)",
     [](auto& b, auto& flag, auto& v) {
         b.dtype_given = true;
         b.args.precision = parse_dtype(flag, v);
     }},
    {{{"--width", "W"}, {"--height", "H"}}, "image size (default 1024 x 1024)", set_bench_size},
    {{{"--steps", "LIST"}},
     "comma-separated step counts (default 1,2,4,8)",
     [](auto& b, auto& flag, auto& v) { b.args.steps = parse_step_list(flag, v); }},
    {{{"--runs", "N"}},
     "timed runs per measurement (default 10)",
     [](auto& b, auto& flag, auto& v) { b.args.runs = parse_positive(flag, v, 100000); }},
    {{{"--warmup", "N"}},
     "untimed runs per step count first (default 2; 0 times the first run)",
     [](auto& b, auto& flag, auto& v) {
         b.args.warmup = v == "0" ? 0 : parse_positive(flag, v, 1000);
     }},
    {{{"--no-previews", ""}},
     "skip the 4-step runs with previews at every step (slow on a CPU)",
     [](auto& b, auto&, auto&) { b.args.previews = false; }},
    {{{"--batch", "N"}},
     "also time 4 steps with N images per request (time per image)",
     [](auto& b, auto& flag, auto& v) {
         b.args.batch = parse_positive(flag, v, limits::kMaxBatch);
     }},
    {{{"--init-image", "FILE"}},
     "time img2img from this image (with --mask: inpainting)",
     [](auto& b, auto& flag, auto& v) {
         require_file(flag, v);
         b.args.input.image = v;
     }},
    {{{"--strength", "S"}},
     "img2img / inpainting strength (default 0.75)",
     [](auto& b, auto& flag, auto& v) { b.args.input.strength = parse_double(flag, v); }},
    {{{"--mask", "FILE"}},
     "inpainting mask (white = repaint)",
     [](auto& b, auto& flag, auto& v) {
         require_file(flag, v);
         b.args.input.mask = v;
     }},
    {{{"--hires-scale", "F"}},
     "time the hires fix: each image upscaled by F and refined",
     [](auto& b, auto& flag, auto& v) { b.args.hires.scale = parse_double(flag, v); }},
    {{{"--hires-strength", "S"}},
     "the hires fix's strength (default 0.5)",
     [](auto& b, auto& flag, auto& v) { b.args.hires.strength = parse_double(flag, v); }},
    {{{"--hires-upscaler", "U"}},
     "latent | latent-nearest | lanczos | FILE (default latent)",
     [](auto& b, auto& flag, auto& v) { set_hires_upscaler(b.args.hires, flag, v); }},
    {{{"--upscaler", "FILE"}},
     "time this ESRGAN-family model (.safetensors or .pth) instead; no --model",
     [](auto& b, auto& flag, auto& v) {
         require_file(flag, v);
         b.args.upscaler = v;
     }},
    {{{"--tile", "N"}, {"--tile-overlap", "N"}},
     "with --upscaler: tiles of N input pixels (default 0 = whole image), and\n"
     "their context pixels (default 32)",
     [](auto& b, auto& flag, auto& v) {
         (flag == "--tile" ? b.args.tile : b.args.tile_overlap) = parse_int(flag, v, 0, 16384);
     }},
    {{{"--with", "LEVERS"}, {"--without", "LEVERS"}},
     "turn CUDA speed levers on or off, comma-separated: unet-graphs,\n"
     "text-graphs, vae-graphs, cudnn-benchmark (off by default), group-norm,\n"
     "batch-images (docs/performance.md)",
     set_bench_levers},
    {{{"--profile", "FILE"}},
     "write a Chrome trace (CPU ops, CUDA kernels) of one 1-step image with a\n"
     "reduced preview (CUDA builds of libtorch 2)",
     [](auto& b, auto&, auto& v) { b.args.profile = v; }},
    {{{"--json", "FILE"}},
     "write the report as JSON",
     [](auto& b, auto&, auto& v) { b.args.json = v; }},
    {{{"--log-level", "L"}},
     "as for generate",
     [](auto& b, auto& flag, auto& v) {
         check_log_level(flag, v);
         b.args.log_level = v;
     }},
};

const FlagTable<BenchParse> kBenchFlags = {{"", kBenchFlagRows}};

template <typename Target>
std::set<std::string> names_given(const std::vector<GivenFlag<Target>>& given) {
    std::set<std::string> names;
    for (const auto& g : given) names.insert(g.flag);
    return names;
}

// What generate's flags say together (each value was checked as it was read).
void check_generate_args(const GenerateParse& p, const std::set<std::string>& seen) {
    const GenerateArgs& g = p.args;
    if (g.engine.models.base.empty()) throw UsageError("--model is required");
    if (!p.prompt_given) throw UsageError("--prompt is required");
    if (is_single_file(g.engine.models.base) && g.engine.models.config_dir.empty())
        throw UsageError(
            "--config DIR is required with a single-file --model (configs and "
            "tokenizers come from a diffusers folder)");
    if (g.out.empty() && g.dump.empty())
        throw UsageError("nothing to write: give --out FILE.png and/or --dump FILE.safetensors");
    if (g.out == "-" && g.request.batch > 1)
        throw UsageError("--out -: standard output takes one image; use a file name with --batch");
    if (!g.from_record) return;
    check_unreadable_from_settings(g, seen);
    if (!p.embeddings_given)
        for (const auto& embedding : g.from_record->request.embeddings)
            throw UsageError("--from: " + g.from + " was made with the embedding '" +
                             embedding.token +
                             "'; pass it with --embedding FILE:" + embedding.token);
    const RefineInput& recorded = g.from_record->request.input;
    if (g.from_record->request.refines() && !seen.count("--init-image"))
        throw UsageError("--from: " + g.from + " was made from the input image '" + recorded.image +
                         "'; pass it with --init-image FILE");
    if (!recorded.mask.empty() && !seen.count("--mask"))
        throw UsageError("--from: " + g.from + " was made with the mask '" + recorded.mask +
                         "'; pass it with --mask FILE");
    const GenerationRequest& made = g.from_record->request;
    if (made.hires.upscaler == HiresUpscaler::Model && !seen.count("--hires-upscaler"))
        throw UsageError("--from: " + g.from + " was made with the hires upscaler model '" +
                         made.hires.upscaler_model + "'; pass it with --hires-upscaler FILE");
    if (made.upscale.on() && !seen.count("--upscale-model"))
        throw UsageError("--from: " + g.from + " was upscaled with the model '" +
                         made.upscale.model + "'; pass it with --upscale-model FILE");
    if (!p.loras_given)
        for (const auto& lora : g.from_record->request.loras)
            throw UsageError("--from: " + g.from + " was made with the LoRA '" + lora.path +
                             "' at " + format_number(lora.scale) +
                             "; pass it with --lora FILE:" + format_number(lora.scale));
}

// Without --width/--height, a refining run is the input's size (rounded down to a multiple of 8,
// as diffusers rounds it) plus the outpaint margins.
void default_size_from_input(GenerateArgs& g, const std::set<std::string>& seen) {
    if (!g.request.refines() || g.from_record || seen.count("--width") || seen.count("--height"))
        return;
#ifdef LIGHTNING_HAVE_IMAGE_READER
    Image8 input;
    try {
        input = read_image_pixels(g.request.input.image);
    } catch (const Error& e) {
        throw UsageError("--init-image: " + std::string(e.what()));
    }
    const Margins& m = g.request.input.outpaint;
    g.request.width = input.width - input.width % 8 + m.left + m.right;
    g.request.height = input.height - input.height % 8 + m.top + m.bottom;
#endif
}

void resolve_prompt_loras(GenerationRequest& request, const std::vector<std::string>& lora_dirs) {
    if (request.prompt.find('<') == std::string::npos) return;  // no tag: no folder to read
    lightning::resolve_prompt_loras(request, lora_files_in(lora_dirs),
                                    lora_folders_text(lora_dirs, "--lora-dir DIR"));
}

GenerateArgs parse_generate(const std::vector<std::string>& args) {
    auto given = read_flags(kGenerateFlags, args, /*refuse_repeats=*/true);
    // --from's PNG is the request the other flags change, wherever it is given.
    std::stable_partition(given.begin(), given.end(),
                          [](const auto& flag) { return flag.flag == "--from"; });
    GenerateParse p;
    apply_flags(given, p);
    check_generate_args(p, names_given(given));
    GenerateArgs& g = p.args;
    default_size_from_input(g, names_given(given));
    try {
        resolve_prompt_loras(g.request, g.lora_dirs);
    } catch (const Error& e) {
        throw UsageError(std::string(e.what()));
    }
    if (!p.dtype_given)
        g.engine.precision = g.engine.device == "cpu" ? Precision::FP32 : Precision::FP16;
    g.engine.preview = PreviewMode::Off;
    return g;
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
    if (args.empty() || args[0].rfind("--", 0) == 0)
        throw UsageError(
            "batch: the manifest comes first: lightning batch MANIFEST.jsonl --out DIR");
    BatchParse b;
    b.args.manifest = args[0];
    require_file("manifest", b.args.manifest);
    const auto given =
        read_flags(kBatchFlags, std::vector<std::string>(args.begin() + 1, args.end()),
                   /*refuse_repeats=*/true);
    apply_flags(given, b);
    BatchArgs& out = b.args;
    out.defaults = b.defaults.args;
    check_batch_args(out, names_given(given));
    if (out.devices.empty()) out.devices = {"cpu"};
    out.prompt_given = b.defaults.prompt_given;
    out.dtype_given = b.defaults.dtype_given;
    out.defaults.engine.preview = PreviewMode::Off;
    return out;
}

ServeArgs parse_serve(const std::vector<std::string>& args) {
    ServeParse s;
    const auto given = read_flags(kServeFlags, args, /*refuse_repeats=*/true);
    apply_flags(given, s);
    const auto seen = names_given(given);
    ServeArgs& out = s.args;
    out.defaults = s.defaults.args;
    if (out.defaults.engine.models.base.empty()) throw UsageError("--model is required");
    if (seen.count("--api-key") && seen.count("--api-key-file"))
        throw UsageError("--api-key and --api-key-file both given; give one");
    if (seen.count("--device") && seen.count("--devices"))
        throw UsageError("--device and --devices both given; give one");
    if (!is_loopback(out.listen) && out.api_key.empty())
        throw UsageError("--listen " + out.listen +
                         ": a non-loopback address needs --api-key KEY or --api-key-file FILE "
                         "(anyone who reaches the port could otherwise use the GPU)");
    if (is_single_file(out.defaults.engine.models.base) &&
        out.defaults.engine.models.config_dir.empty())
        throw UsageError("--config DIR is required with a single-file --model");
    if (out.devices.empty()) out.devices = {"cpu"};
    out.dtype_given = s.defaults.dtype_given;
    out.defaults.engine.preview = PreviewMode::Reduced;  // /sdapi/v1/progress and the events
    return out;
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
    VerifyArgs v;
    if (const char* env = std::getenv("LIGHTNING_FIXTURES"); env && *env) v.fixtures_dir = env;
    if (v.fixtures_dir.empty()) v.fixtures_dir = "../shared/fixtures";
    apply_flags(read_flags(kVerifyFlags, args, /*refuse_repeats=*/false), v);
    static const std::set<std::string> checks = {"text",     "unet",    "vae",    "scheduler",
                                                 "pipeline", "prompts", "refine", "upscale"};
    for (const auto& name : v.only)
        if (!checks.count(name))
            throw UsageError("--only: '" + name + "' is not one of " +
                             joined(std::vector<std::string>(checks.begin(), checks.end()), ", "));
    const auto selected = [&v](const std::string& name) {
        return v.only.empty() || std::find(v.only.begin(), v.only.end(), name) != v.only.end();
    };
    if (!v.only.empty() && selected("upscale") && v.upscale_dir.empty())
        throw UsageError("--only upscale needs --upscale DIR");
    if (!v.only.empty() && selected("refine") && v.refine_dir.empty())
        throw UsageError("--only refine needs --refine DIR");
    if (!(v.only.size() == 1 && v.only[0] == "upscale"))
        require_dir("--fixtures", v.fixtures_dir + "/golden");
    if (!v.refine_dir.empty()) require_dir("--refine", v.refine_dir);
    if (!v.upscale_dir.empty()) require_file("--upscale", v.upscale_dir + "/manifest.json");
    return v;
}

UpscaleArgs parse_upscale(const std::vector<std::string>& args) {
    if (args.empty() || args[0].rfind("--", 0) == 0)
        throw UsageError(
            "upscale: give the input image first: lightning upscale IN --model FILE "
            "--out OUT.png");
    UpscaleArgs u;
    u.input = args[0];
    require_file("upscale", u.input);
    const auto given = read_flags(kUpscaleFlags, {args.begin() + 1, args.end()}, true);
    apply_flags(given, u);
    const auto seen = names_given(given);
    if (u.model.empty()) throw UsageError("--model FILE is required");
    if (u.out.empty()) throw UsageError("--out OUT.png is required");
    if (!seen.count("--device")) u.device = default_device();
    if (!seen.count("--dtype")) u.precision = u.device == "cpu" ? Precision::FP32 : Precision::FP16;
    if (u.device == "cpu" && u.precision == Precision::FP16)
        throw UsageError("--dtype fp16 is not supported on cpu (use fp32 or bf16)");
    require_writable_parent("--out", u.out);
    return u;
}

BenchArgs parse_bench(const std::vector<std::string>& args) {
    BenchParse p;
    apply_flags(read_flags(kBenchFlags, args, /*refuse_repeats=*/false), p);
    BenchArgs& b = p.args;
    if (!b.upscaler.empty() && !b.model.empty())
        throw UsageError("--upscaler and --model both given; bench times one of them");
    if (b.upscaler.empty() && b.model.empty()) throw UsageError("--model DIR is required");
    if (!b.model.empty()) require_dir("--model", b.model);
    if (!p.device_given) b.device = default_device();
    if (!p.dtype_given) b.precision = b.device == "cpu" ? Precision::FP32 : Precision::FP16;
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
    if (topic == "generate") return kGenerateIntro + flag_help(kGenerateFlags) + kGenerateOutro;
    if (topic == "batch") return kBatchIntro + flag_help(kBatchFlags) + kBatchOutro;
    if (topic == "verify") return kVerifyIntro + flag_help(kVerifyFlags);
    if (topic == "bench") return kBenchIntro + flag_help(kBenchFlags);
    if (topic == "info") return kInfoHelp;
    if (topic == "models") return models_usage();
    if (topic == "upscale") return kUpscaleIntro + flag_help(kUpscaleFlags);
    if (topic == "serve") return kServeIntro + flag_help(kServeFlags) + kServeOutro;
    return kMainHelp;
}

Command parse_command_line(const std::vector<std::string>& args) {
    Command command;
    if (args.empty()) throw UsageError("no command given (try: lightning --help)");
    const std::string& name = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    static const std::set<std::string> commands = {"generate", "batch",  "verify",  "bench",
                                                   "info",     "models", "upscale", "serve"};
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
        throw UsageError(
            "unknown command '" + name +
            "' (commands: generate, batch, info, upscale, serve, models, verify, bench, help)");
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
    } else if (name == "upscale") {
        command.kind = Command::Kind::Upscale;
        command.upscale = parse_upscale(rest);
    } else if (name == "serve") {
        command.kind = Command::Kind::Serve;
        command.serve = parse_serve(rest);
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
