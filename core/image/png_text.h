// PNG chunk framing and the text chunks (tEXt, zTXt, iTXt) that carry generation parameters,
// without pixels: no OpenImageIO and no torch, so the text reader is tested and fuzzed on its own
// (fuzz/). png.h adds the pixels.
#pragma once
#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace lightning {

struct PngText {
    std::map<std::string, std::string> entries;  // keyword -> UTF-8 text (e.g. "parameters")
};

struct PngChunk {
    std::string type;
    size_t data_offset = 0;  // into the file bytes
    size_t length = 0;
};

// Splits a PNG byte stream into chunks, verifying the signature, every length and CRC, that it
// starts with IHDR and that it reaches IEND. Throws lightning::Error naming `path` otherwise.
std::vector<PngChunk> parse_png_chunks(std::span<const unsigned char> bytes,
                                       const std::string& path);

bool is_png_text_chunk(const std::string& type);

// Every tEXt/zTXt/iTXt entry of a whole PNG file's bytes, decoded to UTF-8 (Latin-1 tEXt is
// converted; compressed text is inflated up to 16 MiB). Throws lightning::Error naming `path`.
PngText parse_png_text(std::span<const unsigned char> bytes, const std::string& path);

// The entries as complete PNG chunks (length, type, data, CRC): tEXt when the text is Latin-1
// representable, iTXt (UTF-8) otherwise, as PIL/A1111 write them. Throws lightning::Error naming
// `path` for a keyword that PNG does not allow or text that is not valid UTF-8 or holds a NUL.
std::vector<unsigned char> encode_png_text_chunks(const PngText& text, const std::string& path);

}  // namespace lightning
