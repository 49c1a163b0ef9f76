// The one JSON <-> request codec (core/request/request_json.h): every field round-trips whatever
// the defaults (a field added to the request without the codec fails here); the CLI's and the
// PNG text's spellings read as the same fields; a wrong key or type is an error naming the key,
// never silently ignored; an image record (request, files, sampler, unknown keys) round-trips.
#include "core/request/request_json.h"
#include "core/util/error.h"

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <tuple>
#include <utility>

using namespace lightning;
using nlohmann::json;

namespace {

GenerationRequest full_request() {
    GenerationRequest r;
    r.prompt = "a lighthouse, \"quoted\"\nsecond line";
    r.negative_prompt = "fog";
    r.prompt_template = "a {lighthouse|mill}, __weather__";
    r.negative_template = "{fog|haze}";
    r.wildcards_dir = "/w/wildcards";
    r.steps = 8;
    r.guidance = 1.5;
    r.width = 832;
    r.height = 768;
    r.seed = (uint64_t(1) << 53) - 1;
    r.batch = 3;
    r.clip_skip = 2;
    r.unet_file = "/models/unet.safetensors";
    r.prediction = PredictionType::Epsilon;
    r.timestep_spacing = TimestepSpacing::Leading;
    r.loras = {{"/l/style.safetensors", 0.8}, {"/l/detail.safetensors", -1.25}};
    r.prompt_syntax = PromptSyntax::Compel;
    r.embeddings = {{"/e/neg.safetensors", "neg"}};
    r.vae_tiling = VaeTiling::On;
    r.input = {"/i/in.png", 0.35, ImageFit::Crop, "/i/mask.png", 4, {8, 16, 24, 32}, true};
    // The second pass's UNet is the engine's choice, not stored.
    r.hires = {1.5, 0.4, 8, HiresUpscaler::Model, "/u/4x-UltraSharp.pth", ""};
    r.upscale = {"/u/RealESRGAN_x2plus.pth", 2};
    r.variation = {(uint64_t(1) << 53) - 2, 0.35, 768, 640};
    return r;
}

// The fields of a request, in order. The binding names every field, so a field added to
// GenerationRequest stops this test from compiling until it is listed here: give it a key in the
// codec (core/request/request_json.cpp) and a value other than its default in full_request().
auto fields_of(const GenerationRequest& r) {
    const auto& [prompt, negative_prompt, prompt_template, negative_template, wildcards_dir, steps,
                 guidance, width, height, seed, batch, clip_skip, unet_file, prediction,
                 timestep_spacing, loras, prompt_syntax, embeddings, vae_tiling, input, hires,
                 upscale, variation, record_trace] = r;
    return std::tie(prompt, negative_prompt, prompt_template, negative_template, wildcards_dir,
                    steps, guidance, width, height, seed, batch, clip_skip, unet_file, prediction,
                    timestep_spacing, loras, prompt_syntax, embeddings, vae_tiling, input, hires,
                    upscale, variation, record_trace);
}
constexpr size_t kRecordTraceField = 23;  // a switch of one run, not stored (request_json.h)

// The positions of the fields `a` and `b` have equal.
template <typename Tuple, size_t... I>
std::vector<size_t> equal_fields(const Tuple& a, const Tuple& b, std::index_sequence<I...>) {
    std::vector<size_t> equal;
    ((std::get<I>(a) == std::get<I>(b) ? equal.push_back(I) : void()), ...);
    return equal;
}

std::vector<size_t> fields_at_default(const GenerationRequest& r) {
    const auto a = fields_of(r);
    const GenerationRequest plain;
    return equal_fields(a, fields_of(plain),
                        std::make_index_sequence<std::tuple_size_v<decltype(a)>>());
}

// A record as parse_parameters makes one (a file identity per LoRA and embedding), with every
// field set and unknown keys out of alphabetical order, one of them twice.
ImageRecord full_record() {
    ImageRecord record;
    record.request = full_request();
    record.model = {"sd_xl_base_1.0", "31e35c80fc"};
    record.unet = {"sdxl_lightning_8step_unet", "0f1e2d3c4b"};
    record.loras = {{"style", "1a2b3c4d5e"}, {"detail", ""}};
    record.embeddings = {{"neg", "2b3c4d5e6f"}};
    record.vae = {"sdxl_vae", "3c4d5e6f7a"};
    record.input_image = {"in", "4d5e6f7a8b"};
    record.mask = {"mask", "5e6f7a8b9c"};
    record.hires_upscaler = {"4x-UltraSharp", "6f7a8b9c0d"};
    record.upscaler = {"RealESRGAN_x2plus", "7a8b9c0d1e"};
    record.sampler = "DPM++ 2M";
    record.version = "Lightning Studio 0.2.0";
    record.extra = {{"Schedule type", "Karras"}, {"ENSD", "31337"}, {"Schedule type", "x"}};
    return record;
}

// The key an error names, or "" when no error.
std::string error_key(const json& object) {
    try {
        request_from_json(object, GenerationRequest{});
    } catch (const Error& e) {
        return e.where();
    }
    return "";
}

}  // namespace

class TestRequestJson : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyFieldRoundTripsWhateverTheDefaults() {
        const GenerationRequest request = full_request();
        GenerationRequest other_defaults = full_request();
        other_defaults.prompt = "other";
        other_defaults.negative_prompt.reset();
        other_defaults.prompt_template = "other {a|b}";
        other_defaults.negative_template.reset();
        other_defaults.prediction = PredictionType::Sample;
        other_defaults.loras.clear();
        for (const auto& defaults : {GenerationRequest{}, other_defaults})
            QVERIFY(request_from_json(request_to_json(request), defaults) == request);
        // Unset optionals are written as null and read back unset.
        const GenerationRequest plain;
        QVERIFY(request_from_json(request_to_json(plain), full_request()) == plain);
        QVERIFY(request_to_json(plain)["negative_prompt"].is_null());
    }

    // What makes the round trip above cover every field: full_request() leaves none at its
    // default but record_trace, which the codec does not write.
    void fullRequestSetsEveryFieldTheCodecKeeps() {
        QCOMPARE(fields_at_default(full_request()), std::vector<size_t>{kRecordTraceField});
        GenerationRequest traced = full_request();
        traced.record_trace = true;
        QVERIFY(fields_at_default(traced).empty());
        QVERIFY(!request_to_json(traced).contains("record_trace"));
        QVERIFY(!request_from_json(request_to_json(traced), GenerationRequest{}).record_trace);
    }

    void imageRecordRoundTrips() {
        const ImageRecord record = full_record();
        const json object = record_to_json(record);
        QVERIFY(record_from_json(object) == record);
        QVERIFY(record_from_json(record_to_json(ImageRecord{})) == ImageRecord{});
        // The request's keys, with the files' names and hashes beside them (`info --json`).
        QCOMPARE(object["seed"].get<uint64_t>(), record.request.seed);
        QCOMPARE(object["loras"][0]["hash"].get<std::string>(), std::string("1a2b3c4d5e"));
        QCOMPARE(object["unet"]["name"].get<std::string>(), record.unet.name);
        QCOMPARE(object["extra"][2][0].get<std::string>(), std::string("Schedule type"));
        // The record of a parameters text, as the gallery index keeps it.
        const auto parsed = parse_parameters(format_parameters(record));
        QVERIFY(parsed);
        QVERIFY(record_from_json(record_to_json(*parsed)) == *parsed);
    }

    void recordErrorsNameTheKey() {
        const auto record_error = [](const std::string& key, const json& value) {
            json object = record_to_json(full_record());
            object[key] = value;
            try {
                record_from_json(object);
            } catch (const Error& e) {
                return e.where();
            }
            return std::string();
        };
        QCOMPARE(record_error("model", "sd_xl_base"), std::string("model"));
        QCOMPARE(record_error("vae", json{{"file", "x"}}), std::string("vae"));
        QCOMPARE(record_error("sampler", 3), std::string("sampler"));
        QCOMPARE(record_error("extra", json{{"Key", "value"}}), std::string("extra"));
        QCOMPARE(record_error("steps", "4"), std::string("steps"));
        QCOMPARE(record_error("cfg", 7), std::string("cfg"));
    }

    void absentKeysKeepTheDefaults() {
        const auto defaults = full_request();
        const auto r = request_from_json(json{{"prompt", "p"}, {"seed", 5}}, defaults);
        QCOMPARE(r.prompt, std::string("p"));
        QCOMPARE(r.seed, uint64_t(5));
        QCOMPARE(r.steps, defaults.steps);
        QVERIFY(r.loras == defaults.loras);
        QVERIFY(r.negative_prompt == defaults.negative_prompt);
    }

    void cliAndParameterSpellingsAreTheSameFields() {
        const auto r = request_from_json(json{{"negative", "n"},
                                              {"unet", "/u.safetensors"},
                                              {"size", "640x448"},
                                              {"seed", "9007199254740991"},
                                              {"loras", {"/l/a.safetensors:0.5"}},
                                              {"embeddings", {"/e/tok.safetensors:tok"}}},
                                         GenerationRequest{});
        QCOMPARE(*r.negative_prompt, std::string("n"));
        QCOMPARE(r.unet_file, std::string("/u.safetensors"));
        QCOMPARE(r.width, 640);
        QCOMPARE(r.height, 448);
        QCOMPARE(r.seed, (uint64_t(1) << 53) - 1);
        QCOMPARE(r.loras.at(0).path, std::string("/l/a.safetensors"));
        QCOMPARE(r.loras.at(0).scale, 0.5);
        QCOMPARE(r.embeddings.at(0).token, std::string("tok"));
        const auto sized = request_from_json(json{{"size", {512, 256}}}, GenerationRequest{});
        QCOMPARE(sized.width, 512);
        QCOMPARE(sized.height, 256);
        QVERIFY(
            !request_from_json(json{{"negative_prompt", nullptr}}, full_request()).negative_prompt);
        // --hires-upscaler's values: a name, or an upscaler model file.
        const auto named = request_from_json(json{{"hires_upscaler", "lanczos"}}, full_request());
        QCOMPARE(named.hires.upscaler, HiresUpscaler::Lanczos);
        QVERIFY(named.hires.upscaler_model.empty());
        // A1111's "Seed resize from" as the PNG text writes it, or as a pair; the variation seed
        // as a decimal string.
        const auto resized = request_from_json(
            json{{"seed_resize_from", "768x640"}, {"variation_seed", "9007199254740990"}}, {});
        QCOMPARE(resized.variation.resize_from_width, 768);
        QCOMPARE(resized.variation.resize_from_height, 640);
        QCOMPARE(resized.variation.seed, (uint64_t(1) << 53) - 2);
        QCOMPARE(request_from_json(json{{"seed_resize_from", {512, 576}}}, {})
                     .variation.resize_from_height,
                 576);
        QCOMPARE(error_key(json{{"seed_resize_from", "768"}}), std::string("seed_resize_from"));
        QCOMPARE(error_key(json{{"variation_strength", "0.3"}}), std::string("variation_strength"));
        const auto file = request_from_json(json{{"hires_upscaler", "/u/x4.safetensors"}}, {});
        QCOMPARE(file.hires.upscaler, HiresUpscaler::Model);
        QCOMPARE(file.hires.upscaler_model, std::string("/u/x4.safetensors"));
    }

    void relativePathsAreTakenFromTheGivenFolder() {
        const json object = {{"unet_file", "u.safetensors"},
                             {"loras", {{{"path", "../l/a.safetensors"}, {"scale", 1}}}},
                             {"embeddings", {"/abs/e.safetensors"}},
                             {"wildcards", "w"}};
        const auto r = request_from_json(object, GenerationRequest{}, {"/data/manifests"});
        QCOMPARE(r.wildcards_dir, std::string("/data/manifests/w"));
        QCOMPARE(r.unet_file, std::string("/data/manifests/u.safetensors"));
        QCOMPARE(r.loras.at(0).path, std::string("/data/l/a.safetensors"));
        QCOMPARE(r.embeddings.at(0).path, std::string("/abs/e.safetensors"));
        QCOMPARE(request_from_json(object, GenerationRequest{}).unet_file,
                 std::string("u.safetensors"));
    }

    void errorsNameTheKeyAsWritten() {
        QCOMPARE(error_key(json{{"step", 4}}), std::string("step"));  // a typo is not ignored
        QCOMPARE(error_key(json{{"steps", 4.5}}), std::string("steps"));
        QCOMPARE(error_key(json{{"steps", "4"}}), std::string("steps"));
        QCOMPARE(error_key(json{{"width", 1e12}}), std::string("width"));
        QCOMPARE(error_key(json{{"guidance", true}}), std::string("guidance"));
        QCOMPARE(error_key(json{{"seed", -1}}), std::string("seed"));
        QCOMPARE(error_key(json{{"seed", "12abc"}}), std::string("seed"));
        QCOMPARE(error_key(json{{"negative", 3}}), std::string("negative"));
        QCOMPARE(error_key(json{{"size", "1024"}}), std::string("size"));
        QCOMPARE(error_key(json{{"prompt_syntax", "markdown"}}), std::string("prompt_syntax"));
        QCOMPARE(error_key(json{{"vae_tiling", "sometimes"}}), std::string("vae_tiling"));
        QCOMPARE(error_key(json{{"prediction", "x0"}}), std::string("prediction"));
        QCOMPARE(error_key(json{{"loras", "a.safetensors"}}), std::string("loras"));
        QCOMPARE(error_key(json{{"loras", {{{"path", 1}}}}}), std::string("loras.path"));
        QCOMPARE(error_key(json{{"loras", {{{"file", "a"}}}}}), std::string("loras"));
        QCOMPARE(error_key(json{{"prompt", "p"}}), std::string(""));
        QCOMPARE(error_key(json::array()), std::string("request"));
    }

    void twoSpellingsOfOneFieldAreAnError() {
        QCOMPARE(error_key(json{{"negative", "a"}, {"negative_prompt", "b"}}),
                 std::string("negative"));
        QCOMPARE(error_key(json{{"size", "64x64"}, {"width", 64}}), std::string("size"));
        QCOMPARE(error_key(json{{"unet", "a"}, {"unet_file", "b"}}), std::string("unet"));
    }

    void unknownKeyMessageListsTheKnownOnes() {
        try {
            request_from_json(json{{"cfg", 7}}, GenerationRequest{});
            QFAIL("accepted an unknown key");
        } catch (const Error& e) {
            const std::string message = e.what();
            QVERIFY2(message.find("guidance") != std::string::npos, message.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestRequestJson)
#include "test_request_json.moc"
