// `lightning bench`: times the engine the way SDXL-Lightning is used (1024², batch 1, guidance 0)
// on a diffusers folder: load time, prompt encoding, each UNet step, VAE decode, preview decode,
// end to end at 1/2/4/8 steps, peak GPU memory. Medians over --runs after warm-up. Prints a
// table and writes JSON. Time is measured on the host around calls that end synchronised
// (generate returns pixels on the CPU; the pipeline synchronises after every step). Runs go
// through the Engine, as the app's and the CLI's do.
#include "app/cli/bench_timing.h"
#include "app/cli/commands.h"
#include "core/engine/engine.h"

#include "core/request/file_hashes.h"
#include "core/util/error.h"
#include "core/util/log.h"
#ifdef LIGHTNING_HAVE_IMAGE_READER
#include "core/image/image_pixels.h"
#endif

#include <torch/torch.h>
#include <torch/version.h>
#include <nlohmann/json.hpp>

#if defined(LIGHTNING_WITH_CUDA) && TORCH_VERSION_MAJOR >= 2
#define LIGHTNING_WITH_KINETO 1
#include <torch/csrc/autograd/profiler_kineto.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>

namespace lightning::cli {
namespace {

using Clock = BenchClock;

struct RunTimes {
    double total_ms = 0;
    double encode_ms = 0;
    double decode_ms = 0;
    std::vector<double> step_ms;
    std::vector<double> preview_ms;
};

RunTimes timed_generate(Engine& engine, const GenerationRequest& request, PreviewMode preview) {
    RunTimes times;
    engine.set_preview_mode(preview);
    EngineCallbacks callbacks;
    callbacks.on_step = [&](const StepEvent& event) {
        times.step_ms.push_back(event.seconds * 1000);
        if (preview != PreviewMode::Off) times.preview_ms.push_back(event.preview_seconds * 1000);
    };
    const auto start = Clock::now();
    const auto result = engine.generate(request, callbacks).run;
    times.total_ms = ms_since(start);
    times.encode_ms = result.encode_seconds * 1000;
    times.decode_ms = result.decode_seconds * 1000;
    return times;
}

struct Series {
    std::vector<double> total, encode, decode, step, preview;
    void add(const RunTimes& t) {
        total.push_back(t.total_ms);
        encode.push_back(t.encode_ms);
        decode.push_back(t.decode_ms);
        step.insert(step.end(), t.step_ms.begin(), t.step_ms.end());
        preview.insert(preview.end(), t.preview_ms.begin(), t.preview_ms.end());
    }
    nlohmann::json medians() const {
        return {{"end_to_end_ms", median(total)},
                {"prompt_encoding_ms", median(encode)},
                {"vae_decode_ms", median(decode)},
                {"unet_step_ms", median(step)},
                {"preview_decode_ms", median(preview)}};
    }
};

// One 1-step image with a reduced preview at its step, traced by PyTorch's profiler (Kineto):
// CPU ops, CUDA runtime calls and kernels on one timeline, for chrome://tracing or Perfetto.
void write_profile(Engine& engine, GenerationRequest request, const std::string& path) {
#ifdef LIGHTNING_WITH_KINETO
    namespace tpi = torch::profiler::impl;
    const tpi::ProfilerConfig config(tpi::ProfilerState::KINETO);
    const std::set<tpi::ActivityType> activities{tpi::ActivityType::CPU, tpi::ActivityType::CUDA};
    request.steps = 1;
    timed_generate(engine, request, PreviewMode::Reduced);  // warm: shapes, graphs
    torch::autograd::profiler::prepareProfiler(config, activities);
    torch::autograd::profiler::enableProfiler(config, activities);
    timed_generate(engine, request, PreviewMode::Reduced);
    torch::autograd::profiler::disableProfiler()->save(path);
    std::printf("profile: %s\n", path.c_str());
#else
    (void)engine;
    (void)request;
    throw Error(path, "--profile needs a CUDA build of libtorch 2");
#endif
}

// What ran where, and which speed-up levers were on.
nlohmann::json report_header(const BenchArgs& args) {
    nlohmann::json report;
    report["device"] = args.device;
    report["dtype"] = to_string(args.precision);
    report["size"] = {args.width, args.height};
    if (!args.input.image.empty())
        report["refine"] = {{"init_image", args.input.image},
                            {"strength", args.input.strength},
                            {"mask", args.input.mask}};
    if (args.hires.on())
        report["hires"] = {{"scale", args.hires.scale},
                           {"strength", args.hires.strength},
                           {"upscaler", to_string(args.hires.upscaler)}};
    report["runs"] = args.runs;
    if (const auto card = card_name(args.device); !card.empty()) report["card"] = card;
    report["torch"] = TORCH_VERSION;
    nlohmann::json on = nlohmann::json::array();
    for (const auto& lever : cuda_speedup_names()) {
        CudaSpeedups with = args.speedups;
        set_speedup(with, lever, true);
        if (with == args.speedups) on.push_back(lever);
    }
    report["levers_on"] = on;
    return report;
}

// Loads the engine and the first checkpoint's weights (the engine reads them on first use, so
// they are part of loading); records the time in the report.
std::unique_ptr<Engine> load_engine(const BenchArgs& args, nlohmann::json& report) {
    EngineOptions options;
    options.models.base = args.model;
    options.models.lightning_dir = args.lightning_dir;
    options.device = args.device;
    options.precision = args.precision;
    options.preview = PreviewMode::Off;
    options.speedups = args.speedups;
#ifdef LIGHTNING_HAVE_IMAGE_READER
    options.read_image = read_image_pixels;  // --init-image, --mask
#endif
    synchronize(args.device);
    const auto load_start = Clock::now();
    auto engine = Engine::load(options);
    engine->switch_to_steps(args.steps.front());
    synchronize(args.device);
    report["load_s"] = ms_since(load_start) / 1000;
    // The PNG records' file hashes (cached on disk after a model's first use), taken now so
    // that no timed run waits for them.
    for (const auto& file : engine->model_files()) short_file_hash(file);
    return engine;
}

// Timed series of generations of one prompt on a loaded engine, each printed as a table row.
class SeriesRunner {
public:
    SeriesRunner(Engine& engine, const BenchArgs& args) : engine_(engine), args_(args) {
        request_.prompt = "A girl smiling, photograph, golden hour";
        request_.width = args.width;
        request_.height = args.height;
        request_.guidance = 0;
        request_.input = args.input;
        request_.hires = args.hires;
    }

    // --warmup untimed generations at each step count.
    void warm_up() {
        for (int steps : args_.steps) {
            use(steps, 1);
            for (int i = 0; i < args_.warmup; ++i)
                timed_generate(engine_, request_, PreviewMode::Off);
        }
    }

    // The medians of --runs generations.
    nlohmann::json run(int steps, PreviewMode preview, const std::string& label, int batch = 1) {
        use(steps, batch);
        // Previews and a new batch size bring new shapes (graph capture, cuDNN timing): warm.
        if (preview != PreviewMode::Off || batch > 1) timed_generate(engine_, request_, preview);
        Series series;
        for (int i = 0; i < args_.runs; ++i) series.add(timed_generate(engine_, request_, preview));
        auto m = series.medians();
        m["images"] = batch;
        m["per_image_ms"] = m["end_to_end_ms"].get<double>() / batch;
        std::printf("%-28s %10.1f %10.2f %10.2f %10.2f %10.2f\n", label.c_str(),
                    m["end_to_end_ms"].get<double>(), m["prompt_encoding_ms"].get<double>(),
                    m["unet_step_ms"].get<double>(), m["vae_decode_ms"].get<double>(),
                    m["preview_decode_ms"].get<double>());
        return m;
    }

    void profile(const std::string& path) {
        use(1, 1);
        write_profile(engine_, request_, path);
    }

private:
    // The engine picks the step count's checkpoint.
    void use(int steps, int batch) {
        request_.steps = steps;
        request_.batch = batch;
    }

    Engine& engine_;
    const BenchArgs& args_;
    GenerationRequest request_;
};

// --batch N: N images at 4 steps, per image against one image alone.
void run_batch(SeriesRunner& runner, int batch, nlohmann::json& report) {
    const std::string label = "4 steps, " + std::to_string(batch) + " images";
    report["batch_4step"] = runner.run(4, PreviewMode::Off, label, batch);
    const double single =
        report["steps"].contains("4") ? report["steps"]["4"]["end_to_end_ms"].get<double>() : 0.0;
    const double per_image = report["batch_4step"]["per_image_ms"].get<double>();
    std::printf("per image: %.1f ms (%.2fx one image alone)\n", per_image,
                single > 0 ? per_image / single : 0);
}

}  // namespace

int run_bench(const BenchArgs& args) {
    if (!args.upscaler.empty()) return run_upscale_bench(args);
    nlohmann::json report = report_header(args);
    const auto engine = load_engine(args, report);
    SeriesRunner runner(*engine, args);
    runner.warm_up();
    reset_peak(args.device);
    std::printf("%-28s %10s %10s %10s %10s %10s\n", "run (median ms)", "total", "encode",
                "unet/step", "decode", "preview");
    nlohmann::json per_steps;
    for (int steps : args.steps)
        per_steps[std::to_string(steps)] =
            runner.run(steps, PreviewMode::Off, std::to_string(steps) + " steps");
    report["steps"] = per_steps;
    report["peak_memory_gb"] = peak_gpu_gib(args.device);
    report["peak_host_rss_gb"] = peak_host_rss_gib();
    if (args.previews) {
        report["preview_reduced_4step"] = runner.run(4, PreviewMode::Reduced, "4 steps + preview");
        report["preview_full_4step"] = runner.run(4, PreviewMode::Full, "4 steps + full preview");
    }
    if (args.batch > 1) run_batch(runner, args.batch, report);
    if (!args.profile.empty()) runner.profile(args.profile);
    std::printf("load %.2f s, peak GPU memory %.2f GiB, peak host RSS %.2f GiB\n",
                report["load_s"].get<double>(), report["peak_memory_gb"].get<double>(),
                report["peak_host_rss_gb"].get<double>());
    if (!args.json.empty()) write_report(args.json, report.dump(2));
    return 0;
}

}  // namespace lightning::cli
