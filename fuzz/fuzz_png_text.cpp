// The PNG text-chunk reader on arbitrary file bytes: it must either throw lightning::Error or
// return UTF-8 entries; and whatever it returns that the writer accepts must read back the same
// (the writer's chunks spliced into a minimal PNG).
#include "core/image/png_text.h"
#include "core/util/error.h"
#include "fuzz_support.h"

#include <zlib.h>

namespace {

void append_be32(std::vector<unsigned char>& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<unsigned char>(v >> shift));
}

void append_chunk(std::vector<unsigned char>& out, const char* type,
                  const std::vector<unsigned char>& data) {
    append_be32(out, uint32_t(data.size()));
    const size_t type_at = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data.begin(), data.end());
    append_be32(out, uint32_t(::crc32(0, &out[type_at], uInt(data.size() + 4))));
}

// Signature, a 1x1 grey IHDR, the given chunks, IEND: enough for the chunk and text reader.
std::vector<unsigned char> minimal_png(const std::vector<unsigned char>& text_chunks) {
    std::vector<unsigned char> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    append_chunk(png, "IHDR", {0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0});
    png.insert(png.end(), text_chunks.begin(), text_chunks.end());
    append_chunk(png, "IEND", {});
    return png;
}

void check_round_trip(const lightning::PngText& text) {
    std::vector<unsigned char> chunks;
    try {
        chunks = lightning::encode_png_text_chunks(text, "fuzz.png");
    } catch (const lightning::Error&) {
        return;  // e.g. a keyword with control characters: the writer refuses it, fine
    }
    const lightning::PngText again =
        lightning::parse_png_text(minimal_png(chunks), "fuzz.png", lightning::TextKeys::every());
    fuzz::require(again.entries == text.entries, "text chunks read back as written");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    lightning::PngText text;
    try {
        text = lightning::parse_png_text({data, size}, "fuzz.png", lightning::TextKeys::every());
    } catch (const lightning::Error&) {
        return 0;
    }
    check_round_trip(text);
    return 0;
}
