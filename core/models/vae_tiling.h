// diffusers' tiled VAE decode (AutoencoderKL.enable_tiling(); tiled_decode): the latent is cut
// into overlapping tiles of tile_latent_min_size, each decoded on its own, and neighbouring
// tiles are cross-faded over blend_extent pixels (above, then left, in place, in row order) and
// cropped to row_limit. Same tile sizes, overlap and blending, so the result matches diffusers.
#pragma once
#include "core/io/config.h"
#include "core/request/request.h"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <string>

namespace lightning {

class AutoencoderKL;

struct VaeTileSettings {
    int64_t sample_size = 0;  // tile_sample_min_size (pixels)
    int64_t latent_size = 0;  // tile_latent_min_size (latent cells)
    double overlap = 0.25;    // tile_overlap_factor
};

// AutoencoderKL.__init__: sample_size and sample_size / 2^(levels - 1) (1024 and 128 for SDXL).
VaeTileSettings default_tile_settings(const VaeConfig& config);

// diffusers' _decode with use_tiling: tiled when z is wider or taller than one latent tile,
// else one plain decode. z already divided by the scaling factor, as for AutoencoderKL::decode.
at::Tensor tiled_decode(AutoencoderKL& vae, const at::Tensor& z, const VaeTileSettings& tiles);

// Rough peak bytes of an untiled decode of a latent h x w at `element_bytes` per value: the
// widest full-resolution activations of the decoder's last levels plus the mid block's
// attention matrix. Used by VaeTiling::Auto.
int64_t untiled_decode_bytes(const VaeConfig& config, int64_t latent_h, int64_t latent_w,
                             int64_t element_bytes);

// Memory a new allocation can take on `device` now (CUDA: the driver's free memory; CPU: the
// available physical memory).
int64_t free_device_bytes(const c10::Device& device);

// Auto: tiled when the estimate does not fit in the free memory.
bool use_vae_tiling(VaeTiling mode, const VaeConfig& config, int64_t latent_h, int64_t latent_w,
                    int64_t element_bytes, const c10::Device& device);

}  // namespace lightning
