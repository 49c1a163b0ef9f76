// Bounds for reduced-precision (fp16/bf16) results compared with the fp32 goldens, derived from
// the number format and the amount of arithmetic, never from what one machine happened to show.
//
// The model: every matrix product or convolution with a reduction of length K may accumulate in
// the reduced format itself (libtorch 1.13's own CPU kernels do this for bf16 on CPUs without
// AVX-512, i.e. where oneDNN is not used). Recursive summation of K terms with unit roundoff u
// leaves a relative error of rms about u * sqrt(K / 6) (each partial sum s_i is rounded with an
// error of rms u|s_i|/sqrt(3) and |s_i|^2 grows like i, so the errors add up to u^2 K^2 / 6
// against a result of size K). Independent errors of all layers add in quadrature, so a network
// whose layers reduce over K_1, K_2, ... carries a relative rms error of about
//     u * sqrt(sum_l K_l / 6)
// at its output. Kernels that accumulate in fp32 (oneDNN, CUDA) do better; none does worse short
// of a bug. The bound allows kReducedPrecisionSafety times this for the network's error gain:
// residual paths damp the errors of the branches they add (the tiny UNet shows a gain of about
// 0.4), while group normalisation over few, small channels amplifies them (the tiny VAE decoder:
// about 2.2). The bound is checked on the relative rms error
// ||actual - expected|| / ||expected||, which, unlike the maximum, does not depend on how many
// elements a tensor has.
#pragma once
#include "core/testing/compare.h"

#include <c10/core/ScalarType.h>

#include <string>
#include <vector>

namespace torch::nn {
class Module;
}

namespace lightning {

class TensorSource;

// Half the distance from 1 to the next number: fp32 2^-24, fp16 2^-11, bf16 2^-8.
double unit_roundoff(c10::ScalarType dtype);

// Sum over the module's weight layers of their reduction length: in_features for a matrix
// weight, in_channels * kh * kw for a convolution kernel (embedding tables count as lookups: 0).
// With `prefixes`, only parameters whose names start with one of them count (the half of a
// model that ran, e.g. {"decoder.", "post_quant_conv."}).
double reduction_length_sum(const torch::nn::Module& module,
                            const std::vector<std::string>& prefixes = {});

// The same sum from a weights file's tensor shapes (no model needed).
double reduction_length_sum(const TensorSource& weights,
                            const std::vector<std::string>& prefixes = {});

// Allowance for the network's error gain over the independent-rounding estimate. Small enough
// that every bound of the golden checks stays below 1, the relative rms error of a zero output
// (and far below sqrt(2), that of an uncorrelated one).
inline constexpr double kReducedPrecisionSafety = 3.0;

// kSafety * u * sqrt(reduction_sum / 6): the largest relative rms error accepted.
double reduced_precision_bound(c10::ScalarType dtype, double reduction_sum);

// Compares by relative rms error against reduced_precision_bound(dtype, reduction_sum); the
// message also gives the largest element difference, for information.
Comparison compare_reduced(const std::string& name, const at::Tensor& actual,
                           const at::Tensor& expected, c10::ScalarType dtype, double reduction_sum);

}  // namespace lightning
