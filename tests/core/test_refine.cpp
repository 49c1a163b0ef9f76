// img2img, inpainting and outpainting against diffusers itself (tests/data/refine, made by
// bench/reference/refine_goldens.py with StableDiffusionXLImg2ImgPipeline and
// StableDiffusionXLInpaintPipeline): every case's tensors at the fixtures' fp32 acceptance (the
// seeded draws bit for bit), the input fitting and the mask blur against PIL's own pixels, the
// overlay that keeps unmasked pixels, the inputs other tools write, and what is refused.
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

#include <filesystem>
#include <fstream>

using namespace lightning;

namespace {

std::string refine_dir() {
    return testing::test_data_dir() + "/refine";
}
std::string refine_file(const std::string& name) {
    return refine_dir() + "/" + name;
}

// PIL computes in fixed point; these are the largest differences from its pixels allowed.
constexpr int kFitLevels = 0;
constexpr int kBlurLevels = 0;

GoldenOptions cpu_fp32() {
    GoldenOptions options;
    options.fixtures_dir = testing::fixtures_dir();
    options.read_image = read_image_pixels;
    return options;
}

// 8-bit planes as tensors for comparison: H x W x C.
at::Tensor as_tensor(const Image8& image) {
    return torch::from_blob(const_cast<uint8_t*>(image.rgb.data()), {image.height, image.width, 3},
                            torch::kUInt8)
        .clone();
}
at::Tensor as_tensor(const Gray8& image) {
    return torch::from_blob(const_cast<uint8_t*>(image.values.data()),
                            {image.height, image.width, 1}, torch::kUInt8)
        .clone();
}

Gray8 gray_of(const Image8& image) {
    Gray8 gray{image.width, image.height, {}};
    for (size_t i = 0; i < image.rgb.size(); i += 3) gray.values.push_back(image.rgb[i]);
    return gray;
}

void verify_report(const GoldenReport& report) {
    QVERIFY(!report.empty());
    for (const auto& c : report) QVERIFY2(c.ok, c.message.c_str());
}

EngineOptions tiny_engine() {
    EngineOptions options;
    options.models.base = testing::fixtures_dir() + "/tiny-sdxl";
    options.models.lightning_dir = testing::fixtures_dir() + "/tiny-lightning";
    options.preview = PreviewMode::Off;
    options.read_image = read_image_pixels;
    return options;
}

GenerationRequest inpaint_request() {
    GenerationRequest r;
    r.prompt = "a lighthouse";
    r.width = 96, r.height = 64, r.steps = 4, r.seed = 42;
    r.input.image = refine_file("init_96x64.png");
    r.input.mask = refine_file("mask_96x64.png");
    r.input.strength = 1.0;
    return r;
}

}  // namespace

class TestRefine : public QObject {
    Q_OBJECT
    std::unique_ptr<Engine> engine_;

private Q_SLOTS:
    void initTestCase() { engine_ = Engine::load(tiny_engine()); }

    // Every case of the manifest (img2img at several strengths, the x0 checkpoint, guidance,
    // fitted inputs, 4- and 9-channel inpainting, a blurred mask, outpainting): all recorded
    // tensors, the seeded draws and the schedule exactly.
    void everyCaseMatchesDiffusers() {
        verify_report(check_manifest_pipeline_goldens(cpu_fp32(), refine_file("manifest.json")));
    }

    // --fit resize|crop|pad against diffusers' VaeImageProcessor.resize (PIL LANCZOS, its
    // crop and fill arithmetic) on inputs larger and smaller than the canvas: the same pixels.
    void inputFittingMatchesDiffusers() {
        const auto golden = SafeTensorsFile::open(refine_file("fit.safetensors"));
        const std::pair<const char*, ImageFit> modes[] = {
            {"default", ImageFit::Resize}, {"crop", ImageFit::Crop}, {"fill", ImageFit::Pad}};
        for (const char* stem : {"80x56", "120x72"}) {
            const Image8 source =
                read_image_pixels(refine_file(std::string("init_") + stem + ".png"));
            for (const auto& [mode, fit] : modes) {
                const std::string name = std::string("from") + stem + "_" + mode + "_uint8";
                const auto expected = golden->load(name).squeeze(0);
                const auto actual = as_tensor(fit_image(source, 96, 64, fit));
                const auto diff = (actual.to(torch::kInt) - expected.to(torch::kInt)).abs();
                QVERIFY2(diff.max().item<int>() <= kFitLevels,
                         (name + ": max " + std::to_string(diff.max().item<int>()) + " levels, " +
                          std::to_string(diff.gt(0).sum().item<int64_t>()) + " values differ")
                             .c_str());
            }
        }
    }

    // --mask-blur N against PIL's ImageFilter.GaussianBlur(N) (diffusers' mask_processor.blur).
    void maskBlurMatchesPil() {
        const Gray8 mask = to_gray(read_image_pixels(refine_file("mask_96x64.png")));
        for (const int radius : {4, 8}) {
            const std::string file = "mask_96x64_blur" + std::to_string(radius) + ".png";
            const auto expected = as_tensor(gray_of(read_image_pixels(refine_file(file))));
            const auto actual = as_tensor(gaussian_blur(mask, radius));
            const auto diff = (actual.to(torch::kInt) - expected.to(torch::kInt)).abs();
            QVERIFY2(diff.max().item<int>() <= kBlurLevels,
                     (file + ": max " + std::to_string(diff.max().item<int>()) + " levels, " +
                      std::to_string(diff.gt(0).sum().item<int64_t>()) + " values differ")
                         .c_str());
        }
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
        request.unet_file = refine_file("unet_inpaint9_tiny.safetensors");
        EngineOptions options = tiny_engine();
        options.models.lightning_dir.clear();
        const auto engine = Engine::load(options);
        request.input.mask.clear();  // img2img
        QVERIFY(testing::expect_error([&] { engine->generate(request); }).where() == "mask");
        request.input.image.clear();  // text to image
        const Error plain = testing::expect_error([&] { engine->generate(request); });
        QVERIFY2(plain.message().find("inpainting UNet") != std::string::npos, plain.what());
        // And back to a 4-channel UNet on the same engine: conv_in follows the checkpoint.
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
            std::ifstream in(refine_file("init_96x64.png"), std::ios::binary);
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
        request.input.mask = refine_file("mask_96x64_blur8.png");
        request.width = 128, request.height = 96;  // image and mask fitted to 128x96
        QCOMPARE(engine_->generate(request).run.images.at(0).pixels.width, 128);
    }
};

QTEST_GUILESS_MAIN(TestRefine)
#include "test_refine.moc"
