// LoRA fusing: W' = W + scale * (alpha / rank) * up @ down, written into the model's own weights
// (no extra work per step). The original weights are kept as copies, so unfuse() restores them
// bit for bit (a subtraction would leave rounding residue).
#pragma once
#include "core/convert/lora_names.h"
#include "core/io/config.h"
#include "core/io/tensor_source.h"

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace torch::nn {
class Module;
}

namespace lightning {

// The models a LoRA may touch; null members are absent (their keys then count as unmatched).
struct LoraTargets {
    torch::nn::Module* unet = nullptr;
    torch::nn::Module* text_encoder = nullptr;
    torch::nn::Module* text_encoder_2 = nullptr;
    // The UNet's config, when known: lets kohya keys with SGM/ldm module names resolve.
    const UNetConfig* unet_config = nullptr;
};

struct FusedLora {
    std::string source;  // lora.describe()
    float scale = 1.0f;
    size_t modules = 0;  // weights it changed
};

class LoraFuser {
public:
    // Validates every key and shape first and throws one lightning::Error (where =
    // lora.describe()) listing all keys that match no module or do not fit, leaving the model
    // untouched. Then adds the LoRA to the weights. Several LoRAs may be stacked.
    void fuse(const TensorSource& lora, float scale, const LoraTargets& targets);

    // Restores every weight changed since the first fuse() to its exact original value.
    void unfuse();

    // Drops the saved originals without restoring them (after the weights were reloaded).
    void forget();

    bool active() const { return !fused_.empty(); }
    const std::vector<FusedLora>& fused() const { return fused_; }
    // Number of distinct weights currently holding a LoRA delta.
    size_t changed_weights() const { return saved_.size(); }

private:
    struct Saved {
        at::Tensor weight;    // the model's parameter (aliases the module's storage)
        at::Tensor original;  // its value before the first fuse
    };
    std::vector<Saved> saved_;
    std::vector<FusedLora> fused_;
};

}  // namespace lightning
