#include "core/models/attention.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <cmath>

namespace lightning {

at::Tensor scaled_dot_product_attention(const at::Tensor& q, const at::Tensor& k,
                                        const at::Tensor& v, bool causal) {
#if TORCH_VERSION_MAJOR >= 2
    return at::scaled_dot_product_attention(q, k, v, /*attn_mask=*/{}, /*dropout_p=*/0.0, causal);
#else
    // libtorch 1.13: the private kernel matches softmax(QK^T/sqrt(d))V exactly on CPU, but its
    // causal path is unreliable there, so the mask is built explicitly for that case.
    if (!causal) return std::get<0>(at::_scaled_dot_product_attention(q, k, v));
    const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
    auto scores = at::matmul(q, k.transpose(-2, -1)) * scale;
    const auto lq = q.size(-2), lk = k.size(-2);
    auto mask = at::ones({lq, lk}, q.options().dtype(at::kBool)).triu(1);
    scores = scores.masked_fill(mask, -std::numeric_limits<float>::infinity());
    return at::matmul(at::softmax(scores, -1), v);
#endif
}

at::Tensor multi_head_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                int64_t heads, bool causal) {
    const auto batch = q.size(0);
    const auto head_dim = q.size(-1) / heads;
    auto split = [&](const at::Tensor& t) {
        return t.view({batch, -1, heads, head_dim}).transpose(1, 2);
    };
    auto out = scaled_dot_product_attention(split(q), split(k), split(v), causal);
    return out.transpose(1, 2).reshape({batch, -1, heads * head_dim});
}

}  // namespace lightning
