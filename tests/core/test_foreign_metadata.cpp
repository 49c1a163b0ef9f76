// Other tools' metadata (core/request/foreign_metadata.h) on real PNGs of ComfyUI, InvokeAI and
// Fooocus (tests/data/foreign/README.md names each file's source). Expected values come from
// bench/reference/foreign_metadata_expected.py, which reads the same entries with Python's json
// module (tests/data/foreign/tools/expected.json), never from the reader under test. Broken,
// deep, huge and cyclic graphs must end in an Error naming the entry, or a record that says
// what it could not read.
#include "core/image/image_file.h"
#include "core/image/png.h"
#include "core/request/foreign_metadata.h"
#include "core/util/error.h"
#include "support/errors.h"
#include "support/fixtures.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

using lightning::Error;
using lightning::ForeignRecord;
using lightning::ImageRecord;
using lightning::testing::expect_error;
using nlohmann::json;

namespace {

std::string foreign_path(const std::string& name) {
    return lightning::testing::test_data_dir() + "/foreign/" + name;
}

json expected_values() {
    const std::string path = foreign_path("tools/expected.json");
    std::ifstream in(path);
    if (!in) qFatal("cannot read %s", path.c_str());
    return json::parse(in).at("files");
}

std::map<std::string, std::string> entries_of(const std::string& name) {
    return lightning::read_png_text(foreign_path(name), lightning::TextKeys::every()).entries;
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// Whether unused_settings() names `key` ("key: value").
bool names_unused(const ImageRecord& record, const std::string& key) {
    for (const auto& line : lightning::unused_settings(record))
        if (line.rfind(key + ": ", 0) == 0) return true;
    return false;
}

// The request fields the tool wrote, as expected.json has them (null: the file does not give it).
void expect_request(const ForeignRecord& got, const json& want, const std::string& name) {
    const auto& r = got.record.request;
    const QByteArray where = QByteArray::fromStdString(name);
    QVERIFY2(got.tool == want.at("tool").get<std::string>(), where);
    QVERIFY2(got.source == want.at("source").get<std::string>(), where);
    if (want.at("prompt").is_null()) {
        QVERIFY2(!contains(got.mapped, "Prompt") && names_unused(got.record, "Prompt not read"),
                 where);
    } else {
        QCOMPARE(r.prompt, want.at("prompt").get<std::string>());
        QVERIFY2(contains(got.mapped, "Prompt"), where);
    }
    if (want.at("negative").is_null())
        QVERIFY2(!r.negative_prompt, where);
    else
        QCOMPARE(r.negative_prompt.value_or("<none>"), want.at("negative").get<std::string>());
    QCOMPARE(r.seed, want.at("seed").get<uint64_t>());
    QCOMPARE(r.steps, want.at("steps").get<int>());
    QCOMPARE(r.guidance, want.at("cfg").get<double>());
    if (want.at("width").is_null()) {
        // The size of an input image: named as unreadable, so the form keeps its own.
        QVERIFY2(contains(lightning::unreadable_settings(got.record), "Size"), where);
    } else {
        QCOMPARE(r.width, want.at("width").get<int>());
        QCOMPARE(r.height, want.at("height").get<int>());
    }
    QCOMPARE(got.record.model.name, want.at("model").get<std::string>());
    QCOMPARE(r.loras.size(), want.at("loras").size());
    for (size_t i = 0; i < r.loras.size(); ++i) {
        QCOMPARE(r.loras[i].path, want.at("loras")[i][0].get<std::string>());
        QCOMPARE(r.loras[i].scale, want.at("loras")[i][1].get<double>());
    }
}

// What the app has no use for is named: the tool's keys, or ComfyUI's scheduler, denoise and
// the nodes off the sampler's paths.
void expect_unused(const ForeignRecord& got, const json& want, const std::string& name) {
    const QByteArray where = QByteArray::fromStdString(name);
    if (want.contains("unused"))
        for (const auto& key : want.at("unused"))
            QVERIFY2(names_unused(got.record, key.get<std::string>()),
                     where + " does not name " + QByteArray::fromStdString(key.get<std::string>()));
    if (!want.contains("nodes_not_read")) return;
    const std::string scheduler = "Scheduler: " + want.at("scheduler").get<std::string>();
    QVERIFY2(contains(lightning::unused_settings(got.record), scheduler), where);
    QCOMPARE(names_unused(got.record, "Denoising strength"), want.at("denoise") != 1.0);
    std::vector<std::string> nodes;
    for (const auto& [key, value] : got.record.extra)
        if (key == "Node not read") nodes.push_back(value.substr(0, value.find(" (")));
    std::sort(nodes.begin(), nodes.end());
    QCOMPARE(json(nodes), want.at("nodes_not_read"));
}

json deep_array(int depth) {
    return json::parse(std::string(size_t(depth), '[') + std::string(size_t(depth), ']'));
}

}  // namespace

class TestForeignMetadata : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void real_pngs_read_as_their_tools_wrote_them();
    void comfyui_workflow_reads_as_its_prompt_graph();
    void image_file_record_takes_other_tools_metadata();
    void broken_entries_are_errors_naming_the_entry();
    void cyclic_and_huge_graphs_end();
    void a1111_text_is_left_to_the_parameters_codec();
};

void TestForeignMetadata::real_pngs_read_as_their_tools_wrote_them() {
    const json files = expected_values();
    QVERIFY(files.size() >= 7);
    for (const auto& [name, want] : files.items()) {
        const auto got = lightning::read_foreign_metadata(entries_of(name));
        QVERIFY2(got, name.c_str());
        expect_request(*got, want, name);
        expect_unused(*got, want, name);
    }
}

// The UI graph gives what the API graph gives (ComfyUI writes both; older files and exports
// have only the workflow).
void TestForeignMetadata::comfyui_workflow_reads_as_its_prompt_graph() {
    int checked = 0;
    const json files = expected_values();
    for (const auto& [name, want] : files.items()) {
        if (want.at("tool") != "ComfyUI") continue;
        const auto entries = entries_of(name);
        ForeignRecord got = lightning::read_comfyui_workflow(entries.at("workflow"));
        QCOMPARE(got.source, std::string("workflow"));
        got.source = "prompt";  // the rest as from the prompt graph
        expect_request(got, want, name + " (workflow)");
        ++checked;
    }
    QVERIFY(checked >= 4);
}

void TestForeignMetadata::image_file_record_takes_other_tools_metadata() {
    const json files = expected_values();
    for (const auto& [name, want] : files.items()) {
        const auto file = lightning::read_image_record(foreign_path(name));
        QVERIFY2(file.record, name.c_str());
        QVERIFY2(
            file.foreign_summary.rfind("Read from " + want.at("tool").get<std::string>(), 0) == 0,
            file.foreign_summary.c_str());
        QVERIFY(file.foreign_problem.empty());
        if (!want.at("prompt").is_null())
            QCOMPARE(file.record->request.prompt, want.at("prompt").get<std::string>());
    }
    // A broken entry leaves the file an image without a record and says why, naming it.
    QTemporaryDir dir;
    const std::string path = dir.filePath("broken.png").toStdString();
    lightning::Image8 pixels;
    pixels.width = pixels.height = 2;
    pixels.rgb.assign(12, 0);
    lightning::PngText text;
    text.entries["invokeai_metadata"] = R"({"positive_prompt": "a cat", "seed": )";
    lightning::write_png(path, pixels, text);
    const auto file = lightning::read_image_record(path);
    QVERIFY(!file.record);
    QVERIFY2(
        file.foreign_problem.find(path) != std::string::npos &&
            file.foreign_problem.find("invokeai_metadata entry: not JSON") != std::string::npos,
        file.foreign_problem.c_str());
}

void TestForeignMetadata::broken_entries_are_errors_naming_the_entry() {
    using lightning::read_foreign_metadata;
    const auto error = [](std::map<std::string, std::string> entries) {
        return expect_error([&] { read_foreign_metadata(entries); });
    };
    QCOMPARE(error({{"prompt", R"({"3": {"inputs": )"}}).where(), std::string("prompt entry"));
    QVERIFY(error({{"prompt", "[1, 2]"}}).message() == "not a JSON object");
    const std::string deep = deep_array(100).dump();
    QVERIFY(error({{"invokeai_metadata", R"({"a": )" + deep + "}"}})
                .message()
                .find("nested deeper than") != std::string::npos);
    QCOMPARE(error({{"sd-metadata", R"({"model_weights": "x"})"}}).message(),
             std::string("no \"image\" object"));
    QCOMPARE(error({{"parameters", "{\"prompt\": \"a\", "}}).where(),
             std::string("parameters entry"));
    const Error no_sampler = error({{"prompt", R"({"1": {"class_type": "SamplerCustom",
                                                          "inputs": {}}})"}});
    QVERIFY2(no_sampler.message().find("no KSampler or KSamplerAdvanced") != std::string::npos &&
                 no_sampler.message().find("SamplerCustom") != std::string::npos,
             no_sampler.what());
    QCOMPARE(error({{"prompt", R"({"1": {"class_type": "KSampler"}})"}}).where(),
             std::string("prompt entry"));
    QCOMPARE(error({{"workflow", R"({"links": []})"}}).message(), std::string("no \"nodes\" list"));

    // A real file's prompt graph cut short: its workflow is read instead; with both broken,
    // the prompt graph's reason is given.
    auto entries = entries_of("tools/comfyui_lora.png");
    entries["prompt"].resize(entries["prompt"].size() / 2);
    const auto fallback = read_foreign_metadata(entries);
    QVERIFY(fallback && fallback->source == "workflow");
    QCOMPARE(fallback->record.request.prompt,
             expected_values().at("tools/comfyui_lora.png").at("prompt").get<std::string>());
    entries["workflow"].assign(1, '{');  // (a literal trips a g++ 12 false warning)
    QCOMPARE(error(entries).where(), std::string("prompt entry"));
}

// Links that go round in circles end (and say so); a graph past the node limit is refused.
void TestForeignMetadata::cyclic_and_huge_graphs_end() {
    const json cyclic = {
        {"3",
         {{"class_type", "KSampler"},
          {"inputs",
           {{"seed", 5},
            {"steps", 6},
            {"cfg", 7.5},
            {"sampler_name", "euler"},
            {"scheduler", "normal"},
            {"denoise", 1.0},
            {"model", {"7", 0}},
            {"positive", {"5", 0}},
            {"negative", {"5", 0}},
            {"latent_image", {"9", 0}}}}}},
        {"5", {{"class_type", "ConditioningSetArea"}, {"inputs", {{"conditioning", {"6", 0}}}}}},
        {"6", {{"class_type", "ConditioningSetArea"}, {"inputs", {{"conditioning", {"5", 0}}}}}},
        {"7",
         {{"class_type", "LoraLoader"}, {"inputs", {{"lora_name", "a"}, {"model", {"8", 0}}}}}},
        {"8",
         {{"class_type", "LoraLoader"}, {"inputs", {{"lora_name", "b"}, {"model", {"7", 0}}}}}},
        {"9", {{"class_type", "LatentUpscale"}, {"inputs", {{"samples", {"9", 0}}}}}}};
    const ForeignRecord got = lightning::read_comfyui_prompt(cyclic.dump());
    QCOMPARE(got.record.request.seed, uint64_t(5));
    QCOMPARE(got.record.request.steps, 6);
    QVERIFY(!contains(got.mapped, "Prompt"));
    QVERIFY(contains(lightning::unused_settings(got.record),
                     "Prompt not read: its conditioning nodes form a cycle"));
    QVERIFY(contains(lightning::unreadable_settings(got.record), "Size"));

    // Two samplers that each start from the other: none starts the image.
    json samplers = {{"1", {{"class_type", "KSampler"}, {"inputs", {{"latent_image", {"2", 0}}}}}},
                     {"2", {{"class_type", "KSampler"}, {"inputs", {{"latent_image", {"1", 0}}}}}}};
    QVERIFY(expect_error([&] { lightning::read_comfyui_prompt(samplers.dump()); })
                .message()
                .find("no KSampler or KSamplerAdvanced node starts the image") !=
            std::string::npos);

    json huge = json::object();
    for (int i = 0; i < 6000; ++i)
        huge[std::to_string(i)] = {{"class_type", "KSampler"},
                                   {"inputs", {{"latent_image", {std::to_string(i + 1), 0}}}}};
    QCOMPARE(expect_error([&] { lightning::read_comfyui_prompt(huge.dump()); }).message(),
             std::string("the graph has 6000 nodes; at most 5000 are read"));
}

// A1111 text (also one whose prompt starts with '{') stays the parameters codec's; only a
// `parameters` text that is a JSON object and no settings line is Fooocus's.
void TestForeignMetadata::a1111_text_is_left_to_the_parameters_codec() {
    QVERIFY(!lightning::read_foreign_metadata(
        {{"parameters", "a cat\nSteps: 4, Sampler: Euler, CFG scale: 1, Seed: 3, Size: 64x64"}}));
    QVERIFY(!lightning::read_foreign_metadata(
        {{"parameters", "{a|b} cat\nSteps: 4, Sampler: Euler, CFG scale: 1, Seed: 3"}}));
    QVERIFY(!lightning::read_foreign_metadata({{"Dream", "\"a cat\" -s 50"}}));
}

QTEST_GUILESS_MAIN(TestForeignMetadata)
#include "test_foreign_metadata.moc"
