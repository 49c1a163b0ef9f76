// Bounds for reduced-precision (fp16/bf16) results compared with the fp32 goldens.
//
// What limits them. A bf16 run rounds every intermediate result to 8 significant bits
// (u = 2^-8): each layer's output, each normalisation, each activation. On the tiny fixtures
// those roundings add up to far more than the effect of most structural faults:
//   - one UNet call on golden inputs deviates from the fp32 golden by a relative rms of 0.075
//     (worst of 67 calls: 0.12), while skipping every cross-attention moves the fp32 output by
//     0.023, a timestep off by one by 0.0012, zeroed conditioning by 0.002;
//   - rounding only the weights and inputs (an fp32 run on bf16-rounded weights) accounts for
//     0.013 of the 0.075: the activations' rounding dominates, so comparing with such a run
//     does not tighten the bound; neither does comparing one transformer block at a time
//     (bf16 deviation 0.0017 against 0.003 for its skipped cross-attention: no margin).
// So a reduced-precision check cannot see those faults, on any CPU: the fp32 checks of the very
// same, dtype-generic code do (atol 1e-5, see docs/testing.md's mutation table). What the
// reduced-precision bounds are for is the faults of the reduced-precision path itself: an
// overflow, a missing upcast, a wrong cast, a kernel that fails for the dtype, and any fault that
// moves the result by more than its rounding does (a wrong VAE scale, a broken decoder, an
// uncorrelated, zero or negated output). They are therefore as tight as the rounding allows.
//
// The bound. The relative rms error ||actual - expected|| / ||expected|| of a stage's output is
// its error gain G times the format's unit roundoff u: G * u. G is a property of the network and
// the stage (how many roundings stand behind the tensor and how much the network amplifies
// them: group normalisation over few channels, as in the tiny VAE decoder, amplifies a lot), not
// of the format, so fp16 (u = 2^-11) gets bounds 8 times tighter than bf16. Each G is 1.5 times
// the largest G seen on libtorch's own bf16 kernels (AMD EPYC, AVX2, oneDNN not used for bf16;
// ATEN_CPU_CAPABILITY=default gave the same results bit for bit), the CPU path with the most
// rounding (the text encoders: 2 times, as CUDA came close). CUDA bf16 on an H100 (`lightning
// verify`) saw text 0.0084, UNet 0.031, VAE decode 0.073, pipeline pixels 0.108, all inside;
// oneDNN (AVX-512 CPUs) was not measured. ctest re-runs the bf16 checks with oneDNN off and AVX2
// kernels (label `portable`). Every bound stays below 1, the relative rms error of a zero output,
// and far below sqrt(2), that of an uncorrelated one.
#pragma once
#include "core/testing/compare.h"

#include <c10/core/ScalarType.h>

#include <string>

namespace lightning {

// Half the distance from 1 to the next number: fp32 2^-24, fp16 2^-11, bf16 2^-8.
double unit_roundoff(c10::ScalarType dtype);

// The stage a compared tensor comes out of (the golden checks' stages, on the tiny fixtures).
enum class ReducedStage {
    TextEncoder,      // hidden states, pooled output, prompt embeddings: seen G 2.2 (CUDA)
    UNetCall,         // one UNet call on golden inputs: seen 31 (relative rms 0.12)
    VaeDecoder,       // decoded pixels from golden latents: seen 81 (0.32)
    VaeEncoder,       // latent mean and std of a golden image
    PipelineLatents,  // latents, pred_x0, unet_input, vae_input of a whole run: seen 23
    PipelineUNet,     // unet_output / model_output of a whole run: seen 60
    PipelineDecoded,  // vae_decoded of a whole run: seen 119
    PipelineImage,    // the [0, 1] image of a whole run: seen 18
    Upscaler,         // an ESRGAN (RRDBNet) output (tests/data/esrgan): seen 8.4
};

// The stage's error gain G (the table in reduced_precision.cpp, with what was seen).
double error_gain(ReducedStage stage);

// G * u: the largest relative rms error accepted for a tensor of `stage` computed in `dtype`.
double reduced_precision_bound(c10::ScalarType dtype, ReducedStage stage);

// Compares by relative rms error against reduced_precision_bound; the message also gives the
// largest element difference, for information. NaN, inf, shape or missing tensors fail.
Comparison compare_reduced(const std::string& name, const at::Tensor& actual,
                           const at::Tensor& expected, c10::ScalarType dtype, ReducedStage stage);

}  // namespace lightning
