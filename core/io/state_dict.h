// Strict, name-for-name loading of a TensorSource into a torch::nn::Module.
#pragma once
#include "core/io/tensor_source.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace torch::nn {
class Module;
}

namespace lightning {

struct StateDictReport {
    std::vector<std::string> missing;           // in the module, not in the source
    std::vector<std::string> unexpected;        // in the source, not in the module
    std::vector<std::string> mis_shaped;        // "name: file [a, b] vs module [c, d]"
    std::map<std::string, std::string> shapes;  // "[a, b]" of each missing/unexpected name
    bool ok() const { return missing.empty() && unexpected.empty() && mis_shaped.empty(); }
    // One line: the counts, then up to 10 names with shapes per kind ("and N more").
    std::string summary() const;
};

// Compares names and shapes of the module's parameters and persistent buffers with the
// source, without loading data.
StateDictReport check_state_dict(const torch::nn::Module& module, const TensorSource& source,
                                 const std::string& prefix = {});

// Every element finite (NaN and infinities are not); true for non-floating tensors.
bool all_finite(const at::Tensor& tensor);

// Loads every parameter/buffer of `module` from `source` (key = prefix + module name),
// converting to each parameter's own dtype and device. Strict: if check_state_dict() finds
// any problem, throws lightning::Error (where = source.describe()) listing all of them and
// leaves the module untouched.
void load_state_dict(torch::nn::Module& module, const TensorSource& source,
                     const std::string& prefix = {});

}  // namespace lightning
