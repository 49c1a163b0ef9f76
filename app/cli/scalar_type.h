// The torch dtype of a --dtype value (upscale, verify and bench --upscaler).
#pragma once
#include "core/request/enums.h"

#include <c10/core/ScalarType.h>

namespace lightning::cli {

inline c10::ScalarType scalar_type(Precision precision) {
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

}  // namespace lightning::cli
