// Dynamic prompts: the template syntax of sd-dynamic-prompts (its `dynamicprompts` library,
// github.com/adieyal/dynamicprompts, MIT, grammar read at commit 58815af8; no code taken), with
// each choice made from the image's seed by a generator of ours, so that a seed gives the same
// prompt on every machine. What is supported (README "Dynamic prompts"):
//   {a|b|c}               one option
//   {0.5::a|2::b|c}       weighted options (weight 1 when none is given)
//   {2$$a|b|c}            two distinct options, joined by "," (the library's default separator)
//   {1-3$$a|b}, {-2$$..}, {2-$$..}   a count in a range (bounds omitted: 1 and the option count)
//   {2$$ and $$a|b|c}     a separator of one's own (no '$', '{' or '}' in it)
//   {~a|b}                '~' (random sampling) accepted; '!' and '@' refused
//   __name__, __sub/name__   one line of NAME.txt (sub/NAME.txt) in the wildcards folder: lines
//                         trimmed, blank lines and lines starting with '#' skipped; a line may
//                         hold variants and wildcards itself (resolved in turn)
//   {2$$__name__}         two distinct lines of one wildcard
// Options are trimmed; a '}' outside a variant and a "__" that no "__" closes are plain text.
// Not supported (refused by name where the syntax is unambiguous): variables ${...}, globbing
// (__name*__), YAML/JSON wildcard files, comments in prompts.
//
// The generator (one concept, documented here because records depend on it): SplitMix64
// (Steele, Lea and Flood 2014) started at `seed` for the prompt and at seed + 0xD1B54A32D192ED03
// for the negative prompt (so adding a negative template changes no choice of the prompt). The
// template is resolved depth first, left to right; each choice draws from the one stream:
//   - a variant's count k: lo + below(hi - lo + 1), drawn only when lo < hi;
//   - each of the k options, without replacement: with equal weights below(n) over those left,
//     else unit() x (their total weight) walked over their cumulative weights in order;
//   - a wildcard: one of its lines, as an equal-weight option;
// where below(n) = r mod n for the first 64-bit output r >= 2^64 mod n (no modulo bias) and
// unit() = (r >> 11) x 2^-53.
#pragma once
#include "core/request/request.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lightning {

// One usable line of a wildcard file and where it is (for errors).
struct WildcardLine {
    std::string text;
    int line = 0;  // 1-based
};

// The wildcard files of one folder, each read (and checked) once, on first use.
class WildcardFolder {
public:
    explicit WildcardFolder(std::string dir = "") : dir_(std::move(dir)) {}
    const std::string& dir() const { return dir_; }

    // The lines of __name__. Throws lightning::Error(field, ...) naming the wildcard and its file:
    // no folder set, no such file, a name with "..", '*' or an absolute path, a file over
    // kMaxWildcardFileBytes (or over kMaxWildcardBytes in all), not UTF-8 (with the line), a NUL
    // byte, no usable line.
    const std::vector<WildcardLine>& lines(const std::string& name, const std::string& field);
    // The file __name__ reads (for messages).
    std::string file_of(const std::string& name) const;

private:
    std::string dir_;
    std::map<std::string, std::vector<WildcardLine>> files_;
    size_t bytes_read_ = 0;
};

enum class TemplateStream { Prompt, Negative };

// Whether `text` is a template: it holds a '{' or a __name__ wildcard. A text without either
// resolves to itself, so the CLI, manifests and the app treat only such texts as templates.
bool has_template_syntax(const std::string& text);

// Checks a template whatever the seed: its syntax and every wildcard it can reach (known,
// readable, no cycle, nested at most kMaxWildcardDepth). Throws lightning::Error(field, ...)
// saying what and where (byte offset in the template, or the wildcard file and line).
void check_template(const std::string& text, WildcardFolder& folder, const std::string& field);

// What the template resolves to for `seed` (the generator above). Throws as check_template, and
// when the resolution makes more than kMaxTemplateChoices choices or more than kMaxPromptBytes.
std::string resolve_template(const std::string& text, uint64_t seed, TemplateStream stream,
                             WildcardFolder& folder, const std::string& field);

// Every text the template can resolve to (weights ignored; a {k$$...} variant's options in
// their written order, never repeated), the first variant varying slowest. Throws
// lightning::Error(field, ...) when there are more than `limit`.
std::vector<std::string> template_combinations(const std::string& text, WildcardFolder& folder,
                                               size_t limit, const std::string& field);

// A typed prompt taken as a template where it is one (has_template_syntax) and no template is
// set yet: how the CLI, manifest lines and the app's form take their prompts.
void mark_prompt_templates(GenerationRequest& request);

// The request of image `index` (single_image) with its prompt and negative prompt resolved
// from its own seed. Throws as resolve_template (fields "prompt template", "negative template").
GenerationRequest resolved_image(const GenerationRequest& request, int index,
                                 WildcardFolder& folder);

// Every image's resolved request, the templates checked (check_template) before any is made:
// what Engine::generate runs. A request without templates gives its single images unchanged.
std::vector<GenerationRequest> resolved_images(const GenerationRequest& request);

}  // namespace lightning
