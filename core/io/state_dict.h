// Strict, name-for-name loading of a TensorSource into a torch::nn::Module.
#pragma once
#include "core/io/tensor_source.h"

#include <functional>
#include <string>
#include <vector>

namespace torch::nn {
class Module;
}

namespace lightning {

struct StateDictReport {
    std::vector<std::string> missing;     // in the module, not in the source
    std::vector<std::string> unexpected;  // in the source, not in the module
    std::vector<std::string> mis_shaped;  // "name: file [a, b] vs module [c, d]"
    bool ok() const { return missing.empty() && unexpected.empty() && mis_shaped.empty(); }
    std::string summary() const;  // one readable paragraph listing every problem by name
};

// Compares names and shapes of the module's parameters and persistent buffers with the
// source, without loading data.
StateDictReport check_state_dict(const torch::nn::Module& module, const TensorSource& source,
                                 const std::string& prefix = {});

// Loads every parameter/buffer of `module` from `source` (key = prefix + module name),
// converting to each parameter's own dtype and device. Strict: if check_state_dict() finds
// any problem, throws lightning::Error (where = source.describe()) listing all of them and
// leaves the module untouched.
void load_state_dict(torch::nn::Module& module, const TensorSource& source,
                     const std::string& prefix = {});

}  // namespace lightning
