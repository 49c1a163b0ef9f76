// Golden checks of the scheduler and of whole text-to-image runs (golden/manifest.json, kind
// "pipeline"), driven only through the public Pipeline API. Shared by tests/core/test_pipeline,
// tests/core/test_cli and `lightning verify`.
#pragma once
#include "core/engine/engine.h"
#include "core/testing/golden.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lightning {

// scheduler.json + scheduler.safetensors: timesteps, sigmas, init_noise_sigma, input divisors,
// betas and alphas_cumprod, all exact in float32.
GoldenReport check_scheduler_goldens(const GoldenOptions& options);

// Every pipeline case of the manifest through the public Pipeline API (one Pipeline per model
// layout, reused across cases the way the app reuses it).
GoldenReport check_pipeline_goldens(const GoldenOptions& options);

// One pipeline case of the manifest, read generically from its entry (no id is special).
struct PipelineCase {
    std::string id;
    // What the case generates, read with the request's JSON codec (core/request/request_json.h)
    // from the manifest's diffusers names; file paths absolute. The diffusers-reference cases of
    // golden/ take their prompts literally (prompt syntax none) and decode untiled; record_trace
    // is on, so that a run's trace holds the tensors the goldens name.
    GenerationRequest request;
    ModelLocations paths;      // absolute paths: diffusers folder, or single file + config folder
    std::string tensors_file;  // absolute path of the golden safetensors
    std::string png_file;      // absolute path of the golden PNG ("" when none)
    std::string vae;           // absolute path, "" = the model's
    // The case's extra `lightning generate` arguments with absolute paths (from cli_extra:
    // prompt syntax, embeddings, VAE, tiling; golden-prompts/ and tests/data/prompt_goldens/).
    std::vector<std::string> cli_extra;
    // Compared at the prompt goldens' replay tolerances (golden-prompts/README.md): embeddings
    // 1e-4, latents 1e-3, image 5e-4.
    bool prompt_tolerances = false;
};

// All cases of kind "pipeline". Throws lightning::Error naming the manifest and key.
std::vector<PipelineCase> read_pipeline_cases(const std::string& fixtures_dir);

// golden-prompts/manifest.json: compel and textual-inversion cases (with cli_extra).
std::vector<PipelineCase> read_prompt_pipeline_cases(const std::string& fixtures_dir);

// Pipeline cases of a generated golden file (tests/data/prompt_goldens: a1111_text.json's
// "pipeline_cases", vae/vae_goldens.json's "pipeline_case"); tensors and cli_extra files are
// relative to the JSON file's folder, models to fixtures_dir.
std::vector<PipelineCase> read_generated_pipeline_cases(const std::string& json_file,
                                                        const std::string& fixtures_dir);

// The pipeline cases of another manifest with golden/'s schema ("cases", kind "pipeline";
// files and cli_extra relative to the manifest's folder, models to fixtures_dir), such as
// tests/data/refine/manifest.json (img2img, inpainting, outpainting), at the fixtures' fp32
// acceptance.
std::vector<PipelineCase> read_manifest_pipeline_cases(const std::string& manifest_path,
                                                       const std::string& fixtures_dir);
GoldenReport check_manifest_pipeline_goldens(const GoldenOptions& options,
                                             const std::string& manifest_path);

// The prompt-feature cases of golden-prompts/ through the public API.
GoldenReport check_prompt_pipeline_goldens(const GoldenOptions& options);

EngineOptions engine_options_for(const PipelineCase& c, const GoldenOptions& options);

// fp32 tolerance for one golden tensor name (the fixtures README's acceptance; {0, 0} = exact).
// fp16/bf16 runs compare the inexact tensors by the derived relative bound instead
// (core/testing/reduced_precision.h).
Tolerance pipeline_tolerance(const std::string& name, bool prompt_tolerances = false);

// Compares tensors named like the goldens (trace or CLI dump) with the case's golden file.
// Every golden tensor present in `actual` is compared; with `require_all`, a golden tensor
// missing from `actual` is a failure too. `image_uint8` is held to "at most 1 level on at most
// 0.1 % of values" (fp32).
GoldenReport compare_pipeline_tensors(const PipelineCase& c,
                                      const std::vector<std::pair<std::string, at::Tensor>>& actual,
                                      const GoldenOptions& options, bool require_all);

// uint8 images: ok when no value differs by more than `max_levels` and at most `max_fraction`
// of the values differ at all.
Comparison compare_uint8_images(const std::string& name, const at::Tensor& actual,
                                const at::Tensor& expected, int max_levels, double max_fraction);

// Image8 as a 1 x H x W x 3 uint8 tensor (the layout of the golden `image_uint8`).
at::Tensor image8_to_tensor(const Image8& image);

}  // namespace lightning
