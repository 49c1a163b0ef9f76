// Seeded faults: each golden and reduced-precision check run on a copy of the fixtures with one
// fault planted (tests/support/mutant_fixtures.h), and must fail. The faults are the ones real
// ports get wrong: a cross-attention block skipped, one layer's weights transposed, a timestep off
// by one, the conditioning swapped for the negative prompt, a wrong VAE scale, NaN weights; and
// for img2img and inpainting (tests/data/refine), an input off by one pixel, an inverted mask and
// one denoising step too many; for the ESRGAN upscaler (tests/data/esrgan), a dense block skipped
// and an input off by one pixel.
// Each function prints the fault's size (the worst relative rms error it causes) for the mutation
// table in docs/testing.md. Faults smaller than bf16's own rounding on these fixtures are held to
// the fp32 checks only (core/testing/reduced_precision.h says why).
#include "core/image/image_pixels.h"
#include "core/image/png.h"
#include "core/testing/golden_pipeline.h"
#include "core/testing/golden_text.h"
#include "core/testing/golden_unet.h"
#include "core/testing/golden_upscale.h"
#include "core/testing/golden_vae.h"
#include "core/util/file_text.h"
#include "support/errors.h"
#include "support/fixtures.h"
#include "support/mutant_fixtures.h"

#include <torch/torch.h>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <QTemporaryDir>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

using namespace lightning;
using lightning::testing::error_of;
using lightning::testing::MutantFixtures;

namespace {

const char* const kUNetFile = "tiny-sdxl/unet/diffusion_pytorch_model.safetensors";
const char* const kCfgCase = "lightning_4step_cfg3_negprompt_w64_h64_seed42";

GoldenOptions options_for(const MutantFixtures& mutant, c10::ScalarType dtype) {
    GoldenOptions options;
    options.fixtures_dir = mutant.dir();
    options.dtype = dtype;
    return options;
}

// Names the failed comparisons and the worst relative error among them; false if none failed.
bool caught(const char* fault, const GoldenReport& report) {
    int failed = 0;
    double worst = 0;
    for (const auto& c : report) {
        if (c.ok) continue;
        ++failed;
        worst = std::max(worst, c.rel_rms);
    }
    qInfo("%s: %d of %zu comparisons fail, worst relative rms %g", fault, failed, report.size(),
          worst);
    for (const auto& c : report)
        if (!c.ok) {
            qInfo("  first failure: %s", c.message.c_str());
            break;
        }
    return failed > 0;
}

MutantFixtures::TensorEdit zero_prefix(const std::string& prefix) {
    return [prefix](const std::string& name, at::Tensor& t) {
        if (name.rfind(prefix, 0) == 0) t.zero_();
    };
}

MutantFixtures::TensorEdit transpose(const std::string& weight) {
    return [weight](const std::string& name, at::Tensor& t) {
        if (name == weight) t = t.transpose(0, 1).contiguous();
    };
}

// The pipeline goldens with only the guided (CFG, negative prompt) case, so a mutant runs one
// 4-step generation instead of all 18.
void keep_only_cfg_case(const MutantFixtures& mutant) {
    mutant.edit_json("golden/manifest.json", [](nlohmann::json& manifest) {
        auto& cases = manifest.at("cases");
        nlohmann::json kept = nlohmann::json::array();
        for (const auto& c : cases)
            if (c.at("kind") != "pipeline" || c.at("id") == kCfgCase) kept.push_back(c);
        cases = kept;
    });
}

// One case of tests/data/refine copied into a folder of its own (its manifest entry, golden
// files and input images), where a fault can be planted in the inputs or the manifest.
class RefineCase {
public:
    explicit RefineCase(const std::string& id) {
        const std::string source = testing::test_data_dir() + "/refine";
        const auto manifest = read_json_file(source + "/manifest.json");
        manifest_ = manifest;
        manifest_["cases"] = nlohmann::json::array();
        for (const auto& c : manifest.at("cases"))
            if (c.at("id") == id) manifest_["cases"].push_back(c);
        QVERIFY(manifest_["cases"].size() == 1);
        for (const auto& name : std::filesystem::directory_iterator(source))
            if (name.path().extension() != ".json")
                std::filesystem::copy_file(name.path(), path(name.path().filename().string()));
        save();
    }
    std::string path(const std::string& file) const {
        return dir_.filePath(file.c_str()).toStdString();
    }
    // The value after `flag` in the case's cli_extra, which the harness reads the request from.
    void set_cli_value(const std::string& flag, const std::string& value) {
        auto& extra = manifest_["cases"][0]["cli_extra"];
        for (size_t i = 0; i + 1 < extra.size(); ++i)
            if (extra[i] == flag) extra[i + 1] = value;
        save();
    }
    void save() const { std::ofstream(path("manifest.json")) << manifest_.dump(1); }
    void edit_image(const std::string& file, const std::function<Image8(const Image8&)>& edit) {
        write_png(path(file), edit(read_image_pixels(path(file))));
    }
    GoldenReport check() const {
        GoldenOptions options;
        options.fixtures_dir = testing::fixtures_dir();
        options.read_image = read_image_pixels;
        return check_manifest_pipeline_goldens(options, path("manifest.json"));
    }

private:
    QTemporaryDir dir_;
    nlohmann::json manifest_;
};

// The x4 case of tests/data/esrgan with its basicsr file alone, copied into a folder of its own
// where a fault can be planted in the weights or the input.
class EsrganCase {
public:
    EsrganCase() {
        const std::string source = testing::test_data_dir() + "/esrgan";
        auto manifest = read_json_file(source + "/manifest.json");
        nlohmann::json kept = nlohmann::json::array();
        for (auto c : manifest.at("cases"))
            if (c.at("id") == "x4_nf4_nb2_gc4_in24x20") {
                c["model_files"] = {"x4.safetensors"};
                kept.push_back(c);
            }
        QVERIFY(kept.size() == 1);
        manifest["cases"] = kept;
        for (const auto& name : std::filesystem::directory_iterator(source))
            if (name.path().extension() != ".json")
                std::filesystem::copy_file(name.path(), path(name.path().filename().string()));
        std::ofstream(path("manifest.json")) << manifest.dump(1);
    }
    std::string path(const std::string& file) const {
        return dir_.filePath(file.c_str()).toStdString();
    }
    void edit_weights(const MutantFixtures::TensorEdit& edit) const {
        std::vector<std::pair<std::string, at::Tensor>> tensors;
        {
            const auto source = SafeTensorsFile::open(path("x4.safetensors"));
            for (const auto& name : source->names()) {
                auto tensor = source->load(name).clone();
                edit(name, tensor);
                tensors.emplace_back(name, tensor);
            }
        }
        std::filesystem::remove(path("x4.safetensors"));
        save_safetensors(path("x4.safetensors"), tensors);
    }
    GoldenReport check(c10::ScalarType dtype) const {
        GoldenOptions options;
        options.dtype = dtype;
        options.read_image = read_image_pixels;
        return check_upscale_goldens(options, dir_.path().toStdString());
    }

private:
    QTemporaryDir dir_;
};

}  // namespace

class TestSeededFaults : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The unmodified copy passes: a failure below is the fault's, not the copy's.
    void unmodified_copy_passes() {
        MutantFixtures mutant;
        keep_only_cfg_case(mutant);
        const auto fp32 = options_for(mutant, at::kFloat);
        QVERIFY(all_ok(check_unet_goldens(fp32)));
        QVERIFY(all_ok(check_vae_goldens(fp32)));
        QVERIFY(all_ok(check_text_encoder_goldens(fp32)));
        QVERIFY(all_ok(check_pipeline_goldens(fp32)));
    }

    void one_cross_attention_block_skipped() {
        MutantFixtures mutant;
        mutant.edit_tensors(kUNetFile,
                            zero_prefix("down_blocks.1.attentions.0.transformer_blocks.0.attn2."
                                        "to_out.0."));
        QVERIFY(caught("UNet, one cross-attention skipped (fp32)",
                       check_unet_goldens(options_for(mutant, at::kFloat))));
    }

    void one_layers_weights_transposed() {
        MutantFixtures mutant;
        mutant.edit_tensors(kUNetFile, transpose("mid_block.attentions.0.proj_in.weight"));
        QVERIFY(caught("UNet, mid-block proj_in transposed (fp32)",
                       check_unet_goldens(options_for(mutant, at::kFloat))));
        mutant.edit_tensors("tiny-sdxl/text_encoder/model.safetensors",
                            transpose("text_model.encoder.layers.0.self_attn.q_proj.weight"));
        QVERIFY(caught("text encoder, layer 0 q_proj transposed (fp32)",
                       check_text_encoder_goldens(options_for(mutant, at::kFloat))));
    }

    // The UNet called at t - 1: the recorded inputs say 998 where diffusers ran 999.
    void timestep_off_by_one() {
        MutantFixtures mutant;
        mutant.edit_json("golden/manifest.json", [](nlohmann::json& manifest) {
            for (auto& c : manifest.at("cases"))
                if (c.at("kind") == "unet") {
                    auto& t = c.at("inputs").at("timestep");
                    t = t.get<double>() - 1;
                }
        });
        QVERIFY(caught("UNet, timestep off by one (fp32)",
                       check_unet_goldens(options_for(mutant, at::kFloat))));
    }

    // The guided case with prompt and negative prompt exchanged: through the whole pipeline, and
    // at the UNet (its recorded conditioning batch [negative, positive] reversed).
    void conditioning_swapped_for_the_negative_prompt() {
        MutantFixtures mutant;
        keep_only_cfg_case(mutant);
        mutant.edit_json("golden/manifest.json", [](nlohmann::json& manifest) {
            for (auto& c : manifest.at("cases"))
                if (c.at("id") == kCfgCase)
                    std::swap(c["inputs"]["prompt"], c["inputs"]["negative_prompt"]);
        });
        QVERIFY(caught("pipeline, prompt and negative prompt swapped (fp32)",
                       check_pipeline_goldens(options_for(mutant, at::kFloat))));
        MutantFixtures at_unet;
        at_unet.edit_tensors(std::string("golden/pipelines/") + kCfgCase + ".safetensors",
                             [](const std::string& name, at::Tensor& t) {
                                 if (name == "prompt_embeds" || name == "add_text_embeds")
                                     t = t.flip(0).contiguous();
                             });
        QVERIFY(caught("UNet, conditioning batch reversed (fp32)",
                       check_unet_goldens(options_for(at_unet, at::kFloat))));
    }

    // SD 1.5's latent scale (0.18215) for SDXL's (0.13025): caught in fp32 and in bf16.
    void wrong_vae_scale() {
        MutantFixtures mutant;
        keep_only_cfg_case(mutant);
        mutant.edit_json("tiny-sdxl/vae/config.json",
                         [](nlohmann::json& config) { config["scaling_factor"] = 0.18215; });
        QVERIFY(caught("pipeline, VAE scaling factor 0.18215 (fp32)",
                       check_pipeline_goldens(options_for(mutant, at::kFloat))));
        QVERIFY(caught("pipeline, VAE scaling factor 0.18215 (bf16)",
                       check_pipeline_goldens(options_for(mutant, at::kBFloat16))));
    }

    void vae_attention_skipped() {
        MutantFixtures mutant;
        mutant.edit_tensors("tiny-sdxl/vae/diffusion_pytorch_model.safetensors",
                            zero_prefix("decoder.mid_block.attentions.0.to_out.0."));
        QVERIFY(caught("VAE decoder, mid-block attention skipped (fp32)",
                       check_vae_goldens(options_for(mutant, at::kFloat))));
    }

    // img2img with its input one pixel to the right (an off-by-one in fitting or cropping):
    // everything downstream of the encoded image moves.
    void refine_input_off_by_one_pixel() {
        RefineCase copy("img2img_4step_s050_w96_h64_seed42");
        QVERIFY(all_ok(copy.check()));  // the unmodified copy passes
        copy.edit_image("init_96x64.png", [](const Image8& in) {
            Image8 out = in;
            for (int y = 0; y < in.height; ++y)
                for (int x = 1; x < in.width; ++x)
                    for (int c = 0; c < 3; ++c)
                        out.rgb[(size_t(y) * in.width + x) * 3 + c] =
                            in.rgb[(size_t(y) * in.width + x - 1) * 3 + c];
            return out;
        });
        QVERIFY(caught("img2img, input shifted one pixel (fp32)", copy.check()));
    }

    // Inpainting with the mask's polarity reversed (black repainted, white kept).
    void refine_mask_inverted() {
        RefineCase copy("inpaint_4step_s075_w96_h64_seed7");
        QVERIFY(all_ok(copy.check()));
        copy.edit_image("mask_96x64.png", [](Image8 mask) {
            for (auto& v : mask.rgb) v = uint8_t(255 - v);
            return mask;
        });
        QVERIFY(caught("inpainting, mask inverted (fp32)", copy.check()));
    }

    // One denoising step too many: strength 0.75 where diffusers ran 0.5 (3 of 4 steps, not 2).
    void refine_one_step_too_many() {
        RefineCase copy("img2img_4step_s050_w96_h64_seed42");
        copy.set_cli_value("--strength", "0.75");
        QVERIFY(caught("img2img, strength 0.75 for 0.5 (fp32)", copy.check()));
    }

    // The upscaler with one residual dense block skipped (its last conv zeroed: the block
    // passes its input through), with its input one pixel to the right, and with an upsampling
    // conv's weights transposed. The first two move the output less than bf16's own rounding
    // does (relative rms 0.029 and 0.045 against 0.033): fp32 only.
    void upscaler_dense_block_skipped() {
        EsrganCase copy;
        QVERIFY(all_ok(copy.check(at::kFloat)));  // the unmodified copy passes
        QVERIFY(all_ok(copy.check(at::kBFloat16)));
        copy.edit_weights(zero_prefix("body.1.rdb2.conv5."));
        QVERIFY(caught("upscaler, one dense block skipped (fp32)", copy.check(at::kFloat)));
    }

    void upscaler_input_off_by_one_pixel() {
        EsrganCase copy;
        const Image8 in = read_image_pixels(copy.path("in_24x20.png"));
        Image8 shifted = in;
        for (int y = 0; y < in.height; ++y)
            for (int x = 1; x < in.width; ++x)
                for (int c = 0; c < 3; ++c)
                    shifted.rgb[(size_t(y) * in.width + x) * 3 + c] =
                        in.rgb[(size_t(y) * in.width + x - 1) * 3 + c];
        write_png(copy.path("in_24x20.png"), shifted);
        QVERIFY(caught("upscaler, input shifted one pixel (fp32)", copy.check(at::kFloat)));
    }

    void upscaler_upsampling_conv_transposed() {
        EsrganCase copy;
        copy.edit_weights(transpose("conv_up1.weight"));
        QVERIFY(caught("upscaler, conv_up1 transposed (fp32)", copy.check(at::kFloat)));
        QVERIFY(caught("upscaler, conv_up1 transposed (bf16)", copy.check(at::kBFloat16)));
    }

    // One NaN weight: refused when the weights are loaded, naming the tensor, before any check
    // could compare an output.
    void nan_weight() {
        MutantFixtures mutant;
        mutant.edit_tensors(kUNetFile, [](const std::string& name, at::Tensor& t) {
            if (name == "up_blocks.1.resnets.0.conv1.weight") t.view(-1)[7] = NAN;
        });
        for (const auto dtype : {at::kFloat, at::kBFloat16}) {
            const auto message = error_of([&] { check_unet_goldens(options_for(mutant, dtype)); });
            qInfo("UNet, one NaN weight (%s): %s", c10::toString(dtype), message.c_str());
            QVERIFY2(message.find("up_blocks.1.resnets.0.conv1.weight") != std::string::npos,
                     message.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestSeededFaults)
#include "test_seeded_faults.moc"
