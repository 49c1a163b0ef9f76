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

#include <algorithm>
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
    std::vector<at::Tensor> static_outputs;
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
void GraphCache::set_max_graphs(size_t count) {
    max_graphs_ = std::max<size_t>(1, count);
    while (entries_.size() > max_graphs_) entries_.erase(entries_.begin());
}
size_t GraphCache::size() const {
    return entries_.size();
}

at::Tensor GraphCache::run(const std::vector<at::Tensor>& inputs, const Fn& fn) {
    return run_many(
               inputs,
               [&](const std::vector<at::Tensor>& in) { return std::vector<at::Tensor>{fn(in)}; })
        .front();
}

namespace {

std::vector<at::Tensor> clones(const std::vector<at::Tensor>& tensors) {
    std::vector<at::Tensor> out;
    out.reserve(tensors.size());
    for (const auto& t : tensors) out.push_back(t.defined() ? t.clone() : t);
    return out;
}

}  // namespace

std::vector<at::Tensor> GraphCache::run_many(const std::vector<at::Tensor>& inputs,
                                             const MultiFn& fn, const std::string& variant) {
#ifdef LIGHTNING_WITH_CUDA
    if (!enabled_ || inputs.empty() || !inputs.front().is_cuda()) return fn(inputs);
    const auto key = variant + '|' + signature(inputs);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        auto& entry = **it;
        if (entry.key != key) continue;
        for (size_t i = 0; i < inputs.size(); ++i) entry.static_inputs[i].copy_(inputs[i]);
        entry.graph.replay();
        auto out = clones(entry.static_outputs);
        std::rotate(it, it + 1, entries_.end());  // most recently used last
        return out;
    }
    if (entries_.size() >= max_graphs_) entries_.erase(entries_.begin());
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
        entry->static_outputs = fn(entry->static_inputs);
        entry->graph.capture_end();
        side.synchronize();
    }
    // Later replays run on the caller's stream, after it has finished what it queued.
    log().debug("captured CUDA graph #{} for {}", entries_.size() + 1, key);
    entry->graph.replay();
    auto out = clones(entry->static_outputs);
    entries_.push_back(std::move(entry));
    return out;
#else
    (void)variant;
    return fn(inputs);
#endif
}

}  // namespace lightning
