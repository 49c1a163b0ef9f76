// Dynamic prompts (core/request/wildcards.h) on arbitrary templates, over a small wildcards
// folder made once (a plain file, a nested one, variants and wildcards inside lines): the
// template is checked, resolved for three seeds and listed (at most 100 combinations), and
// only lightning::Error may come out. Invariants: the same seed resolves to the same text; a
// resolved prompt is never over limits::kMaxPromptBytes; a text without template syntax
// resolves to itself.
#include "core/request/limits.h"
#include "core/request/wildcards.h"
#include "core/util/error.h"
#include "fuzz_support.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace {

const std::string& folder() {
    static const std::string dir = [] {
        namespace fs = std::filesystem;
        const fs::path root =
            fs::temp_directory_path() / ("lightning-fuzz-wildcards-" + std::to_string(getpid()));
        fs::create_directories(root / "sub");
        std::ofstream(root / "a.txt") << "x\n{y|z}\n# comment\n__sub/b__ and __c__\n";
        std::ofstream(root / "sub" / "b.txt") << "{2$$p|q|r}\n0.5\n";
        std::ofstream(root / "c.txt") << "__sub/b__\n";
        return root.string();
    }();
    return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const std::string field = "prompt template";
    try {
        lightning::WildcardFolder wildcards(folder());
        lightning::check_template(text, wildcards, field);
        for (uint64_t seed : {uint64_t(0), uint64_t(1), lightning::limits::kMaxSeed}) {
            const auto once = lightning::resolve_template(
                text, seed, lightning::TemplateStream::Prompt, wildcards, field);
            fuzz::require(once.size() <= lightning::limits::kMaxPromptBytes,
                          "a resolved prompt within kMaxPromptBytes");
            fuzz::require(
                once == lightning::resolve_template(text, seed, lightning::TemplateStream::Prompt,
                                                    wildcards, field),
                "the same seed resolves to the same prompt");
            if (!lightning::has_template_syntax(text))
                fuzz::require(once == text, "a text without template syntax resolves to itself");
        }
        (void)lightning::template_combinations(text, wildcards, 100, field);
    } catch (const lightning::Error&) {
    }
    return 0;
}
