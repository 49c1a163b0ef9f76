#include "core/request/request.h"

#include "core/util/error.h"

#include <algorithm>

namespace lightning {
namespace {

// The last steps of a `steps` schedule that a strength runs: Python's int() of the double
// product, as diffusers computes it (8 x 0.3 = 2.4 -> 2). 0 for NaN or a negative strength
// (limits::validate names it).
int kept_steps(int steps, double strength) {
    const double product = double(steps) * strength;
    if (!(product >= 0)) return 0;
    return std::min(steps, int(product));
}

// The hires fix's schedule: its own step count, or the request's.
int hires_schedule(const GenerationRequest& r) {
    return r.hires.steps > 0 ? r.hires.steps : r.steps;
}

}  // namespace

GenerationRequest GenerationRequest::single_image(int index) const {
    GenerationRequest one = *this;
    one.batch = 1;
    // A1111's all_seeds / all_subseeds: the seed steps only while no variation blends in.
    if (variation.blends())
        one.variation.seed = variation.seed + uint64_t(index);
    else
        one.seed = seed + uint64_t(index);
    return one;
}

int GenerationRequest::denoising_steps() const {
    return refines() ? kept_steps(steps, input.strength) : steps;
}

GenerationRequest GenerationRequest::hires_pass() const {
    GenerationRequest pass = *this;
    pass.hires = {};
    pass.variation = {};  // the first pass's noise; the second's is its image's own seed's
    pass.upscale = {};    // the finished image's, not the pass's
    // int() of the product as A1111 takes it, then down to the VAE's multiple of 8.
    pass.width = int(double(width) * hires.scale) / 8 * 8;
    pass.height = int(double(height) * hires.scale) / 8 * 8;
    pass.steps = hires_schedule(*this);
    pass.unet_file = hires.unet_file;
    pass.input.strength = hires.strength;
    return pass;
}

int GenerationRequest::hires_denoising_steps() const {
    return kept_steps(hires_schedule(*this), hires.strength);
}

}  // namespace lightning
