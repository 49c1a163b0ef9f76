// The one codec for the A1111-style `parameters` text that every generated PNG carries, so the
// app, the CLI and other tools read prompt, seed and settings back, and `lightning generate
// --from FILE.png` reproduces the image:
//   <prompt>
//   Negative prompt: <negative>              (only when guidance > 1, i.e. when it had effect)
//   Steps: 4, Sampler: Euler, Schedule type: trailing, CFG scale: 0, Seed: 42, Size: 1024x1024,
//   Model hash: 1a2b3c4d5e, Model: stable-diffusion-xl-base-1.0, UNet: sdxl_lightning_4step_unet,
//   UNet hash: 0f1e2d3c4b, Lora hashes: "name: 1a2b3c4d5e", Lora weights: "name: 0.8",
//   TI hashes: "token: 1a2b3c4d5e", VAE hash: 2b3c4d5e6f, VAE: sdxl.vae, Prompt syntax: a1111,
//   Clip skip: 2, Template: a {red|blue} __animal__, Negative Template: {dark|blurry},
//   Denoising strength: 0.5, Init image: input, Init image hash: 3c4d5e6f7a,
//   Fit: crop, Mask: mask, Mask hash: 4d5e6f7a8b, Mask blur: 4, Outpaint: 0;64;128;0,
//   Keep unmasked: true, Variation seed: 7, Variation seed strength: 0.3,
//   Seed resize from: 768x768, RNG: CPU, Version: Lightning Studio 0.2.0
// (A1111's keys; "RNG: CPU" says the noise is torch's CPU generator's, A1111's "Random number
// generator source: CPU", so A1111 reproduces it.)
// Dynamic prompts (core/request/wildcards.h) keep sd-dynamic-prompts' keys: the prompt line is
// what the image was made with, "Template" and "Negative Template" what it was resolved from
// (read back as the request's templates, so the seed resolves them again to the same prompt).
// Only this program's records are read so: another tool's templates resolved with its own
// generator, and stay unknown keys (also read from lines of their own below the settings line,
// sd-dynamic-prompts' older layout).
// The reader is lenient (A1111, Forge, ComfyUI exporters, InvokeAI's A1111 mode): multi-line
// prompts and negatives, quoted values, missing keys (defaults kept) and unknown keys, which are
// kept in order and written back. A prompt or negative that would not read back as written (a
// line starting "Negative prompt:", a CR, a text that is one JSON string itself) is written as
// one JSON string ("a\nNegative prompt: b"), and a prompt or negative that is one JSON string
// reads back unquoted; edge blanks of other prompts are trimmed.
#pragma once
#include "core/request/request.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lightning {

// A model file as recorded: display name (file stem or folder name) and short hash (the first
// 10 hex digits of its SHA-256, as A1111 records models; "" when unknown).
struct FileIdentity {
    std::string name;
    std::string hash;

    bool operator==(const FileIdentity&) const = default;
};

// What one image's PNG says: its request (batch 1, this image's seed) and where it came from.
struct ImageRecord {
    GenerationRequest request;
    FileIdentity model;                    // the base model
    FileIdentity unet;                     // the UNet checkpoint, when not the base model's own
    std::vector<FileIdentity> loras;       // one per request.loras entry, same order
    std::vector<FileIdentity> embeddings;  // one per request.embeddings entry (name = token)
    FileIdentity vae;                      // a VAE other than the model's own
    FileIdentity input_image;              // request.input.image, when it refines one
    FileIdentity mask;                     // request.input.mask, when given
    FileIdentity hires_upscaler;           // request.hires.upscaler_model, when it has one
    FileIdentity upscaler;                 // request.upscale.model, when it has one
    std::string sampler = "Euler";
    std::string version;  // "Lightning Studio 0.2.0"; empty for foreign texts
    std::vector<std::pair<std::string, std::string>> extra;  // unknown keys, in order

    bool operator==(const ImageRecord&) const = default;
};

std::string format_parameters(const ImageRecord& record);

// nullopt when the text has no settings line (at least three "Key: value" pairs, one of them
// "Steps"), i.e. is not a parameters text at all. Never throws: values it cannot read stay at
// their defaults and are kept in `extra`.
std::optional<ImageRecord> parse_parameters(const std::string& text);

// Keys of the settings line that name a request field ("Seed", "Size", ...) but whose value
// could not be read (parse_parameters keeps those in `extra`): using the record as it is would
// silently put a default in their place.
std::vector<std::string> unreadable_settings(const ImageRecord& record);

// Gives the fields of unreadable_settings() the values of `current` (the app's form: what the
// user had stays, rather than a default such as seed 0).
void keep_unreadable_settings(ImageRecord& record, const GenerationRequest& current);

// What a record (often another tool's) holds that generation here does not use, as "Key: value"
// (values over 60 characters cut): a sampler other than Euler, and every key the codec does not
// know (hires fix, denoising strength, ...), but not the unreadable ones above.
std::vector<std::string> unused_settings(const ImageRecord& record);

// "7", "1.5", "0.3333": up to 4 decimals, no trailing zeros (A1111's CFG style).
std::string format_number(double value);

// Splits "FILE:SCALE" as the CLI's --lora takes it: the scale after the last ':' when the text
// before it names a file or the part after it looks numeric. Throws lightning::Error("lora", ..)
// for a scale that is not a finite number.
LoraSpec parse_lora_argument(const std::string& text);

}  // namespace lightning
