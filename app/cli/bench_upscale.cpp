// `lightning bench --upscaler FILE`: times an ESRGAN-family upscaler (core/pipeline/upscale) on
// a random W x H image the way bench/reference/esrgan_bench.py times spandrel on the same file:
// float pixels in host memory to the unclamped output in host memory (Upscaler::run: to the
// device and dtype, the network, back as float32 on the host), medians of --runs after --warmup
// runs, and the peak GPU memory allocated during the timed runs. Prints a line, writes JSON.
#include "app/cli/bench_timing.h"
#include "app/cli/commands.h"
#include "core/pipeline/scalar_type.h"
#include "core/pipeline/upscale.h"
#include "core/util/error.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>
#include <torch/version.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace lightning::cli {
namespace {

// Seeded random 8-bit values / 255, as an image's pixels come in ([1, 3, H, W] float32).
at::Tensor random_pixels(int width, int height) {
    const auto generator = at::detail::createCPUGenerator(1904);
    return at::randint(0, 256, {1, 3, height, width}, generator, at::kFloat).div_(255);
}

nlohmann::json report_header(const BenchArgs& args, const Upscaler& upscaler) {
    const auto& c = upscaler.config();
    return {{"upscaler", std::filesystem::path(args.upscaler).filename().string()},
            {"layout", upscaler.file().layout},
            {"scale", upscaler.scale()},
            {"num_feat", c.num_feat},
            {"num_block", c.num_block},
            {"num_grow_ch", c.num_grow_ch},
            {"device", args.device},
            {"card", card_name(args.device)},
            {"dtype", to_string(args.precision)},
            {"size", {args.width, args.height}},
            {"tile", args.tile},
            {"tile_overlap", args.tile_overlap},
            {"runs", args.runs},
            {"warmup", args.warmup},
            {"tf32_cudnn", at::globalContext().allowTF32CuDNN()},
            {"cudnn_benchmark", at::globalContext().benchmarkCuDNN()},
            {"torch", TORCH_VERSION}};
}

}  // namespace

int run_upscale_bench(const BenchArgs& args) {
    synchronize(args.device);
    const auto load_start = BenchClock::now();
    const auto upscaler =
        Upscaler::open(args.upscaler, c10::Device(args.device), scalar_type_of(args.precision));
    synchronize(args.device);
    nlohmann::json report = report_header(args, *upscaler);
    report["load_s"] = ms_since(load_start) / 1000;
    const at::Tensor input = random_pixels(args.width, args.height);
    const UpscaleTiling tiling{args.tile, args.tile_overlap};
    for (int i = 0; i < args.warmup; ++i) upscaler->run(input, tiling);
    reset_peak(args.device);
    std::vector<double> runs_ms;
    at::Tensor output;
    for (int i = 0; i < args.runs; ++i) {
        const auto start = BenchClock::now();
        output = upscaler->run(input, tiling);  // ends on the host: synchronised
        runs_ms.push_back(ms_since(start));
    }
    report["upscale_ms"] = median(runs_ms);
    report["runs_ms"] = runs_ms;
    report["output_size"] = {output.size(3), output.size(2)};
    report["peak_memory_gb"] = peak_gpu_gib(args.device);
    report["peak_host_rss_gb"] = peak_host_rss_gib();
    std::printf(
        "upscale %dx%d -> %ldx%ld (%s, %s, tile %d): median %.1f ms of %d runs, "
        "load %.2f s, peak GPU memory %.2f GiB\n",
        args.width, args.height, long(output.size(3)), long(output.size(2)), args.device.c_str(),
        to_string(args.precision), args.tile, report["upscale_ms"].get<double>(), args.runs,
        report["load_s"].get<double>(), report["peak_memory_gb"].get<double>());
    if (!args.json.empty()) write_report(args.json, report.dump(2));
    return 0;
}

}  // namespace lightning::cli
