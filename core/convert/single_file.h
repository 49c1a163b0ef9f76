// Single-file SDXL checkpoints in the original SGM/ldm layout (ComfyUI/A1111 checkpoints,
// ByteDance's sdxl_lightning_{N}step.safetensors) seen as four diffusers-named parts, so each
// loads name-for-name into our modules with lightning::load_state_dict.
//
//   model.diffusion_model.*                          -> UNet (input_blocks/... -> down_blocks/...)
//   first_stage_model.*                              -> VAE  (down.N.block.M -> down_blocks...)
//   conditioner.embedders.0.transformer.text_model.* -> text_encoder   (CLIP-L, HF names already)
//   conditioner.embedders.1.model.*                  -> text_encoder_2 (OpenCLIP bigG layout)
//
// Tensors that need more than a new name are converted lazily when loaded: VAE mid-attention
// q/k/v/proj_out 1x1 conv weights [C, C, 1, 1] -> Linear [C, C]; OpenCLIP's fused
// attn.in_proj_weight/bias = cat(q, k, v) -> q/k/v_proj slices; text_projection [hidden, proj]
// -> text_projection.weight [proj, hidden]. Every name conversion for single files lives here.
#pragma once
#include "core/io/config.h"
#include "core/io/tensor_source.h"

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace lightning {

struct SingleFileParts {
    // Diffusers-named views of the file. `unet` is always set; a part whose prefix has no
    // tensors in the file (e.g. a UNet-only ldm file) is null, so the caller can take that
    // component from a diffusers folder instead.
    std::shared_ptr<TensorSource> unet;
    std::shared_ptr<TensorSource> vae;
    std::shared_ptr<TensorSource> text_encoder;
    std::shared_ptr<TensorSource> text_encoder_2;
};

// Cheap test on the names only: an SGM/ldm SDXL base checkpoint (has the ldm UNet with its
// label_emb, no SD 1.x/2.x cond_stage_model, no refiner-style embedder 0).
bool is_sdxl_single_file(const TensorSource& file);

// Opens the four parts. The UNet and VAE name mappings are derived from the configs (levels,
// layers_per_block, block types); text_encoder_2's layer count comes from `text_encoder_2`.
// Throws lightning::Error (where = file) when the file is not an SDXL single-file checkpoint
// (saying what it looks like instead: diffusers-layout file, SD 1.x/2.x, SDXL refiner, ...)
// or holds a tensor under a part's prefix that has no diffusers equivalent for these configs.
// Tensors outside the four prefixes (model_ema.*, denoiser.*, ...) are ignored.
SingleFileParts open_single_file(std::shared_ptr<const TensorSource> file,
                                 const UNetConfig& unet_config, const VaeConfig& vae_config,
                                 const ClipTextConfig& text_encoder_2_config);

// The reverse of open_single_file: four diffusers-named parts (all set) seen as one source with
// the single-file names (model.diffusion_model.*, first_stage_model.*, conditioner.embedders.*),
// from the same tables inverted: VAE attention Linear weights become 1x1 convolutions again,
// q/k/v_proj are fused into OpenCLIP's in_proj, text_projection is transposed back. Tensors load
// lazily. lightning::Error for a missing part or a tensor with no single-file name.
std::shared_ptr<TensorSource> single_file_layout(const SingleFileParts& parts,
                                                 const UNetConfig& unet_config,
                                                 const VaeConfig& vae_config,
                                                 const ClipTextConfig& text_encoder_2_config);

// single_file_layout written to `path` as one safetensors file, each tensor converted to
// `dtype` when given (fp16 for a checkpoint as published). Holds the whole file in memory.
void write_single_file(const std::string& path, const SingleFileParts& parts,
                       const UNetConfig& unet_config, const VaeConfig& vae_config,
                       const ClipTextConfig& text_encoder_2_config,
                       std::optional<c10::ScalarType> dtype = std::nullopt);

// A VAE alone in the ldm layout (encoder.down.N.block.M..., decoder.up..., mid.attn_1 as 1x1
// convolutions), e.g. madebyollin's sdxl-vae-fp16-fix `sdxl.vae.safetensors`: its tensors under
// `prefix` ("" or "first_stage_model.") seen with diffusers names. Null when none is there;
// lightning::Error for a tensor with no diffusers equivalent for `config`.
std::shared_ptr<TensorSource> open_ldm_vae(std::shared_ptr<const TensorSource> file,
                                           const VaeConfig& config, const std::string& prefix);

// ldm UNet name -> diffusers UNet name for one UNet configuration, e.g.
// "input_blocks.4.1.proj_in.weight" -> "down_blocks.1.attentions.0.proj_in.weight" and
// "output_blocks.2.2.conv.bias" -> "up_blocks.0.upsamplers.0.conv.bias". Names are given
// without the "model.diffusion_model." prefix. Shared with LoRA key conversion, whose
// SGM-style keys name the same modules.
class LdmUNetNames {
public:
    explicit LdmUNetNames(const UNetConfig& config);  // Error on unsupported block types
    // nullopt when the name has no diffusers equivalent in this configuration.
    std::optional<std::string> to_diffusers(const std::string& ldm_name) const;

private:
    std::unordered_map<std::string, std::string> prefixes_;  // ldm prefix -> diffusers prefix
};

}  // namespace lightning

namespace lightning {

// A UNet weights file in whichever layout it comes: diffusers names (returned as is), the
// ldm/SGM layout inside a whole single-file checkpoint (model.diffusion_model.*, e.g.
// ByteDance's all-in-one sdxl_lightning_{N}step.safetensors; the other parts are ignored), or
// an ldm UNet saved alone (input_blocks.*). Detected from the names; throws lightning::Error
// like open_single_file() for an ldm tensor with no diffusers equivalent.
std::shared_ptr<TensorSource> unet_weights_any_layout(std::shared_ptr<TensorSource> file,
                                                      const UNetConfig& config);

// A VAE weights file in whichever layout it comes: diffusers names (returned as is) or the ldm
// layout (encoder.down.N.block.M..., mid.attn_1 as 1x1 convs), with or without the
// first_stage_model. prefix: e.g. the fp16-fix VAE's sdxl.vae.safetensors / sdxl_vae.safetensors.
std::shared_ptr<TensorSource> vae_weights_any_layout(std::shared_ptr<TensorSource> file,
                                                     const VaeConfig& config);

}  // namespace lightning
