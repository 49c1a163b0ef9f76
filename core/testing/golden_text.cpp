#include "core/testing/golden_text.h"

#include "core/io/config.h"
#include "core/io/safetensors.h"
#include "core/testing/reduced_precision.h"
#include "core/text/clip_text_model.h"

#include <regex>

namespace lightning {
namespace {

constexpr Tolerance kTextTolerance{1e-5, 0};

ClipTextModel load_tiny_encoder(const std::string& folder, const GoldenOptions& options) {
    ClipTextModel model(read_clip_text_config(folder + "/config.json"));
    // Loaded in fp32 first: the fp16 file values are exact there, and the cast to the target
    // dtype then rounds once, like transformers' .to(dtype).
    load_clip_text_model(model, *SafeTensorsFile::open(folder + "/model.safetensors"));
    model->to(options.device, options.dtype);
    model->eval();
    return model;
}

// The golden prompts "pN", in file order, found through their "pN.input_ids" tensors.
std::vector<std::string> golden_prompts(const SafeTensorsFile& golden) {
    static const std::regex ids_name(R"((p\d+)\.input_ids)");
    std::vector<std::string> prompts;
    for (const auto& name : golden.names()) {
        std::smatch match;
        if (std::regex_match(name, match, ids_name)) prompts.push_back(match[1]);
    }
    return prompts;
}

class TextGoldenChecker {
public:
    TextGoldenChecker(const GoldenOptions& options, GoldenReport& report)
        : dtype_(options.dtype),
          report_(report),
          te1_(load_tiny_encoder(options.fixtures_dir + "/tiny-sdxl/text_encoder", options)),
          te2_(load_tiny_encoder(options.fixtures_dir + "/tiny-sdxl/text_encoder_2", options)),
          golden_(
              SafeTensorsFile::open(options.fixtures_dir + "/golden/text_encoders.safetensors")) {}

    void run() {
        for (const auto& prompt : golden_prompts(*golden_)) check_prompt(prompt);
    }

private:
    at::Tensor expected(const std::string& name) const { return golden_->load(name); }

    // fp32: the fixtures' acceptance. fp16/bf16: the text encoders' relative bound
    // (core/testing/reduced_precision.h).
    void close(const std::string& name, const at::Tensor& actual) {
        if (dtype_ == at::kFloat || dtype_ == at::kDouble) {
            report_.push_back(compare_tensors(name, actual, expected(name), kTextTolerance));
            return;
        }
        report_.push_back(
            compare_reduced(name, actual, expected(name), dtype_, ReducedStage::TextEncoder));
    }
    void exact(const std::string& name, const at::Tensor& actual) {
        report_.push_back(compare_exact(name, actual, expected(name)));
    }

    void check_prompt(const std::string& p) {
        const auto ids1 = expected(p + ".input_ids");
        const auto ids2 = expected(p + ".input_ids_2");

        // Everything transformers returns with output_hidden_states=True.
        const auto full1 = te1_->forward(ids1);
        const auto full2 = te2_->forward(ids2);
        close(p + ".te1.hidden_states_m2", full1.hidden_state(-2));
        close(p + ".te2.hidden_states_m2", full2.hidden_state(-2));
        close(p + ".te1.last_hidden_state", full1.last_hidden_state);
        close(p + ".te2.last_hidden_state", full2.last_hidden_state);
        close(p + ".te1.pooler_output", full1.pooled_output);
        close(p + ".te2.text_embeds", full2.text_embeds);
        exact(p + ".te1.pooled_index", full1.pooled_index);
        exact(p + ".te2.pooled_index", full2.pooled_index);

        // What the SDXL pipeline computes: no final layer of te1 at all, te2's final layer
        // only at the pooled token.
        const ClipTextRequest penultimate{.layers = te1_->config().num_hidden_layers - 1,
                                          .pooled = false};
        const ClipTextRequest penultimate_pooled{.layers = te2_->config().num_hidden_layers - 1,
                                                 .pooled = true};
        const auto fast1 = te1_->forward(ids1, penultimate);
        const auto fast2 = te2_->forward(ids2, penultimate_pooled);
        close(p + ".prompt_embeds", at::cat({fast1.hidden_state(-2), fast2.hidden_state(-2)}, -1));
        close(p + ".pooled_prompt_embeds", fast2.text_embeds);
    }

    c10::ScalarType dtype_;
    GoldenReport& report_;
    ClipTextModel te1_;
    ClipTextModel te2_;
    std::shared_ptr<SafeTensorsFile> golden_;
};

}  // namespace

GoldenReport check_text_encoder_goldens(const GoldenOptions& options) {
    GoldenReport report;
    torch::NoGradGuard no_grad;
    TextGoldenChecker(options, report).run();
    return report;
}

}  // namespace lightning
