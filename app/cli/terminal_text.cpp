#include "app/cli/terminal_text.h"

#include <cstdint>
#include <cstdio>
#include <iostream>

namespace lightning::cli {
namespace {

std::string hex_escape(unsigned value) {
    char text[8];
    std::snprintf(text, sizeof text, "\\x%02x", value & 0xffu);
    return text;
}

// Length of the valid UTF-8 sequence at `at` (1 to 4), or 0 when the bytes there are not one.
size_t utf8_length(std::string_view text, size_t at) {
    const auto byte = [&](size_t i) { return uint8_t(text[at + i]); };
    const uint8_t first = byte(0);
    size_t length = first < 0x80                     ? 1
                    : first >= 0xc2 && first <= 0xdf ? 2
                    : first >= 0xe0 && first <= 0xef ? 3
                    : first >= 0xf0 && first <= 0xf4 ? 4
                                                     : 0;
    if (length == 0 || at + length > text.size()) return 0;
    for (size_t i = 1; i < length; ++i)
        if ((byte(i) & 0xc0) != 0x80) return 0;
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not valid UTF-8.
    if (length == 3 && ((first == 0xe0 && byte(1) < 0xa0) || (first == 0xed && byte(1) >= 0xa0)))
        return 0;
    if (length == 4 && ((first == 0xf0 && byte(1) < 0x90) || (first == 0xf4 && byte(1) >= 0x90)))
        return 0;
    return length;
}

}  // namespace

std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t at = 0; at < text.size();) {
        const uint8_t c = uint8_t(text[at]);
        const size_t length = utf8_length(text, at);
        if (length == 0) {
            out += hex_escape(c);
            ++at;
        } else if (length == 1) {
            if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f))
                out += char(c);
            else if (c == '\r')
                out += "\\r";
            else
                out += hex_escape(c);
            ++at;
        } else {
            const bool c1_control = c == 0xc2 && uint8_t(text[at + 1]) < 0xa0;
            out += c1_control ? "\\u00" + hex_escape(uint8_t(text[at + 1])).substr(2)
                              : std::string(text.substr(at, length));
            at += length;
        }
    }
    return out;
}

std::string counted(long long count, std::string_view noun) {
    return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

void print_warning(std::string_view text) {
    std::cerr << "lightning: warning: " << printable(text) << '\n';
}

}  // namespace lightning::cli
