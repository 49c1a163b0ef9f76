// `lightning generate`: arguments -> one request -> the engine -> PNGs, each written the moment
// its image is done, so an interrupted batch keeps what it finished.
#include "app/cli/commands.h"
#include "core/engine/file_hashes.h"
#include "core/engine/limits.h"
#include "core/io/safetensors.h"
#include "core/util/error.h"
#include "core/util/log.h"
#include "core/util/output_file.h"

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

namespace fs = std::filesystem;

Engine* g_running_engine = nullptr;
std::atomic<bool> g_interrupted{false};

// Async-signal-safe: sets flags the engine polls before each UNet step.
void on_interrupt(int) {
    g_interrupted = true;
    if (g_running_engine) g_running_engine->cancel();
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
    const fs::path p(path);
    return (p.parent_path() /
            (p.stem().string() + "-" + std::to_string(index) + p.extension().string()))
        .string();
}

// Everything that can be known wrong before loading: the request against the limits table,
// the options, every output file. Errors here are bad arguments (exit 2), worded as the app
// words them.
void check_before_loading(const GenerateArgs& args) {
    try {
        limits::validate(args.request);
        validate_options(args.engine);
        unet_file_for(args.engine.models, args.request);
        check_request_files(args.request);
        if (!args.out.empty() && args.out != "-") {
            const int batch = args.request.batch;
            const uint64_t bytes = png_size_bound(args.request.width, args.request.height);
            for (int i = 0; i < batch; ++i)
                check_output_file(numbered_path(args.out, i, batch), args.overwrite, bytes * batch);
        }
        if (!args.dump.empty()) check_output_file(args.dump, true, 0);
    } catch (const Error& e) {
        throw UsageError(e.what());
    }
}

// --from: the files given now against the hashes the image recorded.
void compare_with_recorded(const GenerateArgs& args, Engine& engine) {
    if (!args.from_record) return;
    const auto& recorded = *args.from_record;
    GenerationResult probe;
    probe.unet_path = engine.unet_for(args.request);
    const ImageRecord now = engine.record_for(args.request, probe, 0);
    auto compare = [&](const char* what, const FileIdentity& then, const FileIdentity& current) {
        if (!then.hash.empty() && !current.hash.empty() && then.hash != current.hash)
            std::cerr << "lightning: warning: " << what << " differs from the one " << args.from
                      << " was made with (" << then.name << " " << then.hash << ", now "
                      << current.name << " " << current.hash
                      << "); the image will not be identical\n";
    };
    compare("the model", recorded.model, now.model);
    compare("the UNet", recorded.unet, now.unet);
    for (size_t i = 0; i < recorded.loras.size() && i < now.loras.size(); ++i)
        compare("a LoRA", recorded.loras[i], now.loras[i]);
}

#ifdef LIGHTNING_HAVE_OIIO
void write_image(const GenerateArgs& args, const ImageEvent& event, int batch) {
    PngText text;
    text.entries["parameters"] = format_parameters(event.record);
    if (args.out == "-") {
        const auto bytes = encode_png(event.image->pixels, text, "standard output");
        std::fwrite(bytes.data(), 1, bytes.size(), stdout);
        std::fflush(stdout);
        return;
    }
    const auto path = numbered_path(args.out, event.index, batch);
    // The path was checked to be free (or --overwrite given) before loading; another process
    // may have written it since.
    try {
        write_png(path, event.image->pixels, text,
                  args.overwrite ? IfExists::Replace : IfExists::Refuse);
    } catch (const TargetExists& e) {
        throw Error(e.where(), e.message() + "; use --overwrite to replace it");
    }
    std::cerr << "wrote " << path << " (seed " << event.image->seed << ")\n";
}
#endif

void write_dump(const std::string& path, const GenerationResult& result) {
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& [name, tensor] : result.trace)
        if (is_dump_tensor(name)) tensors.emplace_back(name, tensor);
    save_safetensors(path, tensors);
    std::cerr << "wrote " << path << " (" << tensors.size() << " tensors)\n";
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
        // 32 bits: the seeds A1111 and most tools show and accept.
        std::random_device device;
        args.request.seed = device();
    }
    args.request.record_trace = !args.dump.empty();
    check_before_loading(args);

    auto engine = Engine::load(args.engine);
    try {
        engine->validate(args.request);
    } catch (const Error& e) {
        throw UsageError(e.what());
    }
    compare_with_recorded(args, *engine);

    EngineCallbacks callbacks;
    callbacks.on_step = [&](const StepEvent& step) {
        log().info("image {}/{} step {}/{} ({:.2f} s)", step.image_index + 1, step.batch,
                   step.step + 1, step.total_steps, step.seconds);
    };
    callbacks.on_image = [&](const ImageEvent& event) {
#ifdef LIGHTNING_HAVE_OIIO
        if (!args.out.empty()) write_image(args, event, args.request.batch);
#endif
    };
    g_running_engine = engine.get();
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    EngineResult result;
    try {
        result = engine->generate(args.request, callbacks);
    } catch (...) {
        g_running_engine = nullptr;
        throw;
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    g_running_engine = nullptr;
    for (const auto& warning : result.warnings)
        std::cerr << "lightning: warning: " << warning << '\n';
    if (result.run.cancelled || g_interrupted) {
        std::cerr << "lightning: interrupted after " << result.run.images.size() << " of "
                  << args.request.batch << " image(s); finished ones are kept\n";
        return 130;
    }
    if (!args.dump.empty()) write_dump(args.dump, result.run);
    std::fprintf(stderr, "done in %.2f s (seed %llu)\n", result.run.seconds,
                 static_cast<unsigned long long>(args.request.seed));
    return 0;
}

}  // namespace lightning::cli
