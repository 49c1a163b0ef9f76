// A named set of tensors that loads lazily: a safetensors file, a renamed view of one
// (single-file checkpoints), or an in-memory map. Loaders and LoRA code see only this.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lightning {

class TensorSource {
public:
    virtual ~TensorSource() = default;
    // Every tensor name, in a stable order.
    virtual std::vector<std::string> names() const = 0;
    virtual bool contains(const std::string& name) const = 0;
    // Shape without loading the data. Throws lightning::Error for an unknown name.
    virtual std::vector<int64_t> shape(const std::string& name) const = 0;
    // Loads one tensor, converted to `dtype` (when given) on `device`. The result owns its
    // memory (never aliases a mapping that may go away). Throws lightning::Error naming the
    // source and the tensor on any failure.
    virtual at::Tensor load(const std::string& name,
                            std::optional<c10::ScalarType> dtype = std::nullopt,
                            c10::Device device = c10::kCPU) const = 0;
    // Loads one tensor into `target`, which has its shape, converting to target's dtype and
    // device. The default is load() then copy_(); a memory-mapped file converts straight from
    // the mapping (no intermediate tensor). Throws lightning::Error like load().
    virtual void load_into(const std::string& name, const at::Tensor& target) const;
    // Human-readable origin for error messages (usually a file path).
    virtual std::string describe() const = 0;
};

// In-memory source (tests, converted LoRA factors).
class TensorMapSource : public TensorSource {
public:
    explicit TensorMapSource(std::vector<std::pair<std::string, at::Tensor>> tensors,
                             std::string description = "<memory>");
    std::vector<std::string> names() const override;
    bool contains(const std::string& name) const override;
    std::vector<int64_t> shape(const std::string& name) const override;
    at::Tensor load(const std::string& name, std::optional<c10::ScalarType> dtype,
                    c10::Device device) const override;
    std::string describe() const override { return description_; }

private:
    const at::Tensor* find(const std::string& name) const;
    std::vector<std::pair<std::string, at::Tensor>> tensors_;
    std::string description_;
};

// A source seen through a name mapping: `names()` are the new names, each loading
// `inner` tensor `mapping[new]`. Used by core/convert for single-file checkpoints.
std::shared_ptr<TensorSource> renamed_source(
    std::shared_ptr<const TensorSource> inner,
    std::vector<std::pair<std::string, std::string>> new_to_old);

}  // namespace lightning
