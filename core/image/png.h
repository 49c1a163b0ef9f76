// PNG files with generation parameters, through OpenImageIO (library lightning_image).
// The `parameters` text goes into a tEXt chunk when it is Latin-1 representable and into an
// iTXt (UTF-8) chunk otherwise, as PIL/A1111 write it, so other tools read it intact.
#pragma once
#include "core/image/png_text.h"
#include "core/request/image8.h"
#include "core/util/atomic_file.h"  // IfExists

#include <map>
#include <string>
#include <vector>

namespace lightning {

// The PNG file's bytes (for standard output and tests). `path` names the output in errors.
std::vector<unsigned char> encode_png(const Image8& image, const PngText& text,
                                      const std::string& path = "<png>");

// Writes atomically (temp file in the same folder + rename). Throws lightning::Error naming the
// path on failure (no partial file left behind); with IfExists::Refuse TargetExists when a file
// appeared at `path` meanwhile (it is left as it is).
void write_png(const std::string& path, const Image8& image, const PngText& text = {},
               IfExists if_exists = IfExists::Replace);

// Reads pixels (converted to 8-bit RGB) and the tEXt/iTXt/zTXt entries `keys` names (see
// parse_png_text). Throws Error.
Image8 read_png(const std::string& path, PngText* text = nullptr,
                const TextKeys& keys = generation_keys());

// Only the text chunks (cheap: no pixel decode). Throws Error.
PngText read_png_text(const std::string& path, const TextKeys& keys = generation_keys());

}  // namespace lightning
