// Upscaling an image with an ESRGAN-family model file (RRDBNet: RealESRGAN_x4plus, x2plus,
// 4x-UltraSharp, ...), as spandrel's ImageModelDescriptor runs one (the reference the goldens
// of tests/data/esrgan come from):
//   the 8-bit image / 255 -> padded on the right and bottom (reflect, then replicate past the
//   image's size) to at least 2 pixels and, for the pixel-unshuffle models (x2plus, x1), to a
//   multiple of 4 -> the network -> cropped to H × scale, W × scale -> clamped to [0, 1] ->
//   round(x × 255) to 8 bits.
// Tiled: the padded image is cut into tiles of `tile` input pixels, each run with `overlap`
// more pixels of context on every side (less at the image's edges) and only its own part of
// the output kept. Nothing is blended, so with an overlap of at least the network's receptive
// radius (RrdbNetConfig::receptive_radius) the result is the untiled one up to float rounding;
// with less, pixels near a tile's edge differ slightly. Tile and overlap are rounded up to a
// multiple of 4 for the unshuffle models, so tiles cut the unshuffled grid where it is cut
// untiled.
#pragma once
#include "core/io/tensor_source.h"
#include "core/models/rrdbnet.h"
#include "core/pipeline/tile_done.h"
#include "core/request/image8.h"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <memory>
#include <string>

namespace lightning {

struct UpscalerFile {
    std::shared_ptr<TensorSource> weights;  // basicsr names
    std::string format;                     // "safetensors" or "pth"
    std::string layout;                     // "basicsr", "old ESRGAN", "BSRGAN"
    std::string wrapper;                    // "params_ema", ... ; "" when none
};

// Opens a .safetensors or a torch.save .pth (told apart by content, not by the name) and maps
// its names to basicsr's (core/convert/esrgan_names.h). Throws lightning::Error naming the file
// for one that is missing, no model file, truncated, or not an RRDBNet.
UpscalerFile open_upscaler_file(const std::string& path);

struct UpscaleTiling {
    int64_t tile = 0;     // input pixels per tile side; 0 = the whole image at once
    int64_t overlap = 0;  // context pixels on each side of a tile
};

// The tiles of a request's upscale (GenerationRequest::upscale, the app's action) and
// `lightning upscale`'s defaults: fixed, so that a record regenerates the same pixels; 256² input
// pixels keep a x4 model's activations near 1 GiB in fp32 (A1111 uses 192, overlap 8).
inline constexpr UpscaleTiling kRequestUpscaleTiling{256, 32};

// The file's network config from its names and shapes, without building the network: throws
// lightning::Error naming the file as Upscaler::open does for a file that is no RGB upscaler.
RrdbNetConfig check_upscaler_file(const std::string& path);

// Throws lightning::Error naming the model file when `scale` (0 = the model's) is not 1 up to
// the model's own `native` scale: what upscale_by() can make.
void check_upscale_scale(const std::string& path, int64_t native, int64_t scale);

class Upscaler {
public:
    // Loads the file's network on `device` in `dtype`. Throws lightning::Error naming the file
    // (open_upscaler_file, a shape that does not fit, a model that is not RGB in and out) or
    // the dtype when the device cannot run it (fp16 on the CPU).
    static std::unique_ptr<Upscaler> open(const std::string& path, c10::Device device = c10::kCPU,
                                          c10::ScalarType dtype = c10::kFloat);

    int64_t scale() const { return net_->config().scale(); }
    const RrdbNetConfig& config() const { return net_->config(); }
    const UpscalerFile& file() const { return file_; }
    const std::string& path() const { return path_; }

    // image: [1, in_channels, H, W] in [0, 1]. Returns the unclamped float32
    // [1, out_channels, H × scale, W × scale] on the CPU (spandrel's call before its clamp).
    at::Tensor run(const at::Tensor& image, const UpscaleTiling& tiling = {},
                   const TileDone& on_tile = {}) const;

    // The 8-bit image upscaled by the model's scale (clamped and rounded as described above).
    Image8 upscale(const Image8& image, const UpscaleTiling& tiling = {},
                   const TileDone& on_tile = {}) const;
    // Upscaled by `scale` (1 up to the model's; 0 = the model's): the model's output resized down
    // with Lanczos (PIL's, as A1111 does) when the scale is below the model's own. Throws
    // lightning::Error naming the file for a scale above it.
    Image8 upscale_by(const Image8& image, int64_t scale, const UpscaleTiling& tiling,
                      const TileDone& on_tile = {}) const;

private:
    Upscaler(std::string path, UpscalerFile file, std::shared_ptr<RrdbNet> net);
    at::Tensor run_tiles(const at::Tensor& padded, int64_t tile, int64_t overlap,
                         const TileDone& on_tile) const;

    std::string path_;
    UpscalerFile file_;
    std::shared_ptr<RrdbNet> net_;
};

// The image as a [1, 3, H, W] float32 tensor of value / 255, and back: round(clamp(x) × 255).
at::Tensor image_to_tensor(const Image8& image);
Image8 tensor_to_image(const at::Tensor& image);

}  // namespace lightning
