// What `lightning serve`'s clients send, read into the one request record without a server:
// A1111's and OpenAI's fields, the native request JSON, the refusal of server paths, the API
// key checks, and base64 against Qt's own codec.
#include "core/request/limits.h"
#include "core/serve/api_requests.h"
#include "core/util/api_access.h"
#include "core/util/base64.h"
#include "support/errors.h"
#include "support/fixtures.h"

#include <nlohmann/json.hpp>

#include <random>

using namespace lightning;
using namespace lightning::serve;
using nlohmann::json;

class TestServeRequests : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void base64_agrees_with_qt_both_ways() {
        std::mt19937 random(1);
        for (int size = 0; size < 70; ++size) {
            std::vector<unsigned char> bytes(static_cast<size_t>(size));
            for (auto& b : bytes) b = static_cast<unsigned char>(random());
            const QByteArray qt(reinterpret_cast<const char*>(bytes.data()), size);
            QCOMPARE(QByteArray::fromStdString(base64_encode(bytes)), qt.toBase64());
            QVERIFY(base64_decode(qt.toBase64().toStdString(), "x") == bytes);
            QVERIFY(base64_decode(qt.toBase64(QByteArray::OmitTrailingEquals).toStdString(), "x") ==
                    bytes);
        }
        QVERIFY(!testing::error_of([] { base64_decode("ab$d", "img"); }).empty());
        QVERIFY(!testing::error_of([] { base64_decode("abcde", "img"); }).empty());
    }

    void a1111_fields_map_onto_the_request_and_unknown_ones_are_named() {
        GenerationRequest defaults;
        const json body = {{"prompt", "a cat"},
                           {"negative_prompt", ""},
                           {"steps", 2},
                           {"cfg_scale", 1.5},
                           {"width", 512},
                           {"height", 768.0},
                           {"seed", -1},
                           {"batch_size", 2},
                           {"n_iter", 3},
                           {"sampler_name", "DPM++ 2M"},
                           {"restore_faces", false},
                           {"tiling", false},
                           {"enable_hr", false},
                           {"hr_scale", 2}};
        const auto api = from_a1111(body, false, defaults, 123);
        const GenerationRequest& r = api.request;
        QCOMPARE(r.prompt, std::string("a cat"));
        QVERIFY(!r.negative_prompt);  // "" = none, as the record writes it
        QCOMPARE(r.steps, 2);
        QCOMPARE(r.guidance, 1.5);
        QCOMPARE(r.width, 512);
        QCOMPARE(r.height, 768);
        QCOMPARE(r.seed, uint64_t(123));  // -1: the random one
        QCOMPARE(r.batch, 6);             // batch_size x n_iter
        QVERIFY(!r.hires.on());
        const std::string warnings = json(api.warnings).dump();
        QVERIFY(warnings.find("DPM++ 2M") != std::string::npos);
        QVERIFY(warnings.find("restore_faces, tiling") != std::string::npos);
        QVERIFY(warnings.find("hr_scale") == std::string::npos);  // sent with enable_hr false
        QCOMPARE(from_a1111({{"seed", 7}}, false, defaults, 1).request.seed, uint64_t(7));
    }

    void a1111_hires_and_img2img_fields() {
        GenerationRequest defaults;
        const auto hires = from_a1111({{"enable_hr", true},
                                       {"hr_scale", 1.5},
                                       {"hr_upscaler", "Lanczos"},
                                       {"denoising_strength", 0.4},
                                       {"hr_second_pass_steps", 2}},
                                      false, defaults, 1);
        QCOMPARE(hires.request.hires.scale, 1.5);
        QCOMPARE(hires.request.hires.strength, 0.4);
        QCOMPARE(hires.request.hires.steps, 2);
        QVERIFY(hires.request.hires.upscaler == HiresUpscaler::Lanczos);
        const std::string png = base64_encode(std::vector<unsigned char>{0x89, 'P', 'N', 'G'});
        const auto img2img = from_a1111({{"init_images", {png}},
                                         {"denoising_strength", 0.3},
                                         {"mask", png},
                                         {"mask_blur", 4},
                                         {"resize_mode", 1}},
                                        true, defaults, 1);
        QCOMPARE(img2img.request.input.strength, 0.3);
        QCOMPARE(img2img.request.input.mask_blur, 4);
        QVERIFY(img2img.request.input.fit == ImageFit::Crop);
        QCOMPARE(img2img.images.init_image.size(), size_t(4));
        QCOMPARE(img2img.images.mask.size(), size_t(4));
        QVERIFY(img2img.size_from_input);
        QVERIFY(!testing::error_of([&] {
                     from_a1111({{"steps", 2.5}}, false, defaults, 1);
                 }).empty());
        QVERIFY(!testing::error_of([&] {
                     from_a1111({{"prompt", 3}}, false, defaults, 1);
                 }).empty());
        QVERIFY(!testing::error_of([&] { from_a1111(json::object(), true, defaults, 1); }).empty());
    }

    void openai_fields_map_and_url_is_refused() {
        GenerationRequest defaults;
        const auto api = from_openai({{"prompt", "a boat"},
                                      {"n", 3},
                                      {"size", "640x384"},
                                      {"model", "dall-e-3"},
                                      {"steps", 8}},
                                     defaults, 9);
        QCOMPARE(api.request.batch, 3);
        QCOMPARE(api.request.width, 640);
        QCOMPARE(api.request.height, 384);
        QCOMPARE(api.request.steps, 8);
        QCOMPARE(api.request.seed, uint64_t(9));
        QVERIFY(json(api.warnings).dump().find("model") != std::string::npos);
        const auto url = testing::error_of([&] {
            from_openai({{"prompt", "x"}, {"response_format", "url"}}, defaults, 1);
        });
        QVERIFY(url.find("b64_json") != std::string::npos);
        QVERIFY(!testing::error_of([&] {
                     from_openai({{"prompt", "x"}, {"size", "64"}}, defaults, 1);
                 }).empty());
        QVERIFY(!testing::error_of([&] { from_openai(json::object(), defaults, 1); }).empty());
        // n = 0 made a request for no image (found by fuzz_serve_requests).
        for (const int n : {0, -1, limits::kMaxBatch + 1})
            QVERIFY(testing::error_of([&] {
                        from_openai({{"prompt", "x"}, {"n", n}}, defaults, 1);
                    }).find("n: out of range") != std::string::npos);
    }

    void native_request_refuses_every_server_path() {
        GenerationRequest defaults;
        QCOMPARE(from_native({{"prompt", "x"}}, defaults, 5).request.seed, uint64_t(5));
        for (const json& body :
             {json{{"unet", "u.safetensors"}}, json{{"loras", {"a.safetensors"}}},
              json{{"embeddings", {"e.safetensors"}}}, json{{"init_image", "in.png"}},
              json{{"mask", "m.png"}}, json{{"hires_upscaler", "x4.pth"}, {"hires_scale", 2}},
              json{{"upscale_model", "x4.pth"}}}) {
            const auto error = testing::error_of([&] { from_native(body, defaults, 1); });
            QVERIFY2(error.find("not accepted") != std::string::npos, body.dump().c_str());
        }
    }

    void api_keys_compare_whole_and_loopback_is_recognised() {
        QVERIFY(authorized("Bearer k3y", "k3y"));
        QVERIFY(!authorized("Bearer k3", "k3y"));
        QVERIFY(!authorized("Bearer k3yy", "k3y"));
        QVERIFY(!authorized("k3y", "k3y"));
        QVERIFY(authorized(
            "Basic " + base64_encode(std::vector<unsigned char>{'a', ':', 'k', '3', 'y'}), "k3y"));
        QVERIFY(!constant_time_equal("", ""));  // no key never matches
        QVERIFY(is_loopback("127.0.0.1") && is_loopback("127.1.2.3") && is_loopback("::1"));
        QVERIFY(!is_loopback("0.0.0.0") && !is_loopback("192.168.1.2") && !is_loopback("::"));
    }
};

QTEST_GUILESS_MAIN(TestServeRequests)
#include "test_serve_requests.moc"
