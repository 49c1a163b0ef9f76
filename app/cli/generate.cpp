#include "app/cli/commands.h"
#include "core/io/safetensors.h"
#include "core/pipeline/parameters.h"
#include "core/util/error.h"
#include "core/util/log.h"

#ifdef LIGHTNING_HAVE_OIIO
#include "core/image/png.h"
#endif

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <regex>

namespace lightning::cli {
namespace {

std::atomic<bool> g_interrupted{false};

void on_interrupt(int) {
    g_interrupted = true;
}

// Trace tensors that go into --dump: the golden names the fixtures compare end to end.
bool is_dump_tensor(const std::string& name) {
    static const std::regex pattern(
        R"((img\d+\.)?(noise|step\d+\.latents|step\d+\.pred_x0|final_latents|image)|prompt_embeds|add_text_embeds)");
    return std::regex_match(name, pattern);
}

// FILE.png -> FILE-i.png for batches.
std::string numbered_path(const std::string& path, int index, int batch) {
    if (batch == 1) return path;
    const std::filesystem::path p(path);
    return (p.parent_path() /
            (p.stem().string() + "-" + std::to_string(index) + p.extension().string()))
        .string();
}

}  // namespace

int run_generate(const GenerateArgs& input) {
    GenerateArgs args = input;
#ifndef LIGHTNING_HAVE_OIIO
    if (!args.out.empty())
        throw UsageError(
            "--out: this build has no PNG support (built without OpenImageIO); "
            "use --dump");
#endif
    if (!args.seed_given) {
        std::random_device device;
        args.request.seed = (uint64_t(device()) << 32 | device()) & ((uint64_t(1) << 53) - 1);
        std::cout << "seed: " << args.request.seed << '\n';
    }
    args.request.record_trace = !args.dump.empty();

    auto pipeline = Pipeline::load(args.load);

    std::signal(SIGINT, on_interrupt);
    Callbacks callbacks;
    callbacks.should_cancel = [] { return g_interrupted.load(); };
    callbacks.on_step = [&](const StepInfo& step) {
        log().info("image {}/{} step {}/{}: t={} sigma={:.4f} ({:.2f} s)", step.image_index + 1,
                   args.request.batch, step.step + 1, step.total_steps, step.timestep, step.sigma,
                   step.seconds);
        return true;
    };
    const auto result = pipeline->generate(args.request, callbacks);
    std::signal(SIGINT, SIG_DFL);
    if (result.cancelled) {
        std::cerr << "lightning: cancelled\n";
        return 130;
    }

    if (!args.dump.empty()) {
        std::vector<std::pair<std::string, at::Tensor>> tensors;
        for (const auto& [name, tensor] : result.trace)
            if (is_dump_tensor(name)) tensors.emplace_back(name, tensor);
        save_safetensors(args.dump, tensors);
        std::cout << "wrote " << args.dump << " (" << tensors.size() << " tensors)\n";
    }
#ifdef LIGHTNING_HAVE_OIIO
    if (!args.out.empty()) {
        const std::string model = model_name_of(args.load.paths.base);
        for (int i = 0; i < int(result.images.size()); ++i) {
            const auto path = numbered_path(args.out, i, int(result.images.size()));
            PngText text;
            text.entries["parameters"] =
                format_parameters(parameters_for(args.request, result, i, model));
            write_png(path, result.images[i].pixels, text);
            std::cout << "wrote " << path << " (seed " << result.images[i].seed << ")\n";
        }
    }
#endif
    std::printf("done in %.2f s\n", result.seconds);
    return 0;
}

}  // namespace lightning::cli
