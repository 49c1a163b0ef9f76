// The one JSON <-> request codec (core/request/request_json.h): every field round-trips whatever
// the defaults; the CLI's and the PNG text's spellings read as the same fields; a wrong key or
// type is an error naming the key, never silently ignored.
#include "core/request/request_json.h"
#include "core/util/error.h"

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

using namespace lightning;
using nlohmann::json;

namespace {

GenerationRequest full_request() {
    GenerationRequest r;
    r.prompt = "a lighthouse, \"quoted\"\nsecond line";
    r.negative_prompt = "fog";
    r.steps = 8;
    r.guidance = 1.5;
    r.width = 1024;
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
    return r;
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
        other_defaults.prediction = PredictionType::Sample;
        other_defaults.loras.clear();
        for (const auto& defaults : {GenerationRequest{}, other_defaults})
            QVERIFY(request_from_json(request_to_json(request), defaults) == request);
        // Unset optionals are written as null and read back unset.
        const GenerationRequest plain;
        QVERIFY(request_from_json(request_to_json(plain), full_request()) == plain);
        QVERIFY(request_to_json(plain)["negative_prompt"].is_null());
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
    }

    void relativePathsAreTakenFromTheGivenFolder() {
        const json object = {{"unet_file", "u.safetensors"},
                             {"loras", {{{"path", "../l/a.safetensors"}, {"scale", 1}}}},
                             {"embeddings", {"/abs/e.safetensors"}}};
        const auto r = request_from_json(object, GenerationRequest{}, {"/data/manifests"});
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
