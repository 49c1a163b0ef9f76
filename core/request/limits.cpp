#include "core/request/limits.h"

#include "core/request/prompt_syntax.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace lightning::limits {
namespace {

// 0.25, not 0.250000.
std::string number_text(double v) {
    std::string text = std::to_string(v);
    text.erase(text.find_last_not_of('0') + 1);
    if (!text.empty() && text.back() == '.') text.pop_back();
    return text;
}

std::string range_text(double min, double max) {
    return number_text(min) + ".." + number_text(max);
}

void check_range(const char* field, double value, double min, double max) {
    if (!std::isfinite(value) || value < min || value > max) {
        std::string shown = std::isfinite(value) ? std::to_string(value) : "not a finite number";
        if (std::isfinite(value) && value == std::floor(value))
            shown = std::to_string(int64_t(value));
        throw Error(field, shown + " is outside " + range_text(min, max));
    }
}

void check_side(const char* field, int value) {
    check_range(field, value, kMinSide, kMaxSide);
    if (value % kSideMultiple)
        throw Error(field, std::to_string(value) + " is not a multiple of " +
                               std::to_string(kSideMultiple));
}

void check_text(const char* field, const std::string& text) {
    if (text.size() > kMaxPromptBytes)
        throw Error(field, "is " + std::to_string(text.size()) + " bytes long; at most " +
                               std::to_string(kMaxPromptBytes) + " are accepted");
    if (const auto at = find_invalid_utf8(text); at != std::string::npos)
        throw Error(field, "is not valid UTF-8 (byte " + std::to_string(at) + ")");
    if (const auto at = text.find('\0'); at != std::string::npos)
        throw Error(field, "contains a NUL character (byte " + std::to_string(at) + ")");
}

}  // namespace

size_t find_invalid_utf8(const std::string& text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    for (size_t i = 0; i < n;) {
        const unsigned char c = s[i];
        size_t length = 0;
        uint32_t min = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            length = 2, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            length = 3, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            length = 4, min = 0x10000;
        } else {
            return i;
        }
        if (i + length > n) return i;
        uint32_t code = c & (0x7F >> length);
        for (size_t k = 1; k < length; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return i;
            code = code << 6 | (s[i + k] & 0x3F);
        }
        // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid too.
        if (code < min || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return i;
        i += length;
    }
    return std::string::npos;
}

void validate_prompt_text(const char* field, const std::string& text) {
    check_text(field, text);
}

// The prompt read with its syntax now, so a weight that is no number or Compel syntax that
// cannot be encoded is reported before anything runs.
static void check_syntax(const char* field, const std::string& text, PromptSyntax syntax) {
    try {
        if (syntax == PromptSyntax::A1111) parse_a1111_prompt(text);
        if (syntax == PromptSyntax::Compel) parse_compel_prompt(text);
    } catch (const Error& e) {
        throw Error(field, std::string("(") + to_string(syntax) + " syntax) " + e.message());
    }
}

// `value` within low (exclusive) .. high; `note` follows the message.
static void check_above(const char* field, double value, double low, double high,
                        const std::string& note = "") {
    if (std::isfinite(value) && value > low && value <= high) return;
    throw Error(field,
                (std::isfinite(value) ? number_text(value) : std::string("not a finite number")) +
                    " is outside " + number_text(low) + " (exclusive) .. " + number_text(high) +
                    note);
}

// img2img / inpainting / outpainting fields (the files themselves are read when the request runs).
static void check_refine_input(const GenerationRequest& r) {
    const RefineInput& in = r.input;
    if (!r.refines()) {
        if (!in.mask.empty()) throw Error("mask", "needs an input image to repaint");
        if (in.outpaint.any()) throw Error("outpaint", "needs an input image to extend");
        return;
    }
    check_above("strength", in.strength, 0, 1);
    if (r.denoising_steps() < 1)
        throw Error("strength", number_text(in.strength) + " x " + std::to_string(r.steps) +
                                    " steps runs no step (int(steps x strength) = 0); use a "
                                    "strength of at least " +
                                    number_text(std::ceil(1e4 / r.steps) / 1e4) + " or more steps");
    check_range("mask blur", in.mask_blur, 0, kMaxMaskBlur);
    const Margins& m = in.outpaint;
    for (const int side : {m.left, m.top, m.right, m.bottom})
        check_range("outpaint", side, 0, kMaxSide);
    const int inner_width = r.width - m.left - m.right, inner_height = r.height - m.top - m.bottom;
    if (inner_width < kSideMultiple || inner_height < kSideMultiple)
        throw Error("outpaint", "margins " + std::to_string(m.left) + "," + std::to_string(m.top) +
                                    "," + std::to_string(m.right) + "," + std::to_string(m.bottom) +
                                    " leave no room for the image in a " + std::to_string(r.width) +
                                    "x" + std::to_string(r.height) + " canvas");
}

// A1111's variation seed: a strength in 0..1, a variation seed (+ batch) within the seed range,
// a "seed resize from" size of the request's own limits (both sides or neither), and text to
// image only (img2img's noise is diffusers', drawn after the input's posterior sample).
static void check_variation(const GenerationRequest& r) {
    const SeedVariation& v = r.variation;
    check_range("variation strength", v.strength, 0, 1);
    if (v.blends() && (v.seed > kMaxSeed || v.seed + uint64_t(std::max(r.batch, 1) - 1) > kMaxSeed))
        throw Error("variation seed", std::to_string(v.seed) + (r.batch > 1 ? " (+ batch)" : "") +
                                          " is above the largest seed " + std::to_string(kMaxSeed));
    if (v.resizes()) {
        check_side("seed resize from width", v.resize_from_width);
        check_side("seed resize from height", v.resize_from_height);
    } else if (v.resize_from_width < 0 || v.resize_from_height < 0) {
        throw Error("seed resize from", "a size is negative");
    }
    if (v.on() && r.refines())
        throw Error(v.blends() ? "variation strength" : "seed resize from",
                    "applies to text to image; an input image's noise is drawn after its "
                    "latent sample (diffusers' img2img)");
}

// The hires fix's second pass: a larger size within the table, a strength and steps that run at
// least one step.
static void check_hires(const GenerationRequest& r) {
    const HiresFix& h = r.hires;
    if (h.scale == 0) return;
    check_above("hires scale", h.scale, 1, kMaxHiresScale, " (0 turns it off)");
    if (r.refines())
        throw Error("hires scale",
                    "applies to text to image; refine the result at the larger "
                    "size instead (--init-image with a larger --width/--height)");
    const GenerationRequest pass = r.hires_pass();
    if (pass.width > kMaxSide || pass.height > kMaxSide)
        throw Error("hires scale", number_text(h.scale) + " x " + std::to_string(r.width) + "x" +
                                       std::to_string(r.height) + " = " +
                                       std::to_string(pass.width) + "x" +
                                       std::to_string(pass.height) + " is larger than " +
                                       std::to_string(kMaxSide) + "x" + std::to_string(kMaxSide));
    if (h.steps != 0) check_range("hires steps", h.steps, kMinSteps, kMaxSteps);
    check_above("hires strength", h.strength, 0, 1);
    if (r.hires_denoising_steps() < 1)
        throw Error("hires strength", number_text(h.strength) + " x " + std::to_string(pass.steps) +
                                          " steps runs no step (int(steps x strength) = 0)");
}

// The hires fix's model upscaler: a file exactly when HiresUpscaler::Model names one.
static void check_hires_model(const HiresFix& h) {
    if (h.upscaler == HiresUpscaler::Model && h.upscaler_model.empty())
        throw Error("hires upscaler", "\"model\" needs an upscaler model file");
    if (h.upscaler != HiresUpscaler::Model && !h.upscaler_model.empty())
        throw Error("hires upscaler", std::string("is ") + to_string(h.upscaler) +
                                          "; the model file " + h.upscaler_model +
                                          " would not be used");
}

// The post-upscale's scale (the model's own one is checked against it when the file is read)
// and the size it makes: the hires pass's size when there is one, else the request's.
static void check_upscale(const GenerationRequest& r) {
    if (!r.upscale.on()) {
        if (r.upscale.scale != 0)
            throw Error("upscale", "a scale (" + std::to_string(r.upscale.scale) +
                                       ") without an upscaler model file");
        return;
    }
    check_range("upscale scale", r.upscale.scale, 0, kMaxUpscaleScale);  // 0 = the model's
    // 0 = the model's own scale, known once the file is read (the engine checks it then).
    if (r.upscale.scale == 0) return;
    const GenerationRequest made = r.hires.on() ? r.hires_pass() : r;
    check_upscaled_size(made.width, made.height, r.upscale.scale);
}

void check_upscaled_size(int width, int height, int scale) {
    if (int64_t(width) * scale > kMaxUpscaledSide || int64_t(height) * scale > kMaxUpscaledSide)
        throw Error("upscale",
                    std::to_string(width) + "x" + std::to_string(height) + " x" +
                        std::to_string(scale) + " = " + std::to_string(int64_t(width) * scale) +
                        "x" + std::to_string(int64_t(height) * scale) + " is larger than " +
                        std::to_string(kMaxUpscaledSide) + "x" + std::to_string(kMaxUpscaledSide));
}

void validate(const GenerationRequest& r) {
    check_text("prompt", r.prompt);
    if (r.negative_prompt) check_text("negative prompt", *r.negative_prompt);
    check_text("prompt template", r.prompt_template);
    if (r.negative_template) check_text("negative template", *r.negative_template);
    // A prompt made from a template is checked once it is resolved (each image's, by the engine).
    if (r.prompt_template.empty()) check_syntax("prompt", r.prompt, r.prompt_syntax);
    if (r.negative_prompt && !r.negative_template)
        check_syntax("negative prompt", *r.negative_prompt, r.prompt_syntax);
    check_side("width", r.width);
    check_side("height", r.height);
    check_range("steps", r.steps, kMinSteps, kMaxSteps);
    check_range("batch", r.batch, 1, kMaxBatch);
    check_range("guidance", r.guidance, 0, kMaxGuidance);
    check_range("clip skip", r.clip_skip, 0, kMaxClipSkip);
    if (r.seed > kMaxSeed || r.seed + uint64_t(r.batch - 1) > kMaxSeed)
        throw Error("seed", std::to_string(r.seed) + (r.batch > 1 ? " (+ batch)" : "") +
                                " is above the largest seed " + std::to_string(kMaxSeed));
    if (int(r.loras.size()) > kMaxLoras)
        throw Error("lora", std::to_string(r.loras.size()) + " LoRAs given; at most " +
                                std::to_string(kMaxLoras) + " are accepted");
    for (const auto& lora : r.loras)
        check_range(("lora scale of " + lora.path).c_str(), lora.scale, -kMaxLoraScale,
                    kMaxLoraScale);
    check_refine_input(r);
    check_variation(r);
    check_hires(r);
    check_hires_model(r.hires);
    check_upscale(r);
}

}  // namespace lightning::limits
