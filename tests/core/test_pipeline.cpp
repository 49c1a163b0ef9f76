// The whole text-to-image pipeline, driven through the engine as the app and the CLI drive it,
// against every pipeline case of golden/manifest.json (read generically: any case added there
// is checked the same way), plus cancellation, batches, checkpoint switching through a
// Lightning folder, previews and errors.
#include "core/engine/engine.h"
#include "core/io/config.h"
#include "core/io/safetensors.h"
#include "core/request/model_layout.h"
#include "core/testing/golden_pipeline.h"
#include "core/util/error.h"
#include "support/fixtures.h"

#ifdef LIGHTNING_HAVE_OIIO
#include "core/image/png.h"
#endif

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

using namespace lightning;

namespace {

GoldenOptions cpu_fp32() {
    GoldenOptions options;
    options.fixtures_dir = testing::fixtures_dir();
    return options;
}

const std::vector<PipelineCase>& all_cases() {
    static const auto cases = read_pipeline_cases(testing::fixtures_dir());
    return cases;
}

// golden-prompts/ (compel, textual inversion) and the generated a1111 and VAE-file/tiling cases.
const std::vector<PipelineCase>& prompt_cases() {
    static const auto cases = [] {
        auto all = read_prompt_pipeline_cases(testing::fixtures_dir());
        const auto data = testing::test_data_dir() + "/prompt_goldens/";
        for (const auto* file : {"a1111_text.json", "vae/vae_goldens.json"}) {
            const auto more = read_generated_pipeline_cases(data + file, testing::fixtures_dir());
            all.insert(all.end(), more.begin(), more.end());
        }
        return all;
    }();
    return cases;
}

const PipelineCase& find_case(const std::function<bool(const PipelineCase&)>& pred) {
    for (const auto& c : all_cases())
        if (pred(c)) return c;
    throw std::runtime_error("no pipeline case with the wanted properties in the manifest");
}

void verify_report(const GoldenReport& report) {
    QVERIFY(!report.empty());
    for (const auto& c : report) QVERIFY2(c.ok, c.message.c_str());
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

class TestPipeline : public QObject {
    Q_OBJECT

    // One engine per model layout, reused across cases as the app does.
    std::map<std::string, std::unique_ptr<Engine>> engines_;

    Engine& engine_for(const PipelineCase& c) {
        auto& e = engines_[c.paths.base + "|" + c.paths.config_dir + "|" + c.vae];
        if (!e) e = Engine::load(engine_options_for(c, cpu_fp32()));
        return *e;
    }
    // The pipeline under the engine, tested on its own (the engine keeps its pipeline private).
    std::map<std::string, std::unique_ptr<Pipeline>> pipelines_;
    Pipeline& pipeline_for(const PipelineCase& c) {
        auto& p = pipelines_[c.paths.base + "|" + c.paths.config_dir + "|" + c.vae];
        if (!p) p = Pipeline::load(engine_options_for(c, cpu_fp32()));  // its LoadOptions part
        return *p;
    }

private Q_SLOTS:
    void manifestHasCases() { QVERIFY(all_cases().size() >= 19); }

    void goldenCases_data() {
        QTest::addColumn<int>("index");
        for (size_t i = 0; i < all_cases().size(); ++i)
            QTest::newRow(all_cases()[i].id.c_str()) << int(i);
    }

    void goldenCases() {
        QFETCH(int, index);
        const auto& c = all_cases()[index];
        auto& engine = engine_for(c);
        const auto start = std::chrono::steady_clock::now();
        const auto result = engine.generate(c.request).run;
        const double seconds = seconds_since(start);
        QVERIFY(!result.cancelled);
        QCOMPARE(int(result.images.size()), c.request.batch);
        auto tensors = result.trace;
        tensors.emplace_back("image_uint8", image8_to_tensor(result.images[0].pixels));
        const auto report = compare_pipeline_tensors(c, tensors, cpu_fp32(), /*require_all=*/true);
        verify_report(report);
        // Largest deviation per tensor kind, for the record.
        std::map<std::string, double> worst;
        std::string pixels;
        for (const auto& r : report) {
            if (r.message.find(".image_uint8:") != std::string::npos)
                pixels = r.message.substr(r.message.find(':') + 2);
            auto name = r.message.substr(0, r.message.find(':'));
            name = name.substr(name.rfind('.') + 1);
            worst[name] = std::max(worst[name], r.max_abs);
        }
        std::string summary;
        for (const auto& [kind, err] : worst)
            if (err > 0) summary += " " + kind + "=" + QString::number(err, 'g', 2).toStdString();
        qInfo("%s: %.3f s, max |diff|:%s; uint8: %s", c.id.c_str(), seconds, summary.c_str(),
              pixels.c_str());
#ifdef LIGHTNING_HAVE_OIIO
        if (!c.png_file.empty()) {
            const auto png = read_png(c.png_file);
            const auto cmp =
                compare_uint8_images(c.id + ".png", image8_to_tensor(result.images[0].pixels),
                                     image8_to_tensor(png), 1, 0.001);
            QVERIFY2(cmp.ok, cmp.message.c_str());
        }
#endif
    }

    // Prompt syntaxes, embeddings, VAE file and tiling through the public API, one pipeline
    // reused across them (embedding sets load and unload between cases).
    void promptGoldenCases_data() {
        QTest::addColumn<int>("index");
        QVERIFY(prompt_cases().size() >= 19);  // 15 golden-prompts + 3 a1111 + 1 VAE
        for (size_t i = 0; i < prompt_cases().size(); ++i)
            QTest::newRow(prompt_cases()[i].id.c_str()) << int(i);
    }

    void promptGoldenCases() {
        QFETCH(int, index);
        const auto& c = prompt_cases()[index];
        const auto result = engine_for(c).generate(c.request).run;
        auto tensors = result.trace;
        tensors.emplace_back("image_uint8", image8_to_tensor(result.images[0].pixels));
        const auto report = compare_pipeline_tensors(c, tensors, cpu_fp32(), /*require_all=*/true);
        verify_report(report);
        std::map<std::string, double> worst;
        for (const auto& r : report) {
            auto name = r.message.substr(0, r.message.find(':'));
            name = name.substr(name.rfind('.') + 1);
            worst[name] = std::max(worst[name], r.max_abs);
        }
        std::string summary;
        for (const auto& [kind, err] : worst)
            if (err > 0) summary += " " + kind + "=" + QString::number(err, 'g', 2).toStdString();
        qInfo("%s (%s): max |diff|:%s", c.id.c_str(), to_string(c.request.prompt_syntax),
              summary.c_str());
    }

    void lightningFolderPicksTheUNetForTheStepCount() {
        // Cases that use a Lightning file run again with only the folder given: the engine
        // must pick the same file (and x0 prediction for the 1-step one) by itself, switching
        // only the UNet weights between step counts.
        std::unique_ptr<Engine> engine;
        std::set<int> step_counts;
        for (const auto& c : all_cases()) {
            if (c.request.unet_file.empty() || !c.request.loras.empty() ||
                step_counts.count(c.request.steps))
                continue;
            const auto dir = std::filesystem::path(c.request.unet_file).parent_path().string();
            if (lightning_file(dir, c.request.steps) != c.request.unet_file) continue;
            if (!engine) {
                auto options = engine_options_for(c, cpu_fp32());
                options.models.lightning_dir = dir;
                engine = Engine::load(options);
            }
            auto request = c.request;
            request.unet_file.clear();
            request.prediction.reset();
            request.timestep_spacing.reset();
            const auto result = engine->generate(request).run;
            QCOMPARE(result.unet_name,
                     std::filesystem::path(c.request.unet_file).filename().string());
            auto tensors = result.trace;
            tensors.emplace_back("image_uint8", image8_to_tensor(result.images[0].pixels));
            verify_report(compare_pipeline_tensors(c, tensors, cpu_fp32(), true));
            step_counts.insert(c.request.steps);
        }
        QVERIFY(step_counts.size() >= 4);  // 1 (x0), 2, 4 and 8 steps
    }

    void cancelAfterAStepLeavesNothingBehind() {
        const auto& c = find_case(
            [](const PipelineCase& c) { return c.request.steps >= 4 && c.request.loras.empty(); });
        auto& pipeline = pipeline_for(c);
        for (int k = 0; k < 2; ++k) {
            int calls = 0;
            Callbacks callbacks;
            callbacks.on_step = [&](const StepInfo& info) {
                ++calls;
                return info.step < k;  // false: cancel after step k
            };
            const auto start = std::chrono::steady_clock::now();
            const auto result = pipeline.generate(c.request, callbacks);
            QVERIFY(result.cancelled);
            QVERIFY(result.images.empty());
            QCOMPARE(calls, k + 1);  // no UNet call after the cancelling step
            QVERIFY(seconds_since(start) < 30);
        }
        // Cancelled before the first UNet call.
        Callbacks before_start;
        int polls = 0;
        before_start.should_cancel = [&] { return ++polls >= 1; };
        const auto none = pipeline.generate(c.request, before_start);
        QVERIFY(none.cancelled);
        QVERIFY(none.images.empty());
        // The next run is complete and still matches the goldens.
        const auto result = pipeline.generate(c.request);
        QVERIFY(!result.cancelled);
        auto tensors = result.trace;
        tensors.emplace_back("image_uint8", image8_to_tensor(result.images[0].pixels));
        verify_report(compare_pipeline_tensors(c, tensors, cpu_fp32(), true));
    }

    void stepCallbackSeesEveryStep() {
        const auto& c = find_case(
            [](const PipelineCase& c) { return c.request.steps >= 2 && c.request.loras.empty(); });
        auto& pipeline = pipeline_for(c);
        std::vector<StepInfo> seen;
        Callbacks callbacks;
        callbacks.on_step = [&](const StepInfo& info) {
            seen.push_back(info);
            return true;
        };
        const auto result = pipeline.generate(c.request, callbacks);
        QCOMPARE(int(seen.size()), c.request.steps);
        std::map<std::string, at::Tensor> trace(result.trace.begin(), result.trace.end());
        for (int i = 0; i < c.request.steps; ++i) {
            QCOMPARE(seen[i].step, i);
            QCOMPARE(seen[i].total_steps, c.request.steps);
            const auto prefix = "step" + std::to_string(i) + ".";
            QVERIFY(torch::equal(seen[i].latents.cpu(), trace.at(prefix + "latents")));
            QVERIFY(torch::equal(seen[i].pred_x0.cpu(), trace.at(prefix + "pred_x0")));
            QCOMPARE(seen[i].timestep, double(trace.at(prefix + "timestep").item<float>()));
        }
    }

    void batchImageIsTheSingleRunWithSeedPlusI() {
        const auto& c = find_case([](const PipelineCase& c) { return c.request.loras.empty(); });
        auto& pipeline = pipeline_for(c);
        auto request = c.request;
        request.batch = 3;
        const auto batch = pipeline.generate(request);
        QCOMPARE(int(batch.images.size()), 3);
        std::map<std::string, at::Tensor> trace(batch.trace.begin(), batch.trace.end());
        for (int i = 0; i < 3; ++i) {
            auto single = c.request;
            single.seed = c.request.seed + i;
            const auto one = pipeline.generate(single);
            QCOMPARE(batch.images[i].seed, c.request.seed + i);
            QVERIFY(torch::equal(batch.images[i].image, one.images[0].image));
            QVERIFY(batch.images[i].pixels.rgb == one.images[0].pixels.rgb);
            const std::string prefix = i == 0 ? "" : "img" + std::to_string(i) + ".";
            std::map<std::string, at::Tensor> single_trace(one.trace.begin(), one.trace.end());
            QVERIFY(torch::equal(trace.at(prefix + "noise"), single_trace.at("noise")));
            QVERIFY(
                torch::equal(trace.at(prefix + "final_latents"), single_trace.at("final_latents")));
        }
    }

    void previewDecodesFullAndReduced() {
        const auto& c = find_case([](const PipelineCase& c) { return c.request.loras.empty(); });
        auto& pipeline = pipeline_for(c);
        const auto golden = SafeTensorsFile::open(c.tensors_file);
        const auto final_latents = golden->load("final_latents");
        const auto full = pipeline.decode_preview(final_latents, PreviewMode::Full);
        QCOMPARE(full.width, c.request.width);
        QCOMPARE(full.height, c.request.height);
        const auto cmp = compare_uint8_images("preview full", image8_to_tensor(full),
                                              golden->load("image_uint8"), 1, 0.001);
        QVERIFY2(cmp.ok, cmp.message.c_str());
        const auto reduced = pipeline.decode_preview(final_latents, PreviewMode::Reduced);
        QCOMPARE(reduced.width, c.request.width / 2);
        QCOMPARE(reduced.height, c.request.height / 2);
        // It is the VAE's decode of the 2x-averaged latent.
        const auto pooled = torch::adaptive_avg_pool2d(
            final_latents, {final_latents.size(2) / 2, final_latents.size(3) / 2});
        QVERIFY(pipeline.decode_preview(pooled, PreviewMode::Full).rgb == reduced.rgb);
        QCOMPARE(pipeline.decode_preview(final_latents, PreviewMode::Off).width, 0);
        QVERIFY_THROWS_EXCEPTION(Error,
                                 pipeline.decode_preview(torch::zeros({4, 8}), PreviewMode::Full));
    }

    void conditioningFollowsDiffusers() {
        const auto& c = find_case([](const PipelineCase& c) {
            return c.request.loras.empty() && !c.request.negative_prompt;
        });
        auto& pipeline = pipeline_for(c);
        auto base = c.request;
        base.steps = 1;
        auto trace_of = [&](const GenerationRequest& r) {
            const auto result = pipeline.generate(r);
            return std::map<std::string, at::Tensor>(result.trace.begin(), result.trace.end());
        };
        const auto plain = trace_of(base);
        QCOMPARE(plain.at("prompt_embeds").size(0), 1);

        // Guidance <= 1: no CFG even with a negative prompt (batch 1, negative unused).
        auto r = base;
        r.guidance = 1.0;
        r.negative_prompt = "ugly";
        auto t = trace_of(r);
        QCOMPARE(t.at("prompt_embeds").size(0), 1);
        QVERIFY(!t.count("negative_input_ids"));

        // Guidance > 1 without a negative prompt: zero unconditional embeddings, [uncond, cond].
        r = base;
        r.guidance = 2.0;
        t = trace_of(r);
        QCOMPARE(t.at("prompt_embeds").size(0), 2);
        QVERIFY(!t.count("negative_input_ids"));
        QVERIFY(
            torch::equal(t.at("prompt_embeds")[0], torch::zeros_like(t.at("prompt_embeds")[0])));
        QVERIFY(torch::equal(t.at("add_text_embeds")[0],
                             torch::zeros_like(t.at("add_text_embeds")[0])));
        QVERIFY(torch::equal(t.at("prompt_embeds")[1], plain.at("prompt_embeds")[0]));
        QCOMPARE(t.at("step0.unet_input").size(0), 2);

        // An explicitly empty negative prompt is encoded like any prompt (golden "p1" = "").
        r.negative_prompt = "";
        t = trace_of(r);
        const auto text =
            SafeTensorsFile::open(testing::golden_dir() + "/text_encoders.safetensors");
        verify_report({compare_exact("negative_input_ids", t.at("negative_input_ids"),
                                     text->load("p1.input_ids")),
                       compare_exact("negative_input_ids_2", t.at("negative_input_ids_2"),
                                     text->load("p1.input_ids_2")),
                       compare_tensors("uncond prompt_embeds", t.at("prompt_embeds")[0],
                                       text->load("p1.prompt_embeds")[0], {1e-5, 0}),
                       compare_tensors("uncond pooled", t.at("add_text_embeds")[0],
                                       text->load("p1.pooled_prompt_embeds")[0], {1e-5, 0})});

        // clip_skip reaches the encoders: diffusers' encode_prompt(clip_skip=1) on the same
        // prompt (tests/data/prompt_goldens/clip_skip.json; test_prompts covers the other cases).
        const auto goldens = testing::test_data_dir() + "/prompt_goldens/clip_skip";
        std::ifstream doc_file(goldens + ".json");
        const auto doc = nlohmann::json::parse(doc_file);
        const auto golden = std::find_if(
            doc.at("cases").begin(), doc.at("cases").end(), [](const nlohmann::json& g) {
                return g.at("clip_skip") == 1 && g.at("negative_prompt").is_null();
            });
        QVERIFY(golden != doc.at("cases").end());
        const auto id = golden->at("id").get<std::string>();
        r = base;
        r.prompt = golden->at("prompt").get<std::string>();
        r.clip_skip = 1;
        t = trace_of(r);
        const auto expected = SafeTensorsFile::open(goldens + ".safetensors");
        verify_report({compare_tensors("clip_skip 1 prompt_embeds", t.at("prompt_embeds"),
                                       expected->load(id + ".prompt_embeds"), {1e-5, 0}),
                       compare_tensors("clip_skip 1 pooled", t.at("add_text_embeds"),
                                       expected->load(id + ".add_text_embeds"), {1e-5, 0})});
    }

    void countsTokensWithoutSpecials() {
        const auto& c = all_cases().front();
        auto& pipeline = pipeline_for(c);
        QCOMPARE(pipeline.count_tokens(""), std::make_pair(0, 0));
        QCOMPARE(pipeline.count_tokens("a photo of a cat"), std::make_pair(5, 5));
        const auto [one, two] = pipeline.count_tokens("hello!!! world");
        QVERIFY(one > 0 && two > 0);
    }

    void badRequestsAreClearErrorsAndThePipelineStaysUsable() {
        const auto& c = find_case([](const PipelineCase& c) { return c.request.loras.empty(); });
        auto& pipeline = pipeline_for(c);
        auto bad = c.request;
        bad.width = 100;
        QVERIFY_THROWS_EXCEPTION(Error, pipeline.generate(bad));
        QVERIFY_THROWS_EXCEPTION(Error, engine_for(c).generate(bad));
        bad = c.request;
        bad.steps = 0;
        QVERIFY_THROWS_EXCEPTION(Error, pipeline.generate(bad));
        bad = c.request;
        bad.unet_file =
            testing::fixtures_dir() + "/tiny-lightning/sdxl_lightning_4step_lora.safetensors";
        QVERIFY_THROWS_EXCEPTION(Error, pipeline.generate(bad));  // not a UNet state dict
        bad = c.request;
        bad.loras = {
            {testing::fixtures_dir() + "/tiny-sdxl/vae/diffusion_pytorch_model.safetensors", 1}};
        QVERIFY_THROWS_EXCEPTION(Error, pipeline.generate(bad));  // not a LoRA
        bad = c.request;
        bad.clip_skip = 50;
        QVERIFY_THROWS_EXCEPTION(Error, pipeline.generate(bad));
        // Still exact afterwards.
        const auto result = pipeline.generate(c.request);
        verify_report(compare_pipeline_tensors(c, result.trace, cpu_fp32(), false));

        EngineOptions missing;
        missing.models.base = testing::fixtures_dir() + "/no-such-model";
        QVERIFY_THROWS_EXCEPTION(Error, Engine::load(missing));
        EngineOptions single_without_config;
        single_without_config.models.base =
            testing::fixtures_dir() + "/tiny-lightning/sdxl_lightning_4step.safetensors";
        QVERIFY_THROWS_EXCEPTION(Error, Engine::load(single_without_config));
        EngineOptions bad_device;
        bad_device.models.base = testing::fixtures_dir() + "/tiny-sdxl";
        bad_device.device = "tpu";
        QVERIFY_THROWS_EXCEPTION(Error, Engine::load(bad_device));
    }
};

QTEST_GUILESS_MAIN(TestPipeline)
#include "test_pipeline.moc"
