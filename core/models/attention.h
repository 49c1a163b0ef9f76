// Scaled dot-product attention shared by the CLIP, UNet and VAE blocks.
#pragma once
#include <ATen/core/Tensor.h>

namespace lightning {

// q: [B, Lq, H*D], k/v: [B, Lk, H*D] -> [B, Lq, H*D]. Uses at::scaled_dot_product_attention
// where libtorch has it (>= 2.0; flash/efficient kernels on CUDA) and an exact softmax
// fallback on 1.13. `causal` masks key j > query i (CLIP).
at::Tensor multi_head_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                int64_t heads, bool causal = false);

// Same on already split heads: [B, H, L, D].
at::Tensor scaled_dot_product_attention(const at::Tensor& q, const at::Tensor& k,
                                        const at::Tensor& v, bool causal = false);

}  // namespace lightning
