#include "core/request/request.h"

#include "core/util/error.h"

namespace lightning {

GenerationRequest GenerationRequest::single_image(int index) const {
    GenerationRequest one = *this;
    one.batch = 1;
    one.seed = seed + uint64_t(index);
    return one;
}

}  // namespace lightning
