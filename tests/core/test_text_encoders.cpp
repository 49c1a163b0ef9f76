// CLIP text encoders: golden outputs, strict loading, request semantics and input checks.
#include "core/io/config.h"
#include "core/io/safetensors.h"
#include "core/testing/golden_text.h"
#include "core/text/clip_text_model.h"
#include "core/util/error.h"
#include "support/errors.h"
#include "support/fixtures.h"

#include <torch/torch.h>

#include <algorithm>
#include <set>

using namespace lightning;
using lightning::testing::error_of;

namespace {

std::string tiny(const std::string& component) {
    return testing::fixtures_dir() + "/tiny-sdxl/" + component;
}

ClipTextModel load_tiny(const std::string& component) {
    ClipTextModel model(read_clip_text_config(tiny(component) + "/config.json"));
    load_clip_text_model(model, *SafeTensorsFile::open(tiny(component) + "/model.safetensors"));
    return model;
}

// The model's own parameters as an in-memory source, keys prefixed.
std::vector<std::pair<std::string, at::Tensor>> own_tensors(const ClipTextModel& model,
                                                            const std::string& prefix = {}) {
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& item : model->named_parameters())
        tensors.emplace_back(prefix + item.key(), item.value().detach().clone());
    return tensors;
}

at::Tensor golden(const std::string& name) {
    static auto file = SafeTensorsFile::open(testing::golden_dir() + "/text_encoders.safetensors");
    return file->load(name);
}

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

ClipTextConfig tiny_config() {
    ClipTextConfig config;
    config.hidden_size = 16;
    config.intermediate_size = 32;
    config.num_attention_heads = 2;
    config.num_hidden_layers = 2;
    config.vocab_size = 100;
    config.max_position_embeddings = 8;
    return config;
}

}  // namespace

class TestTextEncoders : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { at::set_num_threads(2); }

    void goldens_fp32() {
        GoldenOptions options;
        options.fixtures_dir = testing::fixtures_dir();
        const auto report = check_text_encoder_goldens(options);
        QCOMPARE(report.size(), size_t{4 * 10});  // 4 prompts x 10 tensors
        double worst = 0;
        for (const auto& c : report) {
            qInfo("%s", c.message.c_str());
            QVERIFY2(c.ok, c.message.c_str());
            worst = std::max(worst, c.max_abs);
        }
        qInfo("worst max |diff| over all text-encoder goldens: %g (atol 1e-5)", worst);
    }

    // bf16 runs the same checks against the bound derived from bf16's precision and each
    // encoder's arithmetic (core/testing/reduced_precision.h); the ids stay exact.
    void goldens_bf16_within_derived_bound() {
        GoldenOptions options;
        options.fixtures_dir = testing::fixtures_dir();
        options.dtype = at::kBFloat16;
        const auto report = check_text_encoder_goldens(options);
        QCOMPARE(report.size(), size_t{4 * 10});
        double worst = 0;
        for (const auto& c : report) {
            QVERIFY2(c.ok, c.message.c_str());
            worst = std::max(worst, c.rel_rms);
        }
        qInfo("bf16: worst relative rms %g", worst);
    }

    void parameter_names_equal_checkpoint_keys() {
        for (const char* component : {"text_encoder", "text_encoder_2"}) {
            const auto file = SafeTensorsFile::open(tiny(component) + "/model.safetensors");
            ClipTextModel model(read_clip_text_config(tiny(component) + "/config.json"));
            std::set<std::string> names;
            for (const auto& item : model->named_parameters()) names.insert(item.key());
            QVERIFY(model->named_buffers().is_empty());
            const auto keys = file->names();
            QCOMPARE(names, std::set<std::string>(keys.begin(), keys.end()));
        }
    }

    void parameter_counts() {
        // The fixtures README's counts, built and analytic.
        const std::pair<const char*, int64_t> expected[] = {{"text_encoder", 1609216},
                                                            {"text_encoder_2", 2453520}};
        for (const auto& [component, count] : expected) {
            const auto config = read_clip_text_config(tiny(component) + "/config.json");
            ClipTextModel model(config);
            int64_t built = 0;
            for (const auto& p : model->parameters()) built += p.numel();
            QCOMPARE(built, count);
            QCOMPARE(clip_text_parameter_count(config), count);
        }
        // Real SDXL: CLIP ViT-L/14 text model and OpenCLIP bigG with projection, analytic only
        // (bigG would take 2.8 GB in fp32).
        const auto real = testing::configs_dir() + "/sdxl-base/";
        const auto clip_l = read_clip_text_config(real + "text_encoder/config.json");
        const auto clip_g = read_clip_text_config(real + "text_encoder_2/config.json");
        QVERIFY(!clip_l.with_projection);
        ClipTextModel clip_l_model(clip_l);  // uninitialised: nothing is written to its memory
        int64_t clip_l_built = 0;
        for (const auto& p : clip_l_model->parameters()) clip_l_built += p.numel();
        QCOMPARE(clip_l_built, int64_t{123060480});
        QVERIFY(clip_g.with_projection);
        QCOMPARE(clip_text_parameter_count(clip_l), int64_t{123060480});
        QCOMPARE(clip_text_parameter_count(clip_g), int64_t{694659840});
    }

    void strict_loading_names_the_key() {
        auto model = load_tiny("text_encoder");
        const auto before = model->text_model->final_layer_norm->weight.clone();
        const std::string key = "text_model.encoder.layers.1.mlp.fc1.weight";

        auto missing = own_tensors(model);
        std::erase_if(missing, [&](const auto& entry) { return entry.first == key; });
        const auto missing_error = error_of(
            [&] { load_clip_text_model(model, TensorMapSource(missing, "missing.safetensors")); });

        auto unexpected = own_tensors(model);
        const std::string extra = "text_model.encoder.layers.7.mlp.fc1.weight";
        unexpected.emplace_back(extra, torch::zeros({64, 32}));
        const auto unexpected_error = error_of([&] {
            load_clip_text_model(model, TensorMapSource(unexpected, "unexpected.safetensors"));
        });

        auto mis_shaped = own_tensors(model);
        for (auto& [name, tensor] : mis_shaped)
            if (name == key) tensor = torch::zeros({32, 64});
        const auto mis_shaped_error = error_of([&] {
            load_clip_text_model(model, TensorMapSource(mis_shaped, "misshaped.safetensors"));
        });

        qInfo("missing: %s", missing_error.c_str());
        qInfo("unexpected: %s", unexpected_error.c_str());
        qInfo("mis-shaped: %s", mis_shaped_error.c_str());
        QVERIFY(missing_error.find(key) != std::string::npos);
        QVERIFY(missing_error.find("missing") != std::string::npos);
        QVERIFY(missing_error.find("missing.safetensors") != std::string::npos);
        QVERIFY(unexpected_error.find(extra) != std::string::npos);
        QVERIFY(unexpected_error.find("unexpected") != std::string::npos);
        QVERIFY(mis_shaped_error.find(key) != std::string::npos);
        QVERIFY(mis_shaped_error.find("[32, 64]") != std::string::npos);
        QVERIFY(missing_error != unexpected_error && unexpected_error != mis_shaped_error &&
                missing_error != mis_shaped_error);
        // A rejected file leaves the weights as they were.
        QVERIFY(torch::equal(model->text_model->final_layer_norm->weight, before));
    }

    // Older checkpoints carry the constant position_ids buffer, sometimes corrupted (float,
    // shifted). It is accepted and ignored like transformers does, also under a prefix.
    void position_ids_accepted_and_ignored() {
        auto reference = load_tiny("text_encoder");
        const auto ids = golden("p0.input_ids");
        const auto expected = reference->forward(ids).last_hidden_state;

        const std::string prefix = "conditioner.embedders.0.transformer.";
        for (const auto& position_ids : {torch::arange(77, torch::kLong).unsqueeze(0),
                                         (torch::arange(77, torch::kFloat) + 0.4f).unsqueeze(0)}) {
            for (const std::string& p : {std::string(), prefix}) {
                auto tensors = own_tensors(reference, p);
                tensors.emplace_back(p + kClipPositionIdsKey, position_ids);
                ClipTextModel model(reference->config());
                load_clip_text_model(model, TensorMapSource(tensors), p);
                QVERIFY(torch::equal(model->forward(ids).last_hidden_state, expected));
            }
        }
        // Under a prefix, a bare position_ids of another component is not ours to ignore.
        auto tensors = own_tensors(reference, prefix);
        tensors.emplace_back(std::string(prefix) + "other." + kClipPositionIdsKey,
                             torch::arange(77).unsqueeze(0));
        ClipTextModel model(reference->config());
        QVERIFY(!error_of([&] {
                     load_clip_text_model(model, TensorMapSource(tensors), prefix);
                 }).empty());
    }

    void partial_requests_match_the_full_pass() {
        auto te2 = load_tiny("text_encoder_2");
        const int layers = te2->config().num_hidden_layers;
        // Two rows with different pooled positions exercise the per-row last layer.
        const auto ids = torch::cat(
            {golden("p0.input_ids_2"), golden("p1.input_ids_2"), golden("p3.input_ids_2")});
        const auto full = te2->forward(ids);
        QCOMPARE(full.hidden_states.size(), size_t(layers + 1));

        const auto fast = te2->forward(ids, {.layers = layers - 1, .pooled = true});
        QCOMPARE(fast.hidden_states.size(), size_t(layers));
        QVERIFY(!fast.last_hidden_state.defined());
        QVERIFY(torch::equal(fast.hidden_state(-2), full.hidden_state(-2)));
        QVERIFY(torch::equal(fast.pooled_index, full.pooled_index));
        qInfo("pooled-token-only last layer vs full: text_embeds %g, pooled %g",
              max_abs_diff(fast.text_embeds, full.text_embeds),
              max_abs_diff(fast.pooled_output, full.pooled_output));
        QVERIFY(max_abs_diff(fast.text_embeds, full.text_embeds) < 1e-6);
        QVERIFY(max_abs_diff(fast.pooled_output, full.pooled_output) < 1e-6);
        QVERIFY(!error_of([&] { fast.hidden_state(-1); }).empty());

        // Batched rows equal the rows run alone.
        for (int64_t row = 0; row < ids.size(0); ++row) {
            const auto alone = te2->forward(ids.slice(0, row, row + 1));
            QVERIFY(max_abs_diff(alone.text_embeds, full.text_embeds.slice(0, row, row + 1)) <
                    1e-6);
        }

        // Without pooling, only what was asked for runs: clip_skip 1 = hidden_states[-3].
        const auto skip = te2->forward(ids, {.layers = layers - 2, .pooled = false});
        QCOMPARE(skip.hidden_states.size(), size_t(layers - 1));
        QVERIFY(!skip.pooled_output.defined() && !skip.text_embeds.defined() &&
                !skip.pooled_index.defined());
        QVERIFY(torch::equal(skip.hidden_state(-3), full.hidden_state(-3)));
        QVERIFY(!error_of([&] { skip.hidden_state(-2); }).empty());
        QVERIFY(!error_of([&] { te2->forward(ids, {.layers = layers + 1}); }).empty());
    }

    void pooled_index_rules() {
        auto config = tiny_config();
        ClipTextModel legacy(config);  // eos_token_id 2: first position of the largest id
        const auto ids = torch::tensor({0, 5, 99, 99, 3, 99, 1, 1}, torch::kLong).view({1, 8});
        QCOMPARE(legacy->pooled_index(ids).item<int64_t>(), int64_t{2});

        config.eos_token_id = 3;  // modern configs: first eos_token_id
        ClipTextModel modern(config);
        QCOMPARE(modern->pooled_index(ids).item<int64_t>(), int64_t{4});
        const auto no_eos = torch::tensor({0, 5, 9, 9, 7, 9, 1, 1}, torch::kLong).view({1, 8});
        const auto message = error_of([&] { modern->forward(no_eos); });
        qInfo("%s", message.c_str());
        QVERIFY(message.find("input_ids") != std::string::npos);
        // Hidden states alone need no pooled token.
        QVERIFY(error_of([&] { modern->forward(no_eos, {.layers = 1, .pooled = false}); }).empty());
    }

    void bad_inputs_are_errors() {
        ClipTextModel model(tiny_config());
        const auto check = [&](const at::Tensor& ids, const char* needle) {
            const auto message = error_of([&] { model->forward(ids); });
            qInfo("%s", message.c_str());
            QVERIFY2(message.find("input_ids") != std::string::npos, message.c_str());
            QVERIFY2(message.find(needle) != std::string::npos, message.c_str());
        };
        check(torch::tensor({0, 100, 2}, torch::kLong).view({1, 3}), "100");
        check(torch::tensor({0, -1, 2}, torch::kLong).view({1, 3}), "-1");
        check(torch::zeros({1, 9}, torch::kLong), "max_position_embeddings");
        check(torch::zeros({1, 3}, torch::kFloat), "integer");
        check(torch::zeros({3}, torch::kLong), "dimensions");

        auto config = tiny_config();
        config.hidden_act = "relu";
        QVERIFY(error_of([&] { ClipTextModel{config}; }).find("hidden_act") != std::string::npos);
        config = tiny_config();
        config.num_attention_heads = 3;
        QVERIFY(error_of([&] { ClipTextModel{config}; }).find("divisible") != std::string::npos);
    }

    // Both activations as transformers defines them, on a one-layer model with known weights.
    void activations() {
        for (const char* act : {"quick_gelu", "gelu"}) {
            auto config = tiny_config();
            config.hidden_act = act;
            ClipTextModel model(config);
            auto& mlp = *model->text_model->encoder->layer(0)->mlp;
            {
                torch::NoGradGuard no_grad;  // parameters are created uninitialised
                for (auto& p : mlp.parameters()) p.normal_(0, 0.5);
            }
            const auto x = torch::linspace(-4, 4, 16).view({1, 1, 16});
            const auto h = torch::nn::functional::linear(x, mlp.fc1->weight, mlp.fc1->bias);
            const auto activated = std::string(act) == "gelu"
                                       ? 0.5 * h * (1 + torch::erf(h / std::sqrt(2.0)))
                                       : h / (1 + torch::exp(-1.702 * h));
            const auto expected =
                torch::nn::functional::linear(activated, mlp.fc2->weight, mlp.fc2->bias);
            torch::NoGradGuard no_grad;
            const auto error = max_abs_diff(mlp.forward(x), expected);
            qInfo("%s: max |diff| %g (output max %g)", act, error,
                  expected.abs().max().item<double>());
            QVERIFY(error < 1e-5);
        }
    }
};

QTEST_GUILESS_MAIN(TestTextEncoders)
#include "test_text_encoders.moc"
