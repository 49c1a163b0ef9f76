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
