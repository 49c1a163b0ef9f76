#include "core/text/clip_text_model.h"

#include "core/cuda/graph_cache.h"
#include "core/io/state_dict.h"
#include "core/models/attention.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace lightning {
namespace {

void require(bool condition, const std::string& where, const std::string& message) {
    if (!condition) throw Error(where, message);
}

void validate(const ClipTextConfig& c) {
    const std::string where = "ClipTextConfig";
    require(c.vocab_size > 0, where, "vocab_size must be positive");
    require(c.hidden_size > 0, where, "hidden_size must be positive");
    require(c.intermediate_size > 0, where, "intermediate_size must be positive");
    require(c.num_attention_heads > 0, where, "num_attention_heads must be positive");
    require(c.hidden_size % c.num_attention_heads == 0, where,
            "hidden_size " + std::to_string(c.hidden_size) +
                " is not divisible by num_attention_heads " +
                std::to_string(c.num_attention_heads));
    require(c.num_hidden_layers > 0, where, "num_hidden_layers must be positive");
    require(c.max_position_embeddings > 0, where, "max_position_embeddings must be positive");
    require(!c.with_projection || c.projection_dim > 0, where, "projection_dim must be positive");
    require(c.layer_norm_eps > 0, where, "layer_norm_eps must be positive");
    parse_clip_activation(c.hidden_act);
}

LayerNorm make_layer_norm(const ClipTextConfig& c, c10::TensorOptions options) {
    return LayerNorm(c.hidden_size, c.layer_norm_eps, options);
}

// LayerNorm that normalises fp16/bf16 activations in fp32: a half-precision mean/variance of a
// 1280-wide row loses precision, and not every kernel (CPU ones in particular) accumulates in
// fp32 by itself. The fp16 weights convert to fp32 exactly, so on CUDA this rounds once, like
// the native fp16 kernel does.
at::Tensor layer_norm(const LayerNorm& norm, const at::Tensor& x) {
    const auto dtype = x.scalar_type();
    if (dtype == at::kHalf || dtype == at::kBFloat16) {
        return at::layer_norm(x.to(at::kFloat), {x.size(-1)}, norm->weight.to(at::kFloat),
                              norm->bias.to(at::kFloat), norm->eps)
            .to(dtype);
    }
    return norm->forward(x);
}

// Hides some names of another source (the ignored `position_ids` entry).
class HiddenKeysSource : public TensorSource {
public:
    HiddenKeysSource(const TensorSource& inner, std::vector<std::string> hidden)
        : inner_(inner), hidden_(std::move(hidden)) {}

    std::vector<std::string> names() const override {
        auto names = inner_.names();
        std::erase_if(names, [&](const std::string& n) { return is_hidden(n); });
        return names;
    }
    bool contains(const std::string& name) const override {
        return !is_hidden(name) && inner_.contains(name);
    }
    std::vector<int64_t> shape(const std::string& name) const override {
        if (is_hidden(name)) throw Error(describe(), "no tensor named " + name);
        return inner_.shape(name);
    }
    at::Tensor load(const std::string& name, std::optional<c10::ScalarType> dtype,
                    c10::Device device) const override {
        if (is_hidden(name)) throw Error(describe(), "no tensor named " + name);
        return inner_.load(name, dtype, device);
    }
    std::string describe() const override { return inner_.describe(); }

private:
    bool is_hidden(const std::string& name) const {
        return std::find(hidden_.begin(), hidden_.end(), name) != hidden_.end();
    }
    const TensorSource& inner_;
    std::vector<std::string> hidden_;
};

}  // namespace

ClipActivation parse_clip_activation(const std::string& hidden_act) {
    if (hidden_act == "quick_gelu") return ClipActivation::QuickGelu;
    if (hidden_act == "gelu") return ClipActivation::Gelu;
    throw Error("hidden_act",
                "unsupported CLIP activation '" + hidden_act + "' (expected quick_gelu or gelu)");
}

int64_t clip_text_parameter_count(const ClipTextConfig& c) {
    const int64_t hidden = c.hidden_size, inner = c.intermediate_size;
    const int64_t linear = hidden * hidden + hidden;                           // q/k/v/out_proj
    const int64_t norm = 2 * hidden;                                           // weight + bias
    const int64_t mlp = (hidden * inner + inner) + (inner * hidden + hidden);  // fc1 + fc2
    const int64_t layer = 4 * linear + 2 * norm + mlp;
    const int64_t embeddings = (int64_t{c.vocab_size} + c.max_position_embeddings) * hidden;
    const int64_t projection = c.with_projection ? int64_t{c.projection_dim} * hidden : 0;
    return embeddings + c.num_hidden_layers * layer + norm + projection;
}

const at::Tensor& ClipTextOutput::hidden_state(int64_t index) const {
    const int64_t total = num_hidden_layers + 1;
    const int64_t absolute = index < 0 ? index + total : index;
    if (absolute < 0 || absolute >= total)
        throw Error("hidden_states", "index " + std::to_string(index) + " is outside the " +
                                         std::to_string(total) + " hidden states");
    if (absolute >= static_cast<int64_t>(hidden_states.size()))
        throw Error("hidden_states", "hidden state " + std::to_string(index) +
                                         " was not computed (only " +
                                         std::to_string(hidden_states.size()) + " of " +
                                         std::to_string(total) + " requested)");
    return hidden_states[absolute];
}

// --- embeddings ------------------------------------------------------------------------------

ClipTextEmbeddingsImpl::ClipTextEmbeddingsImpl(const ClipTextConfig& c,
                                               c10::TensorOptions options) {
    token_embedding =
        register_module("token_embedding", Embedding(c.vocab_size, c.hidden_size, options));
    position_embedding = register_module(
        "position_embedding", Embedding(c.max_position_embeddings, c.hidden_size, options));
}

at::Tensor ClipTextEmbeddingsImpl::forward(const at::Tensor& input_ids) {
    // Positions are always 0..L-1 (transformers' default position_ids), so the table rows are
    // sliced directly and broadcast over the batch.
    const auto length = input_ids.size(1);
    const auto positions = position_embedding->weight.slice(0, 0, length);
    if (!added_rows.defined()) return token_embedding(input_ids) + positions;
    // Ids past the checkpoint's table read the added rows; selecting keeps both exact.
    const int64_t table = token_embedding->weight.size(0);
    const auto added = input_ids >= table;
    const auto from_table = token_embedding(input_ids.clamp_max(table - 1));
    const auto from_added = at::embedding(added_rows, (input_ids - table).clamp_min(0));
    return at::where(added.unsqueeze(-1), from_added, from_table) + positions;
}

// --- attention and MLP -----------------------------------------------------------------------

ClipAttentionImpl::ClipAttentionImpl(const ClipTextConfig& c, c10::TensorOptions options)
    : heads_(c.num_attention_heads) {
    const auto linear = [&] { return Linear(c.hidden_size, c.hidden_size, true, options); };
    q_proj = register_module("q_proj", linear());
    k_proj = register_module("k_proj", linear());
    v_proj = register_module("v_proj", linear());
    out_proj = register_module("out_proj", linear());
}

namespace {

// softmax(QK^T / sqrt(d) + mask) V with the causal mask and hidden keys, as transformers' eager
// CLIP attention with an attention_mask (its -inf-like additive masks give these exact zeros).
at::Tensor masked_causal_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                   int64_t heads, const at::Tensor& key_mask) {
    const auto batch = q.size(0), length = q.size(1);
    const auto head_dim = q.size(-1) / heads;
    auto split = [&](const at::Tensor& t) {
        return t.view({batch, length, heads, head_dim}).transpose(1, 2);
    };
    auto scores =
        at::matmul(split(q), split(k).transpose(-2, -1)) / std::sqrt(static_cast<double>(head_dim));
    const auto future = at::ones({length, length}, q.options().dtype(at::kBool)).triu(1);
    const auto hidden = (key_mask == 0).view({batch, 1, 1, length}).to(q.device());
    scores = scores.masked_fill(future.logical_or(hidden), -std::numeric_limits<float>::infinity());
    const auto out = at::matmul(at::softmax(scores, -1), split(v));
    return out.transpose(1, 2).reshape({batch, length, heads * head_dim});
}

}  // namespace

at::Tensor ClipAttentionImpl::forward(const at::Tensor& x, const at::Tensor& key_mask) {
    if (key_mask.defined())
        return out_proj(masked_causal_attention(q_proj(x), k_proj(x), v_proj(x), heads_, key_mask));
    return out_proj(multi_head_attention(q_proj(x), k_proj(x), v_proj(x), heads_,
                                         /*causal=*/true));
}

at::Tensor ClipAttentionImpl::forward_last_position(const at::Tensor& x) {
    const auto query = q_proj(x.slice(1, x.size(1) - 1));
    return out_proj(multi_head_attention(query, k_proj(x), v_proj(x), heads_, /*causal=*/false));
}

ClipMlpImpl::ClipMlpImpl(const ClipTextConfig& c, c10::TensorOptions options)
    : activation_(parse_clip_activation(c.hidden_act)) {
    fc1 = register_module("fc1", Linear(c.hidden_size, c.intermediate_size, true, options));
    fc2 = register_module("fc2", Linear(c.intermediate_size, c.hidden_size, true, options));
}

at::Tensor ClipMlpImpl::forward(const at::Tensor& x) {
    auto h = fc1(x);
    switch (activation_) {
        case ClipActivation::QuickGelu:
            h = h * at::sigmoid(1.702 * h);
            break;
        case ClipActivation::Gelu:
            h = at::gelu(h);  // exact (erf) form
            break;
    }
    return fc2(h);
}

// --- encoder ---------------------------------------------------------------------------------

ClipEncoderLayerImpl::ClipEncoderLayerImpl(const ClipTextConfig& c, c10::TensorOptions options) {
    self_attn = register_module("self_attn", ClipAttention(c, options));
    layer_norm1 = register_module("layer_norm1", make_layer_norm(c, options));
    mlp = register_module("mlp", ClipMlp(c, options));
    layer_norm2 = register_module("layer_norm2", make_layer_norm(c, options));
}

at::Tensor ClipEncoderLayerImpl::block(const at::Tensor& residual, const at::Tensor& attended) {
    const auto h = residual + attended;
    return h + mlp(layer_norm(layer_norm2, h));
}

at::Tensor ClipEncoderLayerImpl::forward(const at::Tensor& hidden, const at::Tensor& key_mask) {
    return block(hidden, self_attn->forward(layer_norm(layer_norm1, hidden), key_mask));
}

at::Tensor ClipEncoderLayerImpl::forward_at(const at::Tensor& hidden,
                                            const std::vector<int64_t>& positions) {
    std::vector<at::Tensor> rows;
    rows.reserve(positions.size());
    for (size_t b = 0; b < positions.size(); ++b) {
        // Causal: position p sees positions 0..p of this layer's input and nothing after.
        const auto prefix = hidden.slice(0, b, b + 1).slice(1, 0, positions[b] + 1);
        const auto attended = self_attn->forward_last_position(layer_norm(layer_norm1, prefix));
        rows.push_back(block(prefix.slice(1, positions[b]), attended).flatten(0, 1));
    }
    return at::cat(rows, 0);
}

ClipEncoderImpl::ClipEncoderImpl(const ClipTextConfig& c, c10::TensorOptions options) {
    layers = register_module("layers", torch::nn::ModuleList());
    for (int i = 0; i < c.num_hidden_layers; ++i) layers->push_back(ClipEncoderLayer(c, options));
}

ClipEncoderLayer ClipEncoderImpl::layer(size_t index) const {
    return ClipEncoderLayer(layers->ptr<ClipEncoderLayerImpl>(index));
}

ClipTextTransformerImpl::ClipTextTransformerImpl(const ClipTextConfig& c,
                                                 c10::TensorOptions options) {
    embeddings = register_module("embeddings", ClipTextEmbeddings(c, options));
    encoder = register_module("encoder", ClipEncoder(c, options));
    final_layer_norm = register_module("final_layer_norm", make_layer_norm(c, options));
}

// --- the model -------------------------------------------------------------------------------

namespace {

ClipTextConfig validated(const ClipTextConfig& c) {
    validate(c);
    return c;
}

// Checks ids against the model (the embedding lookup would otherwise fail with an opaque
// index error, or read out of range on some devices) and moves them to `device` as int64.
at::Tensor prepare_ids(const at::Tensor& ids, const ClipTextConfig& c, c10::Device device) {
    const std::string where = "input_ids";
    require(ids.defined(), where, "no tensor given");
    require(ids.dim() == 2, where,
            "expected [batch, length], got " + std::to_string(ids.dim()) + " dimensions");
    require(at::isIntegralType(ids.scalar_type(), /*includeBool=*/false), where,
            std::string("expected integer token ids, got ") + c10::toString(ids.scalar_type()));
    require(ids.size(0) > 0 && ids.size(1) > 0, where, "empty batch or sequence");
    require(ids.size(1) <= c.max_position_embeddings, where,
            "length " + std::to_string(ids.size(1)) + " exceeds max_position_embeddings " +
                std::to_string(c.max_position_embeddings));
    auto result = ids.to(device, at::kLong);
    const auto low = result.min().item<int64_t>(), high = result.max().item<int64_t>();
    require(low >= 0 && high < c.vocab_size, where,
            "token id " + std::to_string(low < 0 ? low : high) + " is outside the vocabulary [0, " +
                std::to_string(c.vocab_size) + ")");
    return result;
}

std::vector<int64_t> to_host_vector(const at::Tensor& t) {
    const auto cpu = t.to(at::kCPU, at::kLong).contiguous();
    return {cpu.data_ptr<int64_t>(), cpu.data_ptr<int64_t>() + cpu.numel()};
}

}  // namespace

ClipTextModelImpl::ClipTextModelImpl(const ClipTextConfig& c, c10::TensorOptions options)
    : config_(validated(c)), base_vocab_size_(c.vocab_size) {
    text_model = register_module("text_model", ClipTextTransformer(c, options));
    if (c.with_projection) {
        text_projection = register_module(
            "text_projection", Linear(c.hidden_size, c.projection_dim, /*bias=*/false, options));
    }
}

at::Tensor ClipTextModelImpl::pooled_index(const at::Tensor& input_ids) const {
    const auto ids = input_ids.to(at::kLong);
    const auto length = ids.size(-1);
    const auto positions = at::arange(length, ids.options()).expand_as(ids);
    // The first position where `hit` holds: the smallest position, `length` where none does.
    const auto first = [&](const at::Tensor& hit) {
        return at::where(hit, positions, at::full_like(positions, length)).amin(-1);
    };
    if (config_.eos_token_id == 2) {  // legacy configs: <|endoftext|> is the largest id
        return first(ids == std::get<0>(ids.max(-1, /*keepdim=*/true)));
    }
    const auto index = first(ids == config_.eos_token_id);
    const auto missing = (index == length).nonzero();
    if (missing.numel() > 0) {
        throw Error("input_ids", "row " + std::to_string(missing[0][0].item<int64_t>()) +
                                     " has no eos_token_id " +
                                     std::to_string(config_.eos_token_id) + " to pool at");
    }
    return index;
}

void ClipTextModelImpl::set_added_token_embeddings(const at::Tensor& rows) {
    auto& embeddings = *text_model->embeddings;
    if (!rows.defined() || rows.size(0) == 0) {
        embeddings.added_rows = at::Tensor();
        config_.vocab_size = static_cast<int>(base_vocab_size_);
        if (graphs_) graphs_->clear();
        return;
    }
    const auto& table = embeddings.token_embedding->weight;
    if (rows.dim() != 2 || rows.size(1) != table.size(1))
        throw Error("textual inversion", "embedding rows of shape " +
                                             std::to_string(rows.dim() == 2 ? rows.size(1) : -1) +
                                             " do not match the encoder's width " +
                                             std::to_string(table.size(1)));
    embeddings.added_rows = rows.to(table.device(), table.scalar_type()).contiguous();
    config_.vocab_size = static_cast<int>(base_vocab_size_ + rows.size(0));
    if (graphs_) graphs_->clear();  // they read the old rows
}

void ClipTextModelImpl::use_cuda_graphs(bool enabled) {
    if (!enabled) {
        graphs_.reset();
        return;
    }
    if (!graphs_) graphs_ = std::make_shared<GraphCache>();
}

ClipTextOutput ClipTextModelImpl::forward(const at::Tensor& input_ids,
                                          const ClipTextRequest& request) {
    torch::NoGradGuard no_grad;  // inference only: no autograd graph over the weights
    const int64_t layer_count = config_.num_hidden_layers;
    if (request.layers > layer_count)
        throw Error("ClipTextRequest", "layers " + std::to_string(request.layers) +
                                           " exceeds the model's " + std::to_string(layer_count));
    const auto& embedding = text_model->embeddings->token_embedding->weight;
    if (graphs_ && embedding.is_cuda() && !request.attention_mask.defined())
        return forward_graphed(input_ids, request);
    const auto ids = prepare_ids(input_ids, config_, embedding.device());

    int64_t full_layers = request.layers < 0 ? layer_count : request.layers;
    if (request.pooled) full_layers = std::max(full_layers, layer_count - 1);
    const auto& mask = request.attention_mask;
    if (mask.defined()) {
        if (mask.sizes() != ids.sizes())
            throw Error("attention_mask", "must have the shape of input_ids");
        if (request.pooled) full_layers = layer_count;  // the one-position shortcut has no mask
    }

    ClipTextOutput out;
    out.num_hidden_layers = layer_count;
    if (request.pooled) out.pooled_index = pooled_index(ids);
    out.hidden_states.reserve(full_layers + 1);
    auto hidden = text_model->embeddings(ids);
    out.hidden_states.push_back(hidden);
    for (int64_t i = 0; i < full_layers; ++i) {
        hidden = text_model->encoder->layer(i)->forward(hidden, mask);
        out.hidden_states.push_back(hidden);
    }
    const auto& final_norm = text_model->final_layer_norm;
    if (full_layers == layer_count) out.last_hidden_state = layer_norm(final_norm, hidden);
    if (!request.pooled) return out;

    if (out.last_hidden_state.defined()) {
        const auto rows = at::arange(ids.size(0), out.pooled_index.options());
        out.pooled_output = out.last_hidden_state.index({rows, out.pooled_index});
    } else {
        auto last = text_model->encoder->layer(layer_count - 1);
        out.pooled_output =
            layer_norm(final_norm, last->forward_at(hidden, to_host_vector(out.pooled_index)));
    }
    if (text_projection) out.text_embeds = text_projection(out.pooled_output);
    return out;
}

// Everything that needs the host (id checks, the pooled position) happens before the graph,
// on the host copy of the ids; the graph reads only device tensors and weights.
ClipTextOutput ClipTextModelImpl::forward_graphed(const at::Tensor& input_ids,
                                                  const ClipTextRequest& request) {
    const int64_t layer_count = config_.num_hidden_layers;
    const auto host_ids = prepare_ids(input_ids, config_, at::kCPU);
    const auto device = text_model->embeddings->token_embedding->weight.device();
    const int64_t full_layers =
        request.pooled || request.layers < 0 ? layer_count : int64_t(request.layers);
    std::vector<at::Tensor> inputs = {host_ids.to(device)};
    ClipTextOutput out;
    out.num_hidden_layers = layer_count;
    if (request.pooled) {
        out.pooled_index = pooled_index(host_ids).to(device);
        inputs.push_back(out.pooled_index);
    }
    const bool pooled = request.pooled, projected = bool(text_projection);
    auto outputs = graphs_->run_many(
        inputs,
        [&](const std::vector<at::Tensor>& in) {
            std::vector<at::Tensor> r;
            auto hidden = text_model->embeddings(in[0]);
            r.push_back(hidden);
            for (int64_t i = 0; i < full_layers; ++i) {
                hidden = text_model->encoder->layer(i)->forward(hidden, {});
                r.push_back(hidden);
            }
            if (full_layers < layer_count) return r;
            const auto last = layer_norm(text_model->final_layer_norm, hidden);
            r.push_back(last);
            if (!pooled) return r;
            const auto rows = at::arange(in[0].size(0), in[1].options());
            r.push_back(last.index({rows, in[1]}));
            if (projected) r.push_back(text_projection(r.back()));
            return r;
        },
        "layers " + std::to_string(full_layers) + (pooled ? " pooled" : ""));
    out.hidden_states.assign(outputs.begin(), outputs.begin() + full_layers + 1);
    size_t next = size_t(full_layers) + 1;
    if (full_layers == layer_count) out.last_hidden_state = outputs[next++];
    if (pooled) out.pooled_output = outputs[next++];
    if (pooled && projected) out.text_embeds = outputs[next++];
    return out;
}

void load_clip_text_model(ClipTextModel& model, const TensorSource& source,
                          const std::string& prefix) {
    const HiddenKeysSource visible(source, {prefix + kClipPositionIdsKey});
    load_state_dict(*model, visible, prefix);
}

}  // namespace lightning
