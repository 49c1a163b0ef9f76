// `lightning generate`: arguments -> one request -> the engine -> PNGs, each written the moment
// its image is done, so an interrupted batch keeps what it finished.
#include "app/cli/commands.h"
#include "app/cli/interrupt.h"
#include "app/cli/terminal_text.h"
#include "core/io/safetensors.h"
#include "core/request/file_hashes.h"
#include "core/request/limits.h"
#include "core/request/wildcards.h"
#include "core/util/error.h"
#include "core/util/log.h"
#include "core/util/output_file.h"

#ifdef LIGHTNING_HAVE_OIIO
#include "core/image/image_file.h"
#endif
#ifdef LIGHTNING_HAVE_IMAGE_READER
#include "core/image/image_pixels.h"
#endif

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <regex>

namespace lightning::cli {
namespace {

namespace fs = std::filesystem;

// Trace tensors that go into --dump: the golden names the fixtures compare end to end, and when
// refining the encoded input and the mask at latent size.
bool is_dump_tensor(const std::string& name) {
    static const std::regex pattern(
        R"((img\d+\.)?(noise|step\d+\.latents|step\d+\.pred_x0|final_latents|image|image_latents)|prompt_embeds|add_text_embeds|mask)");
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

// --out writes PNG bytes only: a name promising another format would mislead every viewer.
void check_png_name(const std::string& path) {
    std::string extension = fs::path(path).extension().string();
    for (char& c : extension) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (extension != ".png")
        throw Error("--out", "'" + path + "' does not end in .png; images are written as PNG " +
                                 "(with their parameters), so name the file FILE.png");
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
        resolved_images(args.request);  // prompt templates: their wildcards, for every image
        if (!args.out.empty() && args.out != "-") {
            const int batch = args.request.batch;
            const auto [width, height] = output_size(args.request);
            const uint64_t bytes = png_size_bound(width, height);
            for (int i = 0; i < batch; ++i)
                check_output_file(numbered_path(args.out, i, batch), args.overwrite, bytes * batch);
            check_png_name(args.out);  // after: a folder is called a folder, not a bad name
        }
        if (!args.dump.empty()) check_output_file(args.dump, true, 0);
    } catch (const Error& e) {
        throw UsageError(e.what());
    }
}

// --from of a dynamic prompt: its template resolved again should give the recorded prompt; the
// wildcard files may have changed since.
void warn_if_template_changed(const GenerateArgs& args, const std::string& from) {
    const GenerationRequest& recorded = args.from_record->request;
    if (args.request.has_template() && recorded.has_template()) {
        WildcardFolder folder(args.request.wildcards_dir);
        const GenerationRequest resolved = resolved_image(args.request, 0, folder);
        // The record's prompts are trimmed (core/request/parameters.h).
        const auto same = [](const std::string& a, const std::string& b) {
            const auto trim = [](const std::string& t) {
                const auto begin = t.find_first_not_of(" \t\r\n");
                return begin == std::string::npos
                           ? std::string()
                           : t.substr(begin, t.find_last_not_of(" \t\r\n") - begin + 1);
            };
            return trim(a) == trim(b);
        };
        if (!same(resolved.prompt, recorded.prompt) ||
            (args.request.uses_guidance() &&
             !same(resolved.negative_prompt.value_or(""), recorded.negative_prompt.value_or(""))))
            print_warning(from + " was made with the prompt '" + recorded.prompt +
                          "'; its template now resolves to '" + resolved.prompt +
                          "' (other wildcard files?): the image will not be identical");
    }
}

// --from: the files given now against the hashes the image recorded. The model's hash covers
// its own UNet when no other UNet is used, so a missing --lightning is named as such, not
// blamed on the model.
void compare_with_recorded(const GenerateArgs& args, const Engine& engine) {
    if (!args.from_record) return;
    const auto& recorded = *args.from_record;
    GenerationResult probe;
    probe.unet_path = engine.unet_for(args.request);
    const ImageRecord now = engine.record_for(args.request, probe, 0);
    const std::string from = "--from: " + args.from;
    warn_if_template_changed(args, from);
    // Another tool's record names its checkpoint its own way and says nothing of a UNet file:
    // nothing to compare (its summary said what was read).
    if (!args.from_summary.empty()) return;
    if (recorded.unet.name.empty() != now.unet.name.empty()) {
        print_warning(recorded.unet.name.empty()
                          ? from + " was made with the base model's own UNet; this run uses " +
                                now.unet.name + ": the image will not be identical"
                          : from + " was made with the UNet " + recorded.unet.name + " (" +
                                recorded.unet.hash + "); this run uses the base model's own " +
                                "UNet: give --lightning FOLDER or --unet FILE");
        return;
    }
    auto compare = [&](const char* what, const FileIdentity& then, const FileIdentity& current) {
        if (!then.hash.empty() && !current.hash.empty() && then.hash != current.hash)
            print_warning(std::string(what) + " differs from the one " + args.from +
                          " was made with (" + then.name + " " + then.hash + ", now " +
                          current.name + " " + current.hash + "); the image will not be identical");
    };
    compare("the model", recorded.model, now.model);
    compare("the UNet", recorded.unet, now.unet);
    for (size_t i = 0; i < recorded.loras.size() && i < now.loras.size(); ++i)
        compare("a LoRA", recorded.loras[i], now.loras[i]);
    compare("the input image", recorded.input_image, now.input_image);
    compare("the mask", recorded.mask, now.mask);
    compare("the hires upscaler", recorded.hires_upscaler, now.hires_upscaler);
    compare("the upscaler", recorded.upscaler, now.upscaler);
}

// Settings of --from's PNG that this program has no use for (another tool's sampler, face
// restoration, ...), said once, so that a different-looking result is not a mystery.
void report_unused_settings(const GenerateArgs& args) {
    if (!args.from_record) return;
    if (!args.from_summary.empty())
        std::cerr << "--from: " << args.from << ": " << args.from_summary << "\n";
    std::string unused;
    for (const auto& setting : unused_settings(*args.from_record))
        unused += (unused.empty() ? "" : ", ") + setting;
    if (!unused.empty())
        print_warning("--from: settings of " + args.from +
                      " not used (Lightning Studio samples with Euler): " + unused);
}

#ifdef LIGHTNING_HAVE_OIIO
void write_image(const GenerateArgs& args, const ImageEvent& event, int batch) {
    if (args.out == "-") {
        const auto bytes =
            encode_image_file(event.image->pixels, event.record, std::nullopt, "standard output");
        std::fwrite(bytes.data(), 1, bytes.size(), stdout);
        std::fflush(stdout);
        return;
    }
    const auto path = numbered_path(args.out, event.index, batch);
    // The path was checked to be free (or --overwrite given) before loading; another process
    // may have written it since.
    try {
        write_image_file(path, event.image->pixels, event.record, std::nullopt,
                         args.overwrite ? IfExists::Replace : IfExists::Refuse);
    } catch (const TargetExists& e) {
        throw Error(e.where(), e.message() + "; use --overwrite to replace it");
    }
    std::cerr << "wrote " << path << " (seed " << event.image->seed << ")\n";
    if (event.record.request.has_template())
        std::cerr << "  prompt: " << printable(event.record.request.prompt) << "\n";
}
#endif

void write_dump(const std::string& path, const GenerationResult& result) {
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& [name, tensor] : result.trace)
        if (is_dump_tensor(name)) tensors.emplace_back(name, tensor);
    save_safetensors(path, tensors);
    std::cerr << "wrote " << path << " (" << tensors.size() << " tensors)\n";
}

// Notes on the request once the engine has accepted it, progress, and each image's PNG.
EngineCallbacks callbacks_for(const GenerateArgs& args, const Engine& engine, bool& started) {
    EngineCallbacks callbacks;
    callbacks.on_start = [&](const std::vector<std::string>& warnings) {
        started = true;
        report_unused_settings(args);
        for (const auto& warning : engine.load_warnings()) print_warning(warning);
        for (const auto& warning : warnings) print_warning(warning);
        compare_with_recorded(args, engine);
    };
    callbacks.should_cancel = [] { return interrupted(); };
    callbacks.on_step = [](const StepEvent& step) {
        log().info("image {}/{} step {}/{} ({:.2f} s)", step.image_index + 1, step.batch,
                   step.step + 1, step.total_steps, step.seconds);
    };
    callbacks.on_image = [&](const ImageEvent& event) {
#ifdef LIGHTNING_HAVE_OIIO
        if (!args.out.empty()) write_image(args, event, args.request.batch);
#endif
    };
    return callbacks;
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
#ifdef LIGHTNING_HAVE_IMAGE_READER
    args.engine.read_image = read_image_pixels;
#endif
    check_before_loading(args);

    // From here on Ctrl+C stops at the next check and exits 130 (engine joined, nothing partial).
    const InterruptGuard guard;
    auto engine = Engine::load(args.engine);
    const CancelOnInterrupt cancel({engine.get()});
    bool started = false;
    const EngineCallbacks callbacks = callbacks_for(args, *engine, started);
    EngineResult result;
    try {
        if (!interrupted()) result = engine->generate(args.request, callbacks);
    } catch (const Error& e) {
        // Before on_start the engine's validation refused the request: a bad argument.
        if (!started) throw UsageError(e.what());
        throw;
    }
    if (result.run.cancelled || interrupted()) {
        std::cerr << "lightning: interrupted after " << result.run.images.size() << " of "
                  << counted(args.request.batch, "image") << "; finished ones are kept\n";
        return kInterruptedExit;
    }
    if (!args.dump.empty()) write_dump(args.dump, result.run);
    std::fprintf(stderr, "done in %.2f s (seed %llu)\n", result.run.seconds,
                 static_cast<unsigned long long>(args.request.seed));
    return 0;
}

}  // namespace lightning::cli
