// Prompt text -> SDXL conditioning (prompt_embeds [1, T, C1 + C2], pooled [1, P]) in the three
// syntaxes of prompt_syntax.h, each with its reference's numerics:
//
//   none    diffusers' encode_prompt: 77 tokens (truncated), hidden_states[-(clip_skip + 2)] of
//           both encoders, pooled = text_encoder_2's text_embeds at argmax(ids).
//   compel  Compel 2.4.0 as the seed builds it for SDXL (PENULTIMATE_HIDDEN_STATES_NON_NORMALIZED,
//           requires_pooled [False, True], truncate_long_prompts False, SENTENCES splitting, MASK
//           down-weighting): per encoder and 77-token chunk, weighted tokens e + (z - e) w against
//           the empty prompt's encoding e; each fragment with w < 1 encoded again with its
//           positions masked and blended in with tan((1 - w) pi / 2); pooled from the raw prompt
//           text (77 tokens, no weights). `.and()` parts are concatenated on the token axis.
//   a1111   AUTOMATIC1111's SDXL conditioning (sd_hijack_clip.py, sd_emphasis.py "Original"):
//           75-token chunks (comma backtrack 20, BREAK starts a chunk), each encoder's chunk
//           multiplied by its weights and rescaled to its original mean; pooled from bigG's
//           first chunk at its first end token. Both encoders read CLIP-L tokenizer ids (A1111
//           tokenizes bigG's side with open_clip's tokenizer, which has no added "!" token);
//           bigG's chunk is padded with tokenizer_2's pad id after the end token.
//
// Textual-inversion tokens work in every syntax. With compel, fragment ids come from
// tokenizer_1 for both encoders and multi-vector tokens are expanded on the ids (compel's
// DiffusersTextualInversionManager re-encodes every fragment with pipe.tokenizer).
#pragma once
#include "core/request/prompt_syntax.h"

#include <ATen/core/Tensor.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lightning {

class ClipTokenizer;
class ClipTextModel;
class TextualInversion;

// The pipeline's text side, borrowed for one encoding.
struct TextEncoders {
    const ClipTokenizer* tokenizer_1 = nullptr;
    const ClipTokenizer* tokenizer_2 = nullptr;
    ClipTextModel* text_encoder_1 = nullptr;
    ClipTextModel* text_encoder_2 = nullptr;
    const TextualInversion* textual_inversion = nullptr;  // null: none loaded
    bool force_zeros_for_empty_prompt = true;             // model_index.json
};

struct PromptConditioning {
    at::Tensor embeds;  // [1, T, C1 + C2], T a multiple of 77
    at::Tensor pooled;  // [1, P]
    // What the encoders read, under the golden names (undefined where a syntax has none):
    // input_ids / input_ids_2 [1, T], token_weights [1, T], pooled_input_ids_2 [1, 77].
    std::vector<std::pair<std::string, at::Tensor>> trace;
    bool zeros = false;  // the unconditional zeros, not an encoding
};

PromptConditioning encode_prompt(const TextEncoders& encoders, const std::string& prompt,
                                 PromptSyntax syntax, int clip_skip = 0);

// The unconditional side of CFG, as each reference builds it:
//   none/compel: no negative prompt -> zeros like `positive` (force_zeros_for_empty_prompt),
//                else the negative prompt's encoding (hidden_states[-2] for none, as diffusers);
//   a1111:       no or an empty negative prompt -> zeros of one chunk.
// Then the shorter of the two is padded with the empty prompt's chunk (compel's empty_z, A1111's
// pad_cond_uncond) until both have the same length. Returns {negative, positive}.
std::pair<PromptConditioning, PromptConditioning> encode_for_guidance(
    const TextEncoders& encoders, const std::string& prompt,
    const std::optional<std::string>& negative_prompt, PromptSyntax syntax, int clip_skip = 0);

// --- token level, exposed for tests and the prompt box's token counter ------------------------

// How long a prompt is in a syntax: its tokens (without bos/eos) and the 77-token chunks they
// take, for a counter like "93 / 150" (tokens / chunks x 75). `none` always has one chunk (the
// rest is cut off).
struct PromptLength {
    int64_t tokens = 0;
    int64_t chunks = 1;
};
PromptLength prompt_length(const TextEncoders& encoders, const std::string& prompt,
                           PromptSyntax syntax);

// Compel's chunking of one part's tokens (ids without bos/eos) for one tokenizer: ids and
// weights of whole 77-token chunks ([bos] + up to 75 ids + [eos] + padding), split as
// SplitLongTextMode.SENTENCES does.
struct TokenChunks {
    std::vector<int64_t> ids;
    std::vector<float> weights;
    int64_t chunks() const { return int64_t(ids.size()) / 77; }
};
TokenChunks compel_chunks(const ClipTokenizer& tokenizer, const std::vector<int64_t>& ids,
                          const std::vector<double>& weights);

// A1111's tokenize_line for a parsed prompt: chunk ids (77 each, CLIP-L padding) and
// multipliers, and its token count. `vectors_of(id)` gives a textual-inversion token's vector
// count (its ids stay together in one chunk).
struct A1111Chunks {
    std::vector<std::vector<int64_t>> ids;
    std::vector<std::vector<float>> multipliers;
    int64_t token_count = 0;
};
A1111Chunks a1111_chunks(const ClipTokenizer& tokenizer, const std::vector<WeightedText>& parsed,
                         const TextualInversion* textual_inversion = nullptr);

}  // namespace lightning
