#include "core/cuda/group_norm_kernel.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>

namespace lightning::cuda_kernels {
namespace {

constexpr int kThreads = 256;
constexpr int64_t kChunk = 16384;  // values of one group summed by one block

__device__ __forceinline__ float load(const float* p, int64_t i) {
    return p[i];
}
__device__ __forceinline__ float load(const __half* p, int64_t i) {
    return __half2float(p[i]);
}
__device__ __forceinline__ float load(const __nv_bfloat16* p, int64_t i) {
    return __bfloat162float(p[i]);
}
__device__ __forceinline__ void store(float* p, int64_t i, float v) {
    p[i] = v;
}
__device__ __forceinline__ void store(__half* p, int64_t i, float v) {
    p[i] = __float2half_rn(v);
}
__device__ __forceinline__ void store(__nv_bfloat16* p, int64_t i, float v) {
    p[i] = __float2bfloat16_rn(v);
}

// Sums a (s1, s2) pair over the block, in a fixed order (deterministic results).
__device__ float2 block_sum(float2 v) {
    __shared__ float2 partial[kThreads / 32];
    for (int offset = 16; offset > 0; offset /= 2) {
        v.x += __shfl_down_sync(0xffffffffu, v.x, offset);
        v.y += __shfl_down_sync(0xffffffffu, v.y, offset);
    }
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    float2 total = make_float2(0.f, 0.f);
    if (threadIdx.x == 0)
        for (int w = 0; w < kThreads / 32; ++w) {
            total.x += partial[w].x;
            total.y += partial[w].y;
        }
    return total;  // valid in thread 0
}

// Block (chunk, group): sums of (x - shift) and (x - shift)^2 over its chunk of the group,
// where shift is the group's first value.
template <typename T>
__global__ void partial_sums(const T* x, int64_t group_size, int64_t chunks, float2* partials) {
    const int64_t group = blockIdx.y;
    const T* values = x + group * group_size;
    const float shift = load(values, 0);
    const int64_t begin = int64_t(blockIdx.x) * kChunk;
    const int64_t end = min(begin + kChunk, group_size);
    float2 sums = make_float2(0.f, 0.f);
    for (int64_t i = begin + threadIdx.x; i < end; i += kThreads) {
        const float d = load(values, i) - shift;
        sums.x += d;
        sums.y += d * d;
    }
    const float2 total = block_sum(sums);
    if (threadIdx.x == 0) partials[group * chunks + blockIdx.x] = total;
}

// Block per group: its chunks' sums -> (mean, 1/std).
template <typename T>
__global__ void group_stats(const T* x, int64_t group_size, int64_t chunks, float eps,
                            const float2* partials, float2* stats) {
    const int64_t group = blockIdx.x;
    float2 sums = make_float2(0.f, 0.f);
    for (int64_t c = threadIdx.x; c < chunks; c += kThreads) {
        sums.x += partials[group * chunks + c].x;
        sums.y += partials[group * chunks + c].y;
    }
    const float2 total = block_sum(sums);
    if (threadIdx.x != 0) return;
    const float n = float(group_size);
    const float shifted_mean = total.x / n;
    const float var = fmaxf(total.y / n - shifted_mean * shifted_mean, 0.f);
    stats[group] = make_float2(load(x + group * group_size, 0) + shifted_mean, rsqrtf(var + eps));
}

// Block row y = one (sample, channel) plane: its scale and shift are loaded once, and no index
// needs a division.
template <typename T>
__global__ void normalize(const T* x, T* y, int64_t spatial, int64_t channels,
                          int64_t channels_per_group, const float* weight, const float* bias,
                          const float2* stats, bool silu) {
    const int64_t plane = blockIdx.y;  // sample * channels + channel
    const int64_t channel = plane % channels;
    const int64_t group =
        (plane / channels) * (channels / channels_per_group) + channel / channels_per_group;
    const float2 s = stats[group];
    const float scale = s.y * weight[channel];
    const float shift = bias[channel] - s.x * scale;
    const T* in = x + plane * spatial;
    T* out = y + plane * spatial;
    const int64_t stride = int64_t(gridDim.x) * kThreads;
    for (int64_t i = int64_t(blockIdx.x) * kThreads + threadIdx.x; i < spatial; i += stride) {
        float v = load(in, i) * scale + shift;
        if (silu) v = v / (1.f + __expf(-v));
        store(out, i, v);
    }
}

template <typename T>
int run(const void* x_raw, void* y_raw, const GroupNormShape& s, const float* weight,
        const float* bias, float eps, bool silu, float* workspace, cudaStream_t stream) {
    const T* x = static_cast<const T*>(x_raw);
    T* y = static_cast<T*>(y_raw);
    const int64_t group_count = s.batch * s.groups;
    const int64_t group_size = (s.channels / s.groups) * s.spatial;
    const int64_t chunks = (group_size + kChunk - 1) / kChunk;
    auto* partials = reinterpret_cast<float2*>(workspace);
    auto* stats = partials + group_count * chunks;
    partial_sums<T><<<dim3(unsigned(chunks), unsigned(group_count)), kThreads, 0, stream>>>(
        x, group_size, chunks, partials);
    group_stats<T><<<unsigned(group_count), kThreads, 0, stream>>>(x, group_size, chunks, eps,
                                                                   partials, stats);
    // About 8 values per thread, at most 65535 plane rows (a batch of 16 x 4096 channels).
    const int64_t per_plane =
        std::min<int64_t>((s.spatial + 8 * kThreads - 1) / (8 * kThreads), 4096);
    normalize<T>
        <<<dim3(unsigned(per_plane), unsigned(s.batch * s.channels)), kThreads, 0, stream>>>(
            x, y, s.spatial, s.channels, s.channels / s.groups, weight, bias, stats, silu);
    return int(cudaGetLastError());
}

}  // namespace

int64_t group_norm_workspace_floats(const GroupNormShape& s) {
    const int64_t group_size = (s.channels / s.groups) * s.spatial;
    const int64_t chunks = (group_size + kChunk - 1) / kChunk;
    return 2 * s.batch * s.groups * (chunks + 1);
}

int group_norm_silu(const void* x, void* y, ElementType type, const GroupNormShape& shape,
                    const float* weight, const float* bias, float eps, bool silu, float* workspace,
                    void* stream) {
    const auto cuda_stream = static_cast<cudaStream_t>(stream);
    switch (type) {
        case ElementType::Float32:
            return run<float>(x, y, shape, weight, bias, eps, silu, workspace, cuda_stream);
        case ElementType::Float16:
            return run<__half>(x, y, shape, weight, bias, eps, silu, workspace, cuda_stream);
        case ElementType::BFloat16:
            return run<__nv_bfloat16>(x, y, shape, weight, bias, eps, silu, workspace, cuda_stream);
    }
    return int(cudaErrorInvalidValue);
}

}  // namespace lightning::cuda_kernels
