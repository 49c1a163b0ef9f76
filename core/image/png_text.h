// PNG chunk framing and the text chunks (tEXt, zTXt, iTXt) that carry generation parameters,
// without pixels: no OpenImageIO and no torch, so the text reader is tested and fuzzed on its own
// (fuzz/). png.h adds the pixels.
#pragma once
#include <cstddef>
#include <map>
#include <set>
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

// Which text entries a reader decodes. The others are skipped undecoded (a compressed one is
// never inflated), so a file of many large compressed chunks costs no memory.
struct TextKeys {
    std::set<std::string> names;
    bool all = false;  // every entry (tests; tools that list everything)

    bool wants(const std::string& keyword) const { return all || names.count(keyword) > 0; }
    static TextKeys every() { return {{}, true}; }
};

// The keywords of the program's own entries: the generation parameters as A1111 writes them
// (core/request/parameters.h) and the JSON of how an image came to be (StudioInfo,
// core/image/image_file.h, which owns both).
inline constexpr const char* kParametersKey = "parameters";
inline constexpr const char* kStudioKey = "lightning-studio";

// The entries the program reads back: kParametersKey and kStudioKey.
TextKeys generation_keys();

// The tEXt/zTXt/iTXt entries `keys` names of a whole PNG file's bytes, decoded to UTF-8 (Latin-1
// tEXt is converted). Of entries with the same keyword the first counts; later ones are not
// decoded. Compressed text inflates to at most 16 MiB for the whole file. Throws
// lightning::Error naming `path` (for a broken file, or text beyond that budget).
PngText parse_png_text(std::span<const unsigned char> bytes, const std::string& path,
                       const TextKeys& keys = generation_keys());

// The entries as complete PNG chunks (length, type, data, CRC): tEXt when the text is Latin-1
// representable, iTXt (UTF-8) otherwise, as PIL/A1111 write them. Throws lightning::Error naming
// `path` for a keyword that PNG does not allow or text that is not valid UTF-8 or holds a NUL.
std::vector<unsigned char> encode_png_text_chunks(const PngText& text, const std::string& path);

}  // namespace lightning
