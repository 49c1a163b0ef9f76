// Command-line parsing for `lightning`: every bad argument becomes one clear UsageError line.
#pragma once
#include "core/batch/manifest.h"
#include "core/engine/engine.h"
#include "core/request/parameters.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lightning::cli {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct GenerateArgs {
    EngineOptions engine;
    GenerationRequest request;
    bool seed_given = false;
    std::string out;  // PNG path; "-" = standard output; "" = none
    bool overwrite = false;
    std::string dump;  // safetensors path ("" = none)
    std::string from;  // PNG whose parameters the request starts from ("" = none)
    std::optional<ImageRecord> from_record;  // its parameters, read while parsing
    // When from_record is another tool's (ComfyUI, InvokeAI, Fooocus): what was read from it,
    // foreign_summary()'s line; "" for an A1111 `parameters` text.
    std::string from_summary;
    std::string log_level;
    // --lora-dir: folders whose LoRA files <lora:name:weight> prompt tags name.
    std::vector<std::string> lora_dirs;
};

// Moves the <lora:name:weight> tags of `request`'s prompt into its LoRAs, resolved in the
// `lora_dirs` folders (core/lora/lora_files.h). Throws lightning::Error("prompt", ...).
void resolve_prompt_loras(GenerationRequest& request, const std::vector<std::string>& lora_dirs);

// `lightning batch MANIFEST --out DIR`: generate's flags give the engine options and the
// defaults of every manifest line.
struct BatchArgs {
    GenerateArgs defaults;  // engine options (model, dtype, ...) and request defaults
    bool prompt_given = false;
    bool dtype_given = false;
    std::string manifest;
    std::string out_dir;
    std::vector<std::string> devices;   // --devices / --device; {"all"} is resolved at run time
    std::optional<batch::Shard> shard;  // --shard I/N
    std::optional<int> shards;          // --shards N (with the scheduler's index variable)
    bool strict = false;                // stop at the first bad line instead of skipping it
    bool strict_paths = false;          // a line's files must lie in the manifest's folder
    bool discard_images = false;        // time only: no PNGs (builds without PNG support)
    std::string json;                   // summary report path ("" = none)
};

// `lightning serve --model PATH`: an HTTP API over one engine per device (app/cli/serve.cpp).
struct ServeArgs {
    GenerateArgs defaults;  // engine options, and what a request leaves out (steps, size, ...)
    bool dtype_given = false;
    std::vector<std::string> devices;  // as batch's --devices / --device
    std::string listen = "127.0.0.1";
    int port = 7860;      // A1111's; 0 = any free port (printed)
    std::string api_key;  // --api-key, or the first line of --api-key-file
    int max_queue = 16;   // jobs waiting; more get 503
    int max_batch = 8;    // images per request
    int max_body_mb = 64;
    bool log_json = false;  // --log-format json: one JSON object per log line
};

struct InfoArgs {
    std::vector<std::string> files;
    bool json = false;
};

struct VerifyArgs {
    std::string fixtures_dir;
    std::string refine_dir;  // tests/data/refine: the img2img / inpainting goldens too
    // tests/data/esrgan: the ESRGAN upscaler goldens too; --only: these checks alone (none = all)
    std::string upscale_dir;
    std::vector<std::string> only;
    std::string device = "cpu";
    std::string dtype = "fp32";
    std::string log_level;
};

struct BenchArgs {
    std::string model;          // diffusers folder (e.g. bench/reference/make_random_sdxl.py's)
    std::string lightning_dir;  // optional: time the Lightning UNet files instead
    std::string device = "cuda";
    Precision precision = Precision::FP16;
    int width = 1024;
    int height = 1024;
    std::vector<int> steps = {1, 2, 4, 8};
    int runs = 10;
    int warmup = 2;
    bool previews = true;   // also time the 4-step run with previews at every step
    int batch = 1;          // > 1: also time a 4-step run of this many images (per image)
    CudaSpeedups speedups;  // --without turns levers off
    RefineInput input;      // --init-image/--strength/--mask: time img2img or inpainting
    HiresFix hires;         // --hires-scale/--hires-strength: time the hires fix
    std::string profile;    // Chrome trace of one 1-step run with a preview ("" = none)
    std::string json;       // report path ("" = none)
    std::string log_level;
    // --upscaler FILE: time this ESRGAN model instead (bench_upscale.cpp), on tiles of `tile`
    // input pixels (0 = the whole image) with `tile_overlap` context pixels.
    std::string upscaler;
    int tile = 0;
    int tile_overlap = 32;
};

// `lightning upscale IN --model FILE --out OUT.png`: an ESRGAN-family model file
// (core/pipeline/upscale.h), then Lanczos down to --scale when it is below the model's.
struct UpscaleArgs {
    std::string input;
    std::string model;
    std::string out;
    int scale = 0;  // 0 = the model's own
    int tile = 256;
    int tile_overlap = 32;
    std::string device = "cpu";
    Precision precision = Precision::FP32;
    bool overwrite = false;
    std::string log_level;
};

struct Command {
    enum class Kind { Help, Version, Generate, Batch, Verify, Bench, Info, Models, Upscale, Serve };
    Kind kind = Kind::Help;
    std::string help_topic;  // "", or a command's name
    GenerateArgs generate;
    BatchArgs batch;
    VerifyArgs verify;
    BenchArgs bench;
    InfoArgs info;
    UpscaleArgs upscale;
    ServeArgs serve;
    std::vector<std::string> models;  // `models` arguments, parsed by app/cli/models.cpp
};

// argv without the program name. Throws UsageError.
Command parse_command_line(const std::vector<std::string>& args);

std::string usage(const std::string& topic);

}  // namespace lightning::cli
