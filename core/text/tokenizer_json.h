// tokenizer.json, the one-file format of Hugging Face `tokenizers`, read as the classic
// vocab.json / merges.txt pair: transformers 5 can save a CLIP tokenizer as tokenizer.json (and
// tokenizer_config.json) alone, and ClipTokenizer::from_folder then takes its BPE from here.
#pragma once
#include <nlohmann/json.hpp>

#include <string>

namespace lightning {

struct TokenizerJsonBpe {
    nlohmann::json vocab;         // {"token": id, ...}, as vocab.json holds it
    std::string merges_text;      // as merges.txt holds it: one "left right" pair per line
    nlohmann::json added_tokens;  // [{"id", "content", "normalized", "lstrip", ...}, ...]
};

// Throws lightning::Error naming the file when it cannot be read, is not JSON, or its model is
// not a BPE with a vocabulary and merges (merges as "a b" strings or ["a", "b"] pairs).
TokenizerJsonBpe read_tokenizer_json(const std::string& path);

}  // namespace lightning
