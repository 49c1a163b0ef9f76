// `lightning upscale IN --model FILE --out OUT.png`: reads IN, checks the model file and the
// sizes before any work, runs the model (tiled), resizes down with Lanczos when --scale is below
// the model's own, and writes the PNG with a record of what made it.
#include "core/pipeline/upscale.h"
#include "app/cli/commands.h"
#include "app/cli/interrupt.h"
#include "core/pipeline/scalar_type.h"
#include "core/request/limits.h"
#include "core/util/error.h"
#include "core/util/log.h"
#include "core/util/output_file.h"
#include "core/util/sha256.h"

#ifdef LIGHTNING_HAVE_OIIO
#include "core/image/image_pixels.h"
#include "core/image/png.h"
#endif

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>

namespace lightning::cli {
namespace {

std::string file_name(const std::string& path) {
    return std::filesystem::path(path).filename().string();
}

void check_sizes(const UpscaleArgs& args, const Image8& input, int64_t native, int64_t scale) {
    if (scale > native)
        throw Error(args.model, "a ×" + std::to_string(native) + " model cannot upscale ×" +
                                    std::to_string(scale) + " (--scale at most " +
                                    std::to_string(native) + ")");
    try {
        // The model's own output is what must fit, before any resize down.
        limits::check_upscaled_size(input.width, input.height, int(native));
    } catch (const Error& e) {
        throw Error(args.input, e.message());
    }
    const auto extension = std::filesystem::path(args.out).extension().string();
    if (extension != ".png" && extension != ".PNG")
        throw Error("--out", "'" + args.out + "' does not end in .png; the output is a PNG");
    check_output_file(args.out, args.overwrite,
                      png_size_bound(static_cast<int>(input.width * scale),
                                     static_cast<int>(input.height * scale)));
}

// A1111's extras key and wording ("postprocessing"), which other tools show, and the details
// as JSON under "lightning-upscale".
std::map<std::string, std::string> record(const UpscaleArgs& args, const Upscaler& upscaler,
                                          int64_t scale, double seconds) {
    const std::string model_name = std::filesystem::path(args.model).stem().string();
    nlohmann::ordered_json details = {{"input", file_name(args.input)},
                                      {"input_sha256", sha256_file(args.input)},
                                      {"model", file_name(args.model)},
                                      {"model_sha256", sha256_file(args.model)},
                                      {"model_layout", upscaler.file().layout},
                                      {"model_scale", upscaler.scale()},
                                      {"scale", scale},
                                      {"downscale", scale < upscaler.scale() ? "lanczos" : "none"},
                                      {"tile", args.tile},
                                      {"tile_overlap", args.tile_overlap},
                                      {"device", args.device},
                                      {"dtype", to_string(args.precision)},
                                      {"seconds", seconds}};
    return {{"postprocessing", "Postprocess upscale by: " + std::to_string(scale) +
                                   ", Postprocess upscaler: " + model_name},
            {"lightning-upscale", details.dump()}};
}

}  // namespace

int run_upscale(const UpscaleArgs& args) {
#ifndef LIGHTNING_HAVE_OIIO
    throw Error("upscale", "this build reads and writes no images (built without OpenImageIO)");
#else
    const Image8 input = read_image_pixels(args.input);
    const auto upscaler =
        Upscaler::open(args.model, c10::Device(args.device), scalar_type_of(args.precision));
    const int64_t native = upscaler->scale();
    const int64_t scale = args.scale ? args.scale : native;
    check_sizes(args, input, native, scale);
    log().info("upscale: {} ({}x{}) with {} ({} layout, ×{}), tile {} overlap {} on {}", args.input,
               input.width, input.height, args.model, upscaler->file().layout, native, args.tile,
               args.tile_overlap, args.device);
    // From here on Ctrl+C or SIGTERM stop between tiles: exit 130, nothing written.
    const InterruptGuard guard;
    const TileDone on_tile = [](int64_t done, int64_t total) {
        log().debug("upscale: tile {}/{}", done, total);
        if (interrupted()) throw Cancelled();
    };
    const auto start = std::chrono::steady_clock::now();
    Image8 output;
    try {
        output = upscaler->upscale_by(input, scale, {args.tile, args.tile_overlap}, on_tile);
    } catch (const Cancelled&) {
        log().info("upscale: interrupted; nothing written");
        return kInterruptedExit;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    PngText text;
    text.entries = record(args, *upscaler, scale, seconds);
    try {
        write_png(args.out, output, text, args.overwrite ? IfExists::Replace : IfExists::Refuse);
    } catch (const TargetExists& e) {
        throw Error(e.where(), e.message() + "; use --overwrite to replace it");
    }
    log().info("upscale: wrote {} ({}x{}) in {:.2f} s", args.out, output.width, output.height,
               seconds);
    return 0;
#endif
}

}  // namespace lightning::cli
