#include "core/pipeline/upscale.h"

#include "core/convert/esrgan_names.h"
#include "core/io/pth.h"
#include "core/io/safetensors.h"
#include "core/pipeline/image_tensor.h"
#include "core/pipeline/refine_pixels.h"
#include "core/util/error.h"
#include "core/util/input_file.h"

#include <torch/torch.h>

#include <fstream>

namespace lightning {
namespace {

// What the file's first bytes say it is: a safetensors header (8-byte length, then '{'), a
// zip archive (torch.save), a bare pickle (legacy torch.save), or neither.
std::string sniff_format(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    unsigned char head[9] = {};
    in.read(reinterpret_cast<char*>(head), sizeof head);
    const auto got = in.gcount();
    if (got >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return "pth";
    if (got >= 2 && head[0] == 0x80 && head[1] <= 5) return "pth";  // open_pth says what it is
    if (got == 9 && head[8] == '{') return "safetensors";
    return "";
}

// spandrel's SizeRequirements(minimum=2, multiple_of=4 if unshuffled) and pad_tensor: right and
// bottom, reflect as far as the image allows, replicate for the rest.
at::Tensor pad_like_spandrel(const at::Tensor& x, int64_t unshuffle) {
    const int64_t multiple = unshuffle > 1 ? 4 : 1;
    auto padded_size = [multiple](int64_t size) {
        const int64_t at_least = std::max<int64_t>(size, 2);
        return (at_least + multiple - 1) / multiple * multiple;
    };
    const int64_t h = x.size(2), w = x.size(3);
    const int64_t pad_h = padded_size(h) - h, pad_w = padded_size(w) - w;
    if (!pad_h && !pad_w) return x;
    const int64_t reflect_h = std::min(pad_h, h - 1), reflect_w = std::min(pad_w, w - 1);
    at::Tensor out = x;
    if (reflect_h || reflect_w) out = at::reflection_pad2d(out, {0, reflect_w, 0, reflect_h});
    if (pad_h > reflect_h || pad_w > reflect_w)
        out = at::replication_pad2d(out, {0, pad_w - reflect_w, 0, pad_h - reflect_h});
    return out;
}

int64_t round_up(int64_t value, int64_t multiple) {
    return (value + multiple - 1) / multiple * multiple;
}

}  // namespace

UpscalerFile open_upscaler_file(const std::string& path) {
    require_regular_file(path, "an upscaler model");
    UpscalerFile file;
    file.format = sniff_format(path);
    std::shared_ptr<TensorSource> source;
    if (file.format == "safetensors")
        source = SafeTensorsFile::open(path);
    else if (file.format == "pth")
        source = open_pth(path);
    else
        throw Error(path, "not a model file: neither .safetensors nor a PyTorch .pth");
    auto names = esrgan_basicsr_names(source->names(), path);
    file.layout = names.layout;
    file.wrapper = names.wrapper;
    file.weights = renamed_source(source, std::move(names.new_to_old));
    return file;
}

Upscaler::Upscaler(std::string path, UpscalerFile file, std::shared_ptr<RrdbNet> net)
    : path_(std::move(path)), file_(std::move(file)), net_(std::move(net)) {}

namespace {

RrdbNetConfig rgb_config(const UpscalerFile& file, const std::string& path) {
    const auto config = infer_rrdbnet_config(*file.weights);
    if (config.in_channels != 3 || config.out_channels != 3)
        throw Error(path, "an upscaler for " + std::to_string(config.in_channels) + " to " +
                              std::to_string(config.out_channels) +
                              " channels; only RGB (3 to 3) models upscale images");
    return config;
}

}  // namespace

RrdbNetConfig check_upscaler_file(const std::string& path) {
    return rgb_config(open_upscaler_file(path), path);
}

std::unique_ptr<Upscaler> Upscaler::open(const std::string& path, c10::Device device,
                                         c10::ScalarType dtype) {
    if (device.is_cpu() && dtype == c10::kHalf)
        throw Error("dtype", "fp16 is not supported on the CPU (use fp32 or bf16)");
    auto file = open_upscaler_file(path);
    rgb_config(file, path);
    auto net = load_rrdbnet(*file.weights, device, dtype);
    return std::unique_ptr<Upscaler>(new Upscaler(path, std::move(file), std::move(net)));
}

at::Tensor Upscaler::run(const at::Tensor& image, const UpscaleTiling& tiling,
                         const TileDone& on_tile) const {
    const auto& c = net_->config();
    if (!image.defined() || image.dim() != 4 || image.size(0) != 1 ||
        image.size(1) != c.in_channels || image.size(2) < 1 || image.size(3) < 1)
        throw Error("Upscaler::run", "expected a [1, " + std::to_string(c.in_channels) +
                                         ", height, width] image tensor");
    if (tiling.tile < 0 || tiling.overlap < 0)
        throw Error("Upscaler::run", "tile and overlap must not be negative");
    const int64_t h = image.size(2), w = image.size(3), s = c.scale();
    // Padded in float32 (a copy of values, so the same as after the conversion; the CPU has
    // no bf16 reflection padding), then moved to the network's device and dtype.
    const auto padded =
        pad_like_spandrel(image.to(at::kFloat), c.unshuffle).to(net_->device(), net_->dtype());
    const bool whole =
        tiling.tile == 0 || (tiling.tile >= padded.size(2) && tiling.tile >= padded.size(3));
    at::Tensor out;
    if (whole) {
        out = net_->forward(padded).to(at::kFloat);
        if (on_tile) on_tile(1, 1);
    } else {
        out = run_tiles(padded, tiling.tile, tiling.overlap, on_tile);
    }
    return out.narrow(2, 0, h * s).narrow(3, 0, w * s).to(at::kCPU).contiguous();
}

// Each tile's core [y, y + tile) × [x, x + tile) is run with `overlap` pixels of context around
// it (cut at the image's edges); its core's output is copied into place.
at::Tensor Upscaler::run_tiles(const at::Tensor& padded, int64_t tile, int64_t overlap,
                               const TileDone& on_tile) const {
    const auto& c = net_->config();
    const int64_t step = c.unshuffle > 1 ? 4 : 1;  // the padding's multiple: the grid it keeps
    tile = round_up(tile, step);
    overlap = round_up(overlap, step);
    const int64_t H = padded.size(2), W = padded.size(3), s = c.scale();
    auto out = at::empty({1, c.out_channels, H * s, W * s}, padded.options().dtype(at::kFloat));
    const int64_t tiles = ((H + tile - 1) / tile) * ((W + tile - 1) / tile);
    int64_t done = 0;
    for (int64_t y = 0; y < H; y += tile) {
        for (int64_t x = 0; x < W; x += tile) {
            const int64_t y0 = std::max<int64_t>(0, y - overlap),
                          x0 = std::max<int64_t>(0, x - overlap);
            const int64_t y1 = std::min(H, y + tile + overlap),
                          x1 = std::min(W, x + tile + overlap);
            const int64_t th = std::min(tile, H - y), tw = std::min(tile, W - x);
            const auto part = net_->forward(padded.slice(2, y0, y1).slice(3, x0, x1));
            out.slice(2, y * s, (y + th) * s)
                .slice(3, x * s, (x + tw) * s)
                .copy_(part.slice(2, (y - y0) * s, (y - y0 + th) * s)
                           .slice(3, (x - x0) * s, (x - x0 + tw) * s));
            if (on_tile) on_tile(++done, tiles);
        }
    }
    return out;
}

Image8 Upscaler::upscale(const Image8& image, const UpscaleTiling& tiling,
                         const TileDone& on_tile) const {
    return tensor_to_image(run(image_to_tensor(image), tiling, on_tile));
}

void check_upscale_scale(const std::string& path, int64_t native, int64_t scale) {
    if (scale != 0 && (scale < 1 || scale > native))
        throw Error(path, "a ×" + std::to_string(native) + " model cannot upscale ×" +
                              std::to_string(scale) + " (1 up to " + std::to_string(native) + ")");
}

Image8 Upscaler::upscale_by(const Image8& image, int64_t scale, const UpscaleTiling& tiling,
                            const TileDone& on_tile) const {
    const int64_t native = this->scale();
    check_upscale_scale(path_, native, scale);
    if (scale == 0) scale = native;
    Image8 out = upscale(image, tiling, on_tile);
    if (scale == native) return out;
    return resize_lanczos(out, int(image.width * scale), int(image.height * scale));
}

at::Tensor image_to_tensor(const Image8& image) {
    if (image.width < 1 || image.height < 1 ||
        image.rgb.size() != size_t(image.width) * size_t(image.height) * 3)
        throw Error("image", "not a whole 8-bit RGB image");
    return unit_tensor(image.rgb.data(), image.width, image.height, 3);
}

Image8 tensor_to_image(const at::Tensor& image) {
    return to_image8(image.to(at::kCPU, at::kFloat).clamp(0, 1));  // spandrel clamps first
}

}  // namespace lightning
