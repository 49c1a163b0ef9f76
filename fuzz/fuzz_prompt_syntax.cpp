// The prompt-weighting parsers (A1111 and Compel syntax) on arbitrary text: each returns
// weighted fragments or throws lightning::Error (a weight that is no number, Compel syntax it
// does not support), and never crashes.
#include "core/request/prompt_syntax.h"
#include "core/util/error.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        (void)lightning::parse_a1111_prompt(text);
    } catch (const lightning::Error&) {
    }
    try {
        (void)lightning::parse_compel_prompt(text);
    } catch (const lightning::Error&) {
    }
    return 0;
}
