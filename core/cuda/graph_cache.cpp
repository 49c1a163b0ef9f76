#include "core/cuda/graph_cache.h"

#include "core/util/log.h"

#include <torch/torch.h>
#include <torch/version.h>

#ifdef LIGHTNING_WITH_CUDA
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

#include <sstream>

namespace lightning {
namespace {

std::string signature(const std::vector<at::Tensor>& inputs) {
    std::ostringstream out;
    for (const auto& t : inputs) out << t.sizes() << t.scalar_type() << t.device() << ';';
    return out.str();
}

}  // namespace

struct GraphCache::Entry {
    std::string key;
    std::vector<at::Tensor> static_inputs;
    at::Tensor static_output;
#ifdef LIGHTNING_WITH_CUDA
    at::cuda::CUDAGraph graph;
#endif
};

GraphCache::GraphCache() = default;
GraphCache::~GraphCache() = default;

bool GraphCache::cuda_graphs_available() {
#ifdef LIGHTNING_WITH_CUDA
    return true;
#else
    return false;
#endif
}

void GraphCache::clear() {
    entries_.clear();
}
void GraphCache::set_enabled(bool enabled) {
    enabled_ = enabled;
    if (!enabled) clear();
}
size_t GraphCache::size() const {
    return entries_.size();
}

at::Tensor GraphCache::run(const std::vector<at::Tensor>& inputs, const Fn& fn) {
#ifdef LIGHTNING_WITH_CUDA
    if (!enabled_ || inputs.empty() || !inputs.front().is_cuda()) return fn(inputs);
    const auto key = signature(inputs);
    for (auto& entry : entries_) {
        if (entry->key != key) continue;
        for (size_t i = 0; i < inputs.size(); ++i) entry->static_inputs[i].copy_(inputs[i]);
        entry->graph.replay();
        return entry->static_output.clone();
    }
    auto entry = std::make_unique<Entry>();
    entry->key = key;
    for (const auto& t : inputs) entry->static_inputs.push_back(t.clone());
    {
        // Capture must happen off the default stream; warm-up there too so that lazy
        // initialisation (cuDNN/cuBLAS handles, autotuning) is not recorded.
        auto side = c10::cuda::getStreamFromPool();
        at::cuda::CUDAEvent inputs_ready;
        inputs_ready.record(c10::cuda::getCurrentCUDAStream());
        inputs_ready.block(side);
        c10::cuda::CUDAStreamGuard guard(side);
        for (int i = 0; i < 2; ++i) fn(entry->static_inputs);
        side.synchronize();
        // Thread-local capture mode: the default (global) mode makes every "unsafe" CUDA call
        // of any other thread (a cudaMalloc, a synchronisation) fail and invalidate this
        // capture, and `lightning batch --devices` runs one engine per device in threads of
        // one process, each capturing its own graphs while the others run. (Before libtorch
        // 2.1 there is the global mode only: one device per process there.)
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
        entry->graph.capture_begin({0, 0}, cudaStreamCaptureModeThreadLocal);
#else
        entry->graph.capture_begin();
#endif
        entry->static_output = fn(entry->static_inputs);
        entry->graph.capture_end();
        side.synchronize();
    }
    // Later replays run on the caller's stream, after it has finished what it queued.
    log().debug("captured CUDA graph #{} for {}", entries_.size() + 1, key);
    entry->graph.replay();
    auto out = entry->static_output.clone();
    entries_.push_back(std::move(entry));
    return out;
#else
    return fn(inputs);
#endif
}

}  // namespace lightning
