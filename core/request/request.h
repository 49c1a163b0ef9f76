// The one generation request: what the form, the CLI, the queue, the gallery, the PNG
// `parameters` codec, batch manifests and the golden harness all pass around. Plain data, no
// torch, no Qt. Limits and validation: core/request/limits.h.
#pragma once
#include "core/request/enums.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lightning {

// A textual-inversion embedding file and the token it becomes (core/text/textual_inversion.h).
struct EmbeddingSpec {
    std::string path;   // .safetensors with clip_l and clip_g
    std::string token;  // "" = the file stem (A1111's habit)

    bool operator==(const EmbeddingSpec&) const = default;
};

struct LoraSpec {
    std::string path;  // a .safetensors file (a bare name when read back from a PNG)
    double scale = 1.0;

    bool operator==(const LoraSpec&) const = default;
};

// How far outpainting grows the canvas on each side, in pixels.
struct Margins {
    int left = 0, top = 0, right = 0, bottom = 0;

    bool any() const { return left || top || right || bottom; }
    bool operator==(const Margins&) const = default;
};

// img2img, inpainting and outpainting: the image a request starts from and what of it is
// repainted, as diffusers' StableDiffusionXLImg2ImgPipeline and ...InpaintPipeline take them
// (core/pipeline/refine.h prepares the pixels). Paths, as the record keeps them; the files are
// read, and their hashes recorded, when the request runs.
struct RefineInput {
    std::string image;  // the input image; "" = text to image
    // How much of the schedule runs: the last int(steps x strength) steps (diffusers' rule).
    double strength = 0.75;
    ImageFit fit = ImageFit::Resize;  // an input of another size than the canvas's
    // White = repaint, black = keep (diffusers' convention); "" = repaint everywhere (img2img).
    std::string mask;
    int mask_blur = 0;  // radius of a Gaussian blur of the mask, in pixels (PIL's GaussianBlur)
    // The canvas grows by these; the new area is filled from the image's edges and repainted.
    // The request's width and height are the grown canvas.
    Margins outpaint;
    // The unmasked pixels of the input pasted back over the result (A1111's overlay), so that a
    // repaint never shifts what was not masked. Off: the output is diffusers' output.
    bool keep_unmasked = false;

    bool operator==(const RefineInput&) const = default;
};

// A1111's "Hires. fix": every image made at the request's size is upscaled by `scale` and refined
// there as an img2img request would be (the last int(steps x strength) steps of a `steps`
// schedule, the image's own seed), with the Lightning checkpoint for those steps. Off while
// `scale` is 0; text to image only.
struct HiresFix {
    double scale = 0;       // "Hires upscale": 0 = off, else above 1
    double strength = 0.5;  // "Denoising strength" of the second pass
    int steps = 0;          // "Hires steps": its schedule; 0 = the request's steps
    HiresUpscaler upscaler = HiresUpscaler::Latent;  // "Hires upscaler"
    std::string upscaler_model;  // the model file of HiresUpscaler::Model (core/pipeline/upscale.h)
    // Filled by the engine: the UNet file of the second pass ("" = the model's own UNet).
    std::string unet_file;

    bool on() const { return scale > 0; }
    bool operator==(const HiresFix&) const = default;
};

// A1111's "Extras" upscale, applied to every finished image (after the hires fix): an
// ESRGAN-family model file run over the image in tiles (core/pipeline/upscale.h), then resized
// down with Lanczos when `scale` is below the model's own. Off while `model` is "".
struct PostUpscale {
    std::string model;  // an RRDBNet .safetensors or .pth file
    int scale = 0;      // "Postprocess upscale by": 0 = the model's scale, else 1 up to it

    bool on() const { return !model.empty(); }
    bool operator==(const PostUpscale&) const = default;
};

// A1111's variation seed ("subseed") and "Resize seed from" (modules/rng.py, ImageRNG): the
// start noise is the slerp of the seed's noise and the variation seed's at `strength` (0 = the
// seed's own noise, 1 = the variation seed's), drawn at resize_from's size and pasted centred
// into the request's (core/pipeline/variation_noise.h). Text to image only.
struct SeedVariation {
    uint64_t seed = 0;          // "Variation seed"; with a strength, image i uses seed + i
    double strength = 0;        // "Variation seed strength": 0 = no blend
    int resize_from_width = 0;  // "Seed resize from" WxH: 0 x 0 = the request's own size
    int resize_from_height = 0;

    bool blends() const { return strength != 0; }
    bool resizes() const { return resize_from_width > 0 || resize_from_height > 0; }
    bool on() const { return blends() || resizes(); }
    bool operator==(const SeedVariation&) const = default;
};

struct GenerationRequest {
    std::string prompt;
    std::optional<std::string> negative_prompt;  // nullopt: zero embeddings (SDXL default)
    // Dynamic prompts (core/request/wildcards.h): the templates, with {a|b} variants and
    // __name__ wildcards, that each image's prompt and negative prompt are chosen from by the
    // image's own seed (image i: seed + i). Engine::generate resolves them before anything runs
    // and records both. "" / nullopt: the prompts are used as written; with a template,
    // `prompt` / `negative_prompt` hold what it resolved to for `seed` (before that, anything).
    std::string prompt_template;
    std::optional<std::string> negative_template;
    // The folder __name__ reads NAME.txt from (__sub/name__: sub/name.txt); "" = none. A path
    // of this machine: not recorded in the PNG, refused from server clients.
    std::string wildcards_dir;
    int steps = 4;
    double guidance = 0.0;  // classifier-free guidance only when > 1
    int width = 1024;
    int height = 1024;
    // Image i of a batch uses seed + i; with a variation strength (as A1111) every image keeps
    // the seed and image i uses variation seed + i instead.
    uint64_t seed = 0;
    int batch = 1;
    int clip_skip = 0;
    // UNet selection: an explicit file (a model without Lightning folder), else the Lightning
    // checkpoint for `steps`, else the base model's own UNet.
    std::string unet_file;
    std::optional<PredictionType> prediction;  // default: sample for the 1-step x0 file
    // Default: trailing, which every Lightning checkpoint needs (the model's own config may say
    // otherwise, e.g. SDXL base's "leading").
    std::optional<TimestepSpacing> timestep_spacing;
    std::vector<LoraSpec> loras;
    // How prompt and negative prompt are read (core/request/prompt_syntax.h). `None` is diffusers'
    // encode_prompt exactly (77 tokens, no weights).
    PromptSyntax prompt_syntax = PromptSyntax::A1111;
    // Textual-inversion embeddings, loaded in this order.
    std::vector<EmbeddingSpec> embeddings;
    VaeTiling vae_tiling = VaeTiling::Auto;
    RefineInput input;          // img2img / inpainting / outpainting; empty: text to image
    HiresFix hires;             // a second, larger pass; off by default
    PostUpscale upscale;        // an upscaler model over each finished image; off by default
    SeedVariation variation;    // A1111's variation seed and seed resize; off by default
    bool record_trace = false;  // fill GenerationResult::trace with golden-named tensors

    bool operator==(const GenerationRequest&) const = default;

    // The request of image `index` of this batch: batch 1, seed + index (with a variation
    // strength: the seed, variation seed + index; prompt templates not resolved:
    // core/request/wildcards.h resolved_image).
    GenerationRequest single_image(int index) const;
    // Whether a prompt or the negative prompt is a template (dynamic prompts).
    bool has_template() const { return !prompt_template.empty() || negative_template.has_value(); }
    // Whether classifier-free guidance runs (and so whether the negative prompt matters).
    bool uses_guidance() const { return guidance > 1.0; }
    // Whether the request starts from an input image, and whether it repaints only part of it.
    bool refines() const { return !input.image.empty(); }
    bool inpaints() const { return refines() && (!input.mask.empty() || input.outpaint.any()); }
    // The steps that run: all of them, or when refining the last int(steps x strength)
    // (diffusers' get_timesteps); 0 means the strength is too low for the step count.
    int denoising_steps() const;
    // The hires fix's second pass as a request of its own: the upscaled size (a multiple of 8
    // below width x scale), its steps and UNet; its input is the first pass's image.
    GenerationRequest hires_pass() const;
    // The steps the second pass runs: the last int(steps x strength) of its schedule.
    int hires_denoising_steps() const;
};

}  // namespace lightning
