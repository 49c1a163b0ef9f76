// The `parameters` codec on arbitrary text: parse_parameters either finds no settings line or
// returns a record that writes out and reads back to the same text (one normalisation, then
// stable: what the app writes, it reads back unchanged).
#include "core/request/parameters.h"
#include "core/util/error.h"
#include "fuzz_support.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto record = lightning::parse_parameters(text);
        if (!record) return 0;
        const std::string written = lightning::format_parameters(*record);
        const auto again = lightning::parse_parameters(written);
        if (!again || lightning::format_parameters(*again) != written) std::abort();
    } catch (const lightning::Error&) {
    }
    return 0;
}
