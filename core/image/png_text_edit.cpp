#include "core/image/png_text_edit.h"

#include "core/util/atomic_file.h"
#include "core/util/error.h"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace lightning {
namespace {

constexpr unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

uint32_t read_be32(const unsigned char* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

// A text chunk's keyword (the bytes before the first NUL, Latin-1) as UTF-8.
std::string chunk_keyword(std::span<const unsigned char> bytes, const PngChunk& chunk) {
    std::string keyword;
    for (size_t i = 0; i < chunk.length && i < 80; ++i) {
        const unsigned char c = bytes[chunk.data_offset + i];
        if (c == 0) break;
        if (c < 0x80) {
            keyword.push_back(char(c));
        } else {
            keyword.push_back(char(0xc0 | (c >> 6)));
            keyword.push_back(char(0x80 | (c & 0x3f)));
        }
    }
    return keyword;
}

std::vector<unsigned char> read_whole_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, std::string("cannot open file: ") + std::strerror(errno));
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
    if (in.bad()) throw Error(path, "read failed");
    return bytes;
}

}  // namespace

std::vector<unsigned char> replace_png_text(std::span<const unsigned char> bytes,
                                            const PngText& updates, const std::string& path) {
    PngText additions;
    for (const auto& [keyword, text] : updates.entries)
        if (!text.empty()) additions.entries.emplace(keyword, text);
    // Encoded first: text the encoder refuses fails before anything is assembled.
    const std::vector<unsigned char> new_chunks = encode_png_text_chunks(additions, path);
    const std::vector<PngChunk> chunks = parse_png_chunks(bytes, path);
    std::vector<unsigned char> out(bytes.begin(), bytes.begin() + 8);
    out.reserve(bytes.size() + new_chunks.size());
    for (const PngChunk& chunk : chunks) {
        if (is_png_text_chunk(chunk.type) && updates.entries.count(chunk_keyword(bytes, chunk)))
            continue;  // replaced (or removed)
        if (chunk.type == "IEND") out.insert(out.end(), new_chunks.begin(), new_chunks.end());
        out.insert(out.end(), bytes.begin() + chunk.data_offset - 8,
                   bytes.begin() + chunk.data_offset + chunk.length + 4);
    }
    return out;
}

void rewrite_png_text(const std::string& path, const PngText& updates) {
    const std::vector<unsigned char> bytes = read_whole_file(path);
    const std::vector<unsigned char> out = replace_png_text(bytes, updates, path);
    AtomicFile file(path);
    file.write(out.data(), out.size());
    file.commit();
}

PngText read_png_text_fast(const std::string& path, const TextKeys& keys) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, std::string("cannot open file: ") + std::strerror(errno));
    in.seekg(0, std::ios::end);
    const auto file_size = static_cast<uint64_t>(in.tellg());
    in.seekg(0);
    // A small PNG of the same framing: signature, the IHDR and text chunks as stored, the IEND.
    // parse_png_text() then checks their CRCs and decodes the text as it does for whole files.
    std::vector<unsigned char> kept(8);
    if (!in.read(reinterpret_cast<char*>(kept.data()), 8) ||
        std::memcmp(kept.data(), kSignature, 8) != 0)
        throw Error(path, "not a PNG file (bad signature)");
    uint64_t pos = 8;
    while (true) {
        unsigned char header[8];
        if (file_size - pos < 12 || !in.read(reinterpret_cast<char*>(header), 8))
            throw Error(path, "truncated PNG: file ends at byte " + std::to_string(file_size) +
                                  " before the IEND chunk");
        const uint32_t length = read_be32(header);
        const std::string type(reinterpret_cast<const char*>(header + 4), 4);
        // Neither the length nor the type is quoted: they are bytes of a file that may not be
        // a PNG at all.
        if (length > 0x7fffffffu || file_size - pos - 12 < length)
            throw Error(path, "truncated PNG: the chunk at byte " + std::to_string(pos) +
                                  " is longer than the rest of the " + std::to_string(file_size) +
                                  "-byte file");
        const bool keep = pos == 8 || type == "IEND" || is_png_text_chunk(type);
        if (keep) {
            kept.insert(kept.end(), header, header + 8);
            const size_t at = kept.size();
            kept.resize(at + length + 4);
            if (!in.read(reinterpret_cast<char*>(&kept[at]), length + 4))
                throw Error(path, "read failed in the chunk at byte " + std::to_string(pos));
        } else {
            in.seekg(std::streamoff(length) + 4, std::ios::cur);
        }
        pos += 12 + uint64_t(length);
        if (type == "IEND") break;
    }
    return parse_png_text(kept, path, keys);
}

}  // namespace lightning
