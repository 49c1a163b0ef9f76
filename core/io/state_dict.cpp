#include "core/io/state_dict.h"

#include "core/util/error.h"

#include <torch/nn/module.h>

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

// Groups names by their parent path so hundreds of keys stay readable:
// "down_blocks.0.resnets.0.{conv1.weight, conv1.bias}" style, one parent per line.
void append_grouped(std::ostringstream& out, const std::vector<std::string>& names) {
    std::map<std::string, std::vector<std::string>> groups;
    for (const auto& name : names) {
        const auto dot = name.rfind('.');
        if (dot == std::string::npos)
            groups[""].push_back(name);
        else
            groups[name.substr(0, dot)].push_back(name.substr(dot + 1));
    }
    for (const auto& [parent, leaves] : groups) {
        out << "\n    ";
        if (parent.empty()) {
            for (size_t i = 0; i < leaves.size(); ++i) out << (i ? ", " : "") << leaves[i];
        } else if (leaves.size() == 1) {
            out << parent << '.' << leaves[0];
        } else {
            out << parent << ".{";
            for (size_t i = 0; i < leaves.size(); ++i) out << (i ? ", " : "") << leaves[i];
            out << '}';
        }
    }
}

}  // namespace

std::string StateDictReport::summary() const {
    if (ok()) return "state dict matches";
    std::ostringstream out;
    out << "state dict mismatch: " << missing.size() << " missing, " << unexpected.size()
        << " unexpected, " << mis_shaped.size() << " mis-shaped";
    if (!missing.empty()) {
        out << "\n  missing from the file (" << missing.size() << "):";
        append_grouped(out, missing);
    }
    if (!unexpected.empty()) {
        out << "\n  unexpected in the file (" << unexpected.size() << "):";
        append_grouped(out, unexpected);
    }
    if (!mis_shaped.empty()) {
        out << "\n  mis-shaped (" << mis_shaped.size() << "):";
        for (const auto& line : mis_shaped) out << "\n    " << line;
    }
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
        if (name.compare(0, prefix.size(), prefix) == 0 && !module_keys.count(name))
            report.unexpected.push_back(name);
    return report;
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
            at::Tensor value = source.load(key, target.scalar_type(), target.device());
            target.copy_(value);
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
