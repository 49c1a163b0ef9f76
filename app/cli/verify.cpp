#include "app/cli/commands.h"
#include "core/pipeline/scalar_type.h"
#include "core/testing/golden.h"
#include "core/testing/golden_pipeline.h"
#include "core/testing/golden_text.h"
#include "core/testing/golden_unet.h"
#include "core/testing/golden_upscale.h"
#include "core/testing/golden_vae.h"
#include "core/util/cpu_backends.h"
#include "core/util/error.h"
#ifdef LIGHTNING_HAVE_IMAGE_READER
#include "core/image/image_pixels.h"
#endif

#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>

namespace lightning::cli {
namespace {

struct Check {
    const char* name;
    std::function<GoldenReport(const GoldenOptions&)> run;
};

// The checks --only selects (all without it), each once, in their order below.
std::vector<Check> selected(std::vector<Check> checks, const std::vector<std::string>& only) {
    if (only.empty()) return checks;
    std::vector<Check> kept;
    for (auto& check : checks)
        if (std::find(only.begin(), only.end(), check.name) != only.end())
            kept.push_back(std::move(check));
    return kept;
}

std::vector<Check> all_checks(const VerifyArgs& args) {
    std::vector<Check> checks;
    checks.push_back({"text", check_text_encoder_goldens});
    checks.push_back({"unet", check_unet_goldens});
    checks.push_back({"vae", check_vae_goldens});
    checks.push_back({"scheduler", check_scheduler_goldens});
    checks.push_back({"pipeline", check_pipeline_goldens});
    checks.push_back({"prompts", check_prompt_pipeline_goldens});
    if (!args.refine_dir.empty()) {
        const std::string manifest = args.refine_dir + "/manifest.json";
        checks.push_back({"refine", [manifest](const GoldenOptions& options) {
                              return check_manifest_pipeline_goldens(options, manifest);
                          }});
    }
    if (!args.upscale_dir.empty()) {
        checks.push_back({"upscale", [dir = args.upscale_dir](const GoldenOptions& options) {
                              return check_upscale_goldens(options, dir);
                          }});
    }
    return selected(std::move(checks), args.only);
}

}  // namespace

int run_verify(const VerifyArgs& args) {
    // The goldens are fp32 without TF32 (cuDNN enables TF32 convolutions by default).
    if (args.dtype == "fp32") {
        at::globalContext().setAllowTF32CuDNN(false);
        at::globalContext().setAllowTF32CuBLAS(false);
    }
    GoldenOptions options;
    options.fixtures_dir = args.fixtures_dir;
    options.device = c10::Device(args.device == "cuda" ? "cuda:0" : args.device);
    options.dtype = scalar_type_of(parse_precision(args.dtype));
#ifdef LIGHTNING_HAVE_IMAGE_READER
    options.read_image = read_image_pixels;  // the refine cases' input images
#endif
    apply_cpu_backend_environment();
    at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));

    std::printf("golden checks on %s, %s, fixtures %s\n\n", options.device.str().c_str(),
                args.dtype.c_str(), options.fixtures_dir.c_str());
    std::printf("%-10s %7s %7s %9s  %s\n", "component", "checks", "failed", "seconds",
                "worst |diff| / status");
    bool all_passed = true;
    std::vector<std::string> failures;
    for (const auto& check : all_checks(args)) {
        const auto start = std::chrono::steady_clock::now();
        const GoldenReport report = check.run(options);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        int failed = 0;
        double worst = 0;
        const Comparison* worst_relative = nullptr;
        for (const auto& c : report) {
            if (!worst_relative || c.rel_rms > worst_relative->rel_rms) worst_relative = &c;
            if (!c.ok) {
                ++failed;
                failures.push_back(std::string(check.name) + ": " + c.message);
            }
            worst = std::max(worst, c.max_abs);
        }
        const bool ok = all_ok(report);
        all_passed = all_passed && ok;
        std::printf("%-10s %7zu %7d %9.2f  %.3g %s\n", check.name, report.size(), failed, seconds,
                    worst, ok ? "ok" : (report.empty() ? "NO CHECKS" : "FAILED"));
        if (worst_relative && worst_relative->rel_rms > 0)
            std::printf(
                "%-10s worst relative rms %.3g in %s\n", "", worst_relative->rel_rms,
                worst_relative->message.substr(0, worst_relative->message.find(':')).c_str());
    }
    if (!failures.empty()) {
        std::printf("\nfailures:\n");
        for (const auto& f : failures) std::printf("  %s\n", f.c_str());
    }
    std::printf("\n%s\n", all_passed ? "all golden checks passed" : "SOME GOLDEN CHECKS FAILED");
    return all_passed ? 0 : 1;
}

}  // namespace lightning::cli
