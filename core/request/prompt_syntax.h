// Prompt-weighting syntaxes: what a prompt string means before any token is made.
//
//   none    the text as it is (diffusers' encode_prompt: 77 tokens, no parsing)
//   compel  Compel 2.4.0's syntax (damian0815/compel, src/compel/prompt_parser.py): `word+`,
//           `word--`, `(phrase)1.3`, `"phrase"++`, `.attend(w)`, nesting multiplies, `\(` `\)`
//           `\"` escapes, `("a", "b").and()`, `withLora(...)` (dropped, as compel drops it)
//   a1111   AUTOMATIC1111's parse_prompt_attention (modules/prompt_parser.py): `(x)` x1.1,
//           `[x]` /1.1, `(x:w)`, nesting multiplies, `\(` `\[` `\\` escapes, unclosed brackets
//           weighted to the end, BREAK
//
// Weights are clamped to -kMaxPromptWeight..kMaxPromptWeight (core/request/limits.h) as they are
// given and multiplied; within that range, both parsers reproduce their reference's result
// exactly, including its quirks (which text is
// re-joined with single spaces, where escapes survive); tests/data/prompt_parse_goldens.json
// holds the references' own output for the cases the tests check.
#pragma once
#include "core/request/enums.h"

#include <string>
#include <vector>

namespace lightning {

struct WeightedText {
    std::string text;  // UTF-8
    double weight = 1.0;
};

// Compel's flattened prompt: one list of fused fragments per `.and()` part (a plain prompt has
// one part). Throws lightning::Error for what compel 2.4.0 itself cannot encode (`.blend()`,
// `.swap()`, weighted `.and()`, a prompt the grammar rejects), saying so.
struct CompelPrompt {
    std::vector<std::vector<WeightedText>> parts;
};
CompelPrompt parse_compel_prompt(const std::string& prompt);

// A1111's [text, weight] list. BREAK appears as {"BREAK", -1} (weighted BREAKs inside brackets
// get other negative weights and are then plain text, as in A1111). Throws lightning::Error for
// a weight Python's float() rejects, e.g. `(x:1.2.3)`.
inline constexpr double kA1111BreakWeight = -1.0;
std::vector<WeightedText> parse_a1111_prompt(const std::string& prompt);

}  // namespace lightning
