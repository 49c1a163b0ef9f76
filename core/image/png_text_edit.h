// Changing and reading a PNG's text chunks without touching its pixels: a gallery marks a
// favourite in the image itself (so a rebuilt index keeps it) by rewriting one text chunk, and
// rebuilds its index from thousands of PNGs by reading only their text chunks. Built on the
// chunk framing and text codec of png_text.h (no OpenImageIO, no torch).
#pragma once
#include "core/image/png_text.h"

#include <span>
#include <string>
#include <vector>

namespace lightning {

// The PNG `bytes` with every text entry named in `updates` replaced by the new text (entries
// with an empty text are removed), new ones added before IEND and every other chunk (pixels,
// other text) kept byte for byte. Throws lightning::Error naming `path` for a broken PNG or text
// the encoder refuses.
std::vector<unsigned char> replace_png_text(std::span<const unsigned char> bytes,
                                            const PngText& updates, const std::string& path);

// replace_png_text() on a file, written back atomically (core/util/atomic_file.h): readers see
// the old file or the new one, never a mix. Throws lightning::Error naming `path`.
void rewrite_png_text(const std::string& path, const PngText& updates);

// The text entries of a PNG file, reading only the chunk headers and the text chunks (pixel
// data is skipped with seeks), so listing thousands of large images stays fast. The framing is
// still checked: a file cut short (no IEND) or with a bad text chunk CRC is an error.
// Decodes the entries `keys` names (see parse_png_text). Throws lightning::Error naming `path`.
PngText read_png_text_fast(const std::string& path, const TextKeys& keys = generation_keys());

}  // namespace lightning
