// The SDXL UNet's blocks, as diffusers builds them for UNet2DConditionModel: the attention
// stack (Attention, FeedForward/GEGLU, BasicTransformerBlock, Transformer2DModel) and the
// down / mid / up blocks. Module names equal diffusers' state-dict keys.
#pragma once
#include "core/models/blocks.h"
#include "core/models/layers.h"

#include <ATen/core/Tensor.h>
#include <c10/core/TensorOptions.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <vector>

namespace lightning {

// diffusers Attention (AttnProcessor2_0) without biases on q/k/v: to_q, to_k, to_v, and the
// ModuleList to_out whose entry 0 is the output Linear. `context_dim` 0 makes it self-attention.
// Head count comes from the config; head_dim = inner_dim / heads is never assumed.
class AttentionImpl : public torch::nn::Module {
public:
    AttentionImpl(int64_t query_dim, int64_t context_dim, int64_t heads, int64_t head_dim,
                  bool upcast, const at::TensorOptions& options);
    // x [B, L, query_dim]; context [B, Lc, context_dim] for cross-attention, undefined for self.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& context = {}) const;

private:
    int64_t heads_;
    bool upcast_;  // config upcast_attention: attend in fp32 when the model is fp16/bf16
    Linear to_q{nullptr};
    Linear to_k{nullptr};
    Linear to_v{nullptr};
    Linear to_out_linear{nullptr};  // registered as to_out.0
};
TORCH_MODULE(Attention);

// FeedForward with GEGLU (activation_fn "geglu", mult 4): net.0.proj -> h * gelu(gate) ->
// net.2. net.1 (dropout) holds no parameters and is a no-op at inference.
class FeedForwardImpl : public torch::nn::Module {
public:
    FeedForwardImpl(int64_t dim, int64_t inner_dim, const at::TensorOptions& options);
    at::Tensor forward(const at::Tensor& x) const;

private:
    Linear proj{nullptr};  // net.0.proj, [2 * inner_dim, dim]
    Linear out{nullptr};   // net.2
};
TORCH_MODULE(FeedForward);

// BasicTransformerBlock (norm_type "layer_norm"): self-attention, cross-attention, GEGLU
// feed-forward, each pre-normed with a LayerNorm and added back to the residual stream.
class BasicTransformerBlockImpl : public torch::nn::Module {
public:
    BasicTransformerBlockImpl(int64_t dim, int64_t heads, int64_t head_dim, int64_t context_dim,
                              bool upcast_attention, const at::TensorOptions& options);
    // Updates the residual stream `h` [B, L, dim] in place and returns it: the stream belongs
    // to the enclosing Transformer2DModel, so each sub-layer adds into it without a copy.
    at::Tensor& forward_(at::Tensor& h, const at::Tensor& context) const;

private:
    LayerNorm norm1{nullptr};
    Attention attn1{nullptr};
    LayerNorm norm2{nullptr};
    Attention attn2{nullptr};
    LayerNorm norm3{nullptr};
    FeedForward ff{nullptr};
};
TORCH_MODULE(BasicTransformerBlock);

// Transformer2DModel on continuous input: GroupNorm (eps 1e-6), proj_in, `layers` transformer
// blocks, proj_out, plus the input as residual. proj_in/proj_out are Linear layers with
// use_linear_projection (SDXL) and 1x1 convolutions otherwise.
class Transformer2DModelImpl : public torch::nn::Module {
public:
    Transformer2DModelImpl(int64_t channels, int64_t heads, int64_t layers, int64_t context_dim,
                           int64_t norm_groups, bool linear_projection, bool upcast_attention,
                           const at::TensorOptions& options);
    at::Tensor forward(const at::Tensor& x, const at::Tensor& context) const;

private:
    bool linear_projection_;
    GroupNorm norm{nullptr};
    Linear proj_in_linear{nullptr};
    Conv2d proj_in_conv{nullptr};
    std::vector<BasicTransformerBlock> blocks_;
    Linear proj_out_linear{nullptr};
    Conv2d proj_out_conv{nullptr};
};
TORCH_MODULE(Transformer2DModel);

// Shape of one UNet level, as UNet2DConditionModel derives it from its config.
struct UNetLevel {
    int64_t in_channels = 0;
    int64_t out_channels = 0;
    int64_t prev_out_channels = 0;  // up blocks: channels coming from the level below
    int64_t temb_channels = 0;
    int64_t layers = 0;            // resnets (and attentions) in the block
    bool cross_attention = false;  // CrossAttn* block type
    int64_t heads = 0;
    int64_t transformer_layers = 0;  // BasicTransformerBlocks per Transformer2DModel
    int64_t context_dim = 0;
    int64_t norm_groups = 32;
    double eps = 1e-5;
    bool linear_projection = true;
    bool upcast_attention = false;
    bool resample = false;  // add a Downsample2D / Upsample2D
    int64_t downsample_padding = 1;
};

// DownBlock2D (cross_attention false) and CrossAttnDownBlock2D: resnets[i] (+ attentions[i]),
// then downsamplers.0. Every intermediate output is appended to `skips`.
class DownBlockImpl : public torch::nn::Module {
public:
    DownBlockImpl(const UNetLevel& level, const at::TensorOptions& options);
    at::Tensor forward(at::Tensor x, const at::Tensor& silu_temb, const at::Tensor& context,
                       std::vector<at::Tensor>& skips) const;

private:
    std::vector<ResnetBlock2D> resnets_;
    std::vector<Transformer2DModel> attentions_;
    Downsample2D downsampler_{nullptr};
};
TORCH_MODULE(DownBlock);

// UNetMidBlock2DCrossAttn with one layer: resnets.0, attentions.0, resnets.1.
class MidBlockImpl : public torch::nn::Module {
public:
    MidBlockImpl(const UNetLevel& level, const at::TensorOptions& options);
    at::Tensor forward(const at::Tensor& x, const at::Tensor& silu_temb,
                       const at::Tensor& context) const;

private:
    ResnetBlock2D resnet0_{nullptr};
    Transformer2DModel attention_{nullptr};
    ResnetBlock2D resnet1_{nullptr};
};
TORCH_MODULE(MidBlock);

// UpBlock2D (cross_attention false) and CrossAttnUpBlock2D: for each resnet, concatenate the
// last skip along channels, resnet (+ attention); then upsamplers.0 to `upsample_size` ([H, W]
// of the next skip) or x2 when it is empty. Consumes its skips from the back of `skips`.
class UpBlockImpl : public torch::nn::Module {
public:
    UpBlockImpl(const UNetLevel& level, const at::TensorOptions& options);
    at::Tensor forward(at::Tensor x, const at::Tensor& silu_temb, const at::Tensor& context,
                       std::vector<at::Tensor>& skips, at::IntArrayRef upsample_size) const;
    int64_t num_skips() const { return static_cast<int64_t>(resnets_.size()); }

private:
    std::vector<ResnetBlock2D> resnets_;
    std::vector<Transformer2DModel> attentions_;
    Upsample2D upsampler_{nullptr};
};
TORCH_MODULE(UpBlock);

}  // namespace lightning
