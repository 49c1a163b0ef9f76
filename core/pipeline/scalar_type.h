// The torch dtype of a Precision (the pipeline's weights, the upscaler, `lightning verify`).
#pragma once
#include "core/request/enums.h"

#include <c10/core/ScalarType.h>

namespace lightning {

inline c10::ScalarType scalar_type_of(Precision precision) {
    switch (precision) {
        case Precision::FP16:
            return c10::kHalf;
        case Precision::BF16:
            return c10::kBFloat16;
        case Precision::FP32:
            break;
    }
    return c10::kFloat;
}

}  // namespace lightning
