// Textual-inversion embeddings in the SDXL layout ({"clip_l": [n, 768], "clip_g": [n, 1280]}),
// loaded as diffusers' load_textual_inversion does into both tokenizers and text encoders: the
// token (and for n > 1 vectors TOKEN_1 ... TOKEN_{n-1}) is added to both tokenizers, with the
// same new ids in load order (49408, 49409, ... for SDXL), and the vectors become those ids'
// rows of each encoder's token-embedding table (ClipTextModelImpl::set_added_token_embeddings).
#pragma once
#include "core/request/request.h"
#include "core/text/clip_tokenizer.h"

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace lightning {

// "FILE[:TOKEN]": the part after the first ':' following the file name is the token. A ':' in
// the file's own path is kept when no existing file is named by the text before it.
EmbeddingSpec parse_embedding_spec(const std::string& text);

struct EmbeddingToken {
    std::string file;
    std::string token;  // as the prompt spells it
    int64_t first_id = 0;
    int64_t vectors = 0;  // ids first_id .. first_id + vectors - 1
};

class TextualInversion {
public:
    // Reads and checks every file before anything is added. Throws lightning::Error naming the
    // file for a missing clip_l/clip_g, wrong shapes (hidden sizes hidden_1/hidden_2, equal
    // vector counts), a token already in the vocabulary or given twice.
    static TextualInversion load(const std::vector<EmbeddingSpec>& specs,
                                 const ClipTokenizer& tokenizer_1, const ClipTokenizer& tokenizer_2,
                                 int64_t hidden_1, int64_t hidden_2);

    const ClipTokenizer& tokenizer_1() const { return tokenizer_1_; }
    const ClipTokenizer& tokenizer_2() const { return tokenizer_2_; }
    const at::Tensor& rows_1() const { return rows_1_; }  // [total vectors, hidden_1] float32
    const at::Tensor& rows_2() const { return rows_2_; }
    const std::vector<EmbeddingToken>& tokens() const { return tokens_; }

    // diffusers' maybe_convert_prompt: every multi-vector TOKEN found by `tokenizer` in the
    // prompt is replaced in the raw text by "TOKEN TOKEN_1 ... TOKEN_{n-1}" where it stands as a
    // whole word (the tokenizer matches it only there; see ClipTokenizer::with_added_tokens).
    std::string expand_prompt(const std::string& prompt, const ClipTokenizer& tokenizer) const;
    // The same on ids: a multi-vector token's first id becomes all of its ids.
    std::vector<int64_t> expand_ids(const std::vector<int64_t>& ids) const;
    // The number of ids a token expands to (1 for ids that are no multi-vector token).
    int64_t vectors_of(int64_t id) const;

private:
    ClipTokenizer tokenizer_1_, tokenizer_2_;
    at::Tensor rows_1_, rows_2_;
    std::vector<EmbeddingToken> tokens_;

    TextualInversion(ClipTokenizer t1, ClipTokenizer t2)
        : tokenizer_1_(std::move(t1)), tokenizer_2_(std::move(t2)) {}
};

}  // namespace lightning
