// LoRA checkpoint key formats -> module names of our models (diffusers names). All LoRA renaming
// lives here; core/lora only sees resolved (module, down, up, alpha) groups.
//
// Recognised formats:
//  - kohya:          lora_unet_<module path, '.' -> '_'>.{lora_down.weight, lora_up.weight, alpha}
//                    lora_te1_ / lora_te2_ (SDXL text encoders 1 and 2), lora_te_ (= text encoder
//                    1)
//  - diffusers/peft: unet.<module path>.{lora_A.weight, lora_B.weight} (+ optional .alpha),
//                    text_encoder.<...>, text_encoder_2.<...>; also the older
//                    `lora.down.weight` / `lora.up.weight` spelling.
// kohya paths lose their dots, so they are resolved against the target model's real module
// names (a flattened name that two modules share is reported as ambiguous, never guessed).
// kohya UNet keys may also use the original SGM/ldm module names (sd-scripts' SDXL LoRAs:
// lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q); given an ldm -> diffusers name
// mapping, those are resolved by trying the dotted spellings of the flattened name.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lightning {

enum class LoraTarget { UNet, TextEncoder1, TextEncoder2 };
const char* to_string(LoraTarget target);

// The LoRA factors of one module.
struct LoraModuleKeys {
    LoraTarget target = LoraTarget::UNet;
    std::string module;     // module path in the target model, e.g. "mid_block.resnets.1.conv1"
    std::string down_key;   // [rank, in] or [rank, in, kh, kw]
    std::string up_key;     // [out, rank] or [out, rank, 1, 1]
    std::string alpha_key;  // 0-dim scale numerator; "" when the file has none (alpha = rank)
};

struct LoraKeyMapping {
    std::vector<LoraModuleKeys> modules;
    // File keys that name no module of the model, have an unknown format, or lack their
    // partner factor, each with the reason ("key: reason").
    std::vector<std::string> unmatched;
};

// Modules of each target that own a `weight` parameter, by their dotted path.
using LoraModuleNames = std::map<LoraTarget, std::vector<std::string>>;

// ldm UNet parameter name -> diffusers name (e.g. LdmUNetNames::to_diffusers), or nullopt.
using LdmToDiffusers = std::function<std::optional<std::string>(const std::string&)>;

// Groups the file's keys per module and resolves module paths against `modules`.
LoraKeyMapping map_lora_keys(const std::vector<std::string>& keys, const LoraModuleNames& modules,
                             const LdmToDiffusers& ldm_unet = {});

}  // namespace lightning
