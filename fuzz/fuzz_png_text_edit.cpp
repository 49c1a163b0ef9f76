// The fast PNG text reader and the rewriter that gallery starring runs on users' files
// (core/image/png_text_edit.h) on arbitrary file bytes. Invariants: only lightning::Error; the
// fast reader (seeks past pixel chunks) reads what the whole-file reader reads; a rewrite keeps
// every other entry, reads back the new one, and rewriting it again changes nothing. (The fast
// reader may accept more: it does not check the CRCs of chunks it seeks past.)
#include "core/image/png_text_edit.h"
#include "core/util/error.h"
#include "fuzz_support.h"

#include <optional>

namespace {

using lightning::PngText;
using lightning::TextKeys;

std::optional<PngText> whole_file_text(std::span<const unsigned char> bytes) {
    try {
        return lightning::parse_png_text(bytes, "fuzz.png", TextKeys::every());
    } catch (const lightning::Error&) {
        return std::nullopt;
    }
}

void check_rewrite(std::span<const unsigned char> bytes, const PngText& before) {
    PngText star;
    star.entries[lightning::kStudioKey] = R"({"favourite":true})";
    std::vector<unsigned char> starred;
    try {
        starred = lightning::replace_png_text(bytes, star, "fuzz.png");
    } catch (const lightning::Error&) {
        return;  // a file the whole-file reader accepts may still be refused (text it cannot
                 // encode)
    }
    const auto after = whole_file_text(starred);
    fuzz::require(after.has_value(), "a rewritten PNG reads back");
    PngText expected = before;
    expected.entries[lightning::kStudioKey] = star.entries[lightning::kStudioKey];
    fuzz::require(after->entries == expected.entries, "a rewrite changes only its entry");
    const auto again = lightning::replace_png_text(starred, star, "fuzz.png");
    fuzz::require(again == starred, "rewriting the same entry again changes nothing");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static fuzz::MemoryFile file;
    const std::span<const unsigned char> bytes(data, size);
    const auto whole = whole_file_text(bytes);
    std::optional<PngText> fast;
    try {
        fast = lightning::read_png_text_fast(file.write(data, size), TextKeys::every());
    } catch (const lightning::Error&) {
    }
    // The fast reader seeks past other chunks without checking their CRCs (that is its point),
    // so it may accept a file the whole-file reader refuses; never the other way round.
    if (!whole) return 0;
    fuzz::require(fast.has_value(), "the fast reader accepts what the whole-file reader does");
    fuzz::require(whole->entries == fast->entries, "fast reader reads the same entries");
    check_rewrite(bytes, *whole);
    return 0;
}
