#include "core/io/state_dict.h"

#include "core/util/error.h"

#include <torch/torch.h>

#include <cmath>
#include <map>
#include <sstream>
#include <unordered_set>

namespace lightning {

namespace {

// Parameters then buffers, by full module name; undefined slots (e.g. a disabled bias) skipped.
std::vector<std::pair<std::string, at::Tensor>> module_tensors(const torch::nn::Module& module) {
    std::vector<std::pair<std::string, at::Tensor>> result;
    for (const auto& item : module.named_parameters(/*recurse=*/true))
        if (item.value().defined()) result.emplace_back(item.key(), item.value());
    for (const auto& item : module.named_buffers(/*recurse=*/true))
        if (item.value().defined()) result.emplace_back(item.key(), item.value());
    return result;
}

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

// At most kListed names of a list, then "and N more".
constexpr size_t kListed = 10;

void append_listed(std::ostringstream& out, const char* label,
                   const std::vector<std::string>& items,
                   const std::map<std::string, std::string>& shapes) {
    if (items.empty()) return;
    out << "; " << label << ": ";
    for (size_t i = 0; i < items.size() && i < kListed; ++i) {
        out << (i ? ", " : "") << items[i];
        if (const auto shape = shapes.find(items[i]); shape != shapes.end())
            out << ' ' << shape->second;
    }
    if (items.size() > kListed) out << " and " << items.size() - kListed << " more";
}

}  // namespace

std::string StateDictReport::summary() const {
    if (ok()) return "state dict matches";
    std::ostringstream out;
    out << "state dict mismatch (" << missing.size() << " missing, " << unexpected.size()
        << " unexpected, " << mis_shaped.size() << " mis-shaped)";
    append_listed(out, "missing from the file", missing, shapes);
    append_listed(out, "unexpected in the file", unexpected, shapes);
    append_listed(out, "mis-shaped", mis_shaped, shapes);
    return out.str();
}

StateDictReport check_state_dict(const torch::nn::Module& module, const TensorSource& source,
                                 const std::string& prefix) {
    StateDictReport report;
    std::unordered_set<std::string> module_keys;
    for (const auto& [name, tensor] : module_tensors(module)) {
        const std::string key = prefix + name;
        module_keys.insert(key);
        if (!source.contains(key)) {
            report.missing.push_back(key);
            report.shapes[key] = shape_text(tensor.sizes().vec());
            continue;
        }
        const std::vector<int64_t> file_shape = source.shape(key);
        const std::vector<int64_t> module_shape = tensor.sizes().vec();
        if (file_shape != module_shape)
            report.mis_shaped.push_back(key + ": file " + shape_text(file_shape) + " vs module " +
                                        shape_text(module_shape));
    }
    // Names outside `prefix` belong to other components of the same file (single-file checkpoints).
    for (const auto& name : source.names())
        if (name.compare(0, prefix.size(), prefix) == 0 && !module_keys.count(name)) {
            report.unexpected.push_back(name);
            report.shapes[name] = shape_text(source.shape(name));
        }
    return report;
}

bool all_finite(const at::Tensor& tensor) {
    if (!tensor.is_floating_point() || tensor.numel() == 0) return true;
    // A finite sum means no NaN and no infinity (either would make the sum non-finite): one
    // vectorised pass, no mask tensor (at::isfinite(t).all() costs 14x more on the CPU). A
    // non-finite sum may also be an overflow of large finite values, so that case is decided
    // element by element.
    if (std::isfinite(tensor.sum().item<double>())) return true;
    return at::isfinite(tensor).all().item<bool>();
}

void load_state_dict(torch::nn::Module& module, const TensorSource& source,
                     const std::string& prefix) {
    const StateDictReport report = check_state_dict(module, source, prefix);
    if (!report.ok()) throw Error(source.describe(), report.summary());

    // Names and shapes are verified above, so the only failures left are I/O or memory ones.
    // Tensors are copied one at a time (not all loaded first) to keep peak memory at one model.
    torch::NoGradGuard no_grad;
    for (auto& [name, target] : module_tensors(module)) {
        const std::string key = prefix + name;
        try {
            // Converted straight into the module's tensor, then checked there.
            source.load_into(key, target);
            if (!all_finite(target))
                throw Error(source.describe() + " [" + key + "]",
                            "contains NaN or infinite values (a damaged or diverged checkpoint)");
        } catch (const Error& e) {
            throw Error(e.where(), e.message() + " (module left partially loaded)");
        } catch (const std::exception& e) {
            throw Error(source.describe() + " [" + key + "]",
                        std::string("cannot copy into module: ") + e.what() +
                            " (module left partially loaded)");
        }
    }
}

}  // namespace lightning
