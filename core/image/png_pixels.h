// PNG files decoded with zlib alone, for builds without OpenImageIO (the headless GPU build, where
// `lightning verify` and `generate --init-image` still need their input images). The pixels are
// what image_pixels.h's OpenImageIO reader gives for the same file: 8-bit RGB, gray replicated,
// alpha dropped, palettes expanded, 16-bit samples scaled to 8 bits, bit depths below 8 scaled
// up, Adam7 interlacing undone. tests/core/test_png_pixels.cpp holds the two readers to the same
// pixels.
#pragma once
#include "core/request/image8.h"

#include <string>

namespace lightning {

// The file's bytes decoded. Throws lightning::Error naming `where`: not a PNG, a chunk cut off or
// failing its CRC, an unsupported header, a size beyond kMaxInputSide (checked before anything
// is inflated), image data that inflates to more or less than the header says.
Image8 decode_png_pixels(const std::string& bytes, const std::string& where);

// The file at `path` decoded; errors name the path.
Image8 read_png_pixels(const std::string& path);

}  // namespace lightning
