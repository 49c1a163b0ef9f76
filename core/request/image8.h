// An 8-bit image as the engine hands it out and the PNG writer takes it. No torch.
#pragma once
#include <cstdint>
#include <vector>

namespace lightning {

// 8-bit RGB, row-major, no padding.
struct Image8 {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> rgb;
};

}  // namespace lightning
