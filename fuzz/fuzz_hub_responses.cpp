// What the hub sends back (core/hub/hub_responses.h) on arbitrary bytes: the repository listing
// and error-body JSON, ETags and response header lines. Invariants: only lightning::Error; an
// accepted listing names a 40-hex-digit commit; header names are lower case and values start
// with no blank; bare_etag accepts any value.
#include "core/hub/hub_responses.h"
#include "core/util/error.h"
#include "fuzz_support.h"

#include <cctype>
#include <string_view>

namespace {

void check_listing(std::string_view body) {
    try {
        const auto listing = lightning::hub::parse_repo_listing(body, "https://hub/api/models/x");
        fuzz::require(listing.commit.size() == 40, "a listing names a full commit");
    } catch (const lightning::Error&) {
    }
    (void)lightning::hub::server_message(body);
}

void check_headers(std::string_view text) {
    lightning::hub::ResponseHeaders headers;
    for (size_t start = 0; start < text.size();) {
        const size_t end = std::min(text.find('\n', start), text.size());
        headers.add_line(text.substr(start, end + 1 - start));
        start = end + 1;
    }
    for (const auto& [name, value] : headers.headers) {
        for (const char c : name)
            fuzz::require(!std::isupper(static_cast<unsigned char>(c)),
                          "header names are lower case");
        fuzz::require(value.empty() || (value.front() != ' ' && value.front() != '\t'),
                      "header values start with no blank");
        (void)lightning::hub::bare_etag(value);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check_listing(text);
    check_headers(text);
    return 0;
}
