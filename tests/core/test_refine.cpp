// img2img, inpainting and outpainting against diffusers' own pipelines (tests/data/refine, made by
// bench/reference/refine_goldens.py): every recorded tensor of every case, the input fitting of
// VaeImageProcessor, PIL's mask blur and the outpaint padding; then what diffusers has no golden
// for: the overlay that keeps unmasked pixels, 9-channel inpainting UNets beside 4-channel ones,
// and bad input files.
#include "core/engine/engine.h"
#include "core/image/image_pixels.h"
#include "core/image/png.h"
#include "core/io/safetensors.h"
#include "core/pipeline/refine_pixels.h"
#include "core/testing/golden_pipeline.h"
#include "core/util/error.h"
#include "support/errors.h"
#include "support/fixtures.h"

#include <torch/torch.h>

#include <QTemporaryDir>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

using namespace lightning;

namespace {

// A smooth 8-bit image (the input) and a mask whose white is a tilted band, written as PNGs.
Image8 pattern(int width, int height) {
    Image8 image{width, height, {}};
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (const int c : {0, 1, 2})
                image.rgb.push_back(uint8_t((x * (3 + c) + y * (5 - c)) % 256));
    return image;
}
Image8 band_mask(int width, int height) {
    Image8 mask{width, height, {}};
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const uint8_t v = std::abs(x - width / 2 - (y - height / 2) / 2) < width / 5 ? 255 : 0;
            mask.rgb.insert(mask.rgb.end(), {v, v, v});
        }
    return mask;
}

Gray8 gray_of(const Image8& image) {
    Gray8 gray{image.width, image.height, {}};
    for (size_t i = 0; i < image.rgb.size(); i += 3) gray.values.push_back(image.rgb[i]);
    return gray;
}

std::string refine_dir() {
    return testing::test_data_dir() + "/refine";
}

EngineOptions tiny_engine() {
    EngineOptions options;
    options.models.base = testing::fixtures_dir() + "/tiny-sdxl";
    options.models.lightning_dir = testing::fixtures_dir() + "/tiny-lightning";
    options.preview = PreviewMode::Off;
    options.read_image = read_image_pixels;
    return options;
}

// The 4-step UNet with conv_in widened to 9 input channels (the extra ones zero): a file of an
// inpainting UNet's layout, for the engine's handling of one (not for its numbers).
void write_nine_channel_unet(const std::string& path) {
    const auto source = SafeTensorsFile::open(
        testing::fixtures_dir() + "/tiny-lightning/sdxl_lightning_4step_unet.safetensors");
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& name : source->names()) {
        at::Tensor t = source->load(name, torch::kFloat, c10::kCPU);
        if (name == "conv_in.weight")
            t = torch::cat({t, torch::zeros({t.size(0), 5, t.size(2), t.size(3)})}, 1);
        tensors.emplace_back(name, t);
    }
    save_safetensors(path, tensors);
}

}  // namespace

class TestRefine : public QObject {
    Q_OBJECT
    std::unique_ptr<Engine> engine_;
    QTemporaryDir dir_;
    std::string input_, mask_;

    GenerationRequest inpaint_request() const {
        GenerationRequest r;
        r.prompt = "a lighthouse";
        r.width = 96, r.height = 64, r.steps = 4, r.seed = 42;
        r.input.image = input_;
        r.input.mask = mask_;
        r.input.strength = 1.0;
        return r;
    }

private Q_SLOTS:
    void initTestCase() {
        engine_ = Engine::load(tiny_engine());
        input_ = dir_.filePath("input.png").toStdString();
        mask_ = dir_.filePath("mask.png").toStdString();
        write_png(input_, pattern(96, 64));
        write_png(mask_, band_mask(96, 64));
    }

    // Every case of tests/data/refine/manifest.json (img2img at strengths 0.3 to 1.0, x0 1-step,
    // guidance with a negative prompt, fit crop and pad, inpainting with 4- and 9-channel UNets,
    // a blurred mask, outpainting), every golden tensor at the fixtures' fp32 acceptance.
    void everyCaseMatchesDiffusers() {
        GoldenOptions options;
        options.fixtures_dir = testing::fixtures_dir();
        options.read_image = read_image_pixels;
        const auto report =
            check_manifest_pipeline_goldens(options, refine_dir() + "/manifest.json");
        QVERIFY(!report.empty());
        int cases = 0;
        std::string failures;
        for (const auto& c : report) {
            if (c.message.find(" tensors ") != std::string::npos) {
                ++cases;
                qInfo("%s", c.message.c_str());
            }
            if (!c.ok) failures += c.message + "\n";
        }
        QVERIFY2(failures.empty(), failures.c_str());
        QCOMPARE(cases, 13);
    }

    // VaeImageProcessor.resize with resize_mode default / crop / fill (fit.safetensors): the
    // fitted 8-bit pixels, exact.
    void inputFittingMatchesDiffusers() {
        const auto golden = SafeTensorsFile::open(refine_dir() + "/fit.safetensors");
        int compared = 0;
        for (const auto& [source, name] : {std::pair{"init_80x56.png", "from80x56"},
                                           std::pair{"init_120x72.png", "from120x72"}}) {
            const Image8 input = read_image_pixels(refine_dir() + "/" + source);
            for (const auto& [mode, fit] :
                 {std::pair{"default", ImageFit::Resize}, std::pair{"crop", ImageFit::Crop},
                  std::pair{"fill", ImageFit::Pad}}) {
                const std::string key = std::string(name) + "_" + mode + "_uint8";
                const auto report =
                    compare_uint8_images(key, image8_to_tensor(fit_image(input, 96, 64, fit)),
                                         golden->load(key), 0, 0.0);
                QVERIFY2(report.ok, report.message.c_str());
                ++compared;
            }
        }
        QCOMPARE(compared, 6);
    }

    // PIL's GaussianBlur(4) and (8) of the mask, as diffusers' mask_processor.blur gives them.
    void maskBlurMatchesPil() {
        const Gray8 mask = to_gray(read_image_pixels(refine_dir() + "/mask_96x64.png"));
        for (const int radius : {4, 8}) {
            const std::string file = "mask_96x64_blur" + std::to_string(radius) + ".png";
            const Gray8 expected = to_gray(read_image_pixels(refine_dir() + "/" + file));
            const Gray8 blurred = gaussian_blur(mask, radius);
            QCOMPARE(blurred.width, expected.width);
            int worst = 0;
            for (size_t i = 0; i < expected.values.size(); ++i)
                worst = std::max(worst, std::abs(int(blurred.values[i]) - int(expected.values[i])));
            QVERIFY2(worst == 0, (file + ": worst difference " + std::to_string(worst)).c_str());
        }
    }

    // --outpaint 0,16,32,0 of the 64x48 source: the padded canvas and its mask are the ones the
    // golden case gave diffusers (edge-replicated margins, white = repaint), exactly.
    void outpaintCanvasMatchesTheGoldenInputs() {
        GenerationRequest request;
        request.width = 96, request.height = 64;
        request.input.image = refine_dir() + "/outpaint_src_64x48.png";
        request.input.outpaint = Margins{0, 16, 32, 0};
        const RefinePixels prepared = prepare_refine_pixels(request, read_image_pixels);
        const Image8 padded = read_image_pixels(refine_dir() + "/outpaint_padded_96x64.png");
        const Gray8 mask = to_gray(read_image_pixels(refine_dir() + "/outpaint_mask_96x64.png"));
        QVERIFY(prepared.image.rgb == padded.rgb);
        QVERIFY(prepared.mask.has_value());
        QVERIFY(prepared.mask->values == mask.values);
    }

    // The hires fix with the Lanczos upscaler is an img2img pass over the first image: the same
    // pixels as generating it, writing it and refining it at twice the size by hand (its own step
    // count and Lightning checkpoint, the same seed).
    void hiresFixIsAnImg2imgPassOverTheFirstImage() {
        GenerationRequest first;
        first.prompt = "a lighthouse at dusk";
        first.width = 64, first.height = 64, first.steps = 4, first.seed = 9;
        auto hires = first;
        hires.hires = {2.0, 0.5, 2, HiresUpscaler::Lanczos, ""};
        const Image8 big = engine_->generate(hires).run.images.at(0).pixels;
        QCOMPARE(big.width, 128);
        QCOMPARE(big.height, 128);

        const std::string small = dir_.filePath("first.png").toStdString();
        write_png(small, engine_->generate(first).run.images.at(0).pixels);
        auto by_hand = first;
        by_hand.width = 128, by_hand.height = 128, by_hand.steps = 2;
        by_hand.input.image = small;
        by_hand.input.strength = 0.5;
        QVERIFY(engine_->generate(by_hand).run.images.at(0).pixels.rgb == big.rgb);
    }

    // The latent upscalers start the second pass from the first pass's last latents
    // interpolated (bilinear, or nearest) to the larger size; each gives another image.
    void hiresLatentUpscalersInterpolateTheFirstLatents() {
        GenerationRequest request;
        request.prompt = "a lighthouse at dusk";
        request.width = 64, request.height = 64, request.steps = 4, request.seed = 9;
        request.hires = {1.5, 0.5, 0, HiresUpscaler::Latent, ""};
        request.record_trace = true;
        std::vector<std::vector<uint8_t>> outputs;
        for (const auto upscaler : {HiresUpscaler::Latent, HiresUpscaler::LatentNearest}) {
            request.hires.upscaler = upscaler;
            const auto run = engine_->generate(request).run;
            std::map<std::string, at::Tensor> trace(run.trace.begin(), run.trace.end());
            const at::Tensor last = trace.at("step3.latents");
            const at::Tensor up =
                upscaler == HiresUpscaler::Latent
                    ? at::upsample_bilinear2d(last, {96 / 8, 96 / 8}, /*align_corners=*/false)
                    : at::upsample_nearest2d(last, {96 / 8, 96 / 8});
            const at::Tensor start = trace.at("hires.image_latents");
            QCOMPARE(start.sizes(), up.sizes());
            // Divided by the VAE's scale and multiplied again: float rounding only.
            QVERIFY2(torch::allclose(start, up, 1e-6, 1e-6),
                     std::to_string((start - up).abs().max().item<double>()).c_str());
            QCOMPARE(run.images.at(0).pixels.width, 96);
            outputs.push_back(run.images.at(0).pixels.rgb);
        }
        QVERIFY(outputs[0] != outputs[1]);
    }

    // --keep-unmasked (A1111's overlay): where the mask is black the output is the input's
    // pixels exactly, where it is white the plain output's; off, the output is diffusers'.
    void keepUnmaskedPastesTheInputBack() {
        auto request = inpaint_request();
        const Image8 plain = engine_->generate(request).run.images.at(0).pixels;
        request.input.keep_unmasked = true;
        const Image8 kept = engine_->generate(request).run.images.at(0).pixels;
        const Image8 input = read_image_pixels(request.input.image);
        const Gray8 mask = gray_of(read_image_pixels(request.input.mask));
        int64_t kept_pixels = 0, repainted_pixels = 0, differing_plain = 0;
        for (size_t i = 0; i < mask.values.size(); ++i)
            for (size_t c = 0; c < 3; ++c) {
                const size_t at = i * 3 + c;
                if (mask.values[i] == 0) {
                    QCOMPARE(int(kept.rgb[at]), int(input.rgb[at]));
                    ++kept_pixels;
                    differing_plain += plain.rgb[at] != input.rgb[at];
                } else if (mask.values[i] == 255) {
                    QCOMPARE(int(kept.rgb[at]), int(plain.rgb[at]));
                    ++repainted_pixels;
                }
            }
        QVERIFY(kept_pixels > 0 && repainted_pixels > 0);
        // Without the overlay the unmasked region does move (the VAE round trip): what the
        // option is for.
        QVERIFY(differing_plain > 0);
    }

    // A 9-channel inpainting UNet needs a mask; a plain request with one is refused, naming it.
    void inpaintingUnetNeedsAMask() {
        auto request = inpaint_request();
        request.unet_file = dir_.filePath("inpaint9.safetensors").toStdString();
        write_nine_channel_unet(request.unet_file);
        EngineOptions options = tiny_engine();
        options.models.lightning_dir.clear();
        const auto engine = Engine::load(options);
        for (const bool with_image : {true, false}) {  // img2img, text to image
            request.input.mask.clear();
            if (!with_image) request.input.image.clear();
            const Error e = testing::expect_error([&] { engine->generate(request); });
            QCOMPARE(e.where(), request.unet_file);
            QVERIFY2(e.message().find("inpainting UNet") != std::string::npos &&
                         e.message().find("mask") != std::string::npos,
                     e.what());
        }
        // With a mask it runs: conv_in took the file's 9 channels.
        request.input.image = input_, request.input.mask = mask_;
        QCOMPARE(engine->generate(request).run.images.size(), size_t(1));
        // And back to a 4-channel UNet on the same engine: conv_in follows the checkpoint.
        request.input.image.clear(), request.input.mask.clear();
        request.unet_file =
            testing::fixtures_dir() + "/tiny-lightning/sdxl_lightning_4step_unet.safetensors";
        QCOMPARE(engine->generate(request).run.images.size(), size_t(1));
    }

    // Input files: a missing one, one that is no image, a cut-off PNG, each named, and nothing
    // runs; a mask of another size is fitted as the image is.
    void badInputFilesAreNamedBeforeAnythingRuns() {
        QTemporaryDir dir;
        const std::string text = dir.filePath("not_an_image.png").toStdString();
        std::ofstream(text) << "hello";
        const std::string cut = dir.filePath("cut.png").toStdString();
        {
            std::ifstream in(input_, std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), {});
            std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
        }
        for (const std::string& path : {dir.filePath("missing.png").toStdString(), text, cut}) {
            auto request = inpaint_request();
            request.input.image = path;
            const Error e = testing::expect_error([&] { engine_->generate(request); });
            QVERIFY2(std::string(e.what()).find(path) != std::string::npos, e.what());
        }
        auto request = inpaint_request();
        write_png(dir_.filePath("small_mask.png").toStdString(), band_mask(48, 40));
        request.input.mask = dir_.filePath("small_mask.png").toStdString();
        request.width = 128, request.height = 96;  // image and mask fitted to 128x96
        QCOMPARE(engine_->generate(request).run.images.at(0).pixels.width, 128);
    }
};

QTEST_GUILESS_MAIN(TestRefine)
#include "test_refine.moc"
