// SDXL's VAE (diffusers AutoencoderKL): encoder to a diagonal Gaussian latent, decoder back to
// an image in about [-1, 1]. Module and parameter names are the diffusers checkpoint keys
// (`encoder.down_blocks.0.resnets.1.conv2.weight`, `decoder.mid_block.attentions.0.to_q.weight`,
// `quant_conv.weight`, ...), so lightning::load_state_dict loads a diffusers file name-for-name.
//
// The VAE keeps its own device and dtype, independent of the UNet: SDXL's VAE overflows in
// fp16 (config force_upcast), so a fp16 pipeline decodes in fp32 or bf16 instead. decode() and
// encode_mean_std() move their input to the VAE's device and dtype and answer in that dtype.
#pragma once
#include "core/io/config.h"
#include "core/io/tensor_source.h"
#include "core/models/layers.h"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <c10/core/TensorOptions.h>
#include <torch/nn/module.h>

#include <memory>

namespace lightning {

namespace vae_detail {
class VaeEncoder;
class VaeDecoder;
}  // namespace vae_detail

struct LatentDistribution {
    at::Tensor mean;  // [B, latent_channels, H/f, W/f]
    at::Tensor std;   // exp(0.5 * clamp(logvar, -30, 20)), same shape
};

class AutoencoderKL : public torch::nn::Module {
public:
    // Validates the config (lightning::Error naming the bad key) and allocates uninitialised
    // weights with `options` (dtype, device; default fp32 CPU). load_vae() fills them.
    explicit AutoencoderKL(const VaeConfig& config, c10::TensorOptions options = {});

    // z: [B, latent_channels, h, w], already divided by scaling_factor() (and shifted by
    // shift_factor(), 0 for SDXL), as diffusers' `vae.decode(z).sample`. Returns
    // [B, out_channels, h * f, w * f] with f = downscale_factor(), in the VAE's dtype.
    at::Tensor decode(const at::Tensor& z);

    // x: [B, in_channels, H, W] in [-1, 1] (H, W ideally multiples of downscale_factor()).
    // The latent distribution's mean and std (diffusers' `vae.encode(x).latent_dist`).
    LatentDistribution encode_mean_std(const at::Tensor& x);

    const VaeConfig& config() const { return config_; }
    double scaling_factor() const { return config_.scaling_factor; }
    double shift_factor() const { return config_.shift_factor; }
    bool force_upcast() const { return config_.force_upcast; }
    int64_t latent_channels() const { return config_.latent_channels; }
    // Pixels per latent cell along each axis: 2^(levels - 1), 8 for SDXL.
    int64_t downscale_factor() const;

    // Where the weights live now (after to()/load).
    c10::Device device() const;
    c10::ScalarType dtype() const;

private:
    at::Tensor prepare_input(const at::Tensor& input, int64_t channels, const char* what) const;

    VaeConfig config_;
    std::shared_ptr<vae_detail::VaeEncoder> encoder_;
    std::shared_ptr<vae_detail::VaeDecoder> decoder_;
    std::shared_ptr<Conv2dImpl> quant_conv_;       // null when !use_quant_conv
    std::shared_ptr<Conv2dImpl> post_quant_conv_;  // null when !use_post_quant_conv
};

// The dtype the VAE should run in for a pipeline working in `requested`: fp16 becomes fp32
// when the config says force_upcast (SDXL's VAE overflows in fp16, as in diffusers);
// bf16 and fp32 are kept (bf16 has fp32's exponent range, so it does not overflow).
c10::ScalarType vae_compute_dtype(const VaeConfig& config, c10::ScalarType requested);

// Builds the VAE on device in dtype and loads every weight strictly by name from
// `weights` (diffusers keys). Throws lightning::Error on any missing, unexpected or
// mis-shaped tensor.
std::shared_ptr<AutoencoderKL> load_vae(const VaeConfig& config, const TensorSource& weights,
                                        c10::Device device = c10::kCPU,
                                        c10::ScalarType dtype = c10::kFloat);

}  // namespace lightning
