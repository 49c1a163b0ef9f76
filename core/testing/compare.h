// Tensor comparison against golden values, shared by the QtTest suites and `lightning verify`
// (the GPU machine's Qt-free entry point), so both run the very same checks.
#pragma once
#include <ATen/core/Tensor.h>

#include <string>

namespace lightning {

struct Tolerance {
    double atol = 0;
    double rtol = 0;
};

struct Comparison {
    bool ok = false;
    double max_abs = 0;      // max |actual - expected|
    double max_allowed = 0;  // atol + rtol * |expected| at the worst element
    double rel_rms = 0;      // ||actual - expected||_2 / ||expected||_2 (0 when expected is 0)
    std::string message;     // "name: max |diff| 3.2e-06 at [0, 1, 2, 3] (allowed 1e-05) ..."
};

// Element-wise |a - e| <= atol + rtol * |e| (computed in float64 on CPU). Shapes must match
// exactly; NaN/inf anywhere fail unless equal in both. `name` goes into the message.
Comparison compare_tensors(const std::string& name, const at::Tensor& actual,
                           const at::Tensor& expected, Tolerance tolerance);

// Exact equality of values, dtype-agnostic (ids, scheduler tables, loaded weights).
Comparison compare_exact(const std::string& name, const at::Tensor& actual,
                         const at::Tensor& expected);

}  // namespace lightning
