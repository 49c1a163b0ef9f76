#include "core/text/prompt_encoder.h"

#include "core/text/clip_text_model.h"
#include "core/text/clip_tokenizer.h"
#include "core/text/textual_inversion.h"
#include "core/util/error.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>

namespace lightning {
namespace {

constexpr int64_t kChunk = 77;         // tokens per encoder call
constexpr int64_t kChunkContent = 75;  // without bos and eos
constexpr int kCommaBacktrack = 20;    // A1111's comma_padding_backtrack default

at::Tensor ids_tensor(const std::vector<int64_t>& ids) {
    return torch::tensor(ids, torch::kLong).unsqueeze(0);
}

std::vector<int64_t> slice(const std::vector<int64_t>& v, int64_t from, int64_t count) {
    return {v.begin() + from, v.begin() + from + count};
}

ClipTextRequest request_for(ClipTextModel& model, int clip_skip, bool all_layers) {
    const int64_t layers = model->config().num_hidden_layers;
    if (clip_skip < 0 || clip_skip > layers - 1)
        throw Error("clip_skip", std::to_string(clip_skip) + " exceeds the text encoder's " +
                                     std::to_string(layers - 1) + " skippable layers");
    ClipTextRequest request;
    request.layers = all_layers ? -1 : static_cast<int>(layers - 1 - clip_skip);
    request.pooled = false;
    return request;
}

// hidden_states[-(clip_skip + 2)] of one 77-token chunk, optionally with hidden keys.
at::Tensor chunk_hidden(ClipTextModel& model, const std::vector<int64_t>& ids, int clip_skip,
                        const at::Tensor& key_mask = {}) {
    auto request = request_for(model, clip_skip, false);
    request.attention_mask = key_mask;
    return model->forward(ids_tensor(ids), request).hidden_state(-(clip_skip + 2));
}

const ClipTokenizer& tokenizer(const TextEncoders& e, int k) {
    return k == 0 ? *e.tokenizer_1 : *e.tokenizer_2;
}
ClipTextModel& model(const TextEncoders& e, int k) {
    return k == 0 ? *e.text_encoder_1 : *e.text_encoder_2;
}

// =============================================================================================
// none: diffusers' encode_prompt

PromptConditioning encode_plain(const TextEncoders& e, const std::string& prompt, int clip_skip) {
    PromptConditioning out;
    std::vector<at::Tensor> embeds;
    for (int k = 0; k < 2; ++k) {
        const auto& tok = tokenizer(e, k);
        // diffusers' maybe_convert_prompt runs per tokenizer on the raw text.
        const std::string text =
            e.textual_inversion ? e.textual_inversion->expand_prompt(prompt, tok) : prompt;
        const auto ids = ids_tensor(tok.encode(text));
        out.trace.emplace_back(k == 0 ? "input_ids" : "input_ids_2", ids);
        auto request = request_for(model(e, k), clip_skip, false);
        request.pooled = k == 1;
        const auto result = model(e, k)->forward(ids, request);
        embeds.push_back(result.hidden_state(-(clip_skip + 2)));
        if (k == 1) out.pooled = result.text_embeds;
    }
    out.embeds = torch::cat(embeds, -1);
    return out;
}

// =============================================================================================
// compel

// EmbeddingsProvider._find_next_best_split_point with SplitLongTextMode.SENTENCES.
size_t split_point(const ClipTokenizer& tok, const std::vector<int64_t>& ids, size_t from) {
    const size_t remaining = ids.size() - from;
    if (remaining <= size_t(kChunkContent)) return kChunkContent;
    auto find = [&](auto accept) -> std::optional<size_t> {
        for (size_t i = kChunkContent; i-- > 0;)
            if (accept(tok.token_string(ids[from + i]))) return i;
        return std::nullopt;
    };
    auto sentence = find([](const std::string& t) { return t == ".</w>"; });
    if (!sentence)
        sentence = find([](const std::string& t) {
            return t == ".</w>" || t == ",</w>" || t == ";</w>" || t == ":</w>";
        });
    if (!sentence)
        sentence = find([](const std::string& t) {
            return t.size() >= 4 && t.compare(t.size() - 4, 4, "</w>") == 0;
        });
    return sentence ? *sentence + 1 : kChunkContent;
}

std::vector<int64_t> fragment_ids(const TextEncoders& e, int k, const std::string& text) {
    if (e.textual_inversion)  // DiffusersTextualInversionManager: pipe.tokenizer for both
        return e.textual_inversion->expand_ids(e.tokenizer_1->tokenize(text));
    return tokenizer(e, k).tokenize(text);
}

// EmbeddingsProvider._get_token_ranges_for_fragments (not truncating): where each fragment's
// ids lie in the chunked ids, stepping over chunk boundaries.
std::vector<std::optional<std::pair<size_t, size_t>>> fragment_ranges(
    const ClipTokenizer& tok, const std::vector<int64_t>& ids,
    const std::vector<std::vector<int64_t>>& fragments) {
    std::vector<std::optional<std::pair<size_t, size_t>>> ranges;
    size_t start = 0;
    const auto fail = [](const std::string& what) {
        return Error("prompt", "compel syntax: " + what + " (compel 2.4.0 fails here too)");
    };
    for (const auto& fragment : fragments) {
        if (fragment.empty()) {
            ranges.emplace_back();
            continue;
        }
        for (;; ++start) {
            if (start + 1 >= ids.size()) throw fail("cannot find a fragment's tokens");
            if (ids[start] == fragment[0]) break;
        }
        size_t end = start, matched = 0;
        for (;;) {
            if (end + 1 >= ids.size()) throw fail("cannot find a fragment's last token");
            if (ids[end] == fragment[matched]) {
                if (++matched == fragment.size()) break;
                ++end;
            } else if (ids[end] == tok.eos_id() || ids[end] == tok.pad_id() ||
                       ids[end] == tok.bos_id()) {
                ++end;
            } else {
                throw fail("token sequence mismatch for a fragment");
            }
        }
        ranges.emplace_back(std::make_pair(start, end));
        start = end + 1;
    }
    return ranges;
}

// MASK down-weighting: each fragment with w < 1 encoded again with its positions hidden (the
// bos and last position of every chunk stay visible), to be blended in with tan((1 - w) pi / 2).
// `encode_chunk(c, mask)` gives chunk c's weighted encoding (mask undefined: none hidden there).
void add_downweighted(const ClipTokenizer& tok,
                      const std::vector<std::vector<int64_t>>& per_fragment,
                      const std::vector<WeightedText>& fragments, const TokenChunks& chunks,
                      const std::function<at::Tensor(int64_t, const at::Tensor&)>& encode_chunk,
                      std::vector<at::Tensor>& embeddings, std::vector<float>& lerp) {
    bool any_down = false;
    for (const auto& f : fragments) any_down = any_down || f.weight < 1;
    if (!any_down) return;
    const auto ranges = fragment_ranges(tok, chunks.ids, per_fragment);
    for (size_t i = 0; i < ranges.size(); ++i) {
        if (!(fragments[i].weight < 1)) continue;
        if (!ranges[i])
            throw Error("prompt", "compel syntax: an empty fragment cannot be down-weighted");
        std::vector<int64_t> mask(chunks.ids.size(), 1);
        for (size_t p = ranges[i]->first; p <= ranges[i]->second; ++p) mask[p] = 0;
        for (size_t p = 0; p < mask.size(); p += kChunk) mask[p] = mask[p + kChunk - 1] = 1;
        std::vector<at::Tensor> without;
        for (int64_t c = 0; c < chunks.chunks(); ++c) {
            const auto chunk_mask = slice(mask, c * kChunk, kChunk);
            // A mask of ones is the unmasked encoding.
            const bool masked = std::count(chunk_mask.begin(), chunk_mask.end(), 0) > 0;
            without.push_back(encode_chunk(c, masked ? ids_tensor(chunk_mask) : at::Tensor()));
        }
        embeddings.push_back(torch::cat(without, 1).unsqueeze(0));
        const double w = std::max(1e-5, fragments[i].weight);
        lerp.push_back(static_cast<float>(std::tan((1.0 - w) * M_PI / 2)));
    }
}

struct CompelSide {
    TokenChunks chunks;
    at::Tensor embeds;  // [1, T, hidden]
};

// One part of the prompt through one encoder: EmbeddingsProvider.
// get_embeddings_for_weighted_prompt_fragments.
CompelSide compel_side(const TextEncoders& e, int k, const std::vector<WeightedText>& fragments,
                       int clip_skip) {
    const auto& tok = tokenizer(e, k);
    auto& encoder = model(e, k);
    std::vector<std::vector<int64_t>> per_fragment;
    std::vector<int64_t> ids;
    std::vector<double> weights;
    for (const auto& f : fragments) {
        per_fragment.push_back(fragment_ids(e, k, f.text));
        ids.insert(ids.end(), per_fragment.back().begin(), per_fragment.back().end());
        weights.insert(weights.end(), per_fragment.back().size(), f.weight);
    }
    CompelSide side;
    side.chunks = compel_chunks(tok, ids, weights);
    const auto& chunk_ids = side.chunks.ids;
    const int64_t count = side.chunks.chunks();

    std::vector<int64_t> empty_ids{tok.bos_id(), tok.eos_id()};
    empty_ids.resize(kChunk, tok.pad_id());
    at::Tensor empty_z;  // computed when a weight needs it
    const auto weights_of = [&](int64_t c) {
        return torch::tensor(std::vector<float>(side.chunks.weights.begin() + c * kChunk,
                                                side.chunks.weights.begin() + (c + 1) * kChunk))
            .reshape({kChunk, 1});
    };
    // build_weighted_embedding_tensor for one chunk: e + (z - e) w where w != 1.
    const auto weighted = [&](const at::Tensor& z, int64_t c) {
        const auto w = weights_of(c).expand(z.sizes()).to(z.device());
        const auto identity = w == 1;
        if (identity.all().item<bool>()) return z;
        if (!empty_z.defined()) empty_z = chunk_hidden(encoder, empty_ids, clip_skip);
        return torch::where(identity, z, empty_z + (z - empty_z) * w);
    };
    std::vector<at::Tensor> plain_z(count), base;
    for (int64_t c = 0; c < count; ++c) {
        plain_z[c] = chunk_hidden(encoder, slice(chunk_ids, c * kChunk, kChunk), clip_skip);
        base.push_back(weighted(plain_z[c], c));
    }
    std::vector<at::Tensor> embeddings{torch::cat(base, 1).unsqueeze(0)};
    std::vector<float> lerp{1.0f};
    add_downweighted(
        tok, per_fragment, fragments, side.chunks,
        [&](int64_t c, const at::Tensor& mask) {
            const auto z =
                mask.defined()
                    ? chunk_hidden(encoder, slice(chunk_ids, c * kChunk, kChunk), clip_skip, mask)
                    : plain_z[c];
            return weighted(z, c);
        },
        embeddings, lerp);
    // apply_embedding_weights(normalize=True): sum_i emb_i * w_i / sum(w).
    auto w = torch::tensor(lerp);
    w = w / w.sum();
    const auto stacked = torch::cat(embeddings, 1);  // [1, n, T, hidden]
    side.embeds = (stacked * w.reshape({-1, 1, 1}).to(stacked.device())).sum(1);
    return side;
}

PromptConditioning encode_compel(const TextEncoders& e, const std::string& prompt, int clip_skip) {
    const auto parsed = parse_compel_prompt(prompt);
    PromptConditioning out;
    std::vector<at::Tensor> parts;
    std::vector<int64_t> ids_1, ids_2;
    std::vector<float> weights;
    for (const auto& fragments : parsed.parts) {
        const auto side_1 = compel_side(e, 0, fragments, clip_skip);
        const auto side_2 = compel_side(e, 1, fragments, clip_skip);
        if (side_1.chunks.chunks() != side_2.chunks.chunks())
            throw Error("prompt",
                        "compel syntax: the two tokenizers split the prompt into "
                        "different chunk counts (compel 2.4.0 fails here too)");
        parts.push_back(torch::cat({side_1.embeds, side_2.embeds}, -1));
        ids_1.insert(ids_1.end(), side_1.chunks.ids.begin(), side_1.chunks.ids.end());
        ids_2.insert(ids_2.end(), side_2.chunks.ids.begin(), side_2.chunks.ids.end());
        weights.insert(weights.end(), side_1.chunks.weights.begin(), side_1.chunks.weights.end());
    }
    out.embeds = torch::cat(parts, 1);
    // Pooled: text_encoder_2 on the raw prompt text, truncated to 77 tokens, no weights.
    const auto& tok_2 = *e.tokenizer_2;
    std::vector<int64_t> pooled_ids;
    if (e.textual_inversion) {
        auto ids = e.tokenizer_1->tokenize(prompt);
        ids.resize(std::min<size_t>(ids.size(), kChunkContent));
        pooled_ids = e.textual_inversion->expand_ids(ids);
    } else {
        pooled_ids = tok_2.tokenize(prompt);
    }
    pooled_ids.resize(std::min<size_t>(pooled_ids.size(), kChunkContent));
    pooled_ids.insert(pooled_ids.begin(), tok_2.bos_id());
    pooled_ids.push_back(tok_2.eos_id());
    pooled_ids.resize(kChunk, tok_2.pad_id());
    auto request = request_for(*e.text_encoder_2, 0, false);
    request.pooled = true;
    out.pooled = (*e.text_encoder_2)->forward(ids_tensor(pooled_ids), request).text_embeds;
    out.trace = {{"input_ids", ids_tensor(ids_1)},
                 {"input_ids_2", ids_tensor(ids_2)},
                 {"token_weights", torch::tensor(weights).unsqueeze(0)},
                 {"pooled_input_ids_2", ids_tensor(pooled_ids)}};
    return out;
}

// =============================================================================================
// a1111

PromptConditioning encode_a1111(const TextEncoders& e, const std::string& prompt, int clip_skip) {
    const auto chunks =
        a1111_chunks(*e.tokenizer_1, parse_a1111_prompt(prompt), e.textual_inversion);
    const int64_t end_id = e.tokenizer_1->eos_id();
    PromptConditioning out;
    std::vector<at::Tensor> sides[2];
    std::vector<int64_t> all_ids_1, all_ids_2;
    std::vector<float> all_weights;
    for (size_t c = 0; c < chunks.ids.size(); ++c) {
        const auto& ids_1 = chunks.ids[c];
        // process_tokens: bigG's chunk carries its pad id after the first end token.
        const auto first_end =
            size_t(std::find(ids_1.begin(), ids_1.end(), end_id) - ids_1.begin());
        auto ids_2 = ids_1;
        std::fill(ids_2.begin() + long(std::min(first_end + 1, ids_2.size())), ids_2.end(),
                  e.tokenizer_2->pad_id());
        const auto multipliers = torch::tensor(chunks.multipliers[c]).reshape({1, kChunk, 1});
        for (int k = 0; k < 2; ++k) {
            auto& encoder = model(e, k);
            const bool pooled = k == 1 && c == 0;
            const auto result = encoder->forward(ids_tensor(k == 0 ? ids_1 : ids_2),
                                                 request_for(encoder, clip_skip, pooled));
            auto z = result.hidden_state(-(clip_skip + 2));
            if (pooled) {  // FrozenOpenCLIPEmbedder2.pool at argmax(ids) = the first end token
                const auto token = result.last_hidden_state.select(1, int64_t(first_end));
                out.pooled = encoder->text_projection(token);
            }
            // EmphasisOriginal: weights, then back to the chunk's original mean.
            const auto original_mean = z.mean();
            z = z * multipliers.to(z.device()).expand(z.sizes());
            const auto new_mean = z.mean();
            sides[k].push_back(z * (original_mean / new_mean));
        }
        all_ids_1.insert(all_ids_1.end(), ids_1.begin(), ids_1.end());
        all_ids_2.insert(all_ids_2.end(), ids_2.begin(), ids_2.end());
        all_weights.insert(all_weights.end(), chunks.multipliers[c].begin(),
                           chunks.multipliers[c].end());
    }
    out.embeds = torch::cat({torch::cat(sides[0], 1), torch::cat(sides[1], 1)}, -1);
    out.trace = {{"input_ids", ids_tensor(all_ids_1)},
                 {"input_ids_2", ids_tensor(all_ids_2)},
                 {"token_weights", torch::tensor(all_weights).unsqueeze(0)}};
    return out;
}

PromptConditioning zeros_like(const PromptConditioning& like, int64_t tokens) {
    PromptConditioning out;
    out.embeds = torch::zeros({1, tokens, like.embeds.size(2)}, like.embeds.options());
    out.pooled = torch::zeros_like(like.pooled);
    out.zeros = true;
    return out;
}

void rename_trace(PromptConditioning& c, const std::string& prefix) {
    for (auto& [name, tensor] : c.trace) name = prefix + name;
}

}  // namespace

TokenChunks compel_chunks(const ClipTokenizer& tok, const std::vector<int64_t>& ids,
                          const std::vector<double>& weights) {
    TokenChunks out;
    size_t from = 0;
    do {
        const size_t take = std::min(split_point(tok, ids, from), ids.size() - from);
        out.ids.push_back(tok.bos_id());
        out.weights.push_back(1.0f);
        for (size_t i = from; i < from + take; ++i) {
            out.ids.push_back(ids[i]);
            out.weights.push_back(static_cast<float>(weights[i]));
        }
        out.ids.push_back(tok.eos_id());
        out.weights.push_back(1.0f);
        const size_t padded = (out.ids.size() + kChunk - 1) / kChunk * kChunk;
        out.ids.resize(padded, tok.pad_id());
        out.weights.resize(padded, 1.0f);
        from += take;
    } while (from < ids.size());
    return out;
}

A1111Chunks a1111_chunks(const ClipTokenizer& tok, const std::vector<WeightedText>& parsed,
                         const TextualInversion* ti) {
    const int64_t comma = tok.token_id(",</w>").value_or(-1);
    A1111Chunks out;
    std::vector<int64_t> ids;
    std::vector<float> mults;
    int64_t last_comma = -1;
    const auto next_chunk = [&](bool is_last) {
        out.token_count += is_last ? int64_t(ids.size()) : kChunkContent;
        ids.resize(kChunkContent, tok.eos_id());
        mults.resize(kChunkContent, 1.0f);
        ids.insert(ids.begin(), tok.bos_id());
        ids.push_back(tok.eos_id());
        mults.insert(mults.begin(), 1.0f);
        mults.push_back(1.0f);
        out.ids.push_back(std::move(ids));
        out.multipliers.push_back(std::move(mults));
        ids.clear();
        mults.clear();
        last_comma = -1;
    };
    for (const auto& [text, weight] : parsed) {
        if (text == "BREAK" && weight == kA1111BreakWeight) {
            next_chunk(false);
            continue;
        }
        const float multiplier = static_cast<float>(weight);
        for (const int64_t token : tok.tokenize(text)) {
            const auto length = int64_t(ids.size());
            if (token == comma) {
                last_comma = length;
            } else if (length == kChunkContent && last_comma != -1 &&
                       length - last_comma <= kCommaBacktrack) {
                // The text after the last comma moves on to the next chunk.
                const auto cut = last_comma + 1;
                std::vector<int64_t> moved_ids(ids.begin() + cut, ids.end());
                std::vector<float> moved_mults(mults.begin() + cut, mults.end());
                ids.resize(cut);
                mults.resize(cut);
                next_chunk(false);
                ids = std::move(moved_ids);
                mults = std::move(moved_mults);
            }
            if (int64_t(ids.size()) == kChunkContent) next_chunk(false);
            const int64_t vectors = ti ? ti->vectors_of(token) : 1;
            if (vectors > 1 && int64_t(ids.size()) + vectors > kChunkContent) next_chunk(false);
            for (int64_t v = 0; v < vectors; ++v) {
                ids.push_back(token + v);
                mults.push_back(multiplier);
            }
        }
    }
    if (!ids.empty() || out.ids.empty()) next_chunk(true);
    return out;
}

PromptConditioning encode_prompt(const TextEncoders& encoders, const std::string& prompt,
                                 PromptSyntax syntax, int clip_skip) {
    switch (syntax) {
        case PromptSyntax::None:
            return encode_plain(encoders, prompt, clip_skip);
        case PromptSyntax::Compel:
            return encode_compel(encoders, prompt, clip_skip);
        case PromptSyntax::A1111:
            return encode_a1111(encoders, prompt, clip_skip);
    }
    throw Error("prompt syntax", "unknown");
}

std::pair<PromptConditioning, PromptConditioning> encode_for_guidance(
    const TextEncoders& encoders, const std::string& prompt,
    const std::optional<std::string>& negative_prompt, PromptSyntax syntax, int clip_skip) {
    auto positive = encode_prompt(encoders, prompt, syntax, clip_skip);
    PromptConditioning negative;
    const bool zero_a1111 =
        syntax == PromptSyntax::A1111 && (!negative_prompt || negative_prompt->empty());
    if (zero_a1111) {
        negative = zeros_like(positive, kChunk);
    } else if (!negative_prompt && encoders.force_zeros_for_empty_prompt) {
        negative = zeros_like(positive, positive.embeds.size(1));
    } else {
        // diffusers takes hidden_states[-2] for the negative prompt whatever clip_skip is.
        negative = encode_prompt(encoders, negative_prompt.value_or(""), syntax,
                                 syntax == PromptSyntax::None ? 0 : clip_skip);
    }
    rename_trace(negative, "negative_");
    const int64_t difference = positive.embeds.size(1) - negative.embeds.size(1);
    if (difference != 0) {
        // compel's pad_conditioning_tensors_to_same_length / A1111's pad_cond_uncond: copies of
        // the empty prompt's encoding.
        const auto empty = encode_prompt(encoders, "", syntax, clip_skip).embeds;
        auto& shorter = difference > 0 ? negative : positive;
        const int64_t copies = std::abs(difference) / kChunk;
        shorter.embeds = torch::cat({shorter.embeds, empty.repeat({1, copies, 1})}, 1);
    }
    return {std::move(negative), std::move(positive)};
}

PromptLength prompt_length(const TextEncoders& encoders, const std::string& prompt,
                           PromptSyntax syntax) {
    PromptLength length;
    const auto& tok = *encoders.tokenizer_1;
    const auto* ti = encoders.textual_inversion;
    switch (syntax) {
        case PromptSyntax::None: {
            const auto text = ti ? ti->expand_prompt(prompt, tok) : prompt;
            length.tokens = int64_t(tok.tokenize(text).size());
            break;
        }
        case PromptSyntax::A1111: {
            const auto chunks = a1111_chunks(tok, parse_a1111_prompt(prompt), ti);
            length.tokens = chunks.token_count;
            length.chunks = int64_t(chunks.ids.size());
            break;
        }
        case PromptSyntax::Compel: {
            length.chunks = 0;
            for (const auto& fragments : parse_compel_prompt(prompt).parts) {
                std::vector<int64_t> ids;
                std::vector<double> weights;
                for (const auto& f : fragments) {
                    const auto part = fragment_ids(encoders, 0, f.text);
                    ids.insert(ids.end(), part.begin(), part.end());
                    weights.insert(weights.end(), part.size(), f.weight);
                }
                length.tokens += int64_t(ids.size());
                length.chunks += compel_chunks(tok, ids, weights).chunks();
            }
            break;
        }
    }
    return length;
}

}  // namespace lightning
