#include "core/models/unet.h"

#include "core/util/error.h"

#include <torch/torch.h>

#include <cmath>
#include <string>

namespace lightning {
namespace {

constexpr const char* kConfig = "UNetConfig";
constexpr const char* kForward = "UNet2DConditionModel.forward";

std::string shape_of(const at::Tensor& t) {
    return t.defined() ? c10::str(t.sizes()) : "none";
}

// Per-level list that diffusers also accepts as a single value for every level.
int64_t per_level(const std::vector<int>& values, size_t level) {
    return values.size() == 1 ? values[0] : values[level];
}

void check_per_level(const char* key, size_t size, size_t levels, bool allow_single) {
    if (size == levels || (allow_single && size == 1)) return;
    throw Error(kConfig, std::string(key) + " has " + std::to_string(size) +
                             " entries, block_out_channels has " + std::to_string(levels));
}

void validate(const UNetConfig& c) {
    const size_t levels = c.block_out_channels.size();
    if (levels == 0) throw Error(kConfig, "block_out_channels is empty");
    check_per_level("down_block_types", c.down_block_types.size(), levels, false);
    check_per_level("up_block_types", c.up_block_types.size(), levels, false);
    check_per_level("attention_head_dim (heads per level)", c.num_heads.size(), levels, true);
    check_per_level("transformer_layers_per_block", c.transformer_layers_per_block.size(), levels,
                    true);
    for (const auto& type : c.down_block_types)
        if (type != "DownBlock2D" && type != "CrossAttnDownBlock2D")
            throw Error(kConfig, "unsupported down block type \"" + type + "\"");
    for (const auto& type : c.up_block_types)
        if (type != "UpBlock2D" && type != "CrossAttnUpBlock2D")
            throw Error(kConfig, "unsupported up block type \"" + type + "\"");
    if (c.mid_block_type != "UNetMidBlock2DCrossAttn")
        throw Error(kConfig, "unsupported mid_block_type \"" + c.mid_block_type + "\"");
    if (c.addition_embed_type != "text_time" && !c.addition_embed_type.empty())
        throw Error(kConfig, "unsupported addition_embed_type \"" + c.addition_embed_type + "\"");
    if (c.in_channels <= 0 || c.out_channels <= 0 || c.layers_per_block <= 0 ||
        c.cross_attention_dim <= 0 || c.norm_num_groups <= 0)
        throw Error(kConfig,
                    "in_channels, out_channels, layers_per_block, cross_attention_dim "
                    "and norm_num_groups must be positive");
    if (c.conv_in_kernel <= 0 || c.conv_in_kernel % 2 == 0 || c.conv_out_kernel <= 0 ||
        c.conv_out_kernel % 2 == 0)
        throw Error(kConfig, "conv_in_kernel and conv_out_kernel must be odd and positive");
    if (c.block_out_channels[0] % 2 != 0)
        throw Error(kConfig, "block_out_channels[0] must be even (timestep embedding size)");
    if (c.addition_embed_type == "text_time" &&
        (c.addition_time_embed_dim <= 0 || c.projection_class_embeddings_input_dim <= 0))
        throw Error(kConfig,
                    "text_time conditioning needs positive addition_time_embed_dim and "
                    "projection_class_embeddings_input_dim");
    for (size_t i = 0; i < levels; ++i) {
        const int64_t channels = c.block_out_channels[i];
        const int64_t heads = per_level(c.num_heads, i);
        const int64_t layers = per_level(c.transformer_layers_per_block, i);
        const std::string level = "level " + std::to_string(i) + ": ";
        if (channels <= 0 || channels % c.norm_num_groups != 0)
            throw Error(kConfig, level + "block_out_channels " + std::to_string(channels) +
                                     " not divisible by norm_num_groups " +
                                     std::to_string(c.norm_num_groups));
        if (heads <= 0 || channels % heads != 0)
            throw Error(kConfig, level + "block_out_channels " + std::to_string(channels) +
                                     " not divisible by " + std::to_string(heads) + " heads");
        if (layers <= 0)
            throw Error(kConfig, level + "transformer_layers_per_block must be positive");
    }
}

// The settings every level shares.
UNetLevel base_level(const UNetConfig& c) {
    UNetLevel level;
    level.temb_channels = 4 * c.block_out_channels[0];
    level.context_dim = c.cross_attention_dim;
    level.norm_groups = c.norm_num_groups;
    level.eps = c.norm_eps;
    level.linear_projection = c.use_linear_projection;
    level.upcast_attention = c.upcast_attention;
    level.downsample_padding = c.downsample_padding;
    return level;
}

}  // namespace

// ---- timestep embedding ----------------------------------------------------------------------

at::Tensor timestep_embedding(const at::Tensor& timesteps, int64_t dim, bool flip_sin_to_cos,
                              double freq_shift) {
    const int64_t half = dim / 2;
    // Same float32 operation order as diffusers: exp(-ln(10000) * i / (half - shift)) * t.
    auto exponent =
        at::arange(0, half, timesteps.options().dtype(at::kFloat)) * (-std::log(10000.0));
    exponent = exponent / (static_cast<double>(half) - freq_shift);
    auto angles = timesteps.to(at::kFloat).unsqueeze(1) * exponent.exp().unsqueeze(0);
    auto embedding = flip_sin_to_cos ? at::cat({angles.cos(), angles.sin()}, -1)
                                     : at::cat({angles.sin(), angles.cos()}, -1);
    if (dim % 2 == 1) embedding = at::constant_pad_nd(embedding, {0, 1}, 0);
    return embedding;
}

TimestepEmbeddingImpl::TimestepEmbeddingImpl(int64_t in_channels, int64_t dim,
                                             const at::TensorOptions& options) {
    linear_1 = register_module("linear_1", Linear(in_channels, dim, true, options));
    linear_2 = register_module("linear_2", Linear(dim, dim, true, options));
}

at::Tensor TimestepEmbeddingImpl::forward(const at::Tensor& x) const {
    auto h = linear_1->forward(x);
    return linear_2->forward(at::silu_(h));
}

// ---- UNet2DConditionModel --------------------------------------------------------------------

UNet2DConditionModelImpl::UNet2DConditionModelImpl(const UNetConfig& config,
                                                   const at::TensorOptions& options_in)
    : config_(config) {
    validate(config_);
    const auto options = options_in.has_dtype() ? options_in : options_in.dtype(at::kFloat);
    const auto& channels = config_.block_out_channels;
    const size_t levels = channels.size();
    const int64_t temb = 4 * channels[0];

    conv_in =
        register_module("conv_in", Conv2d(config_.in_channels, channels[0], config_.conv_in_kernel,
                                          1, (config_.conv_in_kernel - 1) / 2, options));
    time_embedding =
        register_module("time_embedding", TimestepEmbedding(channels[0], temb, options));
    if (config_.addition_embed_type == "text_time")
        add_embedding = register_module(
            "add_embedding",
            TimestepEmbedding(config_.projection_class_embeddings_input_dim, temb, options));

    auto down_list = register_module("down_blocks", torch::nn::ModuleList());
    for (size_t i = 0; i < levels; ++i) {
        UNetLevel level = base_level(config_);
        level.in_channels = i == 0 ? channels[0] : channels[i - 1];
        level.out_channels = channels[i];
        level.layers = config_.layers_per_block;
        level.cross_attention = config_.down_block_types[i] == "CrossAttnDownBlock2D";
        level.heads = per_level(config_.num_heads, i);
        level.transformer_layers = per_level(config_.transformer_layers_per_block, i);
        level.resample = i + 1 < levels;
        down_blocks_.emplace_back(level, options);
        down_list->push_back(down_blocks_.back());
    }

    UNetLevel mid = base_level(config_);
    mid.in_channels = mid.out_channels = channels.back();
    mid.heads = per_level(config_.num_heads, levels - 1);
    mid.transformer_layers = per_level(config_.transformer_layers_per_block, levels - 1);
    mid_block = register_module("mid_block", MidBlock(mid, options));

    // Up level i mirrors down level r = levels-1-i, as diffusers' reversed lists do.
    auto up_list = register_module("up_blocks", torch::nn::ModuleList());
    for (size_t i = 0; i < levels; ++i) {
        const size_t r = levels - 1 - i;
        UNetLevel level = base_level(config_);
        level.out_channels = channels[r];
        level.prev_out_channels = i == 0 ? channels.back() : channels[r + 1];
        level.in_channels = channels[r == 0 ? 0 : r - 1];
        level.layers = config_.layers_per_block + 1;
        level.cross_attention = config_.up_block_types[i] == "CrossAttnUpBlock2D";
        level.heads = per_level(config_.num_heads, r);
        level.transformer_layers = per_level(config_.transformer_layers_per_block, r);
        level.resample = i + 1 < levels;
        up_blocks_.emplace_back(level, options);
        up_list->push_back(up_blocks_.back());
    }

    conv_norm_out = register_module("conv_norm_out", GroupNorm(config_.norm_num_groups, channels[0],
                                                               config_.norm_eps, options));
    conv_out = register_module("conv_out",
                               Conv2d(channels[0], config_.out_channels, config_.conv_out_kernel, 1,
                                      (config_.conv_out_kernel - 1) / 2, options));
}

void UNet2DConditionModelImpl::set_in_channels(int64_t channels) {
    if (channels == config_.in_channels) return;
    const auto options = conv_in->weight.options();
    const int64_t kernel = config_.conv_in_kernel;
    conv_in = replace_module("conv_in", Conv2d(channels, config_.block_out_channels[0], kernel, 1,
                                               (kernel - 1) / 2, options));
    config_.in_channels = channels;
}

c10::Device UNet2DConditionModelImpl::device() const {
    return conv_in->weight.device();
}
c10::ScalarType UNet2DConditionModelImpl::dtype() const {
    return conv_in->weight.scalar_type();
}

at::Tensor UNet2DConditionModelImpl::time_and_added_embedding(const at::Tensor& timestep,
                                                              const at::Tensor& text_embeds,
                                                              const at::Tensor& time_ids,
                                                              int64_t batch) const {
    if (!timestep.defined() || timestep.dim() > 1 ||
        (timestep.numel() != 1 && timestep.numel() != batch))
        throw Error(kForward, "timestep: expected a 0-dim, [1] or [" + std::to_string(batch) +
                                  "] tensor, got " + shape_of(timestep));
    const auto steps = timestep.to(device(), at::kFloat).reshape({-1}).expand({batch});
    auto t_emb = timestep_embedding(steps, config_.block_out_channels[0], config_.flip_sin_to_cos,
                                    config_.freq_shift);
    auto emb = time_embedding->forward(t_emb.to(dtype()));
    if (!add_embedding) return emb;

    // text_time: cat(text_embeds, sinusoid(each time id) flattened) -> add_embedding.
    const int64_t text_dim =
        text_embeds.defined() && text_embeds.dim() == 2 ? text_embeds.size(1) : -1;
    if (text_dim < 0 || text_embeds.size(0) != batch)
        throw Error(kForward, "text_embeds: expected [" + std::to_string(batch) + ", D], got " +
                                  shape_of(text_embeds));
    const int64_t time_dim = config_.projection_class_embeddings_input_dim - text_dim;
    const int64_t ids_per_sample = time_dim > 0 && time_dim % config_.addition_time_embed_dim == 0
                                       ? time_dim / config_.addition_time_embed_dim
                                       : -1;
    if (ids_per_sample < 0 || !time_ids.defined() || time_ids.numel() != batch * ids_per_sample ||
        time_ids.dim() > 2)
        throw Error(kForward, "text_embeds " + shape_of(text_embeds) + " and time_ids " +
                                  shape_of(time_ids) +
                                  " do not make projection_class_embeddings_input_dim " +
                                  std::to_string(config_.projection_class_embeddings_input_dim) +
                                  " (text dim + ids per sample * " +
                                  std::to_string(config_.addition_time_embed_dim) + ")");
    auto time_embeds =
        timestep_embedding(time_ids.to(device()).reshape({-1}), config_.addition_time_embed_dim,
                           config_.flip_sin_to_cos, config_.freq_shift)
            .reshape({batch, -1});
    // diffusers concatenates in float32 (type promotion) and then casts to the model dtype.
    auto added = at::cat({text_embeds.to(device(), at::kFloat), time_embeds}, -1).to(dtype());
    return emb.add_(add_embedding->forward(added));
}

at::Tensor UNet2DConditionModelImpl::forward(const at::Tensor& sample_in,
                                             const at::Tensor& timestep,
                                             const at::Tensor& encoder_hidden_states,
                                             const at::Tensor& text_embeds,
                                             const at::Tensor& time_ids) const {
    if (!sample_in.defined() || sample_in.dim() != 4 || sample_in.size(1) != config_.in_channels)
        throw Error(kForward, "sample: expected [B, " + std::to_string(config_.in_channels) +
                                  ", H, W], got " + shape_of(sample_in));
    const int64_t batch = sample_in.size(0);
    if (!encoder_hidden_states.defined() || encoder_hidden_states.dim() != 3 ||
        encoder_hidden_states.size(0) != batch ||
        encoder_hidden_states.size(2) != config_.cross_attention_dim)
        throw Error(kForward, "encoder_hidden_states: expected [" + std::to_string(batch) +
                                  ", L, " + std::to_string(config_.cross_attention_dim) +
                                  "], got " + shape_of(encoder_hidden_states));

    const auto sample = sample_in.to(device(), dtype());
    const auto context = encoder_hidden_states.to(device(), dtype());
    // Every resnet applies silu to the same embedding: do it once.
    const auto silu_emb =
        at::silu(time_and_added_embedding(timestep, text_embeds, time_ids, batch));

    // diffusers passes each skip's size to the upsamplers only when the latent is not a
    // multiple of the overall up factor; otherwise they double.
    const int64_t up_factor = int64_t{1} << (up_blocks_.size() - 1);
    const bool forward_upsample_size =
        sample.size(2) % up_factor != 0 || sample.size(3) % up_factor != 0;

    auto x = conv_in->forward(sample);
    std::vector<at::Tensor> skips{x};
    skips.reserve(1 + down_blocks_.size() * (config_.layers_per_block + 1));
    for (const auto& block : down_blocks_) x = block->forward(x, silu_emb, context, skips);
    x = mid_block->forward(x, silu_emb, context);
    for (size_t i = 0; i < up_blocks_.size(); ++i) {
        const auto& block = up_blocks_[i];
        std::vector<int64_t> upsample_size;
        const bool is_final = i + 1 == up_blocks_.size();
        if (!is_final && forward_upsample_size) {
            const auto& next_skip = skips[skips.size() - block->num_skips() - 1];
            upsample_size = {next_skip.size(2), next_skip.size(3)};
        }
        x = block->forward(x, silu_emb, context, skips, upsample_size);
    }
    return conv_out->forward(group_norm_silu(conv_norm_out, x));
}

}  // namespace lightning
