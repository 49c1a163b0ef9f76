// The A1111 `parameters` codec on arbitrary text: parse_parameters must either throw
// lightning::Error or return settings that format_parameters can write out again.
// Thin on purpose: when the codec moves (core/engine/), re-point the include and the source
// listed in fuzz/CMakeLists.txt.
#include "core/pipeline/parameters.h"
#include "core/util/error.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const lightning::ImageParameters parameters = lightning::parse_parameters(text);
        (void)lightning::format_parameters(parameters);
    } catch (const lightning::Error&) {
    }
    return 0;
}
