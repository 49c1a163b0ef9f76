#include "core/testing/golden_pipeline.h"

#include "core/testing/reduced_precision.h"

#include "core/io/config.h"
#include "core/io/safetensors.h"
#include "core/request/request_json.h"
#include "core/util/error.h"
#include "core/util/file_text.h"
#include "core/util/log.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace lightning {
namespace {

using Json = nlohmann::json;

Comparison failure(const std::string& message) {
    Comparison c;
    c.ok = false;
    c.message = message;
    return c;
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The golden tensor kind: "step3.pred_x0" -> "pred_x0".
std::string tensor_kind(const std::string& name) {
    const auto dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(dot + 1);
}

bool is_reduced(c10::ScalarType dtype) {
    return dtype == torch::kHalf || dtype == torch::kBFloat16;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Pipeline cases

namespace {

// The request fields of a manifest entry under their diffusers names ("inputs", the "model"'s
// UNet file and LoRA, the "scheduler"), as the request's JSON form spells them. Paths are made
// absolute here (models are relative to `fixtures_dir`).
Json request_object(const Json& entry, const std::string& fixtures_dir) {
    auto model_path = [&](const std::string& relative) { return fixtures_dir + "/" + relative; };
    const auto& inputs = entry.at("inputs");
    Json object = {{"prompt", inputs.at("prompt")},
                   {"negative_prompt", inputs.value("negative_prompt", Json())},
                   {"width", inputs.at("width")},
                   {"height", inputs.at("height")},
                   {"steps", inputs.at("num_inference_steps")},
                   {"guidance", inputs.at("guidance_scale")},
                   {"seed", inputs.at("seed")},
                   {"batch", inputs.value("num_images_per_prompt", Json(1))}};
    const auto& model = entry.at("model");
    // "unet_weights" names a state-dict file, or the pipeline's own UNet folder.
    if (model.contains("unet_weights")) {
        const auto weights = model.at("unet_weights").get<std::string>();
        if (ends_with(weights, ".safetensors")) object["unet_file"] = model_path(weights);
    }
    if (model.contains("lora"))
        object["loras"] = {{{"path", model_path(model.at("lora").get<std::string>())},
                            {"scale", model.value("lora_scale", Json(1.0))}}};
    const Json scheduler = entry.value("scheduler", Json::object());
    if (scheduler.contains("prediction_type"))
        object["prediction"] = scheduler.at("prediction_type");
    if (scheduler.contains("timestep_spacing"))
        object["timestep_spacing"] = scheduler.at("timestep_spacing");
    return object;
}

// One refine flag of cli_extra (--init-image FILE, --strength S, --fit M, --mask FILE,
// --mask-blur N, --outpaint L,T,R,B, --unet FILE for an inpainting UNet) into `object`; files are
// relative to `golden_dir`, and `value` becomes the absolute path. False for a flag that is none of
// these.
bool read_refine_flag(const std::string& flag, std::string& value, const std::string& golden_dir,
                      Json& object) {
    if (flag == "--init-image" || flag == "--mask" || flag == "--unet") {
        value = golden_dir + "/" + value;
        object[flag == "--mask" ? "mask" : flag == "--unet" ? "unet_file" : "init_image"] = value;
    } else if (flag == "--strength") {
        object["strength"] = std::stod(value);
    } else if (flag == "--fit") {
        object["fit"] = value;
    } else if (flag == "--mask-blur") {
        object["mask_blur"] = std::stoi(value);
    } else if (flag == "--outpaint") {
        Json sides = Json::array();
        std::stringstream items(value);
        for (std::string item; std::getline(items, item, ',');) sides.push_back(std::stoi(item));
        object["outpaint"] = sides;
    } else {
        return false;
    }
    return true;
}

// cli_extra (--prompt-syntax S, --embedding FILE[:TOKEN], --vae FILE, --vae-tiling M, the refine
// flags, the switch --keep-unmasked): the request's keys into `object`, the VAE into c.vae, and
// the arguments with absolute paths into c.cli_extra. Files are relative to `golden_dir`.
void read_cli_extra(const Json& entry, const std::string& golden_dir, const std::string& where,
                    Json& object, PipelineCase& c) {
    if (!entry.contains("cli_extra")) return;
    const auto extra = entry.at("cli_extra").get<std::vector<std::string>>();
    for (size_t i = 0; i < extra.size(); ++i) {
        const auto& flag = extra[i];
        c.cli_extra.push_back(flag);
        if (flag == "--keep-unmasked") {
            object["keep_unmasked"] = true;
            continue;
        }
        if (i + 1 >= extra.size()) throw Error(where + ".cli_extra", flag + " has no value");
        std::string value = extra[++i];
        if (flag == "--prompt-syntax") {
            object["prompt_syntax"] = value;
        } else if (flag == "--embedding") {
            const auto colon = value.find(':');
            const std::string path = golden_dir + "/" + value.substr(0, colon);
            const std::string token = colon == std::string::npos ? "" : value.substr(colon + 1);
            object["embeddings"].push_back({{"path", path}, {"token", token}});
            value = path + (colon == std::string::npos ? "" : ":" + token);
        } else if (flag == "--vae") {
            value = c.vae = golden_dir + "/" + value;
        } else if (flag == "--vae-tiling") {
            object["vae_tiling"] = value;
        } else if (!read_refine_flag(flag, value, golden_dir, object)) {
            throw Error(where + ".cli_extra", "unknown flag " + flag);
        }
        c.cli_extra.push_back(value);
    }
}

// One manifest entry of kind "pipeline"; `golden_dir` holds its files, models are relative to
// `fixtures_dir`.
PipelineCase read_case(const Json& entry, const std::string& fixtures_dir,
                       const std::string& golden_dir, const std::string& manifest_path) {
    auto model_path = [&](const std::string& relative) { return fixtures_dir + "/" + relative; };
    PipelineCase c;
    c.id = entry.at("id").get<std::string>();
    const std::string where = manifest_path + ": " + c.id;
    Json object = request_object(entry, fixtures_dir);
    read_cli_extra(entry, golden_dir, where, object, c);
    GenerationRequest defaults;
    defaults.prompt_syntax = PromptSyntax::None;  // diffusers' encode_prompt
    defaults.vae_tiling = VaeTiling::Off;         // diffusers decodes untiled unless told
    defaults.record_trace = true;
    try {
        c.request = request_from_json(object, defaults);
    } catch (const Error& e) {
        throw Error(where + "." + e.where(), e.message());
    }

    const auto& model = entry.at("model");
    if (model.contains("single_file")) {
        c.paths.base = model_path(model.at("single_file").get<std::string>());
        c.paths.config_dir = model_path(model.at("config").get<std::string>());
    } else {
        c.paths.base = model_path(model.at("pipeline").get<std::string>());
    }
    const auto& files = entry.at("files");
    c.tensors_file = golden_dir + "/" + files.at("tensors").get<std::string>();
    if (files.contains("png")) c.png_file = golden_dir + "/" + files.at("png").get<std::string>();
    return c;
}

std::vector<PipelineCase> read_cases(const std::string& manifest_path, const Json& entries,
                                     const std::string& fixtures_dir, const std::string& golden_dir,
                                     bool prompt_tolerances) {
    std::vector<PipelineCase> cases;
    try {
        for (const auto& entry : entries) {
            if (entry.value("kind", "") != "pipeline") continue;
            cases.push_back(read_case(entry, fixtures_dir, golden_dir, manifest_path));
            cases.back().prompt_tolerances = prompt_tolerances;
        }
    } catch (const nlohmann::json::exception& e) {
        throw Error(manifest_path, std::string("unexpected pipeline case layout: ") + e.what());
    }
    return cases;
}

}  // namespace

std::vector<PipelineCase> read_pipeline_cases(const std::string& fixtures_dir) {
    const std::string manifest_path = fixtures_dir + "/golden/manifest.json";
    const auto manifest = read_json_file(manifest_path);
    return read_cases(manifest_path, manifest.at("cases"), fixtures_dir, fixtures_dir + "/golden",
                      false);
}

std::vector<PipelineCase> read_prompt_pipeline_cases(const std::string& fixtures_dir) {
    const std::string dir = fixtures_dir + "/golden-prompts";
    const auto manifest = read_json_file(dir + "/manifest.json");
    return read_cases(dir + "/manifest.json", manifest.at("cases"), fixtures_dir, dir, true);
}

std::vector<PipelineCase> read_generated_pipeline_cases(const std::string& json_file,
                                                        const std::string& fixtures_dir) {
    const auto doc = read_json_file(json_file);
    const std::string dir = std::filesystem::path(json_file).parent_path().string();
    Json entries = Json::array();
    if (doc.contains("pipeline_cases")) entries = doc.at("pipeline_cases");
    if (doc.contains("pipeline_case")) entries.push_back(doc.at("pipeline_case"));
    return read_cases(json_file, entries, fixtures_dir, dir, true);
}

std::vector<PipelineCase> read_manifest_pipeline_cases(const std::string& manifest_path,
                                                       const std::string& fixtures_dir) {
    const auto manifest = read_json_file(manifest_path);
    const std::string dir = std::filesystem::path(manifest_path).parent_path().string();
    return read_cases(manifest_path, manifest.at("cases"), fixtures_dir, dir, false);
}

EngineOptions engine_options_for(const PipelineCase& c, const GoldenOptions& options) {
    EngineOptions load;
    load.models = c.paths;
    load.preview = PreviewMode::Off;
    load.device = options.device.str();
    load.precision = options.dtype == torch::kHalf       ? Precision::FP16
                     : options.dtype == torch::kBFloat16 ? Precision::BF16
                                                         : Precision::FP32;
    load.vae = c.vae;
    load.read_image = options.read_image;
    return load;
}

Tolerance pipeline_tolerance(const std::string& name, bool prompt_tolerances) {
    const std::string kind = tensor_kind(name);
    // Exact by construction: ids, scheduler values, the seeded noise, the conditioning sizes,
    // the per-token weights.
    static const std::set<std::string> exact = {"input_ids",
                                                "input_ids_2",
                                                "negative_input_ids",
                                                "negative_input_ids_2",
                                                "timesteps",
                                                "sigmas",
                                                "init_noise_sigma",
                                                "timestep",
                                                "noise",
                                                "latents_init",
                                                "add_time_ids",
                                                "pooled_input_ids_2",
                                                "init_image",
                                                "mask_image",
                                                "mask",
                                                "image_posterior_noise",
                                                "masked_image_posterior_noise",
                                                "timesteps_kept",
                                                "token_weights",
                                                "negative_token_weights",
                                                "negative_pooled_input_ids_2"};
    if (exact.count(kind)) return {0, 0};
    if (prompt_tolerances) {  // golden-prompts/README.md's replay tolerances
        if (kind == "prompt_embeds" || kind == "add_text_embeds") return {1e-4, 0};
        if (kind == "image") return {5e-4, 0};
        if (kind == "vae_input") return {1e-3 / 0.13025, 0};
        return {1e-3, 0};  // latents, pred_x0, final_latents, UNet in/outputs, vae_decoded
    }
    // The fixtures README's acceptance for fp32.
    if (kind == "prompt_embeds" || kind == "add_text_embeds") return {1e-5, 0};
    if (kind == "unet_output" || kind == "model_output") return {1e-5, 0};
    if (kind == "vae_input")  // final_latents / scaling_factor: the latents' tolerance, scaled
        return {1e-4 / 0.13025, 1e-5};
    if (kind == "vae_decoded" || kind == "image") return {1e-4, 0};
    return {1e-4, 1e-5};  // unet_input, pred_x0, latents, final_latents
}

namespace {

// The stage of a whole run that a golden tensor comes out of, for its reduced-precision bound
// (core/testing/reduced_precision.h).
ReducedStage reduced_stage_of(const std::string& name) {
    const std::string kind = tensor_kind(name);
    if (kind == "prompt_embeds" || kind == "add_text_embeds") return ReducedStage::TextEncoder;
    if (kind == "unet_output" || kind == "model_output") return ReducedStage::PipelineUNet;
    if (kind == "vae_decoded") return ReducedStage::PipelineDecoded;
    if (kind == "image" || kind == "image_uint8") return ReducedStage::PipelineImage;
    return ReducedStage::PipelineLatents;  // latents, pred_x0, unet_input, final_latents, vae_input
}

// diffusers' inpainting pipeline encodes the masked image even for a 4-channel UNet, which never
// sees it; the engine skips that VAE pass, so those goldens have nothing to compare with.
bool unused_by_the_reference(const std::string& name, const SafeTensorsFile& golden) {
    const std::string kind = tensor_kind(name);
    if (kind != "masked_image_latents" && kind != "masked_image_posterior_noise") return false;
    const auto names = golden.names();
    if (std::find(names.begin(), names.end(), "step0.unet_input") == names.end()) return false;
    return golden.load("step0.unet_input").size(1) == 4;
}

}  // namespace

Comparison compare_uint8_images(const std::string& name, const at::Tensor& actual,
                                const at::Tensor& expected, int max_levels, double max_fraction) {
    Comparison c;
    if (!actual.defined() || !expected.defined()) return failure(name + ": tensor missing");
    if (actual.sizes() != expected.sizes()) {
        std::ostringstream out;
        out << name << ": shape " << actual.sizes() << " != expected " << expected.sizes();
        return failure(out.str());
    }
    // Pixels only: a float image would be truncated to whole levels and could pass.
    if (actual.scalar_type() != torch::kUInt8 || expected.scalar_type() != torch::kUInt8)
        return failure(name + ": expected uint8 pixels, got " +
                       std::string(c10::toString(actual.scalar_type())) + " and " +
                       c10::toString(expected.scalar_type()));
    const auto diff =
        (actual.to(torch::kCPU, torch::kInt) - expected.to(torch::kCPU, torch::kInt)).abs();
    const int64_t worst = diff.numel() ? diff.max().item<int64_t>() : 0;
    const int64_t differing = diff.gt(0).sum().item<int64_t>();
    const double fraction = diff.numel() ? double(differing) / double(diff.numel()) : 0.0;
    c.max_abs = static_cast<double>(worst);
    c.max_allowed = max_levels;
    c.ok = worst <= max_levels && fraction <= max_fraction;
    char buffer[256];
    std::snprintf(buffer, sizeof buffer,
                  "%s: max %lld level(s), %lld of %lld values differ (%.4f %%; allowed %d level(s) "
                  "on <= %.3f %%)%s",
                  name.c_str(), static_cast<long long>(worst), static_cast<long long>(differing),
                  static_cast<long long>(diff.numel()), 100.0 * fraction, max_levels,
                  100.0 * max_fraction, c.ok ? "" : " EXCEEDS tolerance");
    c.message = buffer;
    return c;
}

at::Tensor image8_to_tensor(const Image8& image) {
    if (image.rgb.size() != size_t(image.width) * image.height * 3)
        throw Error("image", "pixel buffer does not match its size");
    return torch::from_blob(const_cast<uint8_t*>(image.rgb.data()),
                            {1, image.height, image.width, 3}, torch::kUInt8)
        .clone();
}

GoldenReport compare_pipeline_tensors(const PipelineCase& c,
                                      const std::vector<std::pair<std::string, at::Tensor>>& actual,
                                      const GoldenOptions& options, bool require_all) {
    GoldenReport report;
    const auto golden = SafeTensorsFile::open(c.tensors_file);
    const bool reduced = is_reduced(options.dtype);
    std::map<std::string, at::Tensor> by_name(actual.begin(), actual.end());
    for (const auto& name : golden->names()) {
        const std::string label = c.id + "." + name;
        const auto found = by_name.find(name);
        if (found == by_name.end()) {
            if (require_all && !unused_by_the_reference(name, *golden))
                report.push_back(failure(label + ": not produced"));
            continue;
        }
        const auto expected = golden->load(name);
        auto exact = pipeline_tolerance(name, c.prompt_tolerances);
        // A refine run starts from the encoded input plus noise, not from the noise alone.
        if (c.request.refines() && tensor_kind(name) == "latents_init")
            exact = pipeline_tolerance("latents", c.prompt_tolerances);
        if (reduced && !(exact.atol == 0 && exact.rtol == 0)) {
            report.push_back(compare_reduced(label, found->second, expected, options.dtype,
                                             reduced_stage_of(name)));
            continue;
        }
        if (name == "image_uint8") {
            report.push_back(compare_uint8_images(label, found->second, expected, 1, 0.001));
            continue;
        }
        report.push_back(compare_tensors(label, found->second, expected, exact));
    }
    return report;
}

namespace {

GoldenReport check_cases(const GoldenOptions& options,
                         const std::function<std::vector<PipelineCase>()>& read) {
    GoldenReport report;
    std::vector<PipelineCase> cases;
    try {
        cases = read();
    } catch (const std::exception& e) {
        report.push_back(failure(std::string("pipeline cases: ") + e.what()));
        return report;
    }
    if (cases.empty()) report.push_back(failure("pipeline: the manifest lists no pipeline case"));
    // One engine per model layout, reused across its cases (UNet/LoRA switch in between).
    std::map<std::tuple<std::string, std::string, std::string>, std::unique_ptr<Engine>> engines;
    for (const auto& c : cases) {
        const auto start = std::chrono::steady_clock::now();
        try {
            auto& engine = engines[{c.paths.base, c.paths.config_dir, c.vae}];
            if (!engine) engine = Engine::load(engine_options_for(c, options));
            const auto result = engine->generate(c.request).run;
            auto tensors = result.trace;
            if (!result.images.empty())
                tensors.emplace_back("image_uint8", image8_to_tensor(result.images[0].pixels));
            auto case_report = compare_pipeline_tensors(c, tensors, options, /*require_all=*/true);
            Comparison summary;
            summary.ok = all_ok(case_report);
            char buffer[160];
            std::snprintf(buffer, sizeof buffer, "%s: %zu tensors %s (%.2f s)", c.id.c_str(),
                          case_report.size(), summary.ok ? "match" : "DIFFER",
                          seconds_since(start));
            summary.message = buffer;
            report.insert(report.end(), case_report.begin(), case_report.end());
            report.push_back(summary);
        } catch (const std::exception& e) {
            report.push_back(failure(c.id + ": " + e.what()));
        }
    }
    return report;
}

}  // namespace

GoldenReport check_pipeline_goldens(const GoldenOptions& options) {
    return check_cases(options, [&] { return read_pipeline_cases(options.fixtures_dir); });
}

GoldenReport check_manifest_pipeline_goldens(const GoldenOptions& options,
                                             const std::string& manifest_path) {
    return check_cases(
        options, [&] { return read_manifest_pipeline_cases(manifest_path, options.fixtures_dir); });
}

GoldenReport check_prompt_pipeline_goldens(const GoldenOptions& options) {
    return check_cases(options, [&] { return read_prompt_pipeline_cases(options.fixtures_dir); });
}

}  // namespace lightning
