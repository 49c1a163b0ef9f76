#include "core/models/layers.h"

#include <torch/torch.h>

namespace lightning {
namespace {

c10::TensorOptions float_options(c10::TensorOptions options) {
    return options.has_dtype() ? options : options.dtype(at::kFloat);
}

}  // namespace

LinearImpl::LinearImpl(int64_t in, int64_t out, bool with_bias, c10::TensorOptions options) {
    weight = register_parameter("weight", at::empty({out, in}, float_options(options)));
    if (with_bias) bias = register_parameter("bias", at::empty({out}, float_options(options)));
}

at::Tensor LinearImpl::forward(const at::Tensor& x) const {
    return at::linear(x, weight, bias);
}

Conv2dImpl::Conv2dImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride_, int64_t padding_,
                       c10::TensorOptions options)
    : stride(stride_), padding(padding_) {
    weight =
        register_parameter("weight", at::empty({out, in, kernel, kernel}, float_options(options)));
    bias = register_parameter("bias", at::empty({out}, float_options(options)));
}

at::Tensor Conv2dImpl::forward(const at::Tensor& x) const {
    return at::conv2d(x, weight, bias, {stride, stride}, {padding, padding});
}

GroupNormImpl::GroupNormImpl(int64_t groups_, int64_t channels, double eps_,
                             c10::TensorOptions options)
    : groups(groups_), eps(eps_) {
    weight = register_parameter("weight", at::empty({channels}, float_options(options)));
    bias = register_parameter("bias", at::empty({channels}, float_options(options)));
}

at::Tensor GroupNormImpl::forward(const at::Tensor& x) const {
    return at::group_norm(x, groups, weight, bias, eps);
}

LayerNormImpl::LayerNormImpl(int64_t dim, double eps_, c10::TensorOptions options) : eps(eps_) {
    weight = register_parameter("weight", at::empty({dim}, float_options(options)));
    bias = register_parameter("bias", at::empty({dim}, float_options(options)));
}

at::Tensor LayerNormImpl::forward(const at::Tensor& x) const {
    return at::layer_norm(x, {weight.size(0)}, weight, bias, eps);
}

EmbeddingImpl::EmbeddingImpl(int64_t count, int64_t dim, c10::TensorOptions options) {
    weight = register_parameter("weight", at::empty({count, dim}, float_options(options)));
}

at::Tensor EmbeddingImpl::forward(const at::Tensor& ids) const {
    return at::embedding(weight, ids);
}

}  // namespace lightning
