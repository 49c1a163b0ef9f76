// The zlib-only PNG reader of builds without OpenImageIO (core/image/png_pixels.h) against
// OpenImageIO's reader (core/image/image_pixels.h): the same pixels for every PNG under
// tests/data, and for PNGs of every colour type, bit depth, row filter and Adam7 interlacing,
// written here from seeded random samples; damaged files refused with the path named.
#include "core/image/image_pixels.h"
#include "core/image/png_pixels.h"
#include "core/util/error.h"
#include "support/errors.h"
#include "support/fixtures.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <zlib.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <random>

using namespace lightning;

namespace {

void put32(std::string& out, uint32_t v) {
    for (int shift : {24, 16, 8, 0}) out.push_back(char((v >> shift) & 0xff));
}

void put_chunk(std::string& out, const char* type, const std::string& data) {
    put32(out, uint32_t(data.size()));
    const size_t start = out.size();
    out += type;
    out += data;
    put32(out, uint32_t(::crc32(0, reinterpret_cast<const Bytef*>(out.data() + start),
                                uInt(data.size() + 4))));
}

uint8_t paeth(int a, int b, int c) {
    const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    return uint8_t(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

// One PNG: `samples` are the packed rows' bytes of the whole image (before interlacing), filtered
// here with filter type (row + pass) % 5 so that every filter occurs.
struct PngSpec {
    int width, height, depth, color;
    bool interlaced;
    int samples_per_pixel() const { return color == 2 ? 3 : color == 4 ? 2 : color == 6 ? 4 : 1; }
    int bits() const { return samples_per_pixel() * depth; }
};

// The raw sample value of pixel (x, y), channel c (values below 2^depth), from a seeded stream.
struct Pixels {
    PngSpec spec;
    std::vector<unsigned> values;
    unsigned at(int x, int y, int c) const {
        return values[(size_t(y) * spec.width + x) * spec.samples_per_pixel() + c];
    }
};

std::string pack_row(const Pixels& p, int y, int x0, int dx, int count) {
    const int depth = p.spec.depth;
    std::string row((size_t(count) * p.spec.bits() + 7) / 8, '\0');
    size_t bit = 0;
    for (int i = 0; i < count; ++i)
        for (int c = 0; c < p.spec.samples_per_pixel(); ++c, bit += depth) {
            const unsigned v = p.at(x0 + i * dx, y, c);
            if (depth == 16) {
                row[bit / 8] = char(v >> 8), row[bit / 8 + 1] = char(v & 0xff);
            } else {
                row[bit / 8] = char(uint8_t(row[bit / 8]) | (v << (8 - depth - bit % 8)));
            }
        }
    return row;
}

std::string filtered(const std::string& row, const std::string& previous, int stride, int type) {
    std::string out(1, char(type));
    for (size_t i = 0; i < row.size(); ++i) {
        const int x = uint8_t(row[i]);
        const int left = i >= size_t(stride) ? uint8_t(row[i - stride]) : 0;
        const int up = previous.empty() ? 0 : uint8_t(previous[i]);
        const int corner =
            !previous.empty() && i >= size_t(stride) ? uint8_t(previous[i - stride]) : 0;
        const int predicted = type == 1   ? left
                              : type == 2 ? up
                              : type == 3 ? (left + up) / 2
                              : type == 4 ? paeth(left, up, corner)
                                          : 0;
        out.push_back(char(uint8_t(x - predicted)));
    }
    return out;
}

std::string encode_png(const Pixels& p, const std::vector<std::array<uint8_t, 3>>& palette) {
    const PngSpec& s = p.spec;
    std::string raw;
    const std::vector<std::array<int, 4>> passes =
        s.interlaced ? std::vector<std::array<int, 4>>{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8},
                                                       {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2},
                                                       {0, 1, 1, 2}}
                     : std::vector<std::array<int, 4>>{{0, 0, 1, 1}};
    for (size_t pass = 0; pass < passes.size(); ++pass) {
        const auto [x0, y0, dx, dy] = passes[pass];
        const int count = s.width > x0 ? (s.width - x0 + dx - 1) / dx : 0;
        if (count == 0) continue;
        std::string previous;
        for (int y = y0, r = 0; y < s.height; y += dy, ++r) {
            const std::string row = pack_row(p, y, x0, dx, count);
            raw += filtered(row, previous, std::max(1, s.bits() / 8), int(r + pass) % 5);
            previous = row;
        }
    }
    uLongf size = compressBound(uLong(raw.size()));
    std::string deflated(size, '\0');
    compress(reinterpret_cast<Bytef*>(deflated.data()), &size,
             reinterpret_cast<const Bytef*>(raw.data()), uLong(raw.size()));
    deflated.resize(size);
    std::string header;
    put32(header, uint32_t(s.width));
    put32(header, uint32_t(s.height));
    header += {char(s.depth), char(s.color), 0, 0, char(s.interlaced ? 1 : 0)};
    std::string png("\x89PNG\r\n\x1a\n", 8);
    put_chunk(png, "IHDR", header);
    if (s.color == 3) {
        std::string plte;
        for (const auto& rgb : palette) plte.append(rgb.begin(), rgb.end());
        put_chunk(png, "PLTE", plte);
    }
    put_chunk(png, "IDAT", deflated);
    put_chunk(png, "IEND", "");
    return png;
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string mismatch(const Image8& a, const Image8& b) {
    if (a.width != b.width || a.height != b.height) return "sizes differ";
    for (size_t i = 0; i < a.rgb.size(); ++i)
        if (a.rgb[i] != b.rgb[i])
            return "pixel " + std::to_string(i / 3) + " channel " + std::to_string(i % 3) + ": " +
                   std::to_string(a.rgb[i]) + " vs OpenImageIO's " + std::to_string(b.rgb[i]);
    return "";
}

}  // namespace

class TestPngPixels : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    std::string write_random_png(const PngSpec& spec, uint32_t seed) {
        std::mt19937 random(seed);
        Pixels p{spec, {}};
        // Palette indices below the 13 entries (and what the bit depth holds).
        const unsigned limit = spec.color == 3 ? std::min(13u, 1u << spec.depth) : 1u << spec.depth;
        for (int i = 0; i < spec.width * spec.height * spec.samples_per_pixel(); ++i)
            p.values.push_back(random() % limit);
        std::vector<std::array<uint8_t, 3>> palette;
        for (int i = 0; i < 13; ++i)
            palette.push_back({uint8_t(random()), uint8_t(random()), uint8_t(random())});
        const std::string path = dir_.filePath(QString("c%1_d%2_i%3_%4x%5.png")
                                                   .arg(spec.color)
                                                   .arg(spec.depth)
                                                   .arg(spec.interlaced)
                                                   .arg(spec.width)
                                                   .arg(spec.height))
                                     .toStdString();
        write_file(path, encode_png(p, palette));
        return path;
    }

private Q_SLOTS:
    // Every PNG the tests keep (goldens of text to image, refine inputs, gray masks).
    void sameAsOpenImageIoOnEveryTestPng() {
        int compared = 0;
        for (const auto& entry :
             std::filesystem::recursive_directory_iterator(testing::test_data_dir())) {
            if (entry.path().extension() != ".png") continue;
            const std::string path = entry.path().string();
            const std::string diff = mismatch(read_png_pixels(path), read_image_pixels(path));
            QVERIFY2(diff.empty(), (path + ": " + diff).c_str());
            ++compared;
        }
        QVERIFY2(compared >= 20, std::to_string(compared).c_str());
    }

    // Gray 1/2/4/8/16-bit, RGB 8/16, palette 1/2/4/8, gray+alpha and RGBA 8/16; plain and Adam7;
    // sizes that leave Adam7 passes empty or partial.
    void sameAsOpenImageIoForEveryPngKind() {
        const std::vector<std::pair<int, std::vector<int>>> kinds = {
            {0, {1, 2, 4, 8, 16}}, {2, {8, 16}}, {3, {1, 2, 4, 8}}, {4, {8, 16}}, {6, {8, 16}}};
        const std::vector<std::pair<int, int>> sizes = {{13, 7}, {1, 1}, {3, 2}, {17, 9}};
        uint32_t seed = 1;
        int compared = 0;
        for (const auto& [color, depths] : kinds)
            for (const int depth : depths)
                for (const bool interlaced : {false, true})
                    for (const auto& [w, h] : sizes) {
                        const std::string path =
                            write_random_png({w, h, depth, color, interlaced}, seed++);
                        const std::string diff =
                            mismatch(read_png_pixels(path), read_image_pixels(path));
                        QVERIFY2(diff.empty(), (path + ": " + diff).c_str());
                        ++compared;
                    }
        QCOMPARE(compared, 15 * 2 * 4);
    }

    // Damaged files: each refused, naming the file and what is wrong.
    void damagedFilesAreRefusedNamingThem() {
        const std::string good = write_random_png({16, 8, 8, 2, false}, 99);
        std::ifstream in(good, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), {});
        const auto refused = [&](const std::string& name, std::string content,
                                 const std::string& words) {
            const std::string path = dir_.filePath(name.c_str()).toStdString();
            write_file(path, content);
            const Error e = testing::expect_error([&] { read_png_pixels(path); });
            QVERIFY2(e.where() == path, e.what());
            QVERIFY2(e.message().find(words) != std::string::npos, e.what());
        };
        refused("cut.png", bytes.substr(0, bytes.size() - 20), "cut off");
        std::string flipped = bytes;
        flipped[bytes.size() - 30] ^= 0x40;  // inside IDAT: its CRC no longer holds
        refused("crc.png", flipped, "CRC");
        refused("text.png", "hello, not a PNG", "not a PNG");
        // A header claiming 20000 x 8: refused before any data is inflated.
        std::string huge = bytes;
        huge[16] = 0, huge[17] = 0, huge[18] = char(0x4e), huge[19] = char(0x20);
        const uint32_t crc = uint32_t(::crc32(0, reinterpret_cast<const Bytef*>(&huge[12]), 17));
        for (int i = 0; i < 4; ++i) huge[29 + i] = char((crc >> (24 - 8 * i)) & 0xff);
        refused("huge.png", huge, "larger than");
    }
};

QTEST_GUILESS_MAIN(TestPngPixels)
#include "test_png_pixels.moc"
