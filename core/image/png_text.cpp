#include "core/image/png_text.h"

#include "core/util/error.h"

#include <zlib.h>

#include <cstring>
#include <optional>
#include <string_view>

namespace lightning {

namespace {

constexpr unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
// Upper bound for the inflated text of one file, all its decoded chunks together: generation
// parameters are a few KB; this stops "zip bomb" chunks (one, or many) from exhausting memory.
constexpr size_t kMaxInflatedText = 16u << 20;

uint32_t read_be32(const unsigned char* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

void append_be32(std::vector<unsigned char>& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<unsigned char>(v >> shift));
}

// --- text encodings ---------------------------------------------------------------------------

// Calls `use` with each code point of UTF-8 `text`; false when the text is not valid UTF-8.
template <typename Use>
bool for_each_code_point(const std::string& text, Use use) {
    for (size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        int extra;
        char32_t cp;
        if (c < 0x80) {
            extra = 0, cp = c;
        } else if ((c & 0xe0) == 0xc0) {
            extra = 1, cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2, cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3, cp = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= text.size() && extra > 0) return false;  // truncated sequence
        for (int k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3f);
        }
        static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;  // overlong, out of range or surrogate
        use(cp);
        i += 1 + extra;
    }
    return true;
}

// Decodes UTF-8 into code points; nullopt when the text is not valid UTF-8.
std::optional<std::vector<char32_t>> decode_utf8(const std::string& text) {
    std::vector<char32_t> out;
    if (!for_each_code_point(text, [&](char32_t cp) { out.push_back(cp); })) return std::nullopt;
    return out;
}

// Checks without a copy (4 bytes a character): read text may be megabytes.
bool is_utf8(const std::string& text) {
    return for_each_code_point(text, [](char32_t) {});
}

// Latin-1 bytes when every code point is <= U+00FF.
std::optional<std::string> utf8_to_latin1(const std::vector<char32_t>& code_points) {
    std::string out;
    out.reserve(code_points.size());
    for (char32_t cp : code_points) {
        if (cp > 0xff) return std::nullopt;
        out.push_back(static_cast<char>(cp));
    }
    return out;
}

std::string latin1_to_utf8(const std::string& latin1) {
    std::string out;
    out.reserve(latin1.size());
    for (char ch : latin1) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back(static_cast<char>(0xc0 | (c >> 6)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
        }
    }
    return out;
}

// Inflates into at most `budget` bytes, which it reduces by what it produced.
std::string inflate_text(const unsigned char* data, size_t size, const std::string& where,
                         size_t& budget) {
    z_stream stream{};
    if (inflateInit(&stream) != Z_OK) throw Error(where, "zlib initialisation failed");
    std::string out;
    unsigned char buffer[16384];
    stream.next_in = const_cast<unsigned char*>(data);
    stream.avail_in = static_cast<uInt>(size);
    int result = Z_OK;
    while (result != Z_STREAM_END) {
        stream.next_out = buffer;
        stream.avail_out = sizeof buffer;
        result = inflate(&stream, Z_NO_FLUSH);
        if (result != Z_OK && result != Z_STREAM_END) {
            inflateEnd(&stream);
            throw Error(where,
                        "compressed text is corrupt (zlib error " + std::to_string(result) + ")");
        }
        out.append(reinterpret_cast<const char*>(buffer), sizeof buffer - stream.avail_out);
        if (out.size() > budget) {
            inflateEnd(&stream);
            throw Error(where,
                        "compressed text inflates beyond the 16 MiB allowed for the "
                        "text of one file");
        }
        if (result == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) {
            inflateEnd(&stream);
            throw Error(where, "compressed text is truncated");
        }
    }
    inflateEnd(&stream);
    budget -= out.size();
    return out;
}

// --- text chunks ------------------------------------------------------------------------------

void append_chunk(std::vector<unsigned char>& out, const char* type, const std::string& data) {
    append_be32(out, static_cast<uint32_t>(data.size()));
    const size_t type_at = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data.begin(), data.end());
    append_be32(out, static_cast<uint32_t>(::crc32(0, &out[type_at], data.size() + 4)));
}

// PNG keywords: 1-79 Latin-1 printable characters, no leading/trailing/double spaces.
std::string keyword_latin1(const std::string& keyword, const std::string& path) {
    const auto code_points = decode_utf8(keyword);
    const auto latin1 = code_points ? utf8_to_latin1(*code_points) : std::nullopt;
    const std::string where = path + " [" + keyword + "]";
    if (!latin1) throw Error(where, "PNG text keyword must be Latin-1 text");
    if (latin1->empty() || latin1->size() > 79)
        throw Error(where, "PNG text keyword must have 1 to 79 characters");
    for (char ch : *latin1) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 32 || (c > 126 && c < 161))
            throw Error(where, "PNG text keyword has a non-printable character");
    }
    if (latin1->front() == ' ' || latin1->back() == ' ' || latin1->find("  ") != std::string::npos)
        throw Error(where, "PNG text keyword has leading, trailing or repeated spaces");
    return *latin1;
}

std::string text_chunk_data(const std::string& keyword, const std::string& text,
                            const std::string& path, const char** type) {
    const std::string where = path + " [" + keyword + "]";
    const std::string key = keyword_latin1(keyword, path);
    const auto code_points = decode_utf8(text);
    if (!code_points) throw Error(where, "PNG text is not valid UTF-8");
    if (text.find('\0') != std::string::npos) throw Error(where, "PNG text contains a NUL byte");
    if (auto latin1 = utf8_to_latin1(*code_points)) {
        *type = "tEXt";
        return key + '\0' + *latin1;
    }
    // iTXt: keyword, NUL, compression flag 0, method 0, empty language tag + NUL, empty
    // translated keyword + NUL, UTF-8 text.
    *type = "iTXt";
    return key + '\0' + '\0' + '\0' + '\0' + '\0' + text;
}

// A text chunk split at its keyword: the keyword (Latin-1 bytes before the first NUL) as UTF-8,
// and the bytes after that NUL.
struct KeywordAndRest {
    std::string keyword;
    const unsigned char* rest;
    size_t rest_size;
};

KeywordAndRest split_text_chunk(const PngChunk& chunk, std::span<const unsigned char> bytes,
                                const std::string& where) {
    const auto* data = &bytes[chunk.data_offset];
    const auto* nul = static_cast<const unsigned char*>(std::memchr(data, 0, chunk.length));
    if (!nul || nul == data || nul - data > 79)
        throw Error(where, "corrupt text chunk: bad keyword");
    const size_t keyword_size = size_t(nul - data);
    return {latin1_to_utf8(std::string(reinterpret_cast<const char*>(data), keyword_size)), nul + 1,
            chunk.length - keyword_size - 1};
}

// The text of an iTXt chunk (after its keyword) as UTF-8; compressed text takes from `budget`.
std::string itxt_value(const unsigned char* rest, size_t rest_size, const std::string& where,
                       size_t& budget) {
    if (rest_size < 2) throw Error(where, "corrupt iTXt chunk: too short");
    const bool compressed = rest[0] != 0;
    if (compressed && rest[1] != 0)
        throw Error(where, "corrupt iTXt chunk: unknown compression method");
    const std::string_view tail(reinterpret_cast<const char*>(rest + 2), rest_size - 2);
    const auto language_end = tail.find('\0');
    const auto translated_end =
        language_end == std::string::npos ? std::string::npos : tail.find('\0', language_end + 1);
    if (translated_end == std::string::npos)
        throw Error(where, "corrupt iTXt chunk: missing language or translated keyword");
    const auto* text = rest + 2 + translated_end + 1;
    const size_t text_size = tail.size() - translated_end - 1;
    std::string value = compressed ? inflate_text(text, text_size, where, budget)
                                   : std::string(reinterpret_cast<const char*>(text), text_size);
    if (!is_utf8(value)) throw Error(where, "iTXt text is not valid UTF-8");
    return value;
}

// The UTF-8 text of a text chunk (its bytes after the keyword); compressed text takes from
// `budget`.
std::string text_chunk_value(const PngChunk& chunk, const KeywordAndRest& split,
                             const std::string& where, size_t& budget) {
    const auto* rest = split.rest;
    const size_t rest_size = split.rest_size;
    if (chunk.type == "tEXt")
        return latin1_to_utf8(std::string(reinterpret_cast<const char*>(rest), rest_size));
    if (chunk.type == "zTXt") {
        if (rest_size < 1 || rest[0] != 0)
            throw Error(where, "corrupt zTXt chunk: unknown compression method");
        return latin1_to_utf8(inflate_text(rest + 1, rest_size - 1, where, budget));
    }
    return itxt_value(rest, rest_size, where, budget);
}

}  // namespace

std::vector<PngChunk> parse_png_chunks(std::span<const unsigned char> bytes,
                                       const std::string& path) {
    if (bytes.size() < 8 || std::memcmp(bytes.data(), kSignature, 8) != 0)
        throw Error(path, "not a PNG file (bad signature)");
    std::vector<PngChunk> chunks;
    size_t pos = 8;
    while (true) {
        if (bytes.size() - pos < 12)
            throw Error(path, "truncated PNG: file ends at byte " + std::to_string(bytes.size()) +
                                  " before the IEND chunk");
        const uint32_t length = read_be32(&bytes[pos]);
        PngChunk chunk;
        chunk.type.assign(reinterpret_cast<const char*>(&bytes[pos + 4]), 4);
        for (char c : chunk.type)
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
                throw Error(path, "corrupt PNG: invalid chunk type at byte " + std::to_string(pos));
        if (length > 0x7fffffffu || bytes.size() - pos - 12 < length)
            throw Error(path, "truncated PNG: chunk '" + chunk.type + "' at byte " +
                                  std::to_string(pos) + " is longer than the rest of the " +
                                  std::to_string(bytes.size()) + "-byte file");
        chunk.data_offset = pos + 8;
        chunk.length = length;
        const uint32_t stored_crc = read_be32(&bytes[pos + 8 + length]);
        const uint32_t crc = static_cast<uint32_t>(::crc32(0, &bytes[pos + 4], length + 4));
        if (crc != stored_crc)
            throw Error(path, "corrupt PNG: CRC mismatch in chunk '" + chunk.type + "' at byte " +
                                  std::to_string(pos));
        if (chunks.empty() && chunk.type != "IHDR")
            throw Error(path, "corrupt PNG: first chunk is '" + chunk.type + "', not IHDR");
        chunks.push_back(chunk);
        pos += 12 + length;
        if (chunk.type == "IEND") return chunks;
    }
}

bool is_png_text_chunk(const std::string& type) {
    return type == "tEXt" || type == "zTXt" || type == "iTXt";
}

TextKeys generation_keys() {
    return {{kParametersKey, kStudioKey}, false};
}

PngText parse_png_text(std::span<const unsigned char> bytes, const std::string& path,
                       const TextKeys& keys) {
    PngText text;
    size_t budget = kMaxInflatedText;
    for (const auto& chunk : parse_png_chunks(bytes, path)) {
        if (!is_png_text_chunk(chunk.type)) continue;
        const std::string where = path + " [" + chunk.type + " chunk]";
        const KeywordAndRest split = split_text_chunk(chunk, bytes, where);
        if (!keys.wants(split.keyword) || text.entries.count(split.keyword)) continue;
        text.entries.emplace(split.keyword, text_chunk_value(chunk, split, where, budget));
    }
    return text;
}

std::vector<unsigned char> encode_png_text_chunks(const PngText& text, const std::string& path) {
    std::vector<unsigned char> chunks;
    for (const auto& [keyword, value] : text.entries) {
        const char* type = nullptr;
        const std::string data = text_chunk_data(keyword, value, path, &type);
        append_chunk(chunks, type, data);
    }
    return chunks;
}

}  // namespace lightning
