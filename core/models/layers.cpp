#include "core/models/layers.h"

#include "core/util/error.h"

#include <torch/torch.h>

#ifdef LIGHTNING_CUDA_KERNELS
#include "core/cuda/group_norm_kernel.h"

#include <c10/cuda/CUDAStream.h>
#endif

#include <atomic>
#include <string>
#include <vector>

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

namespace {

std::atomic<bool> wide_group_norm_enabled{true};

#ifdef LIGHTNING_CUDA_KERNELS
// The project's kernel; undefined for what it does not take (another dtype, a grid too large).
at::Tensor fused_group_norm(const at::Tensor& x, int64_t groups, const at::Tensor& weight,
                            const at::Tensor& bias, double eps, bool silu) {
    namespace k = cuda_kernels;
    k::ElementType type;
    switch (x.scalar_type()) {
        case at::kFloat:
            type = k::ElementType::Float32;
            break;
        case at::kHalf:
            type = k::ElementType::Float16;
            break;
        case at::kBFloat16:
            type = k::ElementType::BFloat16;
            break;
        default:
            return {};
    }
    const k::GroupNormShape shape{x.size(0), x.size(1), x.numel() / (x.size(0) * x.size(1)),
                                  groups};
    if (shape.batch * shape.channels > 65535 || shape.batch * groups > 65535 || x.numel() == 0)
        return {};
    const auto input = x.contiguous();
    auto out = at::empty_like(input);
    auto workspace =
        at::empty({k::group_norm_workspace_floats(shape)}, x.options().dtype(at::kFloat));
    const auto weight32 = weight.to(at::kFloat).contiguous();
    const auto bias32 = bias.to(at::kFloat).contiguous();
    const int status = k::group_norm_silu(
        input.data_ptr(), out.data_ptr(), type, shape, weight32.data_ptr<float>(),
        bias32.data_ptr<float>(), float(eps), silu, workspace.data_ptr<float>(),
        c10::cuda::getCurrentCUDAStream(x.device().index()).stream());
    if (status != 0)
        throw Error("GroupNorm",
                    "CUDA kernel launch failed (cudaError " + std::to_string(status) + ")");
    return out;
}
#endif

}  // namespace

// mean and variance per (sample, group) over an fp32 view (Welford, like at::group_norm), then
// y = x * scale + shift with per-(sample, channel) fp32 scale = rstd * weight and
// shift = bias - mean * scale, computed in fp32 and rounded once into x's dtype.
at::Tensor wide_group_norm(const at::Tensor& x, int64_t groups, const at::Tensor& weight,
                           const at::Tensor& bias, double eps) {
    const int64_t n = x.size(0), c = x.size(1);
    const auto grouped = x.reshape({n, groups, -1}).to(at::kFloat);
    const auto [var, mean] =
        at::var_mean(grouped, at::IntArrayRef{2}, /*unbiased=*/false, /*keepdim=*/true);
    const auto per_channel = [&](const at::Tensor& t) {  // [n, groups, 1] -> [n, c]
        return t.expand({n, groups, c / groups}).reshape({n, c});
    };
    const auto scale = per_channel((var + eps).rsqrt()) * weight.to(at::kFloat);
    const auto shift = bias.to(at::kFloat) - per_channel(mean) * scale;
    std::vector<int64_t> broadcast = {n, c};
    broadcast.resize(size_t(x.dim()), 1);
    // CUDA kernels cast while loading (one pass over x); the CPU's need one dtype, so there the
    // fp32 result is rounded afterwards (the same values: one rounding either way).
    if (!x.is_cuda())
        return at::addcmul(shift.view(broadcast), x, scale.view(broadcast)).to(x.scalar_type());
    auto out = at::empty_like(x, at::MemoryFormat::Contiguous);
    at::addcmul_out(out, shift.view(broadcast), x, scale.view(broadcast));
    return out;
}

void set_wide_group_norm(bool enabled) {
    wide_group_norm_enabled = enabled;
}

at::Tensor group_norm(const at::Tensor& x, int64_t groups, const at::Tensor& weight,
                      const at::Tensor& bias, double eps, bool silu) {
    at::Tensor y;
    if (x.is_cuda() && wide_group_norm_enabled && weight.defined() && bias.defined() &&
        x.dim() >= 2 && x.size(1) % groups == 0) {
#ifdef LIGHTNING_CUDA_KERNELS
        if (auto fused = fused_group_norm(x, groups, weight, bias, eps, silu); fused.defined())
            return fused;
#endif
        y = wide_group_norm(x, groups, weight, bias, eps);
    } else {
        y = at::group_norm(x, groups, weight, bias, eps);
    }
    return silu ? at::silu_(y) : y;
}

at::Tensor GroupNormImpl::forward(const at::Tensor& x) const {
    return group_norm(x, groups, weight, bias, eps);
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
