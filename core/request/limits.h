// The one table of request limits, used by the engine's validation, the CLI's argument parsing
// and the app's form controls alike, so a value is either accepted everywhere or nowhere.
#pragma once
#include "core/request/request.h"

#include <cstdint>
#include <string>

namespace lightning::limits {

inline constexpr int kMinSide = 64;      // pixels
inline constexpr int kMaxSide = 4096;    // pixels; larger decodes need tiling and minutes on CPU
inline constexpr int kSideMultiple = 8;  // the VAE's downscale factor
inline constexpr int kMinSteps = 1;
inline constexpr int kMaxSteps = 150;
inline constexpr int kMaxBatch = 64;
inline constexpr double kMaxGuidance = 30.0;
inline constexpr int kMaxClipSkip = 10;  // the model may allow fewer (its text encoder depth)
// Seeds are kept within 2^53 - 1 so that JSON readers and JavaScript keep them exact.
inline constexpr uint64_t kMaxSeed = (uint64_t(1) << 53) - 1;
inline constexpr double kMaxLoraScale = 10.0;
inline constexpr int kMaxLoras = 16;
inline constexpr size_t kMaxPromptBytes = 20000;
// Prompt weights, explicit ((x:1.5), compel's (x)1.5) and multiplied by nesting ((((x))) =
// 1.1^3, word+++), are clamped to -kMaxPromptWeight..kMaxPromptWeight by both parsers
// (core/request/prompt_syntax.cpp): 3,000 nested brackets reached 1.1^3000 = inf, and the NaN it
// made was reported as a broken UNet. As the LoRA scale's, the bound is far above what any
// prompt uses (the syntaxes' own references go to about 2) and keeps the encodings finite.
inline constexpr double kMaxPromptWeight = 10.0;
inline constexpr int kMaxMaskBlur = 64;        // pixels (A1111's slider ends there)
inline constexpr double kMaxHiresScale = 4.0;  // A1111's slider ends there; kMaxSide bounds it too
// An upscaler model's output (PostUpscale, `lightning upscale`): at most x8 (the largest RRDBNet
// scale), at most 16384 pixels a side (a 4096² image x4: 768 MiB of RGB, its float tensor 3 GiB).
inline constexpr int kMaxUpscaleScale = 8;
inline constexpr int kMaxUpscaledSide = 16384;
// Dynamic prompts (core/request/wildcards.h). A wildcard whose lines hold wildcards is resolved
// again, at most this deep: a cycle (__a__ in a.txt) is refused by name before the depth is.
inline constexpr int kMaxWildcardDepth = 16;
// A wildcard file is read whole, checked (UTF-8, no NUL) and kept for the run: 4 MiB holds
// ~100,000 long lines, far beyond the collections people share, and bounds what a folder costs.
inline constexpr size_t kMaxWildcardFileBytes = size_t(4) << 20;
// All the wildcard files one template reaches, read in all (a folder of many large files).
inline constexpr size_t kMaxWildcardBytes = size_t(64) << 20;
// Choices made while resolving one prompt ({9$$...} inside wildcards inside wildcards grows
// fast): past this the template is refused rather than the machine's memory spent.
inline constexpr int kMaxTemplateChoices = 100000;
// Every combination of a template (a batch manifest line's "combinatorial": lines made).
inline constexpr int kMaxCombinations = 10000;

// Throws lightning::Error(field, message) for the first value outside the table: size, steps,
// batch, guidance, clip skip, seed, LoRA count and scales, the refine input (strength, mask
// blur, outpaint margins, a mask or margins only with an input image), the hires fix (scale,
// upscaled size, strength, steps; text to image only), the upscale's scale and the size it
// makes (check_upscaled_size), the variation seed (strength 0..1, seed range, "seed resize
// from" size within the side limits, text to image only), prompt text (valid UTF-8
// without NUL bytes, at most kMaxPromptBytes). Checks only what needs no model.
void validate(const GenerationRequest& request);

// Throws lightning::Error("upscale", ...) when a width x height image upscaled `scale` times
// is larger than kMaxUpscaledSide a side (the request's own upscale and the app's action alike).
void check_upscaled_size(int width, int height, int scale);

// Throws lightning::Error(field, message) when `text` is no acceptable prompt: longer than
// kMaxPromptBytes, not valid UTF-8, or holding a NUL byte. validate() checks each prompt with it;
// readers of prompts from files (the app's PNG import and gallery) check them before any widget
// shows them.
void validate_prompt_text(const char* field, const std::string& text);

// Byte offset of the first invalid UTF-8 sequence in `text`, or npos when it is valid.
size_t find_invalid_utf8(const std::string& text);

}  // namespace lightning::limits
