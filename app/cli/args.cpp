#include "app/cli/args.h"

#include "app/cli/commands.h"
#include "core/util/error.h"

#include <charconv>
#include <filesystem>
#include <map>
#include <set>

namespace lightning::cli {
namespace {

namespace fs = std::filesystem;

const char* const kGenerateHelp = R"(Usage: lightning generate --model PATH --prompt TEXT [options]

Text-to-image with SDXL-Lightning (or any SDXL UNet) using the Euler sampler on trailing
timesteps, as ByteDance's reference pipeline does.

Model:
  --model PATH          diffusers folder (model_index.json, unet/, vae/, text_encoder*/,
                        tokenizer*/, scheduler/) or a single-file .safetensors checkpoint
  --config DIR          diffusers folder with the configs and tokenizers; required with a
                        single-file --model
  --unet FILE           UNet weights (diffusers names, .safetensors) to use instead of the
                        model's own UNet
  --lightning DIR       folder with sdxl_lightning_{N}step_unet.safetensors files; the file for
                        --steps is picked (1 step: sdxl_lightning_1step_unet_x0.safetensors)
  --lora FILE[:SCALE]   fuse a LoRA (kohya or diffusers/peft keys) at SCALE (default 1);
                        repeatable
  --prediction TYPE     epsilon | sample (default: sample for the 1-step x0 UNet, else the
                        scheduler config's type)

Generation:
  --prompt TEXT         the prompt (required; may be empty)
  --negative TEXT       negative prompt (used with --guidance > 1; without it the
                        unconditional embedding is zeros, as SDXL does)
  --steps N             denoising steps, 1..1000 (default 4)
  --guidance G          classifier-free guidance scale; active only when > 1 (default 0,
                        as Lightning is trained)
  --width W, --height H image size in pixels, multiples of 8 (default 1024 x 1024)
  --seed S              seed of the CPU noise generator (default: random, printed)
  --batch N             number of images; image i uses seed S + i (default 1)
  --clip-skip N         skip the last N CLIP layers (default 0)

Runtime:
  --device D            cpu | cuda | cuda:N (default cpu)
  --dtype T             fp32 | fp16 | bf16 (default fp32 on cpu, fp16 on cuda; fp16 is not
                        available on cpu)
  --log-level L         trace | debug | info | warn | error | critical | off
                        (default: $LIGHTNING_LOG_LEVEL, else info)

Output (at least one):
  --out FILE.png        PNG with an A1111-style "parameters" text chunk; with --batch N > 1 one
                        file per image: FILE-0.png, FILE-1.png, ...
  --dump FILE.safetensors
                        intermediate tensors under the golden fixture names: noise,
                        step{i}.latents, step{i}.pred_x0, final_latents, image (1x3xHxW float
                        in [0, 1]); with --batch N > 1, image i > 0 has the prefix "img{i}."
                        (img1.noise, img1.step0.latents, ...)

Exit status: 0 on success, 1 on a runtime error, 2 on a bad argument.
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
  --device D            cpu | cuda | cuda:N (default cuda)
  --dtype T             fp32 | fp16 | bf16 (default fp16)
  --width W, --height H image size (default 1024 x 1024)
  --steps LIST          comma-separated step counts (default 1,2,4,8)
  --runs N              timed runs per measurement (default 10)
  --warmup N            untimed runs per step count first (default 2)
  --json FILE           write the report as JSON
  --log-level L         as for generate
)";

const char* const kMainHelp = R"(Usage: lightning <command> [options]

Commands:
  generate    text-to-image (see: lightning generate --help)
  verify      run the golden checks (see: lightning verify --help)
  bench       time the engine (see: lightning bench --help)
  models      download, list or verify models in the Hugging Face cache
              (see: lightning models --help)
  help [CMD]  this text, or a command's
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
    if (!fs::is_regular_file(path)) throw UsageError(flag + ": no such file '" + path + "'");
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
    // FILE[:SCALE]: the part after the last ':' is a scale only when it is a number.
    LoraSpec spec{text, 1.0f};
    if (const auto colon = text.rfind(':'); colon != std::string::npos) {
        const std::string tail = text.substr(colon + 1);
        char* end = nullptr;
        const float scale = std::strtof(tail.c_str(), &end);
        if (!tail.empty() && end == tail.c_str() + tail.size()) {
            if (!std::isfinite(scale))
                throw UsageError(flag + ": scale '" + tail + "' is not finite");
            spec = {text.substr(0, colon), scale};
        }
    }
    require_file(flag, spec.path);
    return spec;
}

GenerateArgs parse_generate(const std::vector<std::string>& args) {
    static const std::set<std::string> valued = {
        "--model",      "--config", "--unet",     "--lightning", "--lora",
        "--prediction", "--prompt", "--negative", "--steps",     "--guidance",
        "--width",      "--height", "--seed",     "--batch",     "--clip-skip",
        "--device",     "--dtype",  "--out",      "--dump",      "--log-level"};
    GenerateArgs g;
    std::optional<std::string> dtype;
    bool prompt_given = false;
    ArgReader reader(args);
    std::set<std::string> seen;
    while (!reader.done()) {
        std::string value;
        const std::string flag = reader.next_flag(valued, {}, &value);
        if (flag != "--lora" && !seen.insert(flag).second)
            throw UsageError(flag + " given more than once");
        auto& r = g.request;
        if (flag == "--model") {
            if (!fs::exists(value))
                throw UsageError("--model: no such file or folder '" + value + "'");
            g.load.paths.base = value;
        } else if (flag == "--config") {
            require_dir(flag, value);
            g.load.paths.config_dir = value;
        } else if (flag == "--unet") {
            require_file(flag, value);
            r.unet_file = value;
        } else if (flag == "--lightning") {
            require_dir(flag, value);
            g.load.paths.lightning_dir = value;
        } else if (flag == "--lora") {
            r.loras.push_back(parse_lora(flag, value));
        } else if (flag == "--prediction") {
            if (value == "epsilon")
                r.prediction = PredictionType::Epsilon;
            else if (value == "sample")
                r.prediction = PredictionType::Sample;
            else
                throw UsageError("--prediction: '" + value + "' is not epsilon or sample");
        } else if (flag == "--prompt") {
            r.prompt = value;
            prompt_given = true;
        } else if (flag == "--negative") {
            r.negative_prompt = value;
        } else if (flag == "--steps") {
            r.steps = parse_int(flag, value, 1, 1000);
        } else if (flag == "--guidance") {
            r.guidance = parse_float(flag, value);
            if (r.guidance < 0) throw UsageError("--guidance: must not be negative, got " + value);
        } else if (flag == "--width" || flag == "--height") {
            const int size = parse_int(flag, value, 8, 16384);
            if (size % 8) throw UsageError(flag + ": " + value + " is not a multiple of 8");
            (flag == "--width" ? r.width : r.height) = size;
        } else if (flag == "--seed") {
            r.seed = parse_number<uint64_t>(flag, value);
            g.seed_given = true;
        } else if (flag == "--batch") {
            r.batch = parse_int(flag, value, 1, 4096);
        } else if (flag == "--clip-skip") {
            r.clip_skip = parse_int(flag, value, 0, 64);
        } else if (flag == "--device") {
            g.load.device = parse_device(flag, value);
        } else if (flag == "--dtype") {
            try {
                g.load.precision = parse_precision(value);
            } catch (const Error&) {
                throw UsageError("--dtype: '" + value + "' is not fp32, fp16 or bf16");
            }
            dtype = value;
        } else if (flag == "--out") {
            require_writable_parent(flag, value);
            g.out = value;
        } else if (flag == "--dump") {
            require_writable_parent(flag, value);
            g.dump = value;
        } else if (flag == "--log-level") {
            check_log_level(flag, value);
            g.log_level = value;
        }
    }
    if (g.load.paths.base.empty()) throw UsageError("--model is required");
    if (!prompt_given) throw UsageError("--prompt is required");
    if (fs::is_regular_file(g.load.paths.base) && g.load.paths.config_dir.empty())
        throw UsageError(
            "--config DIR is required with a single-file --model (configs and "
            "tokenizers come from a diffusers folder)");
    if (g.out.empty() && g.dump.empty())
        throw UsageError("nothing to write: give --out FILE.png and/or --dump FILE.safetensors");
    if (!dtype) g.load.precision = g.load.device == "cpu" ? Precision::FP32 : Precision::FP16;
    if (g.load.device == "cpu" && g.load.precision == Precision::FP16)
        throw UsageError("--dtype fp16 is not supported on cpu (use fp32 or bf16)");
    return g;
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
    size_t start = 0;
    while (start <= value.size()) {
        const auto comma = std::min(value.find(',', start), value.size());
        const auto item = value.substr(start, comma - start);
        try {
            size_t used = 0;
            const int n = std::stoi(item, &used);
            if (used != item.size() || n < 1 || n > 1000) throw std::invalid_argument(item);
            steps.push_back(n);
        } catch (const std::exception&) {
            throw UsageError(flag + ": '" + value +
                             "' is not a comma-separated list of step counts");
        }
        start = comma + 1;
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

BenchArgs parse_bench(const std::vector<std::string>& args) {
    static const std::set<std::string> valued = {"--model",  "--lightning", "--device",   "--dtype",
                                                 "--width",  "--height",    "--steps",    "--runs",
                                                 "--warmup", "--json",      "--log-level"};
    BenchArgs b;
    ArgReader reader(args);
    while (!reader.done()) {
        std::string value;
        const std::string flag = reader.next_flag(valued, {}, &value);
        if (flag == "--model") {
            b.model = value;
        } else if (flag == "--lightning") {
            b.lightning_dir = value;
        } else if (flag == "--device") {
            b.device = parse_device(flag, value);
        } else if (flag == "--dtype") {
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
            b.warmup = parse_positive(flag, value, 1000);
        } else if (flag == "--json") {
            b.json = value;
        } else if (flag == "--log-level") {
            check_log_level(flag, value);
            b.log_level = value;
        }
    }
    if (b.model.empty()) throw UsageError("--model DIR is required");
    require_dir("--model", b.model);
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
    if (topic == "verify") return kVerifyHelp;
    if (topic == "bench") return kBenchHelp;
    if (topic == "models") return models_usage();
    return kMainHelp;
}

Command parse_command_line(const std::vector<std::string>& args) {
    Command command;
    if (args.empty()) throw UsageError("no command given (try: lightning --help)");
    const std::string& name = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (name == "--help" || name == "-h" || name == "help") {
        command.help_topic = rest.empty() ? "" : rest[0];
        if (!command.help_topic.empty() && command.help_topic != "generate" &&
            command.help_topic != "verify" && command.help_topic != "bench" &&
            command.help_topic != "models")
            throw UsageError("no help for unknown command '" + command.help_topic + "'");
        return command;
    }
    if (name != "generate" && name != "verify" && name != "bench" && name != "models")
        throw UsageError("unknown command '" + name +
                         "' (commands: generate, verify, bench, models, help)");
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
