#include "core/models/vae.h"

#include "core/io/state_dict.h"
#include "core/models/attention.h"
#include "core/models/blocks.h"
#include "core/util/error.h"

#include <torch/torch.h>

#include <sstream>

namespace lightning {
namespace vae_detail {
namespace {

namespace nn = torch::nn;
using Options = c10::TensorOptions;

// diffusers builds every norm of the VAE's Encoder and Decoder (resnets, mid-block attention,
// conv_norm_out) with eps 1e-6, unlike the UNet's 1e-5.
constexpr double kNormEps = 1e-6;

GroupNorm group_norm(int64_t groups, int64_t channels, const Options& o) {
    return GroupNorm(groups, channels, kNormEps, o);
}

Conv2d conv3x3(int64_t in, int64_t out, const Options& o) {
    return Conv2d(in, out, 3, 1, 1, o);
}

// The VAE's resnets: no time embedding, eps 1e-6.
ResnetBlock2D resnet(int64_t in, int64_t out, int64_t groups, const Options& o) {
    return ResnetBlock2D(in, out, /*temb_channels=*/0, groups, kNormEps, o);
}

// The mid block's single-head self-attention over all pixels (diffusers Attention with
// residual_connection, group_norm, heads = 1), parameters to_q/to_k/to_v/to_out.0.
class SpatialSelfAttention : public nn::Module {
public:
    SpatialSelfAttention(int64_t channels, int64_t groups, const Options& o)
        : group_norm_(register_module("group_norm", group_norm(groups, channels, o))),
          to_q_(register_module("to_q", Linear(channels, channels, true, o))),
          to_k_(register_module("to_k", Linear(channels, channels, true, o))),
          to_v_(register_module("to_v", Linear(channels, channels, true, o))),
          to_out_(Linear(channels, channels, true, o)) {
        auto to_out = register_module("to_out", nn::ModuleList());
        to_out->push_back(to_out_);
    }

    at::Tensor forward(const at::Tensor& x) {
        const auto batch = x.size(0), channels = x.size(1), height = x.size(2), width = x.size(3);
        // GroupNorm's statistics are over (channels of a group) x (all pixels), so normalising
        // the 4-D map equals diffusers' normalising of the [B, C, HW] view.
        auto tokens =
            group_norm_->forward(x).view({batch, channels, height * width}).transpose(1, 2);
        auto out = multi_head_attention(to_q_->forward(tokens), to_k_->forward(tokens),
                                        to_v_->forward(tokens), /*heads=*/1);
        out = to_out_->forward(out).transpose(1, 2).reshape({batch, channels, height, width});
        return out.add_(x);
    }

private:
    GroupNorm group_norm_;
    Linear to_q_, to_k_, to_v_;
    Linear to_out_;
};

// UNetMidBlock2D: resnet, (attention), resnet.
class MidBlock : public nn::Module {
public:
    MidBlock(int64_t channels, int64_t groups, bool add_attention, const Options& o) {
        auto resnets = register_module("resnets", nn::ModuleList());
        for (int i = 0; i < 2; ++i) {
            resnets_.push_back(resnet(channels, channels, groups, o));
            resnets->push_back(resnets_.back());
        }
        if (add_attention) {
            auto attentions = register_module("attentions", nn::ModuleList());
            attention_ = std::make_shared<SpatialSelfAttention>(channels, groups, o);
            attentions->push_back(attention_);
        }
    }

    at::Tensor forward(const at::Tensor& x) {
        auto h = resnets_[0]->forward(x);
        if (attention_) h = attention_->forward(h);
        return resnets_[1]->forward(h);
    }

private:
    std::vector<ResnetBlock2D> resnets_;
    std::shared_ptr<SpatialSelfAttention> attention_;
};

// DownEncoderBlock2D (resnets, optional downsampler) and UpDecoderBlock2D (resnets, optional
// upsampler) share this shape; `Sampler` is Downsample2D or Upsample2D.
template <typename Sampler>
class ResnetStack : public nn::Module {
public:
    ResnetStack(int64_t in, int64_t out, int64_t layers, int64_t groups, bool resample,
                const Options& o) {
        auto resnets = register_module("resnets", nn::ModuleList());
        for (int64_t i = 0; i < layers; ++i) {
            resnets_.push_back(resnet(i == 0 ? in : out, out, groups, o));
            resnets->push_back(resnets_.back());
        }
        if (resample) {
            sampler_ = make_sampler(out, o);
            auto samplers = register_module(sampler_list_name(), nn::ModuleList());
            samplers->push_back(sampler_);
        }
    }

    at::Tensor forward(at::Tensor x) {
        for (auto& block : resnets_) x = block->forward(x);
        return sampler_ ? sampler_->forward(x) : x;
    }

private:
    static Sampler make_sampler(int64_t channels, const Options& o) {
        // The encoder's downsampler pads right/bottom, then a stride-2 conv without padding
        // (diffusers' Encoder passes padding 0).
        if constexpr (std::is_same_v<Sampler, Downsample2D>)
            return Downsample2D(channels, channels, /*padding=*/0, o);
        else
            return Upsample2D(channels, channels, o);
    }
    static const char* sampler_list_name() {
        return std::is_same_v<Sampler, Downsample2D> ? "downsamplers" : "upsamplers";
    }

    std::vector<ResnetBlock2D> resnets_;
    Sampler sampler_{nullptr};
};

using DownEncoderBlock = ResnetStack<Downsample2D>;
using UpDecoderBlock = ResnetStack<Upsample2D>;

}  // namespace

class VaeEncoder : public nn::Module {
public:
    VaeEncoder(const VaeConfig& c, const Options& o) {
        const auto& channels = c.block_out_channels;
        const auto levels = channels.size();
        const int64_t groups = c.norm_num_groups;
        conv_in_ = register_module("conv_in", conv3x3(c.in_channels, channels[0], o));
        auto blocks = register_module("down_blocks", nn::ModuleList());
        for (size_t i = 0; i < levels; ++i) {
            const bool last = i + 1 == levels;
            blocks_.push_back(std::make_shared<DownEncoderBlock>(
                channels[i == 0 ? 0 : i - 1], channels[i], c.layers_per_block, groups,
                /*resample=*/!last, o));
            blocks->push_back(blocks_.back());
        }
        mid_block_ = register_module(
            "mid_block",
            std::make_shared<MidBlock>(channels.back(), groups, c.mid_block_add_attention, o));
        conv_norm_out_ = register_module("conv_norm_out", group_norm(groups, channels.back(), o));
        // double_z: the encoder predicts mean and log-variance.
        conv_out_ = register_module("conv_out", conv3x3(channels.back(), 2 * c.latent_channels, o));
    }

    at::Tensor forward(const at::Tensor& x) {
        auto h = conv_in_->forward(x);
        for (auto& block : blocks_) h = block->forward(h);
        h = mid_block_->forward(h);
        return conv_out_->forward(group_norm_silu(conv_norm_out_, h));
    }

private:
    Conv2d conv_in_{nullptr};
    std::vector<std::shared_ptr<DownEncoderBlock>> blocks_;
    std::shared_ptr<MidBlock> mid_block_;
    GroupNorm conv_norm_out_{nullptr};
    Conv2d conv_out_{nullptr};
};

class VaeDecoder : public nn::Module {
public:
    VaeDecoder(const VaeConfig& c, const Options& o) {
        const auto& channels = c.block_out_channels;
        const auto levels = channels.size();
        const int64_t groups = c.norm_num_groups;
        conv_in_ = register_module("conv_in", conv3x3(c.latent_channels, channels.back(), o));
        mid_block_ = register_module(
            "mid_block",
            std::make_shared<MidBlock>(channels.back(), groups, c.mid_block_add_attention, o));
        // Up blocks run from the widest level down; each has layers_per_block + 1 resnets.
        auto blocks = register_module("up_blocks", nn::ModuleList());
        int64_t previous = channels.back();
        for (size_t i = 0; i < levels; ++i) {
            const int64_t out = channels[levels - 1 - i];
            const bool last = i + 1 == levels;
            blocks_.push_back(std::make_shared<UpDecoderBlock>(previous, out,
                                                               c.layers_per_block + 1, groups,
                                                               /*resample=*/!last, o));
            blocks->push_back(blocks_.back());
            previous = out;
        }
        conv_norm_out_ = register_module("conv_norm_out", group_norm(groups, channels[0], o));
        conv_out_ = register_module("conv_out", conv3x3(channels[0], c.out_channels, o));
    }

    at::Tensor forward(const at::Tensor& z) {
        auto h = mid_block_->forward(conv_in_->forward(z));
        for (auto& block : blocks_) h = block->forward(h);
        return conv_out_->forward(group_norm_silu(conv_norm_out_, h));
    }

private:
    Conv2d conv_in_{nullptr};
    std::shared_ptr<MidBlock> mid_block_;
    std::vector<std::shared_ptr<UpDecoderBlock>> blocks_;
    GroupNorm conv_norm_out_{nullptr};
    Conv2d conv_out_{nullptr};
};

}  // namespace vae_detail

namespace {

std::string shape_string(at::IntArrayRef sizes) {
    std::ostringstream out;
    out << sizes;
    return out.str();
}

void validate(const VaeConfig& c) {
    auto fail = [](const std::string& key, const std::string& message) {
        throw Error("VAE config " + key, message);
    };
    const auto levels = c.block_out_channels.size();
    if (levels == 0) fail("block_out_channels", "is empty");
    if (c.down_block_types.size() != levels)
        fail("down_block_types", "has " + std::to_string(c.down_block_types.size()) +
                                     " entries, block_out_channels " + std::to_string(levels));
    if (c.up_block_types.size() != levels)
        fail("up_block_types", "has " + std::to_string(c.up_block_types.size()) +
                                   " entries, block_out_channels " + std::to_string(levels));
    for (const auto& type : c.down_block_types)
        if (type != "DownEncoderBlock2D")
            fail("down_block_types", "unsupported block type '" + type + "'");
    for (const auto& type : c.up_block_types)
        if (type != "UpDecoderBlock2D")
            fail("up_block_types", "unsupported block type '" + type + "'");
    if (c.layers_per_block < 1) fail("layers_per_block", "must be at least 1");
    if (c.in_channels < 1) fail("in_channels", "must be positive");
    if (c.out_channels < 1) fail("out_channels", "must be positive");
    if (c.latent_channels < 1) fail("latent_channels", "must be positive");
    if (c.norm_num_groups < 1) fail("norm_num_groups", "must be positive");
    for (int channels : c.block_out_channels)
        if (channels < 1 || channels % c.norm_num_groups != 0)
            fail("block_out_channels", std::to_string(channels) +
                                           " is not a positive multiple of norm_num_groups " +
                                           std::to_string(c.norm_num_groups));
    if (!(c.scaling_factor > 0)) fail("scaling_factor", "must be positive");
}

}  // namespace

AutoencoderKL::AutoencoderKL(const VaeConfig& config, c10::TensorOptions options)
    : config_(config) {
    validate(config_);
    encoder_ =
        register_module("encoder", std::make_shared<vae_detail::VaeEncoder>(config_, options));
    decoder_ =
        register_module("decoder", std::make_shared<vae_detail::VaeDecoder>(config_, options));
    const int64_t latent = config_.latent_channels;
    auto pointwise = [&options](int64_t channels) {
        return Conv2d(channels, channels, 1, 1, 0, options).ptr();
    };
    if (config_.use_quant_conv) quant_conv_ = register_module("quant_conv", pointwise(2 * latent));
    if (config_.use_post_quant_conv)
        post_quant_conv_ = register_module("post_quant_conv", pointwise(latent));
}

int64_t AutoencoderKL::downscale_factor() const {
    return int64_t{1} << (config_.block_out_channels.size() - 1);
}

c10::Device AutoencoderKL::device() const {
    return parameters().front().device();
}

c10::ScalarType AutoencoderKL::dtype() const {
    return parameters().front().scalar_type();
}

at::Tensor AutoencoderKL::prepare_input(const at::Tensor& input, int64_t channels,
                                        const char* what) const {
    if (!input.defined()) throw Error(what, "input tensor is undefined");
    if (input.dim() != 4 || input.size(1) != channels || input.size(2) < 1 || input.size(3) < 1)
        throw Error(what, "expected a [batch, " + std::to_string(channels) +
                              ", height, width] tensor, got " + shape_string(input.sizes()));
    if (!input.is_floating_point())
        throw Error(what, std::string("expected a floating-point tensor, got ") +
                              c10::toString(input.scalar_type()));
    return input.to(device(), dtype());
}

at::Tensor AutoencoderKL::decode(const at::Tensor& z) {
    torch::NoGradGuard no_grad;
    auto h = prepare_input(z, config_.latent_channels, "AutoencoderKL::decode");
    if (post_quant_conv_) h = post_quant_conv_->forward(h);
    return decoder_->forward(h);
}

LatentDistribution AutoencoderKL::encode_mean_std(const at::Tensor& x) {
    torch::NoGradGuard no_grad;
    auto moments =
        encoder_->forward(prepare_input(x, config_.in_channels, "AutoencoderKL::encode_mean_std"));
    if (quant_conv_) moments = quant_conv_->forward(moments);
    auto halves = moments.chunk(2, /*dim=*/1);
    auto logvar = halves[1].clamp(-30.0, 20.0);
    return {halves[0].contiguous(), logvar.mul_(0.5).exp_()};
}

c10::ScalarType vae_compute_dtype(const VaeConfig& config, c10::ScalarType requested) {
    if (requested == c10::kHalf && config.force_upcast) return c10::kFloat;
    return requested;
}

std::shared_ptr<AutoencoderKL> load_vae(const VaeConfig& config, const TensorSource& weights,
                                        c10::Device device, c10::ScalarType dtype) {
    auto vae =
        std::make_shared<AutoencoderKL>(config, c10::TensorOptions().device(device).dtype(dtype));
    vae->eval();
    load_state_dict(*vae, weights);
    return vae;
}

}  // namespace lightning
