#include "core/testing/compare.h"

#include <torch/torch.h>

#include <sstream>

namespace lightning {
namespace {

std::string shape_string(const at::Tensor& t) {
    std::ostringstream out;
    out << t.sizes();
    return out.str();
}

std::string index_string(int64_t flat, at::IntArrayRef sizes) {
    std::vector<int64_t> index(sizes.size());
    for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
        index[d] = sizes[d] ? flat % sizes[d] : 0;
        flat = sizes[d] ? flat / sizes[d] : 0;
    }
    std::ostringstream out;
    out << at::IntArrayRef(index);
    return out.str();
}

}  // namespace

Comparison compare_tensors(const std::string& name, const at::Tensor& actual,
                           const at::Tensor& expected, Tolerance tolerance) {
    Comparison result;
    if (!actual.defined() || !expected.defined()) {
        result.message = name + ": tensor missing";
        return result;
    }
    if (actual.sizes() != expected.sizes()) {
        result.message =
            name + ": shape " + shape_string(actual) + " != expected " + shape_string(expected);
        return result;
    }
    auto a = actual.detach().to(at::kCPU, at::kDouble).contiguous();
    auto e = expected.detach().to(at::kCPU, at::kDouble).contiguous();
    if (a.numel() == 0) {
        result.ok = true;
        result.message = name + ": empty, equal";
        return result;
    }
    auto diff = (a - e).abs();
    // Identical non-finite values (inf == inf, NaN == NaN) count as equal.
    auto same = (a == e) | (a.isnan() & e.isnan());
    diff = diff.masked_fill(same, 0.0);
    diff = diff.masked_fill(diff.isnan(), std::numeric_limits<double>::infinity());
    // A non-finite expected value allows no deviation (inf * rtol or 0 * inf would make the
    // allowance inf or NaN); equal non-finite values were set to a difference of 0 above.
    auto allowed = tolerance.atol + tolerance.rtol * e.abs().masked_fill(~e.isfinite(), 0.0);
    auto excess = diff - allowed;
    const int64_t worst = excess.argmax().item<int64_t>();
    const int64_t worst_abs = diff.argmax().item<int64_t>();
    result.max_abs = diff.view(-1)[worst_abs].item<double>();
    result.max_allowed = allowed.view(-1)[worst].item<double>();
    result.ok = excess.view(-1)[worst].item<double>() <= 0;
    const double norm = e.norm().item<double>();
    result.rel_rms = norm > 0 ? diff.norm().item<double>() / norm : diff.norm().item<double>();
    std::ostringstream out;
    out << name << ": max |diff| " << result.max_abs << " at " << index_string(worst_abs, a.sizes())
        << " (actual " << a.view(-1)[worst_abs].item<double>() << ", expected "
        << e.view(-1)[worst_abs].item<double>() << "; atol " << tolerance.atol << ", rtol "
        << tolerance.rtol << "; relative rms " << result.rel_rms << ")"
        << (result.ok ? "" : " EXCEEDS tolerance");
    result.message = out.str();
    return result;
}

Comparison compare_exact(const std::string& name, const at::Tensor& actual,
                         const at::Tensor& expected) {
    return compare_tensors(name, actual, expected, Tolerance{0, 0});
}

}  // namespace lightning
