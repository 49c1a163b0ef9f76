// Any image file OpenImageIO reads (PNG, JPEG, TIFF, WebP where its plugin is built, ...) as the
// 8-bit RGB a refining request starts from: the first subimage; 16-bit and float samples scaled
// to 8 bits; gray replicated to RGB; alpha dropped, as PIL's convert("RGB") (what diffusers'
// pipelines do with an RGBA input) drops it; CMYK JPEGs converted to RGB by OpenImageIO. EXIF
// orientation is not applied (PIL's Image.open does not either).
#pragma once
#include "core/request/image8.h"

#include <string>

namespace lightning {

// Larger inputs are refused before their pixels are decoded (a decompression bomb would
// otherwise take the memory first).
inline constexpr int kMaxInputSide = 16384;

// Throws lightning::Error naming the path: missing, unreadable, not an image, too large.
Image8 read_image_pixels(const std::string& path);

}  // namespace lightning
