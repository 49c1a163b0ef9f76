#include "core/util/api_access.h"

#include "core/util/base64.h"
#include "core/util/error.h"

#include <arpa/inet.h>

#include <fstream>

namespace lightning {

bool is_loopback(const std::string& host) {
    if (host == "localhost" || host == "::1") return true;
    in_addr address{};
    return inet_pton(AF_INET, host.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    // Every byte of `b` is looked at whatever `a` is; a length difference counts as a mismatch.
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    for (size_t i = 0; i < b.size(); ++i) {
        const auto left = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        difference |= static_cast<unsigned char>(left ^ static_cast<unsigned char>(b[i]));
    }
    return difference == 0 && !b.empty();
}

bool authorized(const std::string& authorization, const std::string& key) {
    std::string_view value = authorization;
    if (value.starts_with("Bearer ")) return constant_time_equal(value.substr(7), key);
    if (!value.starts_with("Basic ")) return false;
    try {
        const auto bytes = base64_decode(value.substr(6), "Authorization");
        const std::string credentials(bytes.begin(), bytes.end());
        const auto colon = credentials.find(':');
        return colon != std::string::npos &&
               constant_time_equal(std::string_view(credentials).substr(colon + 1), key);
    } catch (const Error&) {
        return false;
    }
}

std::string read_api_key_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw Error(path, "cannot read the API key file");
    std::string line;
    std::getline(in, line);
    const auto first = line.find_first_not_of(" \t\r");
    const auto last = line.find_last_not_of(" \t\r");
    if (first == std::string::npos) throw Error(path, "the API key file's first line is empty");
    return line.substr(first, last - first + 1);
}

}  // namespace lightning
