// SDXL's denoiser: diffusers' UNet2DConditionModel as SDXL configures it (text_time added
// conditioning, DownBlock2D / CrossAttnDownBlock2D, UNetMidBlock2DCrossAttn, CrossAttnUpBlock2D /
// UpBlock2D, linear-projection transformers). Built only from a UNetConfig; module and parameter
// names are the diffusers state-dict keys (`conv_in.weight`,
// `down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q.weight`, ...), so
// lightning::load_state_dict loads a diffusers or Lightning UNet file name for name, strictly.
//
// Parameters are created uninitialised with the given options (device and dtype: fp32, fp16,
// bf16), so nothing is allocated twice; construct on the meta device to inspect shapes only.
// Run forward under c10::InferenceMode.
#pragma once
#include "core/io/config.h"
#include "core/models/unet_blocks.h"

#include <ATen/core/Tensor.h>
#include <c10/core/TensorOptions.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <vector>

namespace lightning {

// diffusers get_timestep_embedding (max_period 10000, scale 1): [N] timesteps -> [N, dim]
// float32 sinusoids, cos half first when flip_sin_to_cos.
at::Tensor timestep_embedding(const at::Tensor& timesteps, int64_t dim, bool flip_sin_to_cos,
                              double freq_shift);

// TimestepEmbedding: linear_1 -> silu -> linear_2.
class TimestepEmbeddingImpl : public torch::nn::Module {
public:
    TimestepEmbeddingImpl(int64_t in_channels, int64_t dim, const at::TensorOptions& options);
    at::Tensor forward(const at::Tensor& x) const;

private:
    Linear linear_1{nullptr};
    Linear linear_2{nullptr};
};
TORCH_MODULE(TimestepEmbedding);

class UNet2DConditionModelImpl : public torch::nn::Module {
public:
    // Validates the config (lightning::Error with where = "UNetConfig" and the offending key)
    // and builds every module with `options` (default: CPU fp32).
    explicit UNet2DConditionModelImpl(const UNetConfig& config,
                                      const at::TensorOptions& options = {});

    // sample [B, in_channels, h, w]; timestep a 0-dim or [B] (or [1]) tensor, broadcast over the
    // batch; encoder_hidden_states [B, L, cross_attention_dim]; text_embeds [B, D] and time_ids
    // [B, n] with D + n * addition_time_embed_dim = projection_class_embeddings_input_dim
    // (SDXL: pooled text embedding and [orig_h, orig_w, crop_top, crop_left, target_h,
    // target_w]). Inputs are moved to the model's device and dtype. Returns the model output
    // (noise or x0 prediction) [B, out_channels, h, w] in the model's dtype. Any h, w work:
    // like diffusers, skips of odd size are matched by upsampling to their exact size.
    at::Tensor forward(const at::Tensor& sample, const at::Tensor& timestep,
                       const at::Tensor& encoder_hidden_states, const at::Tensor& text_embeds,
                       const at::Tensor& time_ids) const;

    const UNetConfig& config() const { return config_; }
    // Inpainting UNets take 9 input channels ([latents, mask, masked image latents]), the others
    // 4: conv_in is rebuilt (uninitialised, at the same place in the parameter order) for a
    // checkpoint of the other kind.
    void set_in_channels(int64_t channels);
    c10::Device device() const;
    c10::ScalarType dtype() const;

private:
    at::Tensor time_and_added_embedding(const at::Tensor& timestep, const at::Tensor& text_embeds,
                                        const at::Tensor& time_ids, int64_t batch) const;

    UNetConfig config_;
    Conv2d conv_in{nullptr};
    TimestepEmbedding time_embedding{nullptr};
    TimestepEmbedding add_embedding{nullptr};  // absent without text_time conditioning
    std::vector<DownBlock> down_blocks_;
    MidBlock mid_block{nullptr};
    std::vector<UpBlock> up_blocks_;
    GroupNorm conv_norm_out{nullptr};
    Conv2d conv_out{nullptr};
};
TORCH_MODULE(UNet2DConditionModel);

}  // namespace lightning
