// CUDA graph capture and replay of a tensor function, one graph per input signature
// (shapes, dtypes, device). Batch-1 SDXL on a fast GPU is bound by kernel launches: replaying a
// captured UNet forward skips the per-op CPU cost (dispatcher + launch) entirely.
//
// Without a CUDA build of libtorch, or for CPU tensors, run() simply calls the function.
#pragma once
#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lightning {

class GraphCache {
public:
    using Fn = std::function<at::Tensor(const std::vector<at::Tensor>& inputs)>;
    using MultiFn = std::function<std::vector<at::Tensor>(const std::vector<at::Tensor>& inputs)>;

    GraphCache();
    ~GraphCache();
    GraphCache(const GraphCache&) = delete;
    GraphCache& operator=(const GraphCache&) = delete;

    // Runs fn(inputs). On CUDA with graphs enabled, the first call for a signature warms fn up
    // and captures it with static input buffers; later calls copy `inputs` into those buffers
    // and replay. The result is a fresh tensor (a copy of the graph's static output), valid
    // after the next call. fn must be free of host synchronisation and must read nothing but
    // its inputs and tensors that stay at the same address (module weights).
    at::Tensor run(const std::vector<at::Tensor>& inputs, const Fn& fn);
    // The same for a function of several outputs. `variant` tells apart functions that differ
    // in more than their inputs' signature (e.g. how many layers run); it is part of the key.
    std::vector<at::Tensor> run_many(const std::vector<at::Tensor>& inputs, const MultiFn& fn,
                                     const std::string& variant = {});

    // Graphs hold pointers to module weights: drop them whenever weights are reallocated.
    // (Copying new values into existing weights, as a checkpoint swap does, keeps them valid.)
    void clear();
    void set_enabled(bool enabled);
    // Each graph keeps its own memory pool (the function's activations) for good: beyond this
    // many signatures the least recently used graph is dropped.
    void set_max_graphs(size_t count);
    bool enabled() const { return enabled_; }
    size_t size() const;

    static bool cuda_graphs_available();

private:
    struct Entry;
    std::vector<std::unique_ptr<Entry>> entries_;
    bool enabled_ = true;
    size_t max_graphs_ = 4;
};

}  // namespace lightning
