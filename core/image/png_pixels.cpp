#include "core/image/png_pixels.h"

#include "core/image/image_pixels.h"
#include "core/util/error.h"
#include "core/util/file_text.h"

#include <zlib.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace lightning {
namespace {

constexpr unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

uint32_t be32(const unsigned char* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

struct Header {
    int width = 0, height = 0, depth = 0, color = 0;
    bool interlaced = false;

    int samples() const {  // per pixel
        switch (color) {
            case 0:
                return 1;  // gray
            case 2:
                return 3;  // RGB
            case 3:
                return 1;  // palette index
            case 4:
                return 2;  // gray + alpha
            default:
                return 4;  // RGBA
        }
    }
    int bits_per_pixel() const { return samples() * depth; }
    size_t row_bytes(int pixels) const { return (size_t(pixels) * bits_per_pixel() + 7) / 8; }
};

// The chunks this reader needs, every CRC checked on the way.
struct Chunks {
    Header header;
    std::vector<std::array<uint8_t, 3>> palette;
    std::string data;  // the IDAT chunks joined
};

Header read_header(const unsigned char* p, uint32_t length, const std::string& where) {
    if (length != 13)
        throw Error(where, "IHDR chunk of " + std::to_string(length) + " bytes, not 13");
    Header h;
    const uint32_t width = be32(p), height = be32(p + 4);
    h.depth = p[8], h.color = p[9];
    if (width == 0 || height == 0) throw Error(where, "the PNG has no pixels");
    if (width > uint32_t(kMaxInputSide) || height > uint32_t(kMaxInputSide))
        throw Error(where, std::to_string(width) + "x" + std::to_string(height) +
                               " is larger than " + std::to_string(kMaxInputSide) + "x" +
                               std::to_string(kMaxInputSide));
    h.width = int(width), h.height = int(height);
    const bool depth_ok =
        (h.color == 0 &&
         (h.depth == 1 || h.depth == 2 || h.depth == 4 || h.depth == 8 || h.depth == 16)) ||
        (h.color == 3 && (h.depth == 1 || h.depth == 2 || h.depth == 4 || h.depth == 8)) ||
        ((h.color == 2 || h.color == 4 || h.color == 6) && (h.depth == 8 || h.depth == 16));
    if (!depth_ok)
        throw Error(where, "unsupported PNG colour type " + std::to_string(h.color) +
                               " with bit depth " + std::to_string(h.depth));
    if (p[10] != 0 || p[11] != 0 || p[12] > 1)
        throw Error(where, "unknown PNG compression, filter or interlace method");
    h.interlaced = p[12] == 1;
    return h;
}

Chunks read_chunks(const std::string& bytes, const std::string& where) {
    const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
    if (bytes.size() < 8 || !std::equal(kSignature, kSignature + 8, b))
        throw Error(where, "not a PNG file");
    Chunks chunks;
    bool have_header = false, ended = false;
    for (size_t pos = 8; !ended;) {
        if (bytes.size() - pos < 12) throw Error(where, "the PNG is cut off (no IEND chunk)");
        const uint32_t length = be32(b + pos);
        if (length > bytes.size() - pos - 12)
            throw Error(where, "the PNG is cut off inside a chunk at byte " + std::to_string(pos));
        const std::string type(bytes, pos + 4, 4);
        const unsigned char* data = b + pos + 8;
        if (uint32_t(::crc32(0, b + pos + 4, length + 4)) != be32(data + length))
            throw Error(where, "the PNG's " + type + " chunk at byte " + std::to_string(pos) +
                                   " fails its CRC (the file is damaged)");
        if (type == "IHDR") {
            chunks.header = read_header(data, length, where);
            have_header = true;
        } else if (!have_header) {
            throw Error(where, "the PNG does not start with its IHDR chunk");
        } else if (type == "PLTE") {
            for (uint32_t i = 0; i + 3 <= length; i += 3)
                chunks.palette.push_back({data[i], data[i + 1], data[i + 2]});
        } else if (type == "IDAT") {
            chunks.data.append(reinterpret_cast<const char*>(data), length);
        } else if (type == "IEND") {
            ended = true;
        }
        pos += 12 + size_t(length);
    }
    if (chunks.data.empty()) throw Error(where, "the PNG has no image data");
    if (chunks.header.color == 3 && chunks.palette.empty())
        throw Error(where, "the palette PNG has no PLTE chunk");
    return chunks;
}

// Inflates exactly `expected` bytes; more or fewer is an error (nothing beyond is allocated).
std::vector<uint8_t> inflate_exactly(const std::string& in, size_t expected,
                                     const std::string& where) {
    std::vector<uint8_t> out(expected);
    z_stream stream{};
    if (inflateInit(&stream) != Z_OK) throw Error(where, "zlib initialisation failed");
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    stream.avail_in = uInt(in.size());
    stream.next_out = out.data();
    stream.avail_out = uInt(out.size());
    int result = inflate(&stream, Z_FINISH);
    if (result == Z_BUF_ERROR && stream.avail_out == 0) {  // room used up: is there more?
        uint8_t extra;
        stream.next_out = &extra, stream.avail_out = 1;
        result = inflate(&stream, Z_FINISH) == Z_STREAM_END && stream.avail_out == 1 ? Z_STREAM_END
                                                                                     : Z_DATA_ERROR;
        if (result != Z_STREAM_END) {
            inflateEnd(&stream);
            throw Error(where, "the PNG's image data is longer than its size says");
        }
    }
    const size_t produced = expected - stream.avail_out;
    inflateEnd(&stream);
    if (result != Z_STREAM_END || produced != expected)
        throw Error(where, produced < expected && result != Z_DATA_ERROR
                               ? "the PNG's image data is cut off"
                               : "the PNG's image data is corrupt (zlib error " +
                                     std::to_string(result) + ")");
    return out;
}

uint8_t paeth(int a, int b, int c) {
    const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    return uint8_t(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

// Undoes the filters of one pass's rows in place (`rows` of `row_bytes`, each after its filter
// byte); `stride` is the bytes of one pixel, at least 1.
void unfilter(uint8_t* rows, int count, size_t row_bytes, int stride, const std::string& where) {
    const uint8_t* previous = nullptr;
    for (int y = 0; y < count; ++y) {
        uint8_t* line = rows + y * (row_bytes + 1);
        const int filter = line[0];
        uint8_t* cur = line + 1;
        for (size_t i = 0; i < row_bytes; ++i) {
            const int left = i >= size_t(stride) ? cur[i - stride] : 0;
            const int up = previous ? previous[i] : 0;
            const int corner = previous && i >= size_t(stride) ? previous[i - stride] : 0;
            switch (filter) {
                case 0:
                    break;
                case 1:
                    cur[i] = uint8_t(cur[i] + left);
                    break;
                case 2:
                    cur[i] = uint8_t(cur[i] + up);
                    break;
                case 3:
                    cur[i] = uint8_t(cur[i] + (left + up) / 2);
                    break;
                case 4:
                    cur[i] = uint8_t(cur[i] + paeth(left, up, corner));
                    break;
                default:
                    throw Error(where, "unknown PNG row filter " + std::to_string(filter));
            }
        }
        previous = cur;
    }
}

// Sample `index` of an unfiltered row, scaled to 8 bits as OpenImageIO scales it.
uint8_t sample8(const uint8_t* row, size_t index, int depth) {
    if (depth == 8) return row[index];
    if (depth == 16) {
        const unsigned v = unsigned(row[index * 2]) << 8 | row[index * 2 + 1];
        return uint8_t((v * 255u + 32767u) / 65535u);
    }
    const size_t bit = index * depth;
    const unsigned v = (row[bit / 8] >> (8 - depth - bit % 8)) & ((1u << depth) - 1);
    return uint8_t(v * 255u / ((1u << depth) - 1));
}

// A palette entry's index (bit depths 1 to 8, not scaled).
unsigned index_at(const uint8_t* row, size_t x, int depth) {
    const size_t bit = x * depth;
    return (row[bit / 8] >> (8 - depth - bit % 8)) & ((1u << depth) - 1);
}

void put_pixel(const Chunks& c, const uint8_t* row, size_t x, uint8_t* rgb,
               const std::string& where) {
    const Header& h = c.header;
    if (h.color == 3) {
        const unsigned i = index_at(row, x, h.depth);
        if (i >= c.palette.size())
            throw Error(where, "a pixel names palette entry " + std::to_string(i) + " of " +
                                   std::to_string(c.palette.size()));
        std::copy(c.palette[i].begin(), c.palette[i].end(), rgb);
        return;
    }
    const size_t first = x * h.samples();
    if (h.color == 0 || h.color == 4) {  // gray (+ alpha): replicated
        rgb[0] = rgb[1] = rgb[2] = sample8(row, first, h.depth);
        return;
    }
    for (int k = 0; k < 3; ++k) rgb[k] = sample8(row, first + k, h.depth);  // alpha dropped
}

// The passes of the image: one for a plain PNG, Adam7's seven for an interlaced one
// (origin x, origin y, step x, step y).
std::vector<std::array<int, 4>> passes(bool interlaced) {
    if (!interlaced) return {{0, 0, 1, 1}};
    return {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
            {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};
}

int pass_size(int size, int origin, int step) {
    return size > origin ? (size - origin + step - 1) / step : 0;
}

}  // namespace

Image8 decode_png_pixels(const std::string& bytes, const std::string& where) {
    const Chunks chunks = read_chunks(bytes, where);
    const Header& h = chunks.header;
    size_t expected = 0;
    for (const auto& [x0, y0, dx, dy] : passes(h.interlaced)) {
        const int w = pass_size(h.width, x0, dx), rows = pass_size(h.height, y0, dy);
        if (w > 0) expected += size_t(rows) * (h.row_bytes(w) + 1);
    }
    std::vector<uint8_t> raw = inflate_exactly(chunks.data, expected, where);
    Image8 image{h.width, h.height, std::vector<uint8_t>(size_t(h.width) * h.height * 3)};
    const int stride = std::max(1, h.bits_per_pixel() / 8);
    size_t at = 0;
    for (const auto& [x0, y0, dx, dy] : passes(h.interlaced)) {
        const int w = pass_size(h.width, x0, dx), rows = pass_size(h.height, y0, dy);
        if (w == 0 || rows == 0) continue;
        const size_t row_bytes = h.row_bytes(w);
        unfilter(raw.data() + at, rows, row_bytes, stride, where);
        for (int r = 0; r < rows; ++r) {
            const uint8_t* row = raw.data() + at + r * (row_bytes + 1) + 1;
            for (int i = 0; i < w; ++i) {
                const size_t pixel = size_t(y0 + r * dy) * h.width + (x0 + i * dx);
                put_pixel(chunks, row, size_t(i), &image.rgb[pixel * 3], where);
            }
        }
        at += size_t(rows) * (row_bytes + 1);
    }
    return image;
}

Image8 read_png_pixels(const std::string& path) {
    return decode_png_pixels(read_file_text(path, "image file"), path);
}

}  // namespace lightning
