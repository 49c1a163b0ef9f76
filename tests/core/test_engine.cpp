// The engine as the app and the CLI drive it: checkpoint switching from the cache, cancel from
// another thread, the one validation table, no silent fallback, warnings, per-image streaming
// with records, and refusal of weights that would produce NaN (named by tensor) before any work.
#include "core/engine/engine.h"
#include "core/io/safetensors.h"
#include "core/request/limits.h"
#include "core/request/model_layout.h"
#include "core/testing/golden_pipeline.h"
#include "core/util/error.h"
#include "support/errors.h"
#include "support/fixtures.h"
#include "support/open_counter.h"

#include <QTemporaryDir>

#include <torch/torch.h>

#include <atomic>
#include <filesystem>
#include <thread>

using namespace lightning;
using lightning::testing::expect_error;

namespace {

std::string fixture(const std::string& relative) {
    return testing::fixtures_dir() + "/" + relative;
}

EngineOptions tiny_options(bool with_lightning = true) {
    EngineOptions options;
    options.models.base = fixture("tiny-sdxl");
    if (with_lightning) options.models.lightning_dir = fixture("tiny-lightning");
    options.preview = PreviewMode::Off;
    return options;
}

GenerationRequest small_request(int steps = 4) {
    GenerationRequest request;
    request.prompt = "a lighthouse at dusk";
    request.steps = steps;
    request.width = 64;
    request.height = 64;
    request.seed = 42;
    return request;
}

// A copy of a safetensors file with `edit` applied to every tensor (name, tensor) -> tensor.
std::string edited_copy(const std::string& source, const std::string& target,
                        const std::function<at::Tensor(const std::string&, at::Tensor)>& edit) {
    const auto file = SafeTensorsFile::open(source);
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& name : file->names()) tensors.emplace_back(name, edit(name, file->load(name)));
    save_safetensors(target, tensors);
    return target;
}

}  // namespace

class TestEngine : public QObject {
    Q_OBJECT
    std::unique_ptr<Engine> engine_;
    QTemporaryDir dir_;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        engine_ = Engine::load(tiny_options());
    }

    void switchingBackIsACopyFromTheCache() {
        auto& engine = *engine_;
        QCOMPARE(engine.available_steps(), (std::vector<int>{1, 2, 4, 8}));
        const auto first = engine.generate(small_request(4));
        QCOMPARE(first.run.unet_name, std::string("sdxl_lightning_4step_unet.safetensors"));
        engine.generate(small_request(2));
        const auto again = engine.generate(small_request(4));
        QCOMPARE(again.run.unet_switch.from, CheckpointHome::Host);  // CPU: a host copy
        QVERIFY(again.run.images[0].pixels.rgb == first.run.images[0].pixels.rgb);
        const auto same = engine.switch_to_steps(4);
        QCOMPARE(same.from, CheckpointHome::Active);
        QCOMPARE(engine.preload_checkpoints(), 4);
        QCOMPARE(engine.cached_checkpoints().size(), size_t(4));
        const auto to_one = engine.switch_to_steps(1);
        QCOMPARE(to_one.from, CheckpointHome::Host);
        qInfo("switch from the host cache: %.2f ms", to_one.seconds * 1000);
    }

    // What the checkpoint cache is for, checked by what it saves rather than by a clock (a
    // timing lost once under the load of a busy machine; the times themselves are
    // `lightning bench`'s and the scenario's, docs/performance.md): a switch served from the
    // host cache opens no checkpoint file, one without cache room opens the file again. The
    // checkpoints are a private copy, so that other tests reading the fixtures are not counted.
    void aSwitchFromTheHostCacheReadsNoFile() {
        namespace fs = std::filesystem;
        const fs::path folder = dir_.filePath("switch-cache").toStdString();
        fs::create_directories(folder);
        for (const auto& entry : fs::directory_iterator(fixture("tiny-lightning")))
            fs::copy_file(entry.path(), folder / entry.path().filename());
        auto options = tiny_options();
        options.models.lightning_dir = folder.string();
        auto uncached = options;
        uncached.checkpoint_budget.device_bytes = 0;
        const auto cached = Engine::load(options);
        const auto reading = Engine::load(uncached);
        QCOMPARE(cached->preload_checkpoints(), 4);
        const auto opens_while_switching = [&](Engine& engine, CheckpointHome expected_home) {
            testing::OpenCounter counter(folder.string());
            if (!counter.valid()) return -1;
            for (int i = 0; i < 3; ++i) {
                engine.switch_to_steps(2);
                if (engine.switch_to_steps(1).from != expected_home) return -2;
            }
            return counter.opens();
        };
        QCOMPARE(opens_while_switching(*cached, CheckpointHome::Host), 0);
        QVERIFY(opens_while_switching(*reading, CheckpointHome::Disk) >= 6);
    }

    void withoutCacheRoomSwitchingReadsTheFileAgain() {
        auto options = tiny_options();
        options.checkpoint_budget.device_bytes = 0;
        const auto engine = Engine::load(options);
        const auto four = engine->generate(small_request(4));
        engine->generate(small_request(2));
        const auto again = engine->generate(small_request(4));
        QCOMPARE(again.run.unet_switch.from, CheckpointHome::Disk);
        QVERIFY(engine->cached_checkpoints().empty());
        QVERIFY(again.run.images[0].pixels.rgb == four.run.images[0].pixels.rgb);
    }

    void cancelFromAnotherThreadStopsBeforeTheNextStep() {
        auto& engine = *engine_;
        auto request = small_request(8);
        request.width = request.height = 256;
        std::atomic<int> steps_seen{0};
        std::atomic<bool> cancelled_sent{false};
        EngineCallbacks callbacks;
        int steps_after_cancel = 0;
        callbacks.on_step = [&](const StepEvent&) {
            if (cancelled_sent) ++steps_after_cancel;
            ++steps_seen;
        };
        EngineResult result;
        std::thread worker([&] { result = engine.generate(request, callbacks); });
        while (steps_seen.load() < 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        engine.cancel();
        cancelled_sent = true;
        worker.join();
        QVERIFY(result.run.cancelled);
        QVERIFY(result.run.images.empty());
        QVERIFY2(steps_after_cancel <= 1, "more than the running step finished after cancel()");
        QVERIFY(steps_seen.load() < 8);
        // The next request runs to the end (the cancel flag does not stick).
        QCOMPARE(engine.generate(small_request(1)).run.images.size(), size_t(1));
    }

    void oneValidationTableForEveryCaller() {
        struct Case {
            const char* field;
            std::function<void(GenerationRequest&)> spoil;
        };
        const std::vector<Case> cases = {
            {"width", [](auto& r) { r.width = 100; }},
            {"width", [](auto& r) { r.width = 8; }},
            {"height", [](auto& r) { r.height = limits::kMaxSide + 8; }},
            {"steps", [](auto& r) { r.steps = 0; }},
            {"steps", [](auto& r) { r.steps = limits::kMaxSteps + 1; }},
            {"batch", [](auto& r) { r.batch = 0; }},
            {"batch", [](auto& r) { r.batch = limits::kMaxBatch + 1; }},
            {"guidance", [](auto& r) { r.guidance = -1; }},
            {"guidance", [](auto& r) { r.guidance = 1e30; }},
            {"guidance", [](auto& r) { r.guidance = std::nan(""); }},
            {"clip skip", [](auto& r) { r.clip_skip = limits::kMaxClipSkip + 1; }},
            {"seed", [](auto& r) { r.seed = limits::kMaxSeed + 1; }},
            {"prompt", [](auto& r) { r.prompt = "caf\xc3"; }},
            {"prompt", [](auto& r) { r.prompt = std::string("a\0b", 3); }},
            {"negative prompt", [](auto& r) { r.negative_prompt = "\xff\xfe"; }},
            {"strength", [](auto& r) { r.input.image = "in.png", r.input.strength = 0; }},
            {"strength", [](auto& r) { r.input.image = "in.png", r.input.strength = 1.5; }},
            {"strength",
             [](auto& r) { r.input.image = "in.png", r.input.strength = std::nan(""); }},
            // int(4 x 0.2) = 0 steps: diffusers raises; the error names both numbers.
            {"strength", [](auto& r) { r.input.image = "in.png", r.input.strength = 0.2; }},
            {"mask blur",
             [](auto& r) {
                 r.input.image = "in.png", r.input.mask_blur = limits::kMaxMaskBlur + 1;
             }},
            {"outpaint", [](auto& r) { r.input.image = "in.png", r.input.outpaint.left = -8; }},
            {"outpaint",
             [](auto& r) { r.input.image = "in.png", r.input.outpaint.right = r.width; }},
            {"mask", [](auto& r) { r.input.mask = "mask.png"; }},
            {"outpaint", [](auto& r) { r.input.outpaint.top = 64; }},
            {"hires scale", [](auto& r) { r.hires.scale = 1; }},
            {"hires scale", [](auto& r) { r.hires.scale = limits::kMaxHiresScale + 0.5; }},
            {"hires scale", [](auto& r) { r.hires.scale = std::nan(""); }},
            // 4 x 1.5 of a 4096-wide canvas would be 6144 wide.
            {"hires scale", [](auto& r) { r.width = limits::kMaxSide, r.hires.scale = 1.5; }},
            {"hires scale", [](auto& r) { r.input.image = "in.png", r.hires.scale = 2; }},
            {"hires strength", [](auto& r) { r.hires.scale = 2, r.hires.strength = 0; }},
            {"hires strength", [](auto& r) { r.hires.scale = 2, r.hires.strength = 0.2; }},
            {"hires steps",
             [](auto& r) { r.hires.scale = 2, r.hires.steps = limits::kMaxSteps + 1; }},
            {"hires upscaler",
             [](auto& r) { r.hires.scale = 2, r.hires.upscaler = HiresUpscaler::Model; }},
            {"hires upscaler",
             [](auto& r) { r.hires.scale = 2, r.hires.upscaler_model = "x4.pth"; }},
            {"upscale", [](auto& r) { r.upscale.scale = 2; }},
            {"upscale scale",
             [](auto& r) {
                 r.upscale = {"x4.pth", limits::kMaxUpscaleScale + 1};
             }},
            // 4096 x 8 = 32768 pixels a side, above limits::kMaxUpscaledSide.
            {"upscale",
             [](auto& r) {
                 r.width = limits::kMaxSide, r.upscale = {"x8.pth", 8};
             }},
        };
        for (const auto& c : cases) {
            auto request = small_request();
            c.spoil(request);
            const Error from_table = expect_error([&] { limits::validate(request); });
            const Error from_engine = expect_error([&] { engine_->validate(request); });
            QCOMPARE(from_table.where(), std::string(c.field));
            QCOMPARE(std::string(from_engine.what()), std::string(from_table.what()));
            QVERIFY_THROWS_EXCEPTION(Error, engine_->generate(request));
        }
        auto weak = small_request();
        weak.input.image = "in.png", weak.input.strength = 0.2;
        const std::string no_step = expect_error([&] { limits::validate(weak); }).message();
        QVERIFY2(no_step.find("0.2") != std::string::npos &&
                     no_step.find("4 steps") != std::string::npos &&
                     no_step.find("0.25") != std::string::npos,
                 no_step.c_str());
        QCOMPARE(limits::find_invalid_utf8("héllo ✓ 😀"), std::string::npos);
        QCOMPARE(limits::find_invalid_utf8("ab\xc0\xaf"), size_t(2));    // overlong '/'
        QCOMPARE(limits::find_invalid_utf8("\xed\xa0\x80"), size_t(0));  // a surrogate
        // Model-dependent: the tiny text encoders have 3 and 4 layers.
        auto deep = small_request();
        deep.clip_skip = 3;
        QCOMPARE(expect_error([&] { engine_->validate(deep); }).where(), std::string("clip skip"));
        // The hires fix's own step count needs its Lightning checkpoint (the fixtures have 1, 2,
        // 4 and 8); the error names the hires steps, not --steps.
        auto hires = small_request();
        hires.hires.scale = 2, hires.hires.steps = 3;
        QCOMPARE(expect_error([&] { engine_->validate(hires); }).where(),
                 std::string("hires steps"));
    }

    void noSilentFallbackForTheUNet() {
        auto three = small_request(3);
        const Error missing = expect_error([&] { engine_->validate(three); });
        QCOMPARE(missing.where(), std::string("steps"));
        QVERIFY(missing.message().find("available: 1, 2, 4, 8") != std::string::npos);
        auto both = small_request();
        both.unet_file = fixture("tiny-lightning/sdxl_lightning_2step_unet.safetensors");
        QCOMPARE(expect_error([&] { engine_->validate(both); }).where(), std::string("unet"));
    }

    void warnsWhenTheStepCountDoesNotMatchTheCheckpoint() {
        const auto engine = Engine::load(tiny_options(/*with_lightning=*/false));
        auto request = small_request(8);
        request.unet_file = fixture("tiny-lightning/sdxl_lightning_4step_unet.safetensors");
        const auto result = engine->generate(request);
        QCOMPARE(result.warnings.size(), size_t(1));
        QVERIFY(result.warnings[0].find("trained for 4 steps") != std::string::npos);
        request.steps = 4;
        QVERIFY(engine->warnings_for(request).empty());
    }

    void imagesStreamOneByOneWithTheirRecords() {
        auto request = small_request(2);
        request.batch = 3;
        std::vector<int> order;
        std::vector<ImageRecord> records;
        EngineCallbacks callbacks;
        int steps_before_first_image = 0;
        callbacks.on_step = [&](const StepEvent&) {
            if (order.empty()) ++steps_before_first_image;
        };
        callbacks.on_image = [&](const ImageEvent& event) {
            order.push_back(event.index);
            records.push_back(event.record);
            QCOMPARE(event.image->seed, request.seed + uint64_t(event.index));
        };
        const auto result = engine_->generate(request, callbacks);
        QCOMPARE(order, (std::vector<int>{0, 1, 2}));
        QCOMPARE(steps_before_first_image, 2);  // image 0 was delivered before image 1 began
        QCOMPARE(result.records.size(), size_t(3));
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(records[i].request.seed, request.seed + uint64_t(i));
            QCOMPARE(records[i].request.batch, 1);
            QCOMPARE(records[i].unet.name, std::string("sdxl_lightning_2step_unet"));
            QCOMPARE(records[i].unet.hash.size(), size_t(10));
            QCOMPARE(records[i].model.name, std::string("tiny-sdxl"));
            // The text reads back as the same record.
            QVERIFY(parse_parameters(format_parameters(records[i])) == records[i]);
        }
    }

    void recordHashesFollowTheFiles() {
        const std::string copy =
            dir_.filePath("sdxl_lightning_4step_unet.safetensors").toStdString();
        const auto engine_options = [&](const std::string& lightning) {
            auto options = tiny_options();
            options.models.lightning_dir = lightning;
            return options;
        };
        std::filesystem::copy_file(fixture("tiny-lightning/sdxl_lightning_4step_unet.safetensors"),
                                   copy);
        const auto original = engine_->record_for(
            small_request(),
            [&] {
                GenerationResult r;
                r.unet_path = fixture("tiny-lightning/sdxl_lightning_4step_unet.safetensors");
                return r;
            }(),
            0);
        const auto other = Engine::load(engine_options(dir_.path().toStdString()));
        GenerationResult r;
        r.unet_path = copy;
        QCOMPARE(other->record_for(small_request(), r, 0).unet.hash, original.unet.hash);
        // One changed tensor, same name and size: a different hash.
        edited_copy(fixture("tiny-lightning/sdxl_lightning_4step_unet.safetensors"), copy,
                    [](const std::string& name, at::Tensor t) {
                        return name == "conv_in.bias" ? t + 1 : t;
                    });
        QVERIFY(other->record_for(small_request(), r, 0).unet.hash != original.unet.hash);
    }

    void nanWeightsAreRefusedByTensorNameBeforeAnyStep() {
        const auto engine = Engine::load(tiny_options(/*with_lightning=*/false));
        const std::string bad =
            edited_copy(fixture("tiny-lightning/sdxl_lightning_4step_unet.safetensors"),
                        dir_.filePath("nan_unet.safetensors").toStdString(),
                        [](const std::string& name, at::Tensor t) {
                            if (name == "mid_block.resnets.0.conv1.weight") t.view(-1)[7] = NAN;
                            return t;
                        });
        auto request = small_request(4);
        request.unet_file = bad;
        int steps = 0;
        EngineCallbacks callbacks;
        callbacks.on_step = [&](const StepEvent&) { ++steps; };
        const Error e = expect_error([&] { engine->generate(request, callbacks); });
        QVERIFY2(e.where().find("mid_block.resnets.0.conv1.weight") != std::string::npos, e.what());
        QVERIFY2(e.message().find("NaN") != std::string::npos, e.what());
        QCOMPARE(steps, 0);
        // The engine works on afterwards.
        request.unet_file = fixture("tiny-lightning/sdxl_lightning_4step_unet.safetensors");
        QCOMPARE(engine->generate(request).run.images.size(), size_t(1));
    }

    // Guards the prompt-weight clamp end to end: 3,000 nested brackets (weight 1.1^3000 = inf)
    // made NaN conditioning that stopped the run as "NaN or infinite" in the UNet.
    void deeplyNestedPromptWeightsGenerate() {
        auto request = small_request(4);
        request.prompt = std::string(3000, '(') + "a lighthouse" + std::string(3000, ')');
        request.prompt_syntax = PromptSyntax::A1111;
        QCOMPARE(engine_->generate(request).run.images.size(), size_t(1));
    }

    void overflowingLatentsStopWithTheStageNamed() {
        const auto engine = Engine::load(tiny_options(/*with_lightning=*/false));
        auto request = small_request(4);
        // Finite weights so large that the UNet output overflows float32.
        request.unet_file =
            edited_copy(fixture("tiny-lightning/sdxl_lightning_4step_unet.safetensors"),
                        dir_.filePath("huge_unet.safetensors").toStdString(),
                        [](const std::string& name, at::Tensor t) {
                            return name == "conv_out.weight" ? t.to(at::kFloat) * 3e38f : t;
                        });
        int images = 0;
        EngineCallbacks callbacks;
        callbacks.on_image = [&](const ImageEvent&) { ++images; };
        const Error e = expect_error([&] { engine->generate(request, callbacks); });
        QVERIFY2(e.where().rfind("step 1 of 4", 0) == 0, e.what());
        QVERIFY2(e.message().find("NaN or infinite") != std::string::npos, e.what());
        QCOMPARE(images, 0);
    }

    void loraValuesThatWouldPoisonTheWeightsAreRefused() {
        const std::string lora = fixture("tiny-lightning/sdxl_lightning_4step_lora.safetensors");
        struct Case {
            const char* what;
            std::function<at::Tensor(const std::string&, at::Tensor)> edit;
            const char* says;
        };
        const std::vector<Case> cases = {
            {"alpha NaN",
             [](const std::string& name, at::Tensor t) {
                 return name.ends_with(".alpha") ? torch::full_like(t, NAN) : t;
             },
             "alpha"},
            {"factor inf",
             [](const std::string& name, at::Tensor t) {
                 if (name.ends_with("lora_up.weight")) t.view(-1)[0] = INFINITY;
                 return t;
             },
             "NaN or infinite"},
        };
        const auto engine = Engine::load(tiny_options(/*with_lightning=*/false));
        for (const auto& c : cases) {
            auto request = small_request(4);
            request.loras = {
                {edited_copy(lora,
                             dir_.filePath(QString(c.what).replace(' ', '_') + ".safetensors")
                                 .toStdString(),
                             c.edit),
                 1.0}};
            const Error e = expect_error([&] { engine->generate(request); });
            QVERIFY2(std::string(e.what()).find(c.says) != std::string::npos, e.what());
        }
        // Rank 0: empty factors.
        std::vector<std::pair<std::string, at::Tensor>> empty = {
            {"lora_unet_conv_in.lora_down.weight", torch::zeros({0, 4, 3, 3})},
            {"lora_unet_conv_in.lora_up.weight", torch::zeros({16, 0, 1, 1})},
            {"lora_unet_conv_in.alpha", torch::tensor(1.0)}};
        const std::string rank0 = dir_.filePath("rank0.safetensors").toStdString();
        save_safetensors(rank0, empty);
        auto request = small_request(4);
        request.loras = {{rank0, 1.0}};
        const Error e = expect_error([&] { engine->generate(request); });
        QVERIFY2(std::string(e.what()).find("rank 0") != std::string::npos, e.what());
        // Nothing stuck: a plain request still works.
        QCOMPARE(engine->generate(small_request(1)).run.images.size(), size_t(0) + 1);
    }

    void filesInTheWrongPlaceAreNamedAsWhatTheyAre() {
        const auto engine = Engine::load(tiny_options(/*with_lightning=*/false));
        auto request = small_request(4);
        request.unet_file = fixture("tiny-lightning/sdxl_lightning_4step_lora.safetensors");
        const Error lora = expect_error([&] { engine->generate(request); });
        QVERIFY2(lora.message().find("this is a LoRA") != std::string::npos, lora.what());
        QVERIFY2(lora.message().find("--lora") != std::string::npos, lora.what());
        request.unet_file = fixture("tiny-lightning/sdxl_lightning_4step.safetensors");
        const Error single = expect_error([&] { engine->generate(request); });
        QVERIFY2(single.message().find("single-file checkpoint") != std::string::npos,
                 single.what());
        // A mis-shaped UNet: the message lists the tensor with both shapes.
        request.unet_file =
            edited_copy(fixture("tiny-lightning/sdxl_lightning_4step_unet.safetensors"),
                        dir_.filePath("misshaped.safetensors").toStdString(),
                        [](const std::string& name, at::Tensor t) {
                            return name == "conv_in.bias" ? torch::zeros({7}) : t;
                        });
        const Error shaped = expect_error([&] { engine->generate(request); });
        QVERIFY2(
            shaped.message().find("conv_in.bias: file [7] vs module [16]") != std::string::npos,
            shaped.what());
    }

    // A request is checked early (the CLI, before loading) and again by generate(); the second
    // check must not read the files' headers again, but a file changed since is read anew.
    void requestFilesAreReadOnceWhileUnchanged() {
        namespace fs = std::filesystem;
        const std::string copy = dir_.filePath("read-once.safetensors").toStdString();
        fs::copy_file(fixture("tiny-lightning/sdxl_lightning_4step_lora.safetensors"), copy);
        GenerationRequest request = small_request(4);
        request.loras = {{copy, 1.0}};
        testing::OpenCounter counter(copy);
        QVERIFY(counter.valid());
        check_request_files(request);
        check_request_files(request);
        QCOMPARE(counter.opens(), 1);
        fs::copy_file(fixture("tiny-lightning/sdxl_lightning_4step_unet.safetensors"), copy,
                      fs::copy_options::overwrite_existing);
        const Error changed = expect_error([&] { check_request_files(request); });
        QVERIFY2(changed.message().find("not a LoRA") != std::string::npos, changed.what());
    }

    // generate() validates once, before any work, and hands its warnings to on_start; a request
    // it refuses never reaches on_start (the CLI reports such an error as a bad argument).
    void generateSaysItsWarningsBeforeTheFirstStep() {
        const auto engine = Engine::load(tiny_options(/*with_lightning=*/false));
        auto request = small_request(2);
        request.unet_file = fixture("tiny-lightning/sdxl_lightning_4step_unet.safetensors");
        std::vector<std::string> said;
        int steps_before_start = 0, steps = 0;
        EngineCallbacks callbacks;
        callbacks.on_start = [&](const std::vector<std::string>& warnings) {
            said = warnings;
            steps_before_start = steps;
        };
        callbacks.on_step = [&](const StepEvent&) { ++steps; };
        const auto result = engine->generate(request, callbacks);
        QCOMPARE(said, result.warnings);
        QCOMPARE(said.size(), size_t(1));
        QCOMPARE(steps_before_start, 0);
        QCOMPARE(steps, 2);
        bool started = false;
        callbacks.on_start = [&](const std::vector<std::string>&) { started = true; };
        request.width = 100;
        QCOMPARE(expect_error([&] { engine->generate(request, callbacks); }).where(),
                 std::string("width"));
        QVERIFY(!started);
    }
};

QTEST_GUILESS_MAIN(TestEngine)
#include "test_engine.moc"
