// CLIP text encoders as SDXL uses them: transformers' CLIPTextModel (text_encoder, CLIP-L) and
// CLIPTextModelWithProjection (text_encoder_2, OpenCLIP bigG). Module and parameter names equal
// the checkpoint keys (`text_model.encoder.layers.N.self_attn.q_proj.weight`, ...,
// `text_projection.weight`), so weights load name-for-name with load_clip_text_model().
#pragma once
#include "core/io/config.h"
#include "core/io/tensor_source.h"

#include "core/models/layers.h"

#include <ATen/core/Tensor.h>
#include <c10/core/TensorOptions.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lightning {

class GraphCache;

enum class ClipActivation { QuickGelu, Gelu };

// "quick_gelu" | "gelu"; anything else throws lightning::Error naming `hidden_act`.
ClipActivation parse_clip_activation(const std::string& hidden_act);

// Number of parameters a model built from `config` holds, computed without building it (the
// real CLIP-G is 695M parameters; this lets callers size it before allocating).
int64_t clip_text_parameter_count(const ClipTextConfig& config);

// The key some older checkpoints carry for transformers' former `position_ids` buffer.
// transformers ignores it on load (the positions are always 0..L-1), and so do we: see
// load_clip_text_model().
inline constexpr const char* kClipPositionIdsKey = "text_model.embeddings.position_ids";

// What a forward pass computes. The defaults give everything transformers returns with
// output_hidden_states=True.
struct ClipTextRequest {
    // Encoder layers to run over the whole sequence: 0..num_hidden_layers, or -1 for all.
    // hidden_states then holds entries 0..layers. SDXL's prompt embeddings are hidden_states[-2]
    // (clip_skip k: hidden_states[-(k + 2)]), so the last layer(s) can be left out.
    int layers = -1;
    // Compute pooled_output (and text_embeds with a projection). This needs the last layer at
    // the pooled token only: when `layers` stops before it, the layers up to the second-to-last
    // run on the whole sequence anyway (their keys/values feed the pooled token), and the last
    // layer runs for the pooled token alone. Under the causal mask that is exact: the pooled
    // token attends only to itself and earlier positions of the same layer input.
    bool pooled = true;
    // transformers' attention_mask: [B, L], nonzero = a key every query may attend to, 0 = a key
    // no query attends to (on top of the causal mask). Undefined = none. Compel's down-weighting
    // encodes the prompt again with a fragment's positions masked this way.
    at::Tensor attention_mask;
};

struct ClipTextOutput {
    // hidden_states[0] = embedding output, hidden_states[i] = output of layer i (before the
    // final layer norm), for i up to the number of layers run on the whole sequence.
    std::vector<at::Tensor> hidden_states;  // each [B, L, hidden]
    int64_t num_hidden_layers = 0;          // of the model; the full list has this + 1 entries
    at::Tensor last_hidden_state;  // final_layer_norm(hidden_states[N]); only if all layers ran
    // Only when pooled was requested:
    at::Tensor pooled_index;   // [B] int64, position of the pooled token per row
    at::Tensor pooled_output;  // [B, hidden] after the final layer norm
    at::Tensor text_embeds;    // [B, projection_dim] (WithProjection only)

    // Python-style index into the full list of num_hidden_layers + 1 hidden states (-2 = input
    // of the last layer). Throws lightning::Error if that entry was not computed.
    const at::Tensor& hidden_state(int64_t index) const;
};

class ClipTextEmbeddingsImpl : public torch::nn::Module {
public:
    ClipTextEmbeddingsImpl(const ClipTextConfig& config, c10::TensorOptions options = {});
    at::Tensor forward(const at::Tensor& input_ids);  // [B, L] -> [B, L, hidden]

    Embedding token_embedding{nullptr};
    // Rows for ids token_embedding's table does not have (textual inversion: ids vocab_size,
    // vocab_size + 1, ...). Not a parameter: checkpoints never hold it.
    at::Tensor added_rows;
    Embedding position_embedding{nullptr};
};
TORCH_MODULE(ClipTextEmbeddings);

class ClipAttentionImpl : public torch::nn::Module {
public:
    ClipAttentionImpl(const ClipTextConfig& config, c10::TensorOptions options = {});
    // Causal self-attention over x [B, L, hidden]; `key_mask` [B, L] (undefined = none) hides
    // the keys where it is 0.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& key_mask = {});
    // Output for the last position of x [1, L, hidden] only: [1, 1, hidden]. Equals
    // forward(x)[:, -1:] since the causal mask lets the last query see every key.
    at::Tensor forward_last_position(const at::Tensor& x);

    Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, out_proj{nullptr};

private:
    int64_t heads_;
};
TORCH_MODULE(ClipAttention);

class ClipMlpImpl : public torch::nn::Module {
public:
    ClipMlpImpl(const ClipTextConfig& config, c10::TensorOptions options = {});
    at::Tensor forward(const at::Tensor& x);

    Linear fc1{nullptr}, fc2{nullptr};

private:
    ClipActivation activation_;
};
TORCH_MODULE(ClipMlp);

// Pre-LN transformer block: h + attn(ln1(h)), then r + mlp(ln2(r)).
class ClipEncoderLayerImpl : public torch::nn::Module {
public:
    ClipEncoderLayerImpl(const ClipTextConfig& config, c10::TensorOptions options = {});
    at::Tensor forward(const at::Tensor& hidden,
                       const at::Tensor& key_mask = {});  // [B, L, hidden]
    // This layer's output at one position per row, hidden [B, L, hidden], positions[b] given
    // on the host: [B, hidden].
    at::Tensor forward_at(const at::Tensor& hidden, const std::vector<int64_t>& positions);

    ClipAttention self_attn{nullptr};
    LayerNorm layer_norm1{nullptr};
    ClipMlp mlp{nullptr};
    LayerNorm layer_norm2{nullptr};

private:
    at::Tensor block(const at::Tensor& residual, const at::Tensor& attended);
};
TORCH_MODULE(ClipEncoderLayer);

class ClipEncoderImpl : public torch::nn::Module {
public:
    ClipEncoderImpl(const ClipTextConfig& config, c10::TensorOptions options = {});
    ClipEncoderLayer layer(size_t index) const;

    torch::nn::ModuleList layers{nullptr};
};
TORCH_MODULE(ClipEncoder);

// transformers' CLIPTextTransformer, registered as `text_model`.
class ClipTextTransformerImpl : public torch::nn::Module {
public:
    ClipTextTransformerImpl(const ClipTextConfig& config, c10::TensorOptions options = {});

    ClipTextEmbeddings embeddings{nullptr};
    ClipEncoder encoder{nullptr};
    LayerNorm final_layer_norm{nullptr};
};
TORCH_MODULE(ClipTextTransformer);

// CLIPTextModel, or CLIPTextModelWithProjection when config.with_projection.
class ClipTextModelImpl : public torch::nn::Module {
public:
    ClipTextModelImpl(const ClipTextConfig& config, c10::TensorOptions options = {});

    // input_ids: [B, L] integer ids, L <= max_position_embeddings, every id < vocab_size (else
    // lightning::Error naming `input_ids`). They are moved to the model's device.
    ClipTextOutput forward(const at::Tensor& input_ids, const ClipTextRequest& request = {});

    // Position of the pooled token per row, as transformers picks it: with the legacy
    // eos_token_id == 2, the first position of the row's largest id (<|endoftext|> is the
    // largest id in CLIP's vocabulary); otherwise the first position of eos_token_id. A row
    // without eos_token_id is an error (transformers would silently pool position 0).
    at::Tensor pooled_index(const at::Tensor& input_ids) const;

    const ClipTextConfig& config() const { return config_; }

    // Textual inversion: `rows` [n, hidden] become the embeddings of ids V, V + 1, ..., V + n - 1
    // (V = the checkpoint's vocab_size), as diffusers' load_textual_inversion does after
    // resize_token_embeddings. An undefined tensor removes them. config().vocab_size follows.
    void set_added_token_embeddings(const at::Tensor& rows);

    // On CUDA, replay requests without an attention mask from CUDA graphs (one per id shape and
    // request kind): a 77-token SDXL prompt is ~1,000 small kernels, bound by their launches.
    // The last layer then runs over the whole sequence instead of the pooled token alone (the
    // same values: the causal mask makes the shortcut exact), since the shortcut's shapes
    // depend on where the pooled token is.
    void use_cuda_graphs(bool enabled);

    ClipTextTransformer text_model{nullptr};
    Linear text_projection{nullptr};  // WithProjection only: [projection, hidden]

private:
    ClipTextOutput forward_graphed(const at::Tensor& ids, const ClipTextRequest& request);

    ClipTextConfig config_;
    int64_t base_vocab_size_ = 0;
    std::shared_ptr<GraphCache> graphs_;  // null: eager
};
TORCH_MODULE(ClipTextModel);

// Strict, name-for-name loading (lightning::load_state_dict) of `source` keys prefix + module
// name into `model`, converting to the model's dtype and device. A `position_ids` entry
// (prefix + kClipPositionIdsKey) is accepted and ignored, as transformers does: it is the
// constant 0..L-1 the forward pass computes itself, and some merged SD checkpoints carry it
// corrupted (float, off by rounding), which must not change results. It is deliberately not a
// registered buffer: a buffer would be persistent in libtorch 1.13 (no non-persistent buffers),
// so strict loading would then reject every modern checkpoint, which does not carry it.
void load_clip_text_model(ClipTextModel& model, const TensorSource& source,
                          const std::string& prefix = {});

}  // namespace lightning
