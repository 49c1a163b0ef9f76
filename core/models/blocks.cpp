#include "core/models/blocks.h"

#include "core/util/error.h"

#include <torch/torch.h>

#include <string>

namespace lightning {
at::Tensor group_norm_silu(const GroupNorm& norm, const at::Tensor& x) {
    return group_norm(x, norm->groups, norm->weight, norm->bias, norm->eps, /*silu=*/true);
}

// ---- ResnetBlock2D ---------------------------------------------------------------------------

ResnetBlock2DImpl::ResnetBlock2DImpl(int64_t in_channels, int64_t out_channels,
                                     int64_t temb_channels, int64_t num_groups, double eps,
                                     const at::TensorOptions& options)
    : in_channels_(in_channels), out_channels_(out_channels) {
    if (num_groups <= 0 || in_channels % num_groups != 0 || out_channels % num_groups != 0)
        throw Error("ResnetBlock2D", "channels " + std::to_string(in_channels) + " -> " +
                                         std::to_string(out_channels) + " not divisible into " +
                                         std::to_string(num_groups) + " groups");
    norm1 = register_module("norm1", GroupNorm(num_groups, in_channels, eps, options));
    conv1 = register_module("conv1", Conv2d(in_channels, out_channels, 3, 1, 1, options));
    if (temb_channels > 0)
        time_emb_proj =
            register_module("time_emb_proj", Linear(temb_channels, out_channels, true, options));
    norm2 = register_module("norm2", GroupNorm(num_groups, out_channels, eps, options));
    conv2 = register_module("conv2", Conv2d(out_channels, out_channels, 3, 1, 1, options));
    if (in_channels != out_channels)
        conv_shortcut =
            register_module("conv_shortcut", Conv2d(in_channels, out_channels, 1, 1, 0, options));
}

at::Tensor ResnetBlock2DImpl::forward(const at::Tensor& x, const at::Tensor& silu_temb) const {
    if (x.dim() != 4 || x.size(1) != in_channels_)
        throw Error("ResnetBlock2D", "expected input [B, " + std::to_string(in_channels_) +
                                         ", H, W], got " + c10::str(x.sizes()));
    auto h = conv1->forward(group_norm_silu(norm1, x));
    if (time_emb_proj) {
        if (!silu_temb.defined())
            throw Error("ResnetBlock2D", "this block needs a time embedding, none was given");
        h.add_(time_emb_proj->forward(silu_temb).unsqueeze(-1).unsqueeze(-1));
    }
    h = conv2->forward(group_norm_silu(norm2, h));
    // Addition is commutative in IEEE arithmetic, so adding into the fresh `h` gives diffusers'
    // `input_tensor + hidden_states` bit for bit without another allocation.
    return h.add_(conv_shortcut ? conv_shortcut->forward(x) : x);
}

// ---- Downsample2D ----------------------------------------------------------------------------

Downsample2DImpl::Downsample2DImpl(int64_t channels, int64_t out_channels, int64_t padding,
                                   const at::TensorOptions& options)
    : pad_right_bottom_(padding == 0) {
    conv = register_module("conv", Conv2d(channels, out_channels, 3, 2, padding, options));
}

at::Tensor Downsample2DImpl::forward(const at::Tensor& x) const {
    if (pad_right_bottom_) return conv->forward(at::constant_pad_nd(x, {0, 1, 0, 1}, 0));
    return conv->forward(x);
}

// ---- Upsample2D ------------------------------------------------------------------------------

Upsample2DImpl::Upsample2DImpl(int64_t channels, int64_t out_channels,
                               const at::TensorOptions& options) {
    conv = register_module("conv", Conv2d(channels, out_channels, 3, 1, 1, options));
}

at::Tensor Upsample2DImpl::forward(const at::Tensor& x, at::IntArrayRef output_size) const {
    if (x.dim() != 4) throw Error("Upsample2D", "expected a 4-D input, got " + c10::str(x.sizes()));
    if (!output_size.empty() && output_size.size() != 2)
        throw Error("Upsample2D", "output size must be [H, W], got " + c10::str(output_size));
    // Nearest-neighbour resampling only copies values, so it is exact in every dtype (diffusers'
    // bf16 upcast around it exists for old torch kernels and changes no value).
    const std::vector<int64_t> size = output_size.empty()
                                          ? std::vector<int64_t>{x.size(2) * 2, x.size(3) * 2}
                                          : std::vector<int64_t>{output_size[0], output_size[1]};
    return conv->forward(at::upsample_nearest2d(x, at::IntArrayRef(size)));
}

int64_t parameter_count(const torch::nn::Module& module) {
    int64_t total = 0;
    for (const auto& p : module.parameters(/*recurse=*/true)) total += p.numel();
    return total;
}

}  // namespace lightning
