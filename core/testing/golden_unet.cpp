#include "core/testing/golden_unet.h"

#include "core/testing/reduced_precision.h"

#include "core/io/config.h"
#include "core/io/safetensors.h"
#include "core/io/state_dict.h"
#include "core/models/unet.h"
#include "core/util/error.h"
#include "core/util/file_text.h"

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace lightning {
namespace {

at::Tensor load(const SafeTensorsFile& file, const std::string& name) {
    return file.load(name, at::kFloat);
}

// fp32: the fixtures' acceptance (atol 1e-5). fp16/bf16: the derived relative bound
// of one UNet call (core/testing/reduced_precision.h).
Comparison compare_unet_output(const std::string& name, const at::Tensor& actual,
                               const at::Tensor& expected, const GoldenOptions& options,
                               const UNet2DConditionModel& unet) {
    if (options.dtype == at::kFloat || options.dtype == at::kDouble)
        return compare_tensors(name, actual, expected, Tolerance{1e-5, 0});
    return compare_reduced(name, actual, expected, options.dtype, ReducedStage::UNetCall);
}

UNet2DConditionModel load_unet(const UNetConfig& config, const std::string& weights,
                               const GoldenOptions& options) {
    UNet2DConditionModel unet(config,
                              at::TensorOptions().device(options.device).dtype(options.dtype));
    load_state_dict(*unet, *SafeTensorsFile::open(weights));
    return unet;
}

// manifest kind "unet": one UNet call on golden/unet.safetensors inputs.
void check_unet_cases(const nlohmann::json& manifest, const std::string& golden_dir,
                      const GoldenOptions& options, const UNetConfig& config,
                      GoldenReport& report) {
    const std::string weights =
        options.fixtures_dir + "/tiny-sdxl/unet/diffusion_pytorch_model.safetensors";
    UNet2DConditionModel unet{nullptr};
    for (const auto& c : manifest.at("cases")) {
        if (c.at("kind") != "unet") continue;
        if (c.at("model") != "tiny-sdxl/unet")
            throw Error(golden_dir + "/manifest.json",
                        "unet case " + c.at("id").get<std::string>() + " uses an unknown model");
        if (!unet) unet = load_unet(config, weights, options);
        const auto file = SafeTensorsFile::open(golden_dir + "/" + c.at("file").get<std::string>());
        const auto& in = c.at("inputs");
        const auto& added = in.at("added_cond_kwargs");
        c10::InferenceMode inference;
        const auto timestep = at::scalar_tensor(in.at("timestep").get<double>(), at::kFloat);
        const auto output = unet->forward(
            load(*file, in.at("sample")), timestep, load(*file, in.at("encoder_hidden_states")),
            load(*file, added.at("text_embeds")), load(*file, added.at("time_ids")));
        const auto expected_name = c.at("expected").get<std::string>();
        report.push_back(compare_unet_output(c.at("id").get<std::string>(), output,
                                             load(*file, expected_name), options, unet));
    }
}

// Lightning pipeline cases: every recorded UNet call, grouped by UNet file so each file is
// loaded once.
void check_lightning_steps(const nlohmann::json& manifest, const std::string& golden_dir,
                           const GoldenOptions& options, const UNetConfig& config,
                           GoldenReport& report) {
    std::map<std::string, std::vector<const nlohmann::json*>> cases_by_unet;
    for (const auto& c : manifest.at("cases")) {
        if (c.at("kind") != "pipeline" || !c.contains("model")) continue;
        const auto& model = c.at("model");
        if (!model.contains("unet_weights") || model.contains("lora")) continue;
        const auto weights = model.at("unet_weights").get<std::string>();
        if (weights.rfind("tiny-lightning/", 0) != 0) continue;
        cases_by_unet[weights].push_back(&c);
    }
    for (const auto& [weights, cases] : cases_by_unet) {
        const auto unet = load_unet(config, options.fixtures_dir + "/" + weights, options);
        for (const auto* c : cases) {
            c10::InferenceMode inference;
            const auto id = c->at("id").get<std::string>();
            const auto file = SafeTensorsFile::open(
                golden_dir + "/" + c->at("files").at("tensors").get<std::string>());
            const auto prompt_embeds = load(*file, "prompt_embeds");
            const auto text_embeds = load(*file, "add_text_embeds");
            const auto time_ids = load(*file, "add_time_ids");
            const int steps = c->at("inputs").at("num_inference_steps").get<int>();
            for (int i = 0; i < steps; ++i) {
                const std::string step = "step" + std::to_string(i);
                const auto output = unet->forward(load(*file, step + ".unet_input"),
                                                  load(*file, step + ".timestep"), prompt_embeds,
                                                  text_embeds, time_ids);
                report.push_back(compare_unet_output(id + ": " + step + ".unet_output", output,
                                                     load(*file, step + ".unet_output"), options,
                                                     unet));
            }
        }
    }
}

}  // namespace

GoldenReport check_unet_goldens(const GoldenOptions& options) {
    const std::string golden_dir = options.fixtures_dir + "/golden";
    const auto manifest = read_json_file(golden_dir + "/manifest.json", "the golden manifest");
    const auto config = read_unet_config(options.fixtures_dir + "/tiny-sdxl/unet/config.json");
    GoldenReport report;
    check_unet_cases(manifest, golden_dir, options, config, report);
    check_lightning_steps(manifest, golden_dir, options, config, report);
    return report;
}

}  // namespace lightning
