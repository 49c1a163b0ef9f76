#include "core/io/tensor_source.h"

#include "core/util/error.h"

#include <ATen/ATen.h>

#include <unordered_map>
#include <unordered_set>

namespace lightning {

namespace {

std::string tensor_where(const std::string& source, const std::string& name) {
    return source + " [" + name + "]";
}

}  // namespace

void TensorSource::load_into(const std::string& name, const at::Tensor& target) const {
    const at::Tensor value = load(name, target.scalar_type(), target.device());
    if (!value.sizes().equals(target.sizes()))
        throw Error(tensor_where(describe(), name),
                    "shape differs from the module's (" + std::to_string(value.dim()) + " dims)");
    target.copy_(value);
}

TensorMapSource::TensorMapSource(std::vector<std::pair<std::string, at::Tensor>> tensors,
                                 std::string description)
    : tensors_(std::move(tensors)), description_(std::move(description)) {
    std::unordered_set<std::string> seen;
    for (const auto& [name, tensor] : tensors_) {
        if (!seen.insert(name).second)
            throw Error(tensor_where(description_, name), "duplicate tensor name");
        if (!tensor.defined()) throw Error(tensor_where(description_, name), "tensor is undefined");
    }
}

const at::Tensor* TensorMapSource::find(const std::string& name) const {
    for (const auto& [key, tensor] : tensors_)
        if (key == name) return &tensor;
    return nullptr;
}

std::vector<std::string> TensorMapSource::names() const {
    std::vector<std::string> result;
    result.reserve(tensors_.size());
    for (const auto& entry : tensors_) result.push_back(entry.first);
    return result;
}

bool TensorMapSource::contains(const std::string& name) const {
    return find(name) != nullptr;
}

std::vector<int64_t> TensorMapSource::shape(const std::string& name) const {
    const at::Tensor* tensor = find(name);
    if (!tensor) throw Error(description_, "no tensor named '" + name + "'");
    return tensor->sizes().vec();
}

at::Tensor TensorMapSource::load(const std::string& name, std::optional<c10::ScalarType> dtype,
                                 c10::Device device) const {
    const at::Tensor* tensor = find(name);
    if (!tensor) throw Error(description_, "no tensor named '" + name + "'");
    try {
        // Always a copy: callers may modify the result in place (e.g. LoRA fusing) and must not
        // change the source.
        return tensor->detach().to(device, dtype.value_or(tensor->scalar_type()),
                                   /*non_blocking=*/false, /*copy=*/true);
    } catch (const std::exception& e) {
        throw Error(tensor_where(description_, name),
                    std::string("cannot load tensor: ") + e.what());
    }
}

namespace {

class RenamedSource : public TensorSource {
public:
    RenamedSource(std::shared_ptr<const TensorSource> inner,
                  std::vector<std::pair<std::string, std::string>> new_to_old)
        : inner_(std::move(inner)), mapping_(std::move(new_to_old)) {
        if (!inner_) throw Error("renamed_source", "inner source is null");
        for (size_t i = 0; i < mapping_.size(); ++i) {
            const auto& [new_name, old_name] = mapping_[i];
            if (!index_.emplace(new_name, i).second)
                throw Error(inner_->describe(),
                            "two tensors renamed to the same name '" + new_name + "'");
            if (!inner_->contains(old_name))
                throw Error(inner_->describe(),
                            "no tensor named '" + old_name + "' (wanted as '" + new_name + "')");
        }
    }

    std::vector<std::string> names() const override {
        std::vector<std::string> result;
        result.reserve(mapping_.size());
        for (const auto& entry : mapping_) result.push_back(entry.first);
        return result;
    }

    bool contains(const std::string& name) const override { return index_.count(name) != 0; }

    std::vector<int64_t> shape(const std::string& name) const override {
        return inner_->shape(old_name(name));
    }

    at::Tensor load(const std::string& name, std::optional<c10::ScalarType> dtype,
                    c10::Device device) const override {
        return inner_->load(old_name(name), dtype, device);
    }

    std::string describe() const override { return inner_->describe(); }

private:
    const std::string& old_name(const std::string& name) const {
        auto it = index_.find(name);
        if (it == index_.end()) throw Error(describe(), "no tensor named '" + name + "'");
        return mapping_[it->second].second;
    }

    std::shared_ptr<const TensorSource> inner_;
    std::vector<std::pair<std::string, std::string>> mapping_;
    std::unordered_map<std::string, size_t> index_;
};

}  // namespace

std::shared_ptr<TensorSource> renamed_source(
    std::shared_ptr<const TensorSource> inner,
    std::vector<std::pair<std::string, std::string>> new_to_old) {
    return std::make_shared<RenamedSource>(std::move(inner), std::move(new_to_old));
}

}  // namespace lightning
