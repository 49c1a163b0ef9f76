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

}  // namespace lightning
