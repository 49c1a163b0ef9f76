// Parameter-holding layers for the engine's modules. Unlike torch::nn's, they allocate their
// weights uninitialised (torch::empty) with the requested dtype and device: a full-size SDXL UNet
// built with torch::nn layers spends seconds and 10 GB of CPU memory on a random init that the
// checkpoint overwrites anyway. Parameter names ("weight", "bias") match torch::nn's, so
// checkpoint keys map one to one.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/core/TensorOptions.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace lightning {

class LinearImpl : public torch::nn::Module {
public:
    LinearImpl(int64_t in, int64_t out, bool bias = true, c10::TensorOptions options = {});
    at::Tensor forward(const at::Tensor& x) const;
    at::Tensor weight, bias;
};
TORCH_MODULE(Linear);

class Conv2dImpl : public torch::nn::Module {
public:
    Conv2dImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, int64_t padding = 0,
               c10::TensorOptions options = {});
    at::Tensor forward(const at::Tensor& x) const;
    at::Tensor weight, bias;
    int64_t stride, padding;
};
TORCH_MODULE(Conv2d);

class GroupNormImpl : public torch::nn::Module {
public:
    GroupNormImpl(int64_t groups, int64_t channels, double eps, c10::TensorOptions options = {});
    at::Tensor forward(const at::Tensor& x) const;
    at::Tensor weight, bias;
    int64_t groups;
    double eps;
};
TORCH_MODULE(GroupNorm);

// On CUDA, GroupNorm (and the SiLU after it) by the project's kernel (core/cuda/
// group_norm_kernel.h), or, in builds without it, by general reduction kernels; not by
// PyTorch's GroupNorm kernel, which gives each (sample, group) a single thread block: at batch 1
// that is 32 blocks for maps of millions of values (the VAE decoder spent 49 of its 85 ms there
// on an H200 at 1024²). Statistics in fp32 either way. Process-wide; on by default; the CPU
// always uses at::group_norm.
void set_wide_group_norm(bool enabled);
// x [N, C, ...] -> group-normalised x * weight + bias (then SiLU), in x's dtype.
at::Tensor group_norm(const at::Tensor& x, int64_t groups, const at::Tensor& weight,
                      const at::Tensor& bias, double eps, bool silu = false);
// The CUDA path itself, on any device (tests compare it with at::group_norm on the CPU).
at::Tensor wide_group_norm(const at::Tensor& x, int64_t groups, const at::Tensor& weight,
                           const at::Tensor& bias, double eps);

class LayerNormImpl : public torch::nn::Module {
public:
    LayerNormImpl(int64_t dim, double eps, c10::TensorOptions options = {});
    at::Tensor forward(const at::Tensor& x) const;
    at::Tensor weight, bias;
    double eps;
};
TORCH_MODULE(LayerNorm);

class EmbeddingImpl : public torch::nn::Module {
public:
    EmbeddingImpl(int64_t count, int64_t dim, c10::TensorOptions options = {});
    at::Tensor forward(const at::Tensor& ids) const;
    at::Tensor weight;
};
TORCH_MODULE(Embedding);

}  // namespace lightning
