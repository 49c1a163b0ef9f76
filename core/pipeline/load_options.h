// How a pipeline is loaded: plain data without torch, so the app's settings and the CLI's
// arguments build it without torch headers (core/engine/engine_options.h adds the engine's part).
#pragma once
#include "core/pipeline/cuda_speedups.h"
#include "core/request/enums.h"
#include "core/request/image8.h"
#include "core/request/model_layout.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace lightning {

// Memory the UNet checkpoint cache may use; nullopt = adapt to what is free (device: free memory
// minus a reserve for activations; host: available memory minus a reserve for the system).
struct CheckpointBudget {
    std::optional<uint64_t> device_bytes;
    std::optional<uint64_t> host_bytes;
};

// How a pipeline is loaded; the engine's options (core/engine/engine_options.h) are these plus
// previews.
struct LoadOptions {
    ModelLocations models;
    std::string device = "cpu";  // cpu | cuda | cuda:N
    Precision precision = Precision::FP32;
    CheckpointBudget checkpoint_budget;  // UNet checkpoints kept for switching
    // A VAE to use instead of the model's own: diffusers VAE folder or single file (diffusers or
    // ldm names; core/convert/vae_file.h). "" = the model's. A VAE whose config says
    // force_upcast false (sdxl-vae-fp16-fix) decodes in fp16 in an fp16 pipeline.
    std::string vae;
    CudaSpeedups speedups;  // ignored on the CPU
    // Reads the input image and mask of a refining request as 8-bit RGB (core/image's
    // read_image_pixels, for the CLI and the app). Empty: this build reads no image files, and
    // a request with an input image is refused.
    std::function<Image8(const std::string& path)> read_image;
};

}  // namespace lightning
