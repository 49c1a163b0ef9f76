// img2img and inpainting in latent space, as diffusers' StableDiffusionXLImg2ImgPipeline and
// StableDiffusionXLInpaintPipeline do them with an Euler schedule:
//   - the input image (and for 9-channel UNets the masked image) is VAE-encoded; its latent
//     distribution is *sampled* with the image's generator, then the noise is drawn from the
//     same generator, in diffusers' order, so a seed gives the reference's latents bit for bit
//     on the CPU;
//   - the schedule is cut to its last int(steps x strength) steps (get_timesteps); the start is
//     the encoded image noised to the first kept step (add_noise), or with an inpainting
//     strength of 1 pure noise times init_noise_sigma;
//   - 4-channel UNets inpaint by blending the known region back after every step (the image
//     latents noised to the next step's level); 9-channel inpainting UNets see
//     [latents, mask, masked image latents] instead.
// Torch-light header, as pipeline.h.
#pragma once
#include "core/pipeline/refine_pixels.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace lightning {

class AutoencoderKL;
class Scheduler;

// A request's input once encoded: shared by every image of the request (each samples its own).
struct RefineLatents {
    at::Tensor image;                  // [1, 3, H, W] in [-1, 1], float32 (diffusers' init_image)
    at::Tensor image_mean, image_std;  // the input's latent distribution
    at::Tensor mask_image;             // [1, 1, H, W], binarised (1 = repaint); undefined: img2img
    at::Tensor mask;                   // [1, 1, H/8, W/8], nearest-downsampled mask_image
    at::Tensor masked_mean, masked_std;  // distribution of image * (mask < 0.5) (9 channels)
    double scaling_factor = 1.0;
    bool strength_max = false;   // strength 1: inpainting starts from pure noise
    bool nine_channels = false;  // the UNet takes [latents, mask, masked image latents]
};

// Encodes `pixels` with `vae` (input on the VAE's device and dtype; results float32 on
// `device`). `unet_in_channels` is 4 or 9; 9 needs a mask.
RefineLatents encode_refine_input(AutoencoderKL& vae, const RefinePixels& pixels,
                                  const GenerationRequest& request, int64_t unet_in_channels,
                                  const c10::Device& device);

// One image's draws and its latents entering the first kept step (`first_step`).
struct RefineStart {
    at::Tensor image_posterior_noise;   // the draw of the input's sample (traces)
    at::Tensor image_latents;           // [1, 4, h, w] scaled sample of the input
    at::Tensor noise;                   // [1, 4, h, w]
    at::Tensor masked_posterior_noise;  // the draw of the masked image's sample (traces)
    at::Tensor masked_image_latents;    // [1, 4, h, w] (9 channels only)
    at::Tensor latents;                 // [1, 4, h, w]
};
RefineStart start_refine(const RefineLatents& input, uint64_t seed, const Scheduler& scheduler,
                         int first_step, const c10::Device& device);

// The UNet's extra input channels for 9-channel UNets ([mask, masked image latents], repeated
// for `rows` rows), appended to the scaled latents; the input unchanged otherwise.
at::Tensor with_inpaint_channels(const RefineLatents& input, const at::Tensor& model_input,
                                 const at::Tensor& masked_image_latents);

// After step `step` (absolute index) of a 4-channel inpainting run: the known region put back,
// noised to the next step's level (none after the last step). `known` is that noised region
// (traces); img2img and 9-channel UNets return the latents unchanged and no `known`.
struct Blended {
    at::Tensor latents, known;
};
Blended blend_known_region(const RefineLatents& input, const Scheduler& scheduler, int step,
                           const at::Tensor& latents, const at::Tensor& image_latents,
                           const at::Tensor& noise);

// A1111's overlay: the input's pixels where the (blurred, not binarised) mask is black, the
// generated ones where it is white, mixed in between (8-bit alpha compositing).
Image8 paste_unmasked(const Image8& generated, const RefinePixels& input);

}  // namespace lightning
