// The tokenizer folder readers (core/text/clip_tokenizer.h, tokenizer_json.h) on arbitrary
// files: the input is up to five files separated by kSeparator lines, written as vocab.json,
// merges.txt, tokenizer_config.json, special_tokens_map.json and tokenizer.json (an empty part
// leaves its file out). Invariants: from_folder throws only lightning::Error, and a tokenizer
// it accepts encodes prompts into ids it knows, framed and padded to its max_length.
#include "core/text/clip_tokenizer.h"
#include "core/util/error.h"
#include "fuzz_support.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string_view>

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSeparator = "\n====\n";
constexpr const char* kFiles[] = {"vocab.json", "merges.txt", "tokenizer_config.json",
                                  "special_tokens_map.json", "tokenizer.json"};

// One folder per process, rewritten for every input (the readers take a folder).
const fs::path& folder() {
    static const fs::path dir = [] {
        std::string name = (fs::temp_directory_path() / "fuzz-tokenizer-XXXXXX").string();
        fuzz::require(::mkdtemp(name.data()) != nullptr, "mkdtemp");
        std::atexit([] {
            std::error_code ignored;
            fs::remove_all(folder(), ignored);
        });
        return fs::path(name);
    }();
    return dir;
}

void write_files(std::string_view input) {
    for (const char* name : kFiles) {
        const size_t end = std::min(input.find(kSeparator), input.size());
        const std::string_view part = input.substr(0, end);
        input.remove_prefix(std::min(input.size(), end + kSeparator.size()));
        const fs::path path = folder() / name;
        std::error_code ignored;
        fs::remove(path, ignored);
        if (part.empty()) continue;
        std::ofstream out(path, std::ios::binary);
        out.write(part.data(), std::streamsize(part.size()));
        fuzz::require(bool(out), "write a tokenizer file");
    }
}

void check(const lightning::ClipTokenizer& tokenizer) {
    for (const char* prompt : {"a photo of a cat, <|endoftext|> 東京 ☕", "", "!!!!!!!!"}) {
        const auto ids = tokenizer.encode(prompt);
        fuzz::require(ids.size() == size_t(tokenizer.max_length()), "encode() is max_length");
        fuzz::require(ids.front() == tokenizer.bos_id(), "encode() starts with bos");
        for (const int64_t id : ids)
            fuzz::require(id >= 0 && id < tokenizer.size(), "ids the tokenizer knows");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    write_files({reinterpret_cast<const char*>(data), size});
    try {
        check(lightning::ClipTokenizer::from_folder(folder().string()));
    } catch (const lightning::Error&) {
    }
    return 0;
}
