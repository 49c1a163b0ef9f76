// safetensors reading (memory-mapped, lazy per tensor, validated before trusted) and writing
// (atomic: temp file + rename).
#pragma once
#include "core/io/safetensors_header.h"
#include "core/io/tensor_source.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lightning {

// An open, validated safetensors file. Opening checks what parse_safetensors_header checks (see
// safetensors_header.h); any failure throws lightning::Error whose where() is the path (and
// tensor name when one tensor is at fault).
class SafeTensorsFile : public TensorSource {
public:
    static std::shared_ptr<SafeTensorsFile> open(const std::string& path);
    ~SafeTensorsFile() override;

    const std::vector<StTensorInfo>& infos() const;
    const StTensorInfo* info(const std::string& name) const;
    const std::map<std::string, std::string>& metadata() const;
    const std::string& path() const;

    std::vector<std::string> names() const override;
    bool contains(const std::string& name) const override;
    std::vector<int64_t> shape(const std::string& name) const override;
    at::Tensor load(const std::string& name, std::optional<c10::ScalarType> dtype = std::nullopt,
                    c10::Device device = c10::kCPU) const override;
    // On the CPU: converted straight from the mapping into `target`.
    void load_into(const std::string& name, const at::Tensor& target) const override;
    std::string describe() const override;

    struct Impl;

private:
    explicit SafeTensorsFile(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Writes tensors (any device; contiguous copies are made as needed) to `path` atomically:
// a temporary file in the same folder, fsync, then rename. On failure nothing is left behind
// and lightning::Error names the path.
void save_safetensors(const std::string& path,
                      const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

}  // namespace lightning
