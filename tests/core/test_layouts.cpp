// Model layouts people hold, each built here from the fixtures by renaming / re-saving with the
// project's own safetensors writer, each detected (nothing configured) and each generating the
// golden image of the fixture it came from:
//   transformers 5 text encoder (no "text_model." prefix), tokenizers as tokenizer.json only,
//   fp16 variants (*.fp16.safetensors), the fp16-fix VAE's single ldm-layout file, a whole SDXL
//   single-file checkpoint (next to its configs, or as the weights of a config folder), and
//   SDXL-Lightning all-in-one files in the Lightning folder.
#include "core/convert/single_file.h"
#include "core/engine/engine.h"
#include "core/io/config.h"
#include "core/io/safetensors.h"
#include "core/testing/golden_pipeline.h"
#include "core/text/clip_tokenizer.h"
#include "core/util/error.h"
#include "support/fixtures.h"

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <set>

using namespace lightning;
namespace fs = std::filesystem;
using Tensors = std::vector<std::pair<std::string, at::Tensor>>;

namespace {

fs::path fixture(const std::string& relative) {
    return fs::path(testing::fixtures_dir()) / relative;
}

Tensors read_tensors(const fs::path& path) {
    const auto file = SafeTensorsFile::open(path.string());
    Tensors tensors;
    for (const auto& name : file->names()) tensors.emplace_back(name, file->load(name));
    return tensors;
}

// Every file of tiny-sdxl linked into `dir`, except the relative paths in `leave_out`.
void link_tiny_sdxl(const fs::path& dir, const std::set<std::string>& leave_out = {}) {
    const fs::path source = fixture("tiny-sdxl");
    for (const auto& entry : fs::recursive_directory_iterator(source)) {
        if (!entry.is_regular_file()) continue;
        const auto relative = fs::relative(entry.path(), source);
        if (leave_out.count(relative.generic_string())) continue;
        fs::create_directories((dir / relative).parent_path());
        fs::create_symlink(fs::absolute(entry.path()), dir / relative);
    }
}

nlohmann::json read_json(const fs::path& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

void write_json(const fs::path& path, const nlohmann::json& doc) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << doc.dump(2);
}

// A CLIP tokenizer as transformers 5 may save it: tokenizer.json (vocabulary, merges as pairs,
// added tokens) and a tokenizer_config.json naming the special tokens as plain strings.
void write_tokenizer_json_only(const fs::path& from, const fs::path& to, const std::string& pad) {
    nlohmann::json merges = nlohmann::json::array();
    std::ifstream lines(from / "merges.txt");
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line.rfind("#version", 0) == 0) continue;
        const auto space = line.find(' ');
        merges.push_back({line.substr(0, space), line.substr(space + 1)});
    }
    auto added = [](int id, const std::string& content, bool normalized) {
        return nlohmann::json{{"id", id},        {"content", content}, {"single_word", false},
                              {"lstrip", false}, {"rstrip", false},    {"normalized", normalized},
                              {"special", true}};
    };
    nlohmann::json added_tokens = {added(49406, "<|startoftext|>", true),
                                   added(49407, "<|endoftext|>", true)};
    if (pad == "!") added_tokens.push_back(added(0, "!", false));
    nlohmann::json doc = {{"version", "1.0"},
                          {"added_tokens", added_tokens},
                          {"model",
                           {{"type", "BPE"},
                            {"dropout", nullptr},
                            {"unk_token", "<|endoftext|>"},
                            {"continuing_subword_prefix", ""},
                            {"end_of_word_suffix", "</w>"},
                            {"fuse_unk", false},
                            {"vocab", read_json(from / "vocab.json")},
                            {"merges", merges}}}};
    write_json(to / "tokenizer.json", doc);
    write_json(to / "tokenizer_config.json", {{"model_max_length", 77},
                                              {"bos_token", "<|startoftext|>"},
                                              {"eos_token", "<|endoftext|>"},
                                              {"unk_token", "<|endoftext|>"},
                                              {"pad_token", pad},
                                              {"tokenizer_class", "CLIPTokenizer"}});
}

PipelineCase golden_case(const std::string& id) {
    for (auto& c : read_pipeline_cases(testing::fixtures_dir()))
        if (c.id == id) return c;
    throw std::runtime_error("no golden case " + id);
}

}  // namespace

class TestLayouts : public QObject {
    Q_OBJECT

    QTemporaryDir work_;

    fs::path dir(const std::string& name) const {
        return fs::path(work_.path().toStdString()) / name;
    }

    // Loads `paths` as the app would and runs golden case `id`: every traced tensor within the
    // fp32 acceptance, the image within 1 level on 0.1 % of values. With `own_unet` the case's
    // UNet comes from the model (or its Lightning folder), not from the fixture file.
    void generates_golden(const std::string& id, const ModelLocations& paths, bool own_unet) {
        const PipelineCase c = golden_case(id);
        EngineOptions options;
        options.models = paths;
        options.preview = PreviewMode::Off;
        const auto engine = Engine::load(options);
        GenerationRequest request = c.request;
        if (own_unet) request.unet_file.clear();
        request.record_trace = true;
        const auto result = engine->generate(request).run;
        auto trace = result.trace;
        trace.emplace_back("image_uint8", image8_to_tensor(result.images.at(0).pixels));
        GoldenOptions golden;
        golden.fixtures_dir = testing::fixtures_dir();
        const auto report = compare_pipeline_tensors(c, trace, golden, /*require_all=*/false);
        QVERIFY(!report.empty());
        bool saw_image = false;
        for (const auto& comparison : report) {
            QVERIFY2(comparison.ok, comparison.message.c_str());
            saw_image |= comparison.message.find("image_uint8") != std::string::npos;
        }
        QVERIFY2(saw_image, "the image was not compared");
        qInfo("%s: %zu golden tensors match (UNet %s)", id.c_str(), report.size(),
              result.unet_name.c_str());
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(work_.isValid()); }

    void text_encoder_saved_by_transformers_5() {
        const fs::path model = dir("transformers5");
        link_tiny_sdxl(model, {"text_encoder/model.safetensors"});
        Tensors renamed;
        for (auto& [name, tensor] :
             read_tensors(fixture("tiny-sdxl/text_encoder/model.safetensors"))) {
            QVERIFY(name.rfind("text_model.", 0) == 0);
            renamed.emplace_back(name.substr(std::string("text_model.").size()), tensor);
        }
        save_safetensors((model / "text_encoder/model.safetensors").string(), renamed);
        generates_golden("lightning_4step_w64_h64_seed42", {model.string(), "", ""}, false);
    }

    void tokenizers_given_only_as_tokenizer_json() {
        const fs::path model = dir("tokenizer-json");
        std::set<std::string> leave_out;
        for (const char* t : {"tokenizer", "tokenizer_2"})
            for (const char* f :
                 {"vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"})
                leave_out.insert(std::string(t) + "/" + f);
        link_tiny_sdxl(model, leave_out);
        write_tokenizer_json_only(fixture("tiny-sdxl/tokenizer"), model / "tokenizer",
                                  "<|endoftext|>");
        write_tokenizer_json_only(fixture("tiny-sdxl/tokenizer_2"), model / "tokenizer_2", "!");

        // Every golden tokenizer case, both tokenizers.
        const auto one = ClipTokenizer::from_folder((model / "tokenizer").string());
        const auto two = ClipTokenizer::from_folder((model / "tokenizer_2").string());
        const auto cases = read_json(fixture("golden/tokenizer_cases.json"))["cases"];
        QVERIFY(cases.size() > 200);
        for (const auto& c : cases) {
            const auto prompt = c["prompt"].get<std::string>();
            QVERIFY2(one.encode(prompt) == c["ids"].get<std::vector<int64_t>>(), prompt.c_str());
            QVERIFY2(two.encode(prompt) == c["ids_2"].get<std::vector<int64_t>>(), prompt.c_str());
        }
        generates_golden("lightning_4step_w64_h64_seed42", {model.string(), "", ""}, false);
    }

    void fp16_variants_of_every_weights_file() {
        const fs::path model = dir("fp16-variants");
        const std::vector<std::pair<std::string, std::string>> weights = {
            {"unet/diffusion_pytorch_model", "unet"},
            {"vae/diffusion_pytorch_model", "vae"},
            {"text_encoder/model", "text_encoder"},
            {"text_encoder_2/model", "text_encoder_2"}};
        std::set<std::string> leave_out;
        for (const auto& [stem, _] : weights) leave_out.insert(stem + ".safetensors");
        link_tiny_sdxl(model, leave_out);
        // The fixtures' values are all exact in fp16 (README), so fp16 files lose nothing.
        for (const auto& [stem, _] : weights) {
            Tensors half;
            for (auto& [name, tensor] : read_tensors(fixture("tiny-sdxl/" + stem + ".safetensors")))
                half.emplace_back(name, tensor.to(torch::kHalf));
            save_safetensors((model / (stem + ".fp16.safetensors")).string(), half);
        }
        const fs::path lightning = dir("fp16-variants-lightning");
        fs::create_directories(lightning);
        save_safetensors(
            (lightning / "sdxl_lightning_4step_unet.fp16.safetensors").string(),
            read_tensors(fixture("tiny-lightning/sdxl_lightning_4step_unet.safetensors")));
        generates_golden("lightning_4step_w64_h64_seed42", {model.string(), "", lightning.string()},
                         true);
    }

    // madebyollin/sdxl-vae-fp16-fix ships sdxl.vae.safetensors / sdxl_vae.safetensors in the
    // original (ldm) layout: encoder.down.N.block.M..., mid.attn_1.q as 1x1 convs.
    void vae_as_one_ldm_layout_file() {
        const fs::path model = dir("vae-file");
        link_tiny_sdxl(model, {"vae/diffusion_pytorch_model.safetensors"});
        Tensors vae;
        const std::string prefix = "first_stage_model.";
        for (auto& [name, tensor] :
             read_tensors(fixture("tiny-lightning/sdxl_lightning_4step.safetensors")))
            if (name.rfind(prefix, 0) == 0) vae.emplace_back(name.substr(prefix.size()), tensor);
        QVERIFY(vae.size() > 100);
        save_safetensors((model / "vae/sdxl_vae.safetensors").string(), vae);
        generates_golden("lightning_4step_w64_h64_seed42", {model.string(), "", ""}, false);
    }

    void whole_sdxl_checkpoint_next_to_its_configs() {
        // As the hub snapshot of SDXL base holds it: the checkpoint beside model_index.json,
        // given alone (no config folder named).
        const fs::path model = dir("single-file-beside-configs");
        link_tiny_sdxl(model);
        fs::create_symlink(fs::absolute(fixture("tiny-lightning/sdxl_lightning_4step.safetensors")),
                           model / "sdxl_lightning_4step.safetensors");
        generates_golden("singlefile_4step_w64_h64_seed42",
                         {(model / "sdxl_lightning_4step.safetensors").string(), "", ""}, true);
    }

    // lightning-random-model --single-file: the fixture folder with its 4-step Lightning UNet
    // written as one fp16 single file (core/convert's writer) loads as a single file and gives
    // the same latents and image as the folder, bit for bit (every traced tensor equal).
    void written_single_file_generates_what_its_folder_does() {
        const auto configs = fixture("tiny-sdxl");
        const auto unet_config = read_unet_config((configs / "unet/config.json").string());
        const auto vae_config = read_vae_config((configs / "vae/config.json").string());
        const auto te2_config =
            read_clip_text_config((configs / "text_encoder_2/config.json").string());
        SingleFileParts parts;
        parts.unet = SafeTensorsFile::open(
            fixture("tiny-lightning/sdxl_lightning_4step_unet.safetensors").string());
        parts.vae =
            SafeTensorsFile::open((configs / "vae/diffusion_pytorch_model.safetensors").string());
        parts.text_encoder =
            SafeTensorsFile::open((configs / "text_encoder/model.safetensors").string());
        parts.text_encoder_2 =
            SafeTensorsFile::open((configs / "text_encoder_2/model.safetensors").string());
        fs::create_directories(dir("written-single-file"));
        const fs::path file = dir("written-single-file") / "tiny_4step.safetensors";
        write_single_file(file.string(), parts, unet_config, vae_config, te2_config, c10::kHalf);

        auto run = [&](const ModelLocations& paths) {
            EngineOptions options;
            options.models = paths;
            options.preview = PreviewMode::Off;
            const auto engine = Engine::load(options);
            GenerationRequest request = golden_case("lightning_4step_w64_h64_seed42").request;
            request.unet_file.clear();
            request.record_trace = true;
            const auto result = engine->generate(request).run;
            auto trace = result.trace;
            trace.emplace_back("image_uint8", image8_to_tensor(result.images.at(0).pixels));
            return trace;
        };
        const auto folder = run({configs.string(), "", fixture("tiny-lightning").string()});
        const auto single = run({file.string(), configs.string(), ""});
        QCOMPARE(single.size(), folder.size());
        bool saw_latents = false;
        for (size_t i = 0; i < folder.size(); ++i) {
            QCOMPARE(single[i].first, folder[i].first);
            QVERIFY2(at::equal(single[i].second, folder[i].second), folder[i].first.c_str());
            saw_latents |= folder[i].first.find("latents") != std::string::npos;
        }
        QVERIFY(saw_latents);
        qInfo("%zu traced tensors identical", folder.size());
    }

    void whole_sdxl_checkpoint_as_the_weights_of_a_config_folder() {
        // A folder of configs and tokenizers whose only weights are one single-file checkpoint.
        const fs::path model = dir("single-file-in-folder");
        link_tiny_sdxl(
            model,
            {"unet/diffusion_pytorch_model.safetensors", "vae/diffusion_pytorch_model.safetensors",
             "text_encoder/model.safetensors", "text_encoder_2/model.safetensors"});
        fs::create_symlink(fs::absolute(fixture("tiny-lightning/sdxl_lightning_4step.safetensors")),
                           model / "sd_xl_checkpoint.safetensors");
        generates_golden("singlefile_4step_w64_h64_seed42", {model.string(), "", ""}, true);
    }

    // What `lightning models download` fetches of SDXL base: unet/config.json, no base UNet
    // weights (the Lightning UNets replace them).
    void base_folder_without_unet_weights_runs_on_the_lightning_unets() {
        const fs::path model = dir("no-base-unet");
        link_tiny_sdxl(model, {"unet/diffusion_pytorch_model.safetensors"});
        const ModelLocations paths{model.string(), "", fixture("tiny-lightning").string()};
        generates_golden("lightning_4step_w64_h64_seed42", paths, true);

        // Without a Lightning folder nothing can fill the UNet: said before any work.
        EngineOptions options;
        options.models = {model.string(), "", ""};
        const auto engine = Engine::load(options);
        GenerationRequest request;
        request.steps = 4;
        request.width = request.height = 64;
        try {
            engine->generate(request);
            QFAIL("generated without any UNet weights");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("no UNet weights of its own") != std::string::npos,
                     e.what());
        }
    }

    void lightning_all_in_one_files_in_the_lightning_folder() {
        const fs::path lightning = dir("all-in-one");
        fs::create_directories(lightning);
        fs::create_symlink(fs::absolute(fixture("tiny-lightning/sdxl_lightning_4step.safetensors")),
                           lightning / "sdxl_lightning_4step.safetensors");
        generates_golden("lightning_4step_w64_h64_seed42",
                         {fixture("tiny-sdxl").string(), "", lightning.string()}, true);
    }
};

QTEST_GUILESS_MAIN(TestLayouts)
#include "test_layouts.moc"
