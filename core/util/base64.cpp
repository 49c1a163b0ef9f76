#include "core/util/base64.h"

#include "core/util/error.h"

#include <array>

namespace lightning {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Each byte's 6-bit value, -1 for bytes outside the alphabet.
constexpr std::array<int, 256> decode_table() {
    std::array<int, 256> table{};
    for (int& value : table) value = -1;
    for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = i;
    return table;
}

}  // namespace

std::string base64_encode(const unsigned char* data, size_t size) {
    std::string out;
    out.reserve((size + 2) / 3 * 4);
    for (size_t i = 0; i < size; i += 3) {
        const size_t n = std::min<size_t>(3, size - i);
        uint32_t bits = uint32_t(data[i]) << 16;
        if (n > 1) bits |= uint32_t(data[i + 1]) << 8;
        if (n > 2) bits |= data[i + 2];
        out += kAlphabet[(bits >> 18) & 63];
        out += kAlphabet[(bits >> 12) & 63];
        out += n > 1 ? kAlphabet[(bits >> 6) & 63] : '=';
        out += n > 2 ? kAlphabet[bits & 63] : '=';
    }
    return out;
}

std::vector<unsigned char> base64_decode(std::string_view text, const std::string& where) {
    static constexpr auto kTable = decode_table();
    std::vector<unsigned char> out;
    out.reserve(text.size() / 4 * 3);
    uint32_t bits = 0;
    int count = 0;    // 6-bit groups in `bits`
    int padding = 0;  // '=' seen; only more '=' and whitespace may follow
    for (size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        if (c == '=') {
            ++padding;
            continue;
        }
        const int value = kTable[c];
        if (value < 0 || padding)
            throw Error(where, "not base64: unexpected character at offset " + std::to_string(i));
        bits = (bits << 6) | uint32_t(value);
        if (++count == 4) {
            out.push_back(static_cast<unsigned char>(bits >> 16));
            out.push_back(static_cast<unsigned char>(bits >> 8));
            out.push_back(static_cast<unsigned char>(bits));
            bits = 0;
            count = 0;
        }
    }
    if (count == 1 || padding > 2)
        throw Error(where, "not base64: the text ends in the middle of a byte");
    if (count == 2) out.push_back(static_cast<unsigned char>(bits >> 4));
    if (count == 3) {
        out.push_back(static_cast<unsigned char>(bits >> 10));
        out.push_back(static_cast<unsigned char>(bits >> 2));
    }
    return out;
}

}  // namespace lightning
