#include "core/testing/reduced_precision.h"

#include "core/io/tensor_source.h"

#include <torch/torch.h>

#include <cmath>
#include <sstream>

namespace lightning {

double unit_roundoff(c10::ScalarType dtype) {
    switch (dtype) {
        case c10::kHalf:
            return std::ldexp(1.0, -11);  // 10 stored mantissa bits
        case c10::kBFloat16:
            return std::ldexp(1.0, -8);  // 7 stored mantissa bits
        case c10::kDouble:
            return std::ldexp(1.0, -53);
        default:
            return std::ldexp(1.0, -24);
    }
}

namespace {

bool has_prefix(const std::string& name, const std::vector<std::string>& prefixes) {
    if (prefixes.empty()) return true;
    for (const auto& prefix : prefixes)
        if (name.rfind(prefix, 0) == 0) return true;
    return false;
}

// A weight's reduction length, or 0 for anything that is not a product's weight.
double reduction_length(const std::string& name, const std::vector<int64_t>& shape) {
    const bool weight = name.size() >= 6 && name.compare(name.size() - 6, 6, "weight") == 0;
    if (!weight || name.find("embedding") != std::string::npos) return 0;
    if (shape.size() == 2) return double(shape[1]);
    if (shape.size() == 4) return double(shape[1] * shape[2] * shape[3]);
    return 0;
}

}  // namespace

double reduction_length_sum(const TensorSource& weights, const std::vector<std::string>& prefixes) {
    double sum = 0;
    for (const auto& name : weights.names())
        if (has_prefix(name, prefixes)) sum += reduction_length(name, weights.shape(name));
    return sum;
}

double reduction_length_sum(const torch::nn::Module& module,
                            const std::vector<std::string>& prefixes) {
    double sum = 0;
    for (const auto& item : module.named_parameters(/*recurse=*/true)) {
        const auto& name = item.key();
        const auto& w = item.value();
        if (has_prefix(name, prefixes)) sum += reduction_length(name, w.sizes().vec());
    }
    return sum;
}

double reduced_precision_bound(c10::ScalarType dtype, double reduction_sum) {
    return kReducedPrecisionSafety * unit_roundoff(dtype) * std::sqrt(reduction_sum / 6.0);
}

Comparison compare_reduced(const std::string& name, const at::Tensor& actual,
                           const at::Tensor& expected, c10::ScalarType dtype,
                           double reduction_sum) {
    // Element bounds off: the relative rms error decides.
    Comparison c = compare_tensors(name, actual, expected, Tolerance{INFINITY, 0});
    if (c.message.find("max |diff|") == std::string::npos) return c;  // missing / shape
    const double bound = reduced_precision_bound(dtype, reduction_sum);
    c.ok = std::isfinite(c.rel_rms) && c.rel_rms <= bound;
    c.max_allowed = bound;
    std::ostringstream out;
    out << name << ": relative rms " << c.rel_rms << " (bound " << bound << " = "
        << kReducedPrecisionSafety << " u sqrt(" << reduction_sum << " / 6), u "
        << unit_roundoff(dtype) << "); max |diff| " << c.max_abs << (c.ok ? "" : " EXCEEDS bound");
    c.message = out.str();
    return c;
}

}  // namespace lightning
