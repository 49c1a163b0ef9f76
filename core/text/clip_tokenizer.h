// CLIP byte-level BPE tokenizer, exactly as transformers' (tokenizers-backed) CLIPTokenizer.
//
// Pipeline, in the order the reference applies it:
//   1. invalid UTF-8 -> U+FFFD (one per maximal invalid subpart, as Python's errors="replace");
//   2. added/special tokens declared `normalized: false` are split out of the raw text;
//   3. each remaining segment: NFC, every Unicode White_Space run -> one space, per-code-point
//      full lowercase (so 'İ' -> "i\u0307" and a word-final 'Σ' -> 'σ', never 'ς');
//   4. added/special tokens declared `normalized: true` are split out of the normalized text
//      (those added by with_added_tokens only where they stand as whole words);
//   5. CLIP pre-tokenizer regex
//        <|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
//      (whitespace between pieces is dropped);
//   6. GPT-2 bytes->unicode mapping of each piece's UTF-8 bytes, rank-ordered pair BPE with
//      "</w>" on the piece's last symbol.
// In SDXL's tokenizer_2 the pad token "!" is such an added token, so every '!' is id 0 there.
//
// Thread safety: all methods are const and safe to call concurrently (the per-piece BPE cache
// is guarded by a shared mutex). Copies share the vocabulary and the cache.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lightning {

class ClipTokenizer {
public:
    // Reads vocab.json, merges.txt, tokenizer_config.json (model_max_length, optional
    // added_tokens_decoder) and special_tokens_map.json (bos/eos/unk/pad, additional special
    // tokens; optional if tokenizer_config.json declares them) of a diffusers tokenizer folder.
    // Without vocab.json, the vocabulary, merges and added tokens come from tokenizer.json
    // (what transformers 5 may save alone; core/text/tokenizer_json.h).
    // Throws lightning::Error naming the file (and key or line) on anything missing or malformed.
    static ClipTokenizer from_folder(const std::string& dir);

    // BPE ids of the prompt, without <|startoftext|>/<|endoftext|> framing or padding.
    std::vector<int64_t> tokenize(const std::string& utf8) const;
    // bos + the first max_length()-2 ids + eos, padded with pad_id() to max_length() ids
    // (what StableDiffusionXLPipeline.encode_prompt feeds the text encoders).
    std::vector<int64_t> encode(const std::string& utf8) const;
    // bos + all ids + eos: no truncation, no padding.
    std::vector<int64_t> encode_untruncated(const std::string& utf8) const;

    // A token's id: an added or special token as declared, else a vocab.json entry ("cat</w>").
    std::optional<int64_t> token_id(const std::string& token) const;
    // transformers' convert_ids_to_tokens for one id ("" when unknown).
    std::string token_string(int64_t id) const;
    // len(tokenizer): vocabulary plus added tokens; the next added token gets this id.
    int64_t size() const;
    // A copy with `tokens` added as transformers' add_tokens does (normalized, not special: split
    // out of the normalized text before BPE), ids size(), size() + 1, ..., but matched as whole
    // words only (is_whole_word), as A1111 finds embeddings: transformers also splits them out
    // of other words, so the prompt "dinkwashed" used the embedding "inkwash".
    // Throws lightning::Error naming a token that is already in the vocabulary.
    ClipTokenizer with_added_tokens(const std::vector<std::string>& tokens) const;

    int64_t bos_id() const;
    int64_t eos_id() const;
    int64_t pad_id() const;
    int max_length() const;  // model_max_length (77 for CLIP)
    int64_t vocab_size() const;

private:
    struct Impl;
    explicit ClipTokenizer(std::shared_ptr<const Impl> impl);
    std::shared_ptr<const Impl> impl_;
};

// Whether the bytes [begin, end) of `utf8` stand as a word of their own, as added tokens are
// matched: a letter or digit at either edge does not continue into a letter or digit beside it
// ("inkwash" in "inkwash, fog" and "(inkwash:1.2)", not in "dinkwashed" or "inkwash2").
bool is_whole_word(std::string_view utf8, size_t begin, size_t end);

}  // namespace lightning
