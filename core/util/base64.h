// Base64 (RFC 4648, standard alphabet with padding): the images of the HTTP APIs that
// `lightning serve` speaks (A1111's and OpenAI's carry PNGs as base64 text) and HTTP Basic
// credentials.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace lightning {

std::string base64_encode(const unsigned char* data, size_t size);
inline std::string base64_encode(const std::vector<unsigned char>& bytes) {
    return base64_encode(bytes.data(), bytes.size());
}

// The bytes `text` encodes. Whitespace (line breaks of MIME encoders) is skipped; missing
// padding is accepted. Throws lightning::Error(where, ...) for any other character or a
// length no encoder makes; the message never quotes the text.
std::vector<unsigned char> base64_decode(std::string_view text, const std::string& where);

}  // namespace lightning
