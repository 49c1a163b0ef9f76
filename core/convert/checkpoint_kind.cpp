#include "core/convert/checkpoint_kind.h"

namespace lightning {
namespace {

bool starts_with(const std::string& s, const char* prefix) {
    return s.rfind(prefix, 0) == 0;
}

bool contains(const std::string& s, const char* part) {
    return s.find(part) != std::string::npos;
}

}  // namespace

CheckpointKind classify_checkpoint(const TensorSource& file) {
    int lora = 0, ldm_unet = 0, ldm_other = 0, unet = 0, text = 0, vae = 0, embedding = 0;
    const auto names = file.names();
    for (const auto& name : names) {
        if (contains(name, "lora_down") || contains(name, "lora_up") ||
            contains(name, ".lora_A.") || contains(name, ".lora_B.") ||
            contains(name, "lora.down") || contains(name, "lora.up") || starts_with(name, "lora_"))
            ++lora;
        else if (starts_with(name, "model.diffusion_model."))
            ++ldm_unet;
        else if (starts_with(name, "first_stage_model.") || starts_with(name, "conditioner.") ||
                 starts_with(name, "cond_stage_model."))
            ++ldm_other;
        else if (starts_with(name, "down_blocks.") || starts_with(name, "up_blocks.") ||
                 starts_with(name, "mid_block.") || name == "conv_in.weight")
            ++unet;
        else if (starts_with(name, "text_model.") || name == "text_projection.weight")
            ++text;
        else if (starts_with(name, "encoder.") || starts_with(name, "decoder.") ||
                 starts_with(name, "quant_conv.") || starts_with(name, "post_quant_conv."))
            ++vae;
        else if (name == "clip_l" || name == "clip_g" || name == "emb_params" ||
                 starts_with(name, "string_to_param"))
            ++embedding;
    }
    if (lora > 0 && lora * 2 >= int(names.size())) return CheckpointKind::Lora;
    if (ldm_unet > 0)
        return ldm_other > 0 ? CheckpointKind::SingleFileSdxl : CheckpointKind::SingleFileUNet;
    if (embedding > 0 && embedding == int(names.size())) return CheckpointKind::TextualInversion;
    if (unet > 0 && unet >= vae) return CheckpointKind::DiffusersUNet;
    if (vae > 0) return CheckpointKind::Vae;
    if (text > 0) return CheckpointKind::TextEncoder;
    return CheckpointKind::Unknown;
}

const char* describe(CheckpointKind kind) {
    switch (kind) {
        case CheckpointKind::DiffusersUNet:
            return "a UNet in diffusers layout";
        case CheckpointKind::Lora:
            return "a LoRA";
        case CheckpointKind::SingleFileSdxl:
            return "a full SDXL single-file checkpoint (UNet, VAE and text encoders)";
        case CheckpointKind::SingleFileUNet:
            return "a UNet in the original (ldm/SGM) single-file layout";
        case CheckpointKind::TextEncoder:
            return "a CLIP text encoder";
        case CheckpointKind::Vae:
            return "a VAE";
        case CheckpointKind::TextualInversion:
            return "a textual-inversion embedding";
        case CheckpointKind::Unknown:
            break;
    }
    return "not a model file this program knows";
}

std::string where_it_belongs(CheckpointKind kind) {
    switch (kind) {
        case CheckpointKind::Lora:
            return "pass it with --lora FILE[:SCALE] (in the app: the LoRA list)";
        case CheckpointKind::SingleFileSdxl:
        case CheckpointKind::SingleFileUNet:
            return "pass it as --model (with --config for the configs and tokenizers)";
        case CheckpointKind::TextEncoder:
            return "it belongs in the model folder's text_encoder/ or text_encoder_2/";
        case CheckpointKind::Vae:
            return "it belongs in the model folder's vae/";
        case CheckpointKind::TextualInversion:
            return "pass it with --embedding FILE[:TOKEN]";
        case CheckpointKind::DiffusersUNet:
            return "pass it with --unet FILE";
        default:
            return {};
    }
}

}  // namespace lightning
