#include "core/models/unet_blocks.h"

#include "core/models/attention.h"
#include "core/util/error.h"

#include <torch/torch.h>

#include <string>

namespace lightning {
namespace {

// A parameter-free stand-in for dropout / activation entries of diffusers' ModuleLists, so the
// indices of the entries that do hold weights match the checkpoint (ff.net.2).
std::shared_ptr<torch::nn::Module> placeholder(const char* name) {
    return std::make_shared<torch::nn::Module>(name);
}

torch::nn::ModuleList list_of(torch::nn::Module& parent, const char* name) {
    return parent.register_module(name, torch::nn::ModuleList());
}

}  // namespace

// ---- Attention -------------------------------------------------------------------------------

AttentionImpl::AttentionImpl(int64_t query_dim, int64_t context_dim, int64_t heads,
                             int64_t head_dim, bool upcast, const at::TensorOptions& options)
    : heads_(heads), upcast_(upcast) {
    const int64_t inner = heads * head_dim;
    const int64_t kv_dim = context_dim > 0 ? context_dim : query_dim;
    to_q = register_module("to_q", Linear(query_dim, inner, false, options));
    to_k = register_module("to_k", Linear(kv_dim, inner, false, options));
    to_v = register_module("to_v", Linear(kv_dim, inner, false, options));
    auto to_out = list_of(*this, "to_out");
    to_out_linear = Linear(inner, query_dim, true, options);
    to_out->push_back(to_out_linear);
    to_out->push_back(placeholder("Dropout"));
}

at::Tensor AttentionImpl::forward(const at::Tensor& x, const at::Tensor& context) const {
    const at::Tensor& source = context.defined() ? context : x;
    auto q = to_q->forward(x);
    auto k = to_k->forward(source);
    auto v = to_v->forward(source);
    at::Tensor out;
    if (upcast_ && q.scalar_type() != at::kFloat && q.scalar_type() != at::kDouble) {
        out = multi_head_attention(q.to(at::kFloat), k.to(at::kFloat), v.to(at::kFloat), heads_)
                  .to(q.scalar_type());
    } else {
        out = multi_head_attention(q, k, v, heads_);
    }
    return to_out_linear->forward(out);
}

// ---- FeedForward (GEGLU) ---------------------------------------------------------------------

FeedForwardImpl::FeedForwardImpl(int64_t dim, int64_t inner_dim, const at::TensorOptions& options) {
    auto net = list_of(*this, "net");
    auto geglu = placeholder("GEGLU");
    proj = geglu->register_module("proj", Linear(dim, 2 * inner_dim, true, options));
    out = Linear(inner_dim, dim, true, options);
    net->push_back(geglu);
    net->push_back(placeholder("Dropout"));
    net->push_back(out);
}

at::Tensor FeedForwardImpl::forward(const at::Tensor& x) const {
    auto projected = proj->forward(x);
    auto halves = projected.chunk(2, -1);
    // diffusers: hidden * gelu(gate) with the exact (erf) gelu; the product runs in place on
    // gelu's fresh result (multiplication commutes exactly).
    auto gated = at::gelu(halves[1]);
    gated.mul_(halves[0]);
    return out->forward(gated);
}

// ---- BasicTransformerBlock -------------------------------------------------------------------

BasicTransformerBlockImpl::BasicTransformerBlockImpl(int64_t dim, int64_t heads, int64_t head_dim,
                                                     int64_t context_dim, bool upcast_attention,
                                                     const at::TensorOptions& options) {
    norm1 = register_module("norm1", LayerNorm(dim, 1e-5, options));
    attn1 = register_module("attn1", Attention(dim, 0, heads, head_dim, upcast_attention, options));
    norm2 = register_module("norm2", LayerNorm(dim, 1e-5, options));
    attn2 = register_module(
        "attn2", Attention(dim, context_dim, heads, head_dim, upcast_attention, options));
    norm3 = register_module("norm3", LayerNorm(dim, 1e-5, options));
    ff = register_module("ff", FeedForward(dim, 4 * dim, options));
}

at::Tensor& BasicTransformerBlockImpl::forward_(at::Tensor& h, const at::Tensor& context) const {
    h.add_(attn1->forward(norm1->forward(h)));
    h.add_(attn2->forward(norm2->forward(h), context));
    h.add_(ff->forward(norm3->forward(h)));
    return h;
}

// ---- Transformer2DModel ----------------------------------------------------------------------

Transformer2DModelImpl::Transformer2DModelImpl(int64_t channels, int64_t heads, int64_t layers,
                                               int64_t context_dim, int64_t norm_groups,
                                               bool linear_projection, bool upcast_attention,
                                               const at::TensorOptions& options)
    : linear_projection_(linear_projection) {
    // inner_dim = heads * (channels / heads) = channels: the UNet only builds these with
    // channels divisible by heads (checked against the config by the UNet).
    const int64_t head_dim = channels / heads;
    const int64_t inner = heads * head_dim;
    norm = register_module("norm", GroupNorm(norm_groups, channels, 1e-6, options));
    if (linear_projection)
        proj_in_linear = register_module("proj_in", Linear(channels, inner, true, options));
    else
        proj_in_conv = register_module("proj_in", Conv2d(channels, inner, 1, 1, 0, options));
    auto list = list_of(*this, "transformer_blocks");
    for (int64_t i = 0; i < layers; ++i) {
        blocks_.emplace_back(inner, heads, head_dim, context_dim, upcast_attention, options);
        list->push_back(blocks_.back());
    }
    if (linear_projection)
        proj_out_linear = register_module("proj_out", Linear(inner, channels, true, options));
    else
        proj_out_conv = register_module("proj_out", Conv2d(inner, channels, 1, 1, 0, options));
}

at::Tensor Transformer2DModelImpl::forward(const at::Tensor& x, const at::Tensor& context) const {
    const int64_t batch = x.size(0), height = x.size(2), width = x.size(3);
    auto h = norm->forward(x);
    // Tokens are the pixels: [B, C, H, W] -> [B, H*W, C].
    if (linear_projection_) {
        h = proj_in_linear->forward(h.permute({0, 2, 3, 1}).reshape({batch, height * width, -1}));
    } else {
        h = proj_in_conv->forward(h);
        h = h.permute({0, 2, 3, 1}).reshape({batch, height * width, -1});
    }
    for (const auto& block : blocks_) block->forward_(h, context);
    if (linear_projection_) {
        h = proj_out_linear->forward(h).view({batch, height, width, -1}).permute({0, 3, 1, 2});
    } else {
        h = proj_out_conv->forward(h.view({batch, height, width, -1}).permute({0, 3, 1, 2}));
    }
    // The residual goes first so the sum comes out in x's (NCHW-contiguous) layout: adding
    // the channels-last view reads it strided and saves diffusers' separate .contiguous() copy.
    return at::add(x, h);
}

// ---- Down / mid / up blocks ------------------------------------------------------------------

namespace {

Transformer2DModel make_transformer(const UNetLevel& level, int64_t channels,
                                    const at::TensorOptions& options) {
    return Transformer2DModel(channels, level.heads, level.transformer_layers, level.context_dim,
                              level.norm_groups, level.linear_projection, level.upcast_attention,
                              options);
}

ResnetBlock2D make_resnet(const UNetLevel& level, int64_t in, int64_t out,
                          const at::TensorOptions& options) {
    return ResnetBlock2D(in, out, level.temb_channels, level.norm_groups, level.eps, options);
}

}  // namespace

DownBlockImpl::DownBlockImpl(const UNetLevel& level, const at::TensorOptions& options) {
    auto resnets = list_of(*this, "resnets");
    torch::nn::ModuleList attentions;
    if (level.cross_attention) attentions = list_of(*this, "attentions");
    for (int64_t i = 0; i < level.layers; ++i) {
        const int64_t in = i == 0 ? level.in_channels : level.out_channels;
        resnets_.push_back(make_resnet(level, in, level.out_channels, options));
        resnets->push_back(resnets_.back());
        if (level.cross_attention) {
            attentions_.push_back(make_transformer(level, level.out_channels, options));
            attentions->push_back(attentions_.back());
        }
    }
    if (level.resample) {
        auto downsamplers = list_of(*this, "downsamplers");
        downsampler_ =
            Downsample2D(level.out_channels, level.out_channels, level.downsample_padding, options);
        downsamplers->push_back(downsampler_);
    }
}

at::Tensor DownBlockImpl::forward(at::Tensor x, const at::Tensor& silu_temb,
                                  const at::Tensor& context, std::vector<at::Tensor>& skips) const {
    for (size_t i = 0; i < resnets_.size(); ++i) {
        x = resnets_[i]->forward(x, silu_temb);
        if (!attentions_.empty()) x = attentions_[i]->forward(x, context);
        skips.push_back(x);
    }
    if (downsampler_) {
        x = downsampler_->forward(x);
        skips.push_back(x);
    }
    return x;
}

MidBlockImpl::MidBlockImpl(const UNetLevel& level, const at::TensorOptions& options) {
    const int64_t channels = level.in_channels;
    auto resnets = list_of(*this, "resnets");
    auto attentions = list_of(*this, "attentions");
    resnet0_ = make_resnet(level, channels, channels, options);
    attention_ = make_transformer(level, channels, options);
    resnet1_ = make_resnet(level, channels, channels, options);
    resnets->push_back(resnet0_);
    resnets->push_back(resnet1_);
    attentions->push_back(attention_);
}

at::Tensor MidBlockImpl::forward(const at::Tensor& x, const at::Tensor& silu_temb,
                                 const at::Tensor& context) const {
    auto h = resnet0_->forward(x, silu_temb);
    h = attention_->forward(h, context);
    return resnet1_->forward(h, silu_temb);
}

UpBlockImpl::UpBlockImpl(const UNetLevel& level, const at::TensorOptions& options) {
    auto resnets = list_of(*this, "resnets");
    torch::nn::ModuleList attentions;
    if (level.cross_attention) attentions = list_of(*this, "attentions");
    for (int64_t i = 0; i < level.layers; ++i) {
        // The last resnet takes the skip from the level above (the block's in_channels).
        const int64_t skip = i == level.layers - 1 ? level.in_channels : level.out_channels;
        const int64_t in = i == 0 ? level.prev_out_channels : level.out_channels;
        resnets_.push_back(make_resnet(level, in + skip, level.out_channels, options));
        resnets->push_back(resnets_.back());
        if (level.cross_attention) {
            attentions_.push_back(make_transformer(level, level.out_channels, options));
            attentions->push_back(attentions_.back());
        }
    }
    if (level.resample) {
        auto upsamplers = list_of(*this, "upsamplers");
        upsampler_ = Upsample2D(level.out_channels, level.out_channels, options);
        upsamplers->push_back(upsampler_);
    }
}

at::Tensor UpBlockImpl::forward(at::Tensor x, const at::Tensor& silu_temb,
                                const at::Tensor& context, std::vector<at::Tensor>& skips,
                                at::IntArrayRef upsample_size) const {
    for (size_t i = 0; i < resnets_.size(); ++i) {
        if (skips.empty()) throw Error("UpBlock", "ran out of skip connections");
        x = at::cat({x, skips.back()}, 1);
        skips.pop_back();  // frees the skip as soon as it is consumed
        x = resnets_[i]->forward(x, silu_temb);
        if (!attentions_.empty()) x = attentions_[i]->forward(x, context);
    }
    if (upsampler_) x = upsampler_->forward(x, upsample_size);
    return x;
}

}  // namespace lightning
