// The CLIP tokenizers of the fixtures (the real 49408-entry vocabulary; tokenizer_2 pads with
// "!") on arbitrary prompt bytes. Invariants: no exception, ids inside the vocabulary, encode()
// framed and padded to max_length, and replace_invalid_utf8 idempotent (its output is valid).
#include "core/text/clip_tokenizer.h"
#include "core/util/utf8.h"
#include "fuzz_support.h"

#include <algorithm>
#include <string_view>

namespace {

const std::vector<lightning::ClipTokenizer>& tokenizers() {
    static const std::vector<lightning::ClipTokenizer> both = {
        lightning::ClipTokenizer::from_folder(fuzz::fixtures_dir() + "/tiny-sdxl/tokenizer"),
        lightning::ClipTokenizer::from_folder(fuzz::fixtures_dir() + "/tiny-sdxl/tokenizer_2")};
    return both;
}

void check_ids(const lightning::ClipTokenizer& tokenizer, const std::vector<int64_t>& ids) {
    fuzz::require(std::all_of(ids.begin(), ids.end(),
                              [&](int64_t id) { return id >= 0 && id < tokenizer.vocab_size(); }),
                  "ids inside the vocabulary");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view prompt(reinterpret_cast<const char*>(data), size);
    const std::string valid = lightning::replace_invalid_utf8(prompt);
    fuzz::require(lightning::replace_invalid_utf8(valid) == valid, "U+FFFD replacement idempotent");

    for (const auto& tokenizer : tokenizers()) {
        const std::vector<int64_t> ids = tokenizer.tokenize(std::string(prompt));
        check_ids(tokenizer, ids);
        const std::vector<int64_t> encoded = tokenizer.encode(std::string(prompt));
        fuzz::require(encoded.size() == size_t(tokenizer.max_length()), "encode() is max_length");
        fuzz::require(encoded.front() == tokenizer.bos_id(), "encode() starts with bos");
        check_ids(tokenizer, encoded);
        const std::vector<int64_t> full = tokenizer.encode_untruncated(std::string(prompt));
        fuzz::require(full.size() == ids.size() + 2, "untruncated = bos + ids + eos");
    }
    return 0;
}
