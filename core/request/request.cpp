#include "core/request/request.h"

#include "core/util/error.h"

#include <algorithm>

namespace lightning {

GenerationRequest GenerationRequest::single_image(int index) const {
    GenerationRequest one = *this;
    one.batch = 1;
    one.seed = seed + uint64_t(index);
    return one;
}

int GenerationRequest::denoising_steps() const {
    if (!refines()) return steps;
    // Python's int() of the double product, as diffusers computes it (8 x 0.3 = 2.4 -> 2).
    const double product = double(steps) * input.strength;
    if (!(product >= 0)) return 0;  // NaN or negative: limits::validate names the strength
    return std::min(steps, int(product));
}

GenerationRequest GenerationRequest::hires_pass() const {
    GenerationRequest pass = *this;
    pass.hires = {};
    // int() of the product as A1111 takes it, then down to the VAE's multiple of 8.
    pass.width = int(double(width) * hires.scale) / 8 * 8;
    pass.height = int(double(height) * hires.scale) / 8 * 8;
    pass.steps = hires.steps > 0 ? hires.steps : steps;
    pass.unet_file = hires.unet_file;
    pass.input.strength = hires.strength;
    return pass;
}

int GenerationRequest::hires_denoising_steps() const {
    const int pass_steps = hires.steps > 0 ? hires.steps : steps;
    const double product = double(pass_steps) * hires.strength;
    if (!(product >= 0)) return 0;
    return std::min(pass_steps, int(product));
}

}  // namespace lightning
