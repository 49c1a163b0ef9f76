// Text-encoder checkpoints name the same CLIP weights two ways:
//   transformers < 5.6 and SDXL's published files: text_model.embeddings..., text_model.encoder...,
//   text_model.final_layer_norm... (+ text_projection.weight with a projection);
//   transformers >= 5.6 saving CLIPTextModel: the same without the "text_model." wrapper.
// Our ClipTextModel uses the first; this is the one place that maps the second onto it.
#pragma once
#include "core/io/tensor_source.h"

#include <memory>

namespace lightning {

// `source` seen with legacy (text_model.-prefixed) names: unchanged when it already has them,
// else embeddings.* / encoder.* / final_layer_norm.* get the prefix. Detected from the names.
std::shared_ptr<TensorSource> clip_text_weights_any_layout(std::shared_ptr<TensorSource> source);

}  // namespace lightning
