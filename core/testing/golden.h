// Golden checks: each component's comparison against ../shared/fixtures/golden lives in
// core/testing/golden_<component>.{h,cpp} as `GoldenReport check_<component>_goldens(opts)`.
// The QtTest suites assert on these reports; `lightning verify` runs the same functions on any
// device (the GPU machine has no Qt), so CPU and CUDA are held to the very same checks.
#pragma once
#include "core/request/image8.h"
#include "core/testing/compare.h"

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <functional>
#include <string>
#include <vector>

namespace lightning {

struct GoldenOptions {
    std::string fixtures_dir;  // the folder holding golden/, tiny-sdxl/, tiny-lightning/
    c10::Device device = c10::kCPU;
    c10::ScalarType dtype = c10::kFloat;  // fp16/bf16: run anyway, report deviations
    // Reads the input images of refine cases (core/image's read_image_pixels where the build
    // has it; without one those cases fail with a clear error).
    std::function<Image8(const std::string& path)> read_image;
};

using GoldenReport = std::vector<Comparison>;

inline bool all_ok(const GoldenReport& report) {
    for (const auto& c : report)
        if (!c.ok) return false;
    return !report.empty();
}

}  // namespace lightning
