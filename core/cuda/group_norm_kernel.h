// The project's own CUDA kernels, in plain CUDA C++ (no torch headers: nvcc stays quick and the
// kernels do not depend on libtorch's version). Built when a CUDA libtorch and nvcc are found
// (LIGHTNING_CUDA_KERNELS); core/models/layers.cpp calls them through at::Tensor wrappers.
#pragma once
#include <cstdint>

namespace lightning::cuda_kernels {

enum class ElementType { Float32, Float16, BFloat16 };

// GroupNorm (+ SiLU) of a contiguous [batch, channels, spatial...] tensor, in three launches on
// `stream`: partial sums of blocks of each group, their deterministic combination into each
// group's mean and 1/std, then y = (x - mean) * rstd * weight + bias (then silu) in fp32,
// rounded once into the element type. PyTorch's own GroupNorm kernel gives each (sample, group)
// one thread block, 32 blocks at batch 1 for maps of millions of values; here the statistics of a
// group are spread over many blocks and the SiLU costs no extra pass.
//
// `workspace` holds workspace_floats(...) floats of device memory; weight and bias are fp32
// [channels]. Sums are shifted by the group's first value, so a large mean costs no precision.
struct GroupNormShape {
    int64_t batch = 0;
    int64_t channels = 0;
    int64_t spatial = 0;  // values per channel (H x W)
    int64_t groups = 0;
};

int64_t group_norm_workspace_floats(const GroupNormShape& shape);

// Returns a cudaError_t value (0 = success).
int group_norm_silu(const void* x, void* y, ElementType type, const GroupNormShape& shape,
                    const float* weight, const float* bias, float eps, bool silu, float* workspace,
                    void* stream);

}  // namespace lightning::cuda_kernels
