#include "core/text/textual_inversion.h"

#include "core/io/safetensors.h"
#include "core/util/error.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

namespace lightning {
namespace {

namespace fs = std::filesystem;

std::string shape_text(const std::vector<int64_t>& shape) {
    std::ostringstream out;
    out << at::IntArrayRef(shape);
    return out.str();
}

// One encoder's vectors of a file: clip_l or clip_g as [n, hidden] ([hidden] is one vector).
at::Tensor read_vectors(const SafeTensorsFile& file, const std::string& key, int64_t hidden) {
    if (!file.contains(key)) {
        auto names = file.names();
        std::string listed;
        for (size_t i = 0; i < names.size() && i < 6; ++i) listed += (i ? ", " : "") + names[i];
        const bool sd1 = file.contains("emb_params") ||
                         std::any_of(names.begin(), names.end(), [](const std::string& n) {
                             return n.rfind("string_to_param", 0) == 0;
                         });
        throw Error(file.path(), "no '" + key +
                                     "' tensor: an SDXL embedding holds clip_l and clip_g" +
                                     (sd1 ? " (this looks like an SD 1.x embedding)" : "") +
                                     "; found " + (listed.empty() ? "no tensors" : listed));
    }
    const auto shape = file.shape(key);
    const bool ok = (shape.size() == 1 && shape[0] == hidden) ||
                    (shape.size() == 2 && shape[0] >= 1 && shape[1] == hidden);
    if (!ok)
        throw Error(file.path(), "'" + key + "' has shape " + shape_text(shape) +
                                     ", expected [n, " + std::to_string(hidden) +
                                     "] for this model");
    auto vectors = file.load(key, torch::kFloat);
    return vectors.dim() == 1 ? vectors.unsqueeze(0) : vectors;
}

// Every whole-word `token` becomes `expanded` ("TOKEN TOKEN_1 ... TOKEN_{n-1}"), with a space
// after it where the next character would join its last name to a word (as in "<t>s"), so the
// tokenizer, which matches whole words only, finds every name.
void expand_words(std::string& text, const std::string& token, const std::string& expanded) {
    for (size_t at = text.find(token); at != std::string::npos;) {
        if (!is_whole_word(text, at, at + token.size())) {
            at = text.find(token, at + 1);
            continue;
        }
        text.replace(at, token.size(), expanded);
        size_t end = at + expanded.size();
        if (!is_whole_word(text, at, end)) text.insert(end++, " ");
        at = text.find(token, end);
    }
}

}  // namespace

EmbeddingSpec parse_embedding_spec(const std::string& text) {
    // FILE[:TOKEN]: the first ':' after which the file part names an existing file.
    for (size_t colon = text.find(':'); colon != std::string::npos;
         colon = text.find(':', colon + 1)) {
        const std::string file = text.substr(0, colon);
        if (fs::is_regular_file(file)) return {file, text.substr(colon + 1)};
    }
    return {text, ""};
}

TextualInversion TextualInversion::load(const std::vector<EmbeddingSpec>& specs,
                                        const ClipTokenizer& tokenizer_1,
                                        const ClipTokenizer& tokenizer_2, int64_t hidden_1,
                                        int64_t hidden_2) {
    if (tokenizer_1.size() != tokenizer_2.size())
        throw Error("textual inversion", "the two tokenizers have different sizes (" +
                                             std::to_string(tokenizer_1.size()) + ", " +
                                             std::to_string(tokenizer_2.size()) +
                                             "): new tokens would get different ids");
    std::vector<at::Tensor> rows_1, rows_2;
    std::vector<std::string> added;
    std::vector<EmbeddingToken> tokens;
    std::set<std::string> taken;
    int64_t next_id = tokenizer_1.size();
    for (const auto& spec : specs) {
        if (!fs::is_regular_file(spec.path)) throw Error(spec.path, "embedding file not found");
        const auto file = SafeTensorsFile::open(spec.path);
        const std::string token =
            spec.token.empty() ? fs::path(spec.path).stem().string() : spec.token;
        if (token.empty()) throw Error(spec.path, "empty token");
        const auto l = read_vectors(*file, "clip_l", hidden_1);
        const auto g = read_vectors(*file, "clip_g", hidden_2);
        if (l.size(0) != g.size(0))
            throw Error(spec.path, "clip_l has " + std::to_string(l.size(0)) +
                                       " vectors but clip_g " + std::to_string(g.size(0)));
        const int64_t n = l.size(0);
        std::vector<std::string> names{token};
        for (int64_t i = 1; i < n; ++i) names.push_back(token + "_" + std::to_string(i));
        for (const auto& name : names) {
            const bool known = tokenizer_1.token_id(name) || tokenizer_2.token_id(name);
            if (known || taken.count(name))
                throw Error(spec.path, "token '" + name + "' " +
                                           (known ? "is already in the tokenizer's vocabulary"
                                                  : "is already taken by an earlier embedding") +
                                           "; give another one as FILE:TOKEN");
            taken.insert(name);
        }
        tokens.push_back({spec.path, token, next_id, n});
        next_id += n;
        added.insert(added.end(), names.begin(), names.end());
        rows_1.push_back(l);
        rows_2.push_back(g);
    }
    TextualInversion ti(tokenizer_1.with_added_tokens(added), tokenizer_2.with_added_tokens(added));
    if (!rows_1.empty()) {
        ti.rows_1_ = torch::cat(rows_1);
        ti.rows_2_ = torch::cat(rows_2);
    }
    ti.tokens_ = std::move(tokens);
    return ti;
}

std::string TextualInversion::expand_prompt(const std::string& prompt,
                                            const ClipTokenizer& tokenizer) const {
    const auto ids = tokenizer.tokenize(prompt);
    std::string out = prompt;
    for (const auto& t : tokens_) {
        if (t.vectors < 2 || std::find(ids.begin(), ids.end(), t.first_id) == ids.end()) continue;
        std::string replacement = t.token;
        for (int64_t i = 1; i < t.vectors; ++i)
            replacement += " " + t.token + "_" + std::to_string(i);
        expand_words(out, t.token, replacement);
    }
    return out;
}

int64_t TextualInversion::vectors_of(int64_t id) const {
    for (const auto& t : tokens_)
        if (t.first_id == id) return t.vectors;
    return 1;
}

std::vector<int64_t> TextualInversion::expand_ids(const std::vector<int64_t>& ids) const {
    std::vector<int64_t> out;
    out.reserve(ids.size());
    for (const int64_t id : ids) {
        const int64_t n = vectors_of(id);
        for (int64_t k = 0; k < n; ++k) out.push_back(id + k);
    }
    return out;
}

}  // namespace lightning
