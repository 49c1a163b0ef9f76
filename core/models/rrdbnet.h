// ESRGAN's generator, RRDBNet, as basicsr defines it (basicsr/archs/rrdbnet_arch.py; the network
// of Real-ESRGAN, 4x-UltraSharp and most ESRGAN-family upscalers):
//   [pixel-unshuffle by 2 or 4, for the ×2 and ×1 models] -> conv_first
//   -> trunk: num_block RRDBs (each three residual dense blocks of five 3×3 convs growing by
//      num_grow_ch channels, LeakyReLU 0.2, residuals scaled by 0.2), conv_body, plus the
//      trunk's input
//   -> per ×2 stage: nearest upsampling, conv_upK, LeakyReLU 0.2
//   -> conv_hr, LeakyReLU 0.2, conv_last.
// Module and parameter names are basicsr's (conv_first, body.N.rdbK.convJ, conv_body, conv_up1,
// conv_up2, conv_hr, conv_last): core/convert/esrgan_names.h maps the other layouts onto them.
// The hyper-parameters are read from the tensors' shapes, as spandrel reads them.
#pragma once
#include "core/io/tensor_source.h"
#include "core/models/layers.h"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <c10/core/TensorOptions.h>
#include <torch/nn/module.h>

#include <memory>
#include <vector>

namespace lightning {

struct RrdbNetConfig {
    int64_t in_channels = 3;  // of the image (before any unshuffle)
    int64_t out_channels = 3;
    int64_t num_feat = 64;
    int64_t num_block = 23;
    int64_t num_grow_ch = 32;
    int64_t unshuffle = 1;        // 1, 2 or 4: pixel-unshuffle factor applied to the input first
    int64_t upsample_stages = 2;  // nearest ×2 stages (conv_up1 ...)

    // Output pixels per input pixel: 2^upsample_stages / unshuffle (4 for x4plus, 2 for x2plus).
    int64_t scale() const { return (int64_t{1} << upsample_stages) / unshuffle; }
    // Input pixels on each side of an output pixel's source that can change it (3×3 convs:
    // conv_first, 15 per RRDB and conv_body at the trunk's resolution, then at most one trunk
    // pixel for the upsampling convs, conv_hr and conv_last), in input pixels. A tile that
    // overlaps its neighbours by this much gives exactly the untiled result.
    int64_t receptive_radius() const { return (2 + 15 * num_block + 1) * unshuffle; }
};

// Reads the config from basicsr-named tensors' shapes: num_feat and the input channels from
// conv_first, out_channels from conv_last, num_block from body.N, num_grow_ch from
// body.0.rdb1.conv1, the stages from conv_upK, and an unshuffle of 2 or 4 when conv_first takes
// 4 or 16 times conv_last's channels (Real-ESRGAN's x2plus and x1 models, as spandrel detects
// them). Throws lightning::Error naming the source and the tensor when a shape does not fit.
RrdbNetConfig infer_rrdbnet_config(const TensorSource& weights);

namespace rrdb_detail {
class ResidualInResidualDenseBlock;
}

class RrdbNet : public torch::nn::Module {
public:
    explicit RrdbNet(const RrdbNetConfig& config, c10::TensorOptions options = {});

    // x: [B, in_channels, H, W] image in [0, 1] (any device/dtype; moved to the network's),
    // H and W multiples of the unshuffle factor. Returns the unclamped
    // [B, out_channels, H * scale, W * scale] in the network's dtype.
    at::Tensor forward(const at::Tensor& x);

    const RrdbNetConfig& config() const { return config_; }
    c10::Device device() const;
    c10::ScalarType dtype() const;

private:
    RrdbNetConfig config_;
    std::shared_ptr<Conv2dImpl> conv_first_, conv_body_, conv_hr_, conv_last_;
    std::vector<std::shared_ptr<rrdb_detail::ResidualInResidualDenseBlock>> body_;
    std::vector<std::shared_ptr<Conv2dImpl>> conv_up_;
};

// Builds the network on `device` in `dtype` from basicsr-named weights (infer_rrdbnet_config)
// and loads every tensor strictly (lightning::Error naming the source on any missing,
// unexpected or mis-shaped one).
std::shared_ptr<RrdbNet> load_rrdbnet(const TensorSource& weights, c10::Device device = c10::kCPU,
                                      c10::ScalarType dtype = c10::kFloat);

}  // namespace lightning
