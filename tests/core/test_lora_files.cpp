// LoRAs by name (core/lora/lora_files.h): A1111's `<lora:name:weight>` prompt tags read as A1111's
// own parser reads them (tests/data/a1111_lora_tags.json, made by
// bench/reference/make_lora_tag_goldens.py), resolved against LoRA folders into the request, an
// unknown name refused clearly, and a LoRA made for SD 1.x/2.x refused before any work by the
// checks the CLI, the app and the engine share (check_request_files).
#include "core/engine/engine.h"
#include "core/io/safetensors.h"
#include "core/lora/lora_files.h"
#include "core/util/error.h"
#include "support/errors.h"
#include "support/fixtures.h"

#include <torch/torch.h>

#include <QTemporaryDir>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace lightning;
namespace fs = std::filesystem;

namespace {

std::string fixture_lora() {
    return testing::fixtures_dir() + "/tiny-lightning/sdxl_lightning_4step_lora.safetensors";
}

// A rank-4 LoRA file with these kohya keys (input for the checks, not an expected value).
void write_lora(const std::string& path, const std::vector<std::pair<std::string, int64_t>>& keys,
                const std::map<std::string, std::string>& metadata = {{"format", "pt"}}) {
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& [module, in] : keys) {
        tensors.emplace_back(module + ".lora_down.weight", torch::zeros({4, in}));
        tensors.emplace_back(module + ".lora_up.weight", torch::zeros({in, 4}));
        tensors.emplace_back(module + ".alpha", torch::tensor(4.0f));
    }
    save_safetensors(path, tensors, metadata);
}

// SD 1.5's first attention block (SDXL's first level has none) and its text encoder, as kohya
// sd-scripts names them; attn2's key width is SD 1.x's 768.
const std::vector<std::pair<std::string, int64_t>> kSd15Keys = {
    {"lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k", 768},
    {"lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q", 320},
    {"lora_te_text_model_encoder_layers_0_self_attn_q_proj", 768},
};
// A module SD 1.x and SDXL both have: only the metadata can tell.
const std::vector<std::pair<std::string, int64_t>> kSharedKeys = {
    {"lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn1_to_q", 640}};

GenerationRequest with_lora(const std::string& path) {
    GenerationRequest request;
    request.loras = {{path, 0.8}};
    return request;
}

}  // namespace

class TestLoraFiles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void prompt_tags_are_split_as_a1111_splits_them();
    void lora_tag_weights_follow_a1111s_lora_extension();
    void prompt_tag_becomes_a_request_lora_and_leaves_the_prompt();
    void unknown_lora_name_is_a_clear_error();
    void lora_folders_and_the_hub_cache_are_listed_by_name();
    void sd15_lora_is_refused_naming_the_file_and_its_model();
    void sdxl_loras_pass_the_base_model_check();
};

void TestLoraFiles::prompt_tags_are_split_as_a1111_splits_them() {
    std::ifstream in(testing::test_data_dir() + "/a1111_lora_tags.json");
    QVERIFY(in.good());
    const auto golden = nlohmann::json::parse(in);
    QVERIFY(golden["cases"].size() > 10);
    for (const auto& c : golden["cases"]) {
        const std::string prompt = c["prompt"];
        const ExtraNetworks parsed = parse_extra_networks(prompt);
        QCOMPARE(parsed.prompt, c["stripped"].get<std::string>());
        // A1111 groups the tags by kind, each kind's in prompt order.
        nlohmann::json tags = nlohmann::json::object();
        for (const auto& tag : parsed.tags)
            tags[tag.kind].push_back({{"positional", tag.positional}, {"named", tag.named}});
        QVERIFY2(tags == c["tags"], (prompt + ": " + tags.dump()).c_str());
    }
}

void TestLoraFiles::lora_tag_weights_follow_a1111s_lora_extension() {
    const auto tags =
        extract_lora_tags("<lora:a> b <lyco:c:0.5> <lora:d:te=-1:unet=-1> <lora:e:2:2>");
    QCOMPARE(tags.prompt, std::string(" b   "));
    QCOMPARE(tags.tags.size(), size_t(4));
    const std::vector<std::pair<std::string, double>> expected = {
        {"a", 1.0}, {"c", 0.5}, {"d", -1.0}, {"e", 2.0}};
    for (size_t i = 0; i < expected.size(); ++i) {
        QCOMPARE(tags.tags[i].name, expected[i].first);
        QCOMPARE(tags.tags[i].scale, expected[i].second);
    }
    // What one fused weight per LoRA cannot do is refused, naming the tag.
    for (const char* refused :
         {"<lora:a:1:0.5>", "<lora:a:unet=0.3>", "<lora:a:0.5:dyn=4>", "<hypernet:h:1>",
          "<lora::0.5>", "<lora:a:b=c=d>", "<lora:a:0x1>"}) {
        const Error error = testing::expect_error([&] { extract_lora_tags(refused); });
        QCOMPARE(error.where(), std::string("prompt"));
        QVERIFY2(error.message().find(refused) != std::string::npos, error.what());
    }
}

void TestLoraFiles::prompt_tag_becomes_a_request_lora_and_leaves_the_prompt() {
    const std::vector<LoraFile> library = {{"detail", "/loras/detail.safetensors"},
                                           {"style", "/loras/sub/style.safetensors"}};
    GenerationRequest request;
    request.prompt = "a fox <lora:style:0.5>, snow";
    request.loras = {{"/elsewhere/panel.safetensors", 1.0}};
    resolve_prompt_loras(request, library, "the LoRA folder /loras");
    QCOMPARE(request.prompt, std::string("a fox , snow"));
    const std::vector<LoraSpec> expected = {{"/elsewhere/panel.safetensors", 1.0},
                                            {"/loras/sub/style.safetensors", 0.5}};
    QVERIFY(request.loras == expected);

    // A LoRA the request names already (a PNG's "Lora hashes" beside the tag) takes the tag's
    // file and weight instead of running twice.
    GenerationRequest recorded;
    recorded.prompt = "<lora:detail:0.25>x";
    recorded.loras = {{"detail", 1.0}};
    resolve_prompt_loras(recorded, library, "the LoRA folder /loras");
    QCOMPARE(recorded.prompt, std::string("x"));
    const std::vector<LoraSpec> tagged = {{"/loras/detail.safetensors", 0.25}};
    QVERIFY(recorded.loras == tagged);

    // Other prompt syntaxes keep the text as it is.
    GenerationRequest plain;
    plain.prompt = "<lora:style:0.5>";
    plain.prompt_syntax = PromptSyntax::None;
    resolve_prompt_loras(plain, library, "");
    QCOMPARE(plain.prompt, std::string("<lora:style:0.5>"));
    QVERIFY(plain.loras.empty());
}

void TestLoraFiles::unknown_lora_name_is_a_clear_error() {
    const std::vector<LoraFile> library = {{"style", "/loras/style.safetensors"}};
    GenerationRequest request;
    request.prompt = "a fox <lora:style:0.5> <lora:nope:0.7>";
    const GenerationRequest before = request;
    const Error error = testing::expect_error(
        [&] { resolve_prompt_loras(request, library, "the LoRA folder /loras"); });
    QCOMPARE(error.where(), std::string("prompt"));
    QCOMPARE(error.message(), std::string("<lora:nope:0.7>: no LoRA named 'nope' in the LoRA "
                                          "folder /loras (LoRAs there: style)"));
    QVERIFY(request == before);  // nothing resolved halfway

    // Two files of one name: which one is meant is not guessed.
    const std::vector<LoraFile> twice = {{"style", "/a/style.safetensors"},
                                         {"style", "/b/style.safetensors"}};
    request.prompt = "<lora:style>";
    const std::string message =
        testing::error_of([&] { resolve_prompt_loras(request, twice, "two folders"); });
    QVERIFY2(message.find("/a/style.safetensors and /b/style.safetensors") != std::string::npos,
             message.c_str());
    QCOMPARE(lora_folders_text({}, "--lora-dir DIR"),
             std::string("no LoRA folder (--lora-dir DIR)"));
}

void TestLoraFiles::lora_folders_and_the_hub_cache_are_listed_by_name() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    fs::create_directories(root / "loras/sub");
    fs::copy_file(fixture_lora(), root / "loras/sub/style.safetensors");
    fs::copy_file(fixture_lora(), root / "loras/detail.safetensors");
    std::ofstream(root / "loras/notes.txt") << "not a LoRA";
    const auto files = lora_files_in({(root / "loras").string(), (root / "missing").string()});
    const std::vector<LoraFile> expected = {
        {"detail", (root / "loras/detail.safetensors").string()},
        {"style", (root / "loras/sub/style.safetensors").string()}};
    QVERIFY(files == expected);

    // The hub cache: the snapshot main points to; a UNet file there is no LoRA.
    const fs::path repo = root / "hub/models--org--name";
    fs::create_directories(repo / "snapshots/c1");
    fs::create_directories(repo / "refs");
    std::ofstream(repo / "refs/main") << "c1";
    fs::copy_file(fixture_lora(), repo / "snapshots/c1/turbo_lora.safetensors");
    fs::copy_file(testing::fixtures_dir() + "/tiny-lightning/sdxl_lightning_2step_unet.safetensors",
                  repo / "snapshots/c1/unet.safetensors");
    const auto cached = hub_cache_lora_files((root / "hub").string());
    const std::vector<LoraFile> in_cache = {
        {"turbo_lora", (repo / "snapshots/c1/turbo_lora.safetensors").string()}};
    QVERIFY(cached == in_cache);
}

void TestLoraFiles::sd15_lora_is_refused_naming_the_file_and_its_model() {
    QTemporaryDir dir;
    const std::string by_keys = dir.filePath("sd15_style.safetensors").toStdString();
    write_lora(by_keys, kSd15Keys);
    Error error = testing::expect_error([&] { check_request_files(with_lora(by_keys)); });
    QCOMPARE(error.where(), by_keys);
    QVERIFY2(error.message().rfind("is a LoRA for Stable Diffusion 1.x (its keys name UNet blocks "
                                   "SDXL does not have",
                                   0) == 0,
             error.what());
    QVERIFY2(error.message().find("not for SDXL") != std::string::npos, error.what());

    // Keys that fit both: the metadata says what it was trained on.
    const std::string by_kohya = dir.filePath("kohya.safetensors").toStdString();
    write_lora(by_kohya, kSharedKeys, {{"ss_base_model_version", "sd_v1"}});
    error = testing::expect_error([&] { check_request_files(with_lora(by_kohya)); });
    QVERIFY2(error.message().find("Stable Diffusion 1.x (its metadata says ss_base_model_version = "
                                  "sd_v1)") != std::string::npos,
             error.what());
    const std::string by_modelspec = dir.filePath("modelspec.safetensors").toStdString();
    write_lora(by_modelspec, kSharedKeys,
               {{"modelspec.architecture", "stable-diffusion-v2-768-v/lora"}});
    error = testing::expect_error([&] { check_request_files(with_lora(by_modelspec)); });
    QVERIFY2(error.message().find("is a LoRA for Stable Diffusion 2.x") != std::string::npos,
             error.what());
    const std::string flux = dir.filePath("flux.safetensors").toStdString();
    write_lora(flux, kSharedKeys, {{"modelspec.architecture", "flux-1-dev/lora"}});
    error = testing::expect_error([&] { check_request_files(with_lora(flux)); });
    QVERIFY2(error.message().find("is a LoRA for flux-1-dev") != std::string::npos, error.what());
}

void TestLoraFiles::sdxl_loras_pass_the_base_model_check() {
    check_request_files(with_lora(fixture_lora()));
    QTemporaryDir dir;
    const std::string sdxl = dir.filePath("sdxl.safetensors").toStdString();
    write_lora(sdxl, kSharedKeys, {{"ss_base_model_version", "sdxl_base_v1-0"}});
    check_request_files(with_lora(sdxl));
    const std::string te2 = dir.filePath("te2.safetensors").toStdString();
    write_lora(te2, {{"lora_te2_text_model_encoder_layers_0_self_attn_q_proj", 1280}});
    QCOMPARE(lora_base_of({}, SafeTensorsFile::open(te2)->infos()).model, std::string("SDXL"));
    check_request_files(with_lora(te2));
}

QTEST_GUILESS_MAIN(TestLoraFiles)
#include "test_lora_files.moc"
