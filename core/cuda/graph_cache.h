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

    // Graphs hold pointers to module weights: drop them whenever weights are reallocated.
    // (Copying new values into existing weights, as a checkpoint swap does, keeps them valid.)
    void clear();
    void set_enabled(bool enabled);
    bool enabled() const { return enabled_; }
    size_t size() const;

    static bool cuda_graphs_available();

private:
    struct Entry;
    std::vector<std::unique_ptr<Entry>> entries_;
    bool enabled_ = true;
};

}  // namespace lightning
