// Building blocks shared by the UNet and the VAE: diffusers' ResnetBlock2D, Downsample2D and
// Upsample2D, built from the uninitialised leaf layers of core/models/layers.h (so a model is
// created directly on its device and dtype, or on the meta device for shapes only). Parameter
// names equal diffusers' state-dict keys (`norm1`, `conv1`, `time_emb_proj`, `conv_shortcut`,
// `conv`, ...), so lightning::load_state_dict fills them name for name.
#pragma once
#include "core/models/layers.h"

#include <ATen/core/Tensor.h>
#include <c10/core/TensorOptions.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

namespace lightning {

// silu(norm(x)): the pre-activation of every resnet and of the UNet/VAE output heads. The
// activation runs in place on group_norm's fresh result.
at::Tensor group_norm_silu(const GroupNorm& norm, const at::Tensor& x);

// diffusers ResnetBlock2D with time_embedding_norm "default", output_scale_factor 1, silu:
//   h = conv1(silu(norm1(x))) [+ time_emb_proj(silu(temb))[:, :, None, None]]
//   out = shortcut(x) + conv2(silu(norm2(h)))
// `temb_channels` 0 means no time embedding (the VAE). conv_shortcut (1x1) exists only when
// in_channels != out_channels, as in diffusers.
class ResnetBlock2DImpl : public torch::nn::Module {
public:
    ResnetBlock2DImpl(int64_t in_channels, int64_t out_channels, int64_t temb_channels,
                      int64_t num_groups, double eps, const at::TensorOptions& options);

    // `silu_temb` is silu(temb) [B, temb_channels], activated once by the caller because every
    // resnet of a UNet sees the same embedding; pass an undefined tensor when temb_channels is 0.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& silu_temb = {}) const;

    int64_t in_channels() const { return in_channels_; }
    int64_t out_channels() const { return out_channels_; }

private:
    int64_t in_channels_;
    int64_t out_channels_;
    GroupNorm norm1{nullptr};
    Conv2d conv1{nullptr};
    Linear time_emb_proj{nullptr};
    GroupNorm norm2{nullptr};
    Conv2d conv2{nullptr};
    Conv2d conv_shortcut{nullptr};
};
TORCH_MODULE(ResnetBlock2D);

// diffusers Downsample2D with use_conv: a 3x3 stride-2 conv named `conv`. padding 0 (the VAE)
// pads right and bottom by one first, as diffusers does.
class Downsample2DImpl : public torch::nn::Module {
public:
    Downsample2DImpl(int64_t channels, int64_t out_channels, int64_t padding,
                     const at::TensorOptions& options);
    at::Tensor forward(const at::Tensor& x) const;

private:
    bool pad_right_bottom_;
    Conv2d conv{nullptr};
};
TORCH_MODULE(Downsample2D);

// diffusers Upsample2D with use_conv: nearest-neighbour upsampling, then a 3x3 conv named
// `conv`. Without `output_size` it doubles height and width; with it (the UNet passes the skip
// tensor's [H, W] when the latent size is not a multiple of 2^levels) it resizes to exactly
// that size, so odd sizes round-trip like diffusers' `upsample_size`.
class Upsample2DImpl : public torch::nn::Module {
public:
    Upsample2DImpl(int64_t channels, int64_t out_channels, const at::TensorOptions& options);
    at::Tensor forward(const at::Tensor& x, at::IntArrayRef output_size = {}) const;

private:
    Conv2d conv{nullptr};
};
TORCH_MODULE(Upsample2D);

// Total number of elements over all parameters (works on meta-device modules too).
int64_t parameter_count(const torch::nn::Module& module);

}  // namespace lightning
