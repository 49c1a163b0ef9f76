// The one conversion of OpenImageIO's decoded samples into Image8's 8-bit RGB, for png.cpp (PNG
// bytes in memory) and image_pixels.cpp (any image file): colour is its first three channels
// (alpha dropped), gray (+ alpha) is replicated, deeper samples are scaled to 8 bits. Included by
// those two files only: it brings OpenImageIO's headers.
#pragma once
#include "core/request/image8.h"

#include <OpenImageIO/imageio.h>

#include <string>

namespace lightning {

// The pixels of the opened `in`'s first subimage. Throws lightning::Error naming `path`.
Image8 read_rgb8(OIIO::ImageInput& in, const std::string& path);

}  // namespace lightning
