#include "core/pipeline/refine_latents.h"

#include "core/models/vae.h"
#include "core/pipeline/image_tensor.h"
#include "core/sched/scheduler.h"
#include "core/util/error.h"

#include <ATen/CPUGeneratorImpl.h>

namespace lightning {
namespace {

LatentDistribution encode_on(AutoencoderKL& vae, const at::Tensor& image,
                             const c10::Device& device) {
    auto distribution = vae.encode_mean_std(image.to(vae.device(), vae.dtype()));
    return {distribution.mean.to(device, torch::kFloat),
            distribution.std.to(device, torch::kFloat)};
}

// DiagonalGaussianDistribution.sample(generator): mean + std * randn, the draw on the CPU (a CPU
// generator's numbers, as the reference draws them), then scaled as the pipelines scale it.
// Returns {the draw, the scaled sample}.
std::pair<at::Tensor, at::Tensor> sample_latents(const at::Tensor& mean, const at::Tensor& std,
                                                 at::Generator& generator, double scaling_factor) {
    const auto draw =
        torch::randn(mean.sizes(), generator, torch::TensorOptions().dtype(torch::kFloat))
            .to(mean.device());
    return {draw, (mean + std * draw) * scaling_factor};
}

}  // namespace

RefineLatents encode_refine_input(AutoencoderKL& vae, const RefinePixels& pixels,
                                  const GenerationRequest& request, int64_t unet_in_channels,
                                  const c10::Device& device) {
    RefineLatents input;
    input.scaling_factor = vae.scaling_factor();
    input.nine_channels = unet_in_channels == 9;
    if (unet_in_channels != 4 && unet_in_channels != 9)
        throw Error("UNet", "takes " + std::to_string(unet_in_channels) +
                                " input channels; refining needs 4 (any SDXL UNet) or 9 (an "
                                "inpainting UNet)");
    if (input.nine_channels && !pixels.mask)
        throw Error("mask",
                    "this UNet is an inpainting UNet (9 input channels): it needs a mask "
                    "(or outpaint margins) as well as the input image");
    const Image8& rgb = pixels.image;
    input.image = unit_tensor(rgb.rgb.data(), rgb.width, rgb.height, 3).mul(2.0).sub(1.0);
    const auto image = encode_on(vae, input.image, device);
    input.image_mean = image.mean;
    input.image_std = image.std;
    if (!pixels.mask) return input;
    const Gray8& gray = *pixels.mask;
    auto mask = unit_tensor(gray.values.data(), gray.width, gray.height, 1);
    // VaeImageProcessor(do_binarize=True): below 0.5 keep, from 0.5 repaint.
    mask = (mask >= 0.5).to(torch::kFloat);
    input.mask_image = mask.to(device);
    const int64_t factor = vae.downscale_factor();
    input.mask =
        at::upsample_nearest2d(mask, {gray.height / factor, gray.width / factor}).to(device);
    input.strength_max = request.input.strength == 1.0;
    if (input.nine_channels) {
        const auto masked = encode_on(vae, input.image * (mask < 0.5), device);
        input.masked_mean = masked.mean;
        input.masked_std = masked.std;
    }
    return input;
}

RefineStart start_refine(const RefineLatents& input, uint64_t seed, const Scheduler& scheduler,
                         int first_step, const c10::Device& device) {
    auto generator = at::detail::createCPUGenerator(seed);
    RefineStart start;
    // diffusers' order: the input's sample (not for a 9-channel UNet at strength 1, which never
    // looks at it), the noise, then the masked image's sample.
    const bool inpainting = input.mask.defined();
    if (!(input.nine_channels && input.strength_max))
        std::tie(start.image_posterior_noise, start.image_latents) =
            sample_latents(input.image_mean, input.image_std, generator, input.scaling_factor);
    start.noise = torch::randn(input.image_mean.sizes(), generator,
                               torch::TensorOptions().dtype(torch::kFloat))
                      .to(device);
    if (input.nine_channels)
        std::tie(start.masked_posterior_noise, start.masked_image_latents) =
            sample_latents(input.masked_mean, input.masked_std, generator, input.scaling_factor);
    if (inpainting && input.strength_max)
        start.latents = start.noise * scheduler.init_noise_sigma().to(device);
    else
        start.latents = scheduler.add_noise(start.image_latents, start.noise, first_step);
    return start;
}

at::Tensor with_inpaint_channels(const RefineLatents& input, const at::Tensor& model_input,
                                 const at::Tensor& masked_image_latents) {
    if (!input.nine_channels) return model_input;
    const int64_t rows = model_input.size(0);
    const auto mask = input.mask.expand({rows, 1, input.mask.size(2), input.mask.size(3)});
    return torch::cat({model_input, mask.to(model_input.scalar_type()),
                       masked_image_latents.to(model_input.scalar_type())},
                      1);
}

Blended blend_known_region(const RefineLatents& input, const Scheduler& scheduler, int step,
                           const at::Tensor& latents, const at::Tensor& image_latents,
                           const at::Tensor& noise) {
    if (input.nine_channels || !input.mask.defined()) return {latents, {}};
    at::Tensor known = image_latents;
    if (step + 1 < scheduler.num_steps())
        known = scheduler.add_noise(image_latents, noise, step + 1);
    return {(1 - input.mask) * known + input.mask * latents, known};
}

Image8 paste_unmasked(const Image8& generated, const RefinePixels& input) {
    if (!input.mask) return generated;
    const auto& mask = input.mask->values;
    Image8 out = generated;
    for (size_t i = 0; i < mask.size(); ++i)
        for (size_t c = 0; c < 3; ++c) {
            const unsigned a = mask[i];
            const unsigned mixed =
                input.image.rgb[i * 3 + c] * (255 - a) + generated.rgb[i * 3 + c] * a;
            out.rgb[i * 3 + c] = uint8_t((mixed + 127) / 255);
        }
    return out;
}

}  // namespace lightning
