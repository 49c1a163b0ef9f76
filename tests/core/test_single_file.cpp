// Single-file (SGM/ldm) SDXL checkpoints: each converted part must hold exactly the tensors of
// the diffusers-layout files it was made from, bit for bit; anything else is a clear error.
#include "core/convert/single_file.h"
#include "core/io/config.h"
#include "core/io/safetensors.h"
#include "core/testing/compare.h"
#include "core/util/error.h"
#include "support/errors.h"
#include "support/fixtures.h"

#include <torch/torch.h>

#include <QtTest/QtTest>

#include <algorithm>

using namespace lightning;
using lightning::testing::error_of;

namespace {

std::string fixture(const std::string& relative) {
    return testing::fixtures_dir() + "/" + relative;
}

const char* kSingleFile = "tiny-lightning/sdxl_lightning_4step.safetensors";

// The diffusers files of the single file's four parts: UNet, VAE, text encoders 1 and 2.
const char* const kPartFiles[4] = {"tiny-lightning/sdxl_lightning_4step_unet.safetensors",
                                   "tiny-sdxl/vae/diffusion_pytorch_model.safetensors",
                                   "tiny-sdxl/text_encoder/model.safetensors",
                                   "tiny-sdxl/text_encoder_2/model.safetensors"};

SingleFileParts fixture_diffusers_parts() {
    SingleFileParts parts;
    parts.unet = SafeTensorsFile::open(fixture(kPartFiles[0]));
    parts.vae = SafeTensorsFile::open(fixture(kPartFiles[1]));
    parts.text_encoder = SafeTensorsFile::open(fixture(kPartFiles[2]));
    parts.text_encoder_2 = SafeTensorsFile::open(fixture(kPartFiles[3]));
    return parts;
}

struct Configs {
    UNetConfig unet = read_unet_config(fixture("tiny-sdxl/unet/config.json"));
    VaeConfig vae = read_vae_config(fixture("tiny-sdxl/vae/config.json"));
    ClipTextConfig text_encoder_2 =
        read_clip_text_config(fixture("tiny-sdxl/text_encoder_2/config.json"));
};

SingleFileParts open_parts(std::shared_ptr<const TensorSource> file, const Configs& c = {}) {
    return open_single_file(std::move(file), c.unet, c.vae, c.text_encoder_2);
}

std::vector<std::string> sorted_names(const TensorSource& source) {
    auto names = source.names();
    std::sort(names.begin(), names.end());
    return names;
}

// Same name set, same shapes (declared and loaded), every value equal in fp32.
void verify_part_equals(const std::shared_ptr<TensorSource>& part, const std::string& reference) {
    QVERIFY2(part != nullptr, reference.c_str());
    const auto expected = SafeTensorsFile::open(fixture(reference));
    const auto actual_names = sorted_names(*part);
    const auto expected_names = sorted_names(*expected);
    for (const auto& name : expected_names)
        QVERIFY2(part->contains(name), ("missing after conversion: " + name).c_str());
    for (const auto& name : actual_names)
        QVERIFY2(expected->contains(name), ("unexpected after conversion: " + name).c_str());
    QCOMPARE(actual_names, expected_names);
    for (const auto& name : expected_names) {
        QCOMPARE(part->shape(name), expected->shape(name));
        const auto actual = part->load(name, c10::kFloat, c10::kCPU);
        QCOMPARE(actual.sizes().vec(), expected->shape(name));
        QCOMPARE(actual.scalar_type(), c10::kFloat);
        const auto c = compare_exact(name, actual, expected->load(name, c10::kFloat, c10::kCPU));
        QVERIFY2(c.ok, c.message.c_str());
    }
    qInfo("%s: %zu tensors equal", reference.c_str(), expected_names.size());
}

// All tensors of the fixture file, to be altered by a test.
std::vector<std::pair<std::string, at::Tensor>> fixture_tensors() {
    const auto file = SafeTensorsFile::open(fixture(kSingleFile));
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& name : file->names()) tensors.emplace_back(name, file->load(name));
    return tensors;
}

}  // namespace

class TestSingleFile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { at::set_num_threads(2); }

    void unet_matches_diffusers_file() {
        const auto parts = open_parts(SafeTensorsFile::open(fixture(kSingleFile)));
        verify_part_equals(parts.unet, "tiny-lightning/sdxl_lightning_4step_unet.safetensors");
    }

    void vae_matches_diffusers_file() {
        const auto parts = open_parts(SafeTensorsFile::open(fixture(kSingleFile)));
        verify_part_equals(parts.vae, "tiny-sdxl/vae/diffusion_pytorch_model.safetensors");
    }

    void text_encoder_matches_diffusers_file() {
        const auto parts = open_parts(SafeTensorsFile::open(fixture(kSingleFile)));
        verify_part_equals(parts.text_encoder, "tiny-sdxl/text_encoder/model.safetensors");
    }

    void text_encoder_2_matches_diffusers_file() {
        const auto parts = open_parts(SafeTensorsFile::open(fixture(kSingleFile)));
        verify_part_equals(parts.text_encoder_2, "tiny-sdxl/text_encoder_2/model.safetensors");
    }

    void loads_in_the_file_dtype_by_default() {
        const auto parts = open_parts(SafeTensorsFile::open(fixture(kSingleFile)));
        const auto q =
            parts.text_encoder_2->load("text_model.encoder.layers.0.self_attn.q_proj.weight");
        QCOMPARE(q.scalar_type(), c10::kHalf);
        QCOMPARE(q.sizes().vec(), (std::vector<int64_t>{48, 48}));
        QVERIFY(q.is_contiguous());
        const auto message = error_of([&] { parts.vae->load("encoder.no_such.weight"); });
        QVERIFY2(message.find("encoder.no_such.weight") != std::string::npos, message.c_str());
    }

    // The writer (lightning-random-model --single-file): the fixture's diffusers files in the
    // single-file layout are the reference single file (converted from the same tensors by
    // diffusers' tables), name for name and bit for bit; written to disk and read back, each
    // part is again its diffusers file.
    void writes_the_single_file_layout() {
        const Configs c;
        const SingleFileParts diffusers = fixture_diffusers_parts();
        const auto layout = single_file_layout(diffusers, c.unet, c.vae, c.text_encoder_2);

        const auto reference = SafeTensorsFile::open(fixture(kSingleFile));
        for (const auto& name : layout->names()) {
            QVERIFY2(reference->contains(name), ("not in the reference file: " + name).c_str());
            QCOMPARE(layout->shape(name), reference->shape(name));
            const auto written = layout->load(name, c10::kFloat, c10::kCPU);
            QCOMPARE(written.sizes().vec(), reference->shape(name));
            const auto cmp =
                compare_exact(name, written, reference->load(name, c10::kFloat, c10::kCPU));
            QVERIFY2(cmp.ok, cmp.message.c_str());
        }
        // Every reference tensor of the four parts, except the two the reader ignores.
        size_t parts_tensors = 0;
        for (const auto& name : reference->names()) {
            const bool in_part = name.rfind("model.diffusion_model.", 0) == 0 ||
                                 name.rfind("first_stage_model.", 0) == 0 ||
                                 name.rfind("conditioner.embedders.", 0) == 0;
            if (!in_part || name.ends_with(".position_ids") || name.ends_with(".logit_scale"))
                continue;
            ++parts_tensors;
            QVERIFY2(layout->contains(name), ("not written: " + name).c_str());
        }
        QCOMPARE(layout->names().size(), parts_tensors);

        // fp16 on disk, as the tool writes it (the fixture's values are exact in fp16).
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.path().toStdString() + "/written.safetensors";
        write_single_file(path, diffusers, c.unet, c.vae, c.text_encoder_2, c10::kHalf);
        const auto written = SafeTensorsFile::open(path);
        QVERIFY(is_sdxl_single_file(*written));
        QCOMPARE(written->load(written->names().front()).scalar_type(), c10::kHalf);
        const auto parts = open_parts(written);
        verify_part_equals(parts.unet, kPartFiles[0]);
        verify_part_equals(parts.vae, kPartFiles[1]);
        verify_part_equals(parts.text_encoder, kPartFiles[2]);
        verify_part_equals(parts.text_encoder_2, kPartFiles[3]);
    }

    void writer_names_what_it_cannot_place() {
        const Configs c;
        SingleFileParts parts = fixture_diffusers_parts();
        parts.text_encoder_2 = nullptr;
        QVERIFY(error_of([&] {
                    single_file_layout(parts, c.unet, c.vae, c.text_encoder_2);
                }).find("no text_encoder_2") != std::string::npos);
        parts.text_encoder_2 =
            std::make_shared<TensorMapSource>(std::vector<std::pair<std::string, at::Tensor>>{
                {"text_model.encoder.layers.0.self_attn.q_proj.weight", torch::zeros({48, 48})},
                {"text_model.encoder.layers.0.no_such.weight", torch::zeros({2})}});
        const auto message =
            error_of([&] { single_file_layout(parts, c.unet, c.vae, c.text_encoder_2); });
        QVERIFY2(message.find("no_such") != std::string::npos, message.c_str());
        parts.text_encoder_2 =
            std::make_shared<TensorMapSource>(std::vector<std::pair<std::string, at::Tensor>>{
                {"text_model.encoder.layers.0.self_attn.q_proj.weight", torch::zeros({48, 48})}});
        const auto missing =
            error_of([&] { single_file_layout(parts, c.unet, c.vae, c.text_encoder_2); });
        QVERIFY2(missing.find("needs q, k and v") != std::string::npos, missing.c_str());
    }

    void detects_sdxl_single_files() {
        QVERIFY(is_sdxl_single_file(*SafeTensorsFile::open(fixture(kSingleFile))));
        QVERIFY(!is_sdxl_single_file(*SafeTensorsFile::open(
            fixture("tiny-lightning/sdxl_lightning_4step_unet.safetensors"))));
    }

    void rejects_files_that_are_not_sdxl_checkpoints() {
        struct Case {
            const char* file;
            const char* says;
        };
        for (const Case& c : {
                 Case{"tiny-lightning/sdxl_lightning_4step_unet.safetensors",
                      "diffusers-layout UNet"},
                 Case{"tiny-sdxl/vae/diffusion_pytorch_model.safetensors", "diffusers-layout VAE"},
                 Case{"tiny-sdxl/text_encoder_2/model.safetensors", "text-encoder file"},
                 Case{"tiny-lightning/sdxl_lightning_4step_lora.safetensors", "LoRA"},
                 Case{"golden/vae.safetensors", "no model.diffusion_model"},
             }) {
            const auto message =
                error_of([&] { open_parts(SafeTensorsFile::open(fixture(c.file))); });
            qInfo("%s", message.c_str());
            QVERIFY2(message.find("not an SDXL single-file checkpoint") != std::string::npos,
                     message.c_str());
            QVERIFY2(message.find(c.says) != std::string::npos, message.c_str());
            QVERIFY2(message.find(c.file) != std::string::npos, message.c_str());  // where
        }
    }

    void rejects_sd15_and_refiner_layouts() {
        auto t = torch::zeros({1});
        const auto sd15 = std::make_shared<TensorMapSource>(
            std::vector<std::pair<std::string, at::Tensor>>{
                {"model.diffusion_model.input_blocks.0.0.weight", t},
                {"cond_stage_model.transformer.text_model.final_layer_norm.weight", t}},
            "sd15.safetensors");
        auto message = error_of([&] { open_parts(sd15); });
        QVERIFY2(message.find("SD 1.x/2.x") != std::string::npos, message.c_str());
        QVERIFY2(message.find("sd15.safetensors") != std::string::npos, message.c_str());

        const auto sd2_unet = std::make_shared<TensorMapSource>(
            std::vector<std::pair<std::string, at::Tensor>>{
                {"model.diffusion_model.input_blocks.0.0.weight", t}},
            "unet-only.safetensors");
        message = error_of([&] { open_parts(sd2_unet); });
        QVERIFY2(message.find("label_emb") != std::string::npos, message.c_str());

        const auto refiner = std::make_shared<TensorMapSource>(
            std::vector<std::pair<std::string, at::Tensor>>{
                {"model.diffusion_model.label_emb.0.0.weight", t},
                {"conditioner.embedders.0.model.ln_final.weight", t}},
            "refiner.safetensors");
        message = error_of([&] { open_parts(refiner); });
        QVERIFY2(message.find("refiner") != std::string::npos, message.c_str());
    }

    // A config that does not describe the checkpoint: the first unmappable tensor is named.
    void wrong_config_names_the_tensor() {
        Configs configs;
        configs.unet.layers_per_block = 1;
        auto message =
            error_of([&] { open_parts(SafeTensorsFile::open(fixture(kSingleFile)), configs); });
        QVERIFY2(message.find("model.diffusion_model.") != std::string::npos, message.c_str());
        QVERIFY2(message.find("no UNet equivalent") != std::string::npos, message.c_str());

        configs = Configs{};
        configs.text_encoder_2.num_hidden_layers = 3;
        message =
            error_of([&] { open_parts(SafeTensorsFile::open(fixture(kSingleFile)), configs); });
        QVERIFY2(message.find("conditioner.embedders.1.model.transformer.resblocks.3.") !=
                     std::string::npos,
                 message.c_str());

        configs = Configs{};
        configs.vae.block_out_channels.pop_back();
        configs.vae.down_block_types.pop_back();
        configs.vae.up_block_types.pop_back();
        message =
            error_of([&] { open_parts(SafeTensorsFile::open(fixture(kSingleFile)), configs); });
        QVERIFY2(message.find("first_stage_model.") != std::string::npos, message.c_str());
    }

    void malformed_tensors_are_reported_at_open() {
        auto tensors = fixture_tensors();
        for (auto& [name, tensor] : tensors) {
            if (name == "conditioner.embedders.1.model.transformer.resblocks.2.attn.in_proj_weight")
                tensor = tensor.narrow(0, 0, 100);  // 100 rows: not cat(q, k, v)
        }
        auto source = std::make_shared<TensorMapSource>(tensors, "broken.safetensors");
        auto message = error_of([&] { open_parts(source); });
        QVERIFY2(message.find("resblocks.2.attn.in_proj_weight") != std::string::npos,
                 message.c_str());

        tensors = fixture_tensors();
        for (auto& [name, tensor] : tensors) {
            if (name == "first_stage_model.decoder.mid.attn_1.q.weight")
                tensor = torch::zeros({32, 32, 3, 3});
        }
        source = std::make_shared<TensorMapSource>(tensors, "broken.safetensors");
        message = error_of([&] { open_parts(source); });
        QVERIFY2(message.find("mid.attn_1.q.weight") != std::string::npos, message.c_str());
    }

    // Extra tensors outside the four parts are ignored; known non-weights inside them too;
    // a part missing from the file is null; Linear-shaped VAE attention weights pass.
    void tolerates_common_variants() {
        auto tensors = fixture_tensors();
        std::vector<std::pair<std::string, at::Tensor>> variant;
        for (auto& [name, tensor] : tensors) {
            if (name.rfind("first_stage_model.", 0) == 0) continue;  // UNet + text encoders only
            variant.emplace_back(name, tensor);
        }
        variant.emplace_back("model_ema.decay", torch::ones({}));
        variant.emplace_back("denoiser.sigmas", torch::ones({1000}));
        variant.emplace_back(
            "conditioner.embedders.0.transformer.text_model.embeddings.position_ids",
            torch::arange(77).unsqueeze(0));
        variant.emplace_back("conditioner.embedders.1.model.logit_scale", torch::ones({}));
        const auto parts = open_parts(std::make_shared<TensorMapSource>(variant, "variant"));
        QVERIFY(parts.vae == nullptr);
        QVERIFY(parts.unet && parts.text_encoder && parts.text_encoder_2);
        QVERIFY(!parts.text_encoder->contains("text_model.embeddings.position_ids"));
        QCOMPARE(parts.text_encoder->names().size(),
                 SafeTensorsFile::open(fixture("tiny-sdxl/text_encoder/model.safetensors"))
                     ->names()
                     .size());

        std::vector<std::pair<std::string, at::Tensor>> linear_attention;
        for (auto& [name, tensor] : tensors) {
            const bool conv_attention =
                name.find("mid.attn_1.") != std::string::npos && tensor.dim() == 4;
            linear_attention.emplace_back(name, conv_attention ? tensor.flatten(1) : tensor);
        }
        const auto converted =
            open_parts(std::make_shared<TensorMapSource>(linear_attention, "linear"));
        const auto expected =
            SafeTensorsFile::open(fixture("tiny-sdxl/vae/diffusion_pytorch_model.safetensors"));
        const std::string name = "encoder.mid_block.attentions.0.to_out.0.weight";
        QCOMPARE(converted.vae->shape(name), expected->shape(name));
        const auto c = compare_exact(name, converted.vae->load(name, c10::kFloat, c10::kCPU),
                                     expected->load(name, c10::kFloat, c10::kCPU));
        QVERIFY2(c.ok, c.message.c_str());
    }

    void ldm_unet_names() {
        const Configs configs;
        const LdmUNetNames tiny(configs.unet);
        QCOMPARE(tiny.to_diffusers("input_blocks.4.1.proj_in.weight").value_or(""),
                 std::string("down_blocks.1.attentions.0.proj_in.weight"));
        QCOMPARE(tiny.to_diffusers("output_blocks.2.2.conv.bias").value_or(""),
                 std::string("up_blocks.0.upsamplers.0.conv.bias"));
        QCOMPARE(tiny.to_diffusers("input_blocks.6.0.op.weight").value_or(""),
                 std::string("down_blocks.1.downsamplers.0.conv.weight"));
        QCOMPARE(tiny.to_diffusers("middle_block.2.emb_layers.1.weight").value_or(""),
                 std::string("mid_block.resnets.1.time_emb_proj.weight"));
        QVERIFY(!tiny.to_diffusers("input_blocks.1.1.proj_in.weight"));  // level 0: no attention
        QVERIFY(!tiny.to_diffusers("input_blocks.9.0.op.weight"));       // no 4th level

        // Derived from the config, not from one size: 3 resnets per down level.
        UNetConfig deeper = configs.unet;
        deeper.layers_per_block = 3;
        const LdmUNetNames names(deeper);
        QCOMPARE(names.to_diffusers("input_blocks.4.0.op.weight").value_or(""),
                 std::string("down_blocks.0.downsamplers.0.conv.weight"));
        QCOMPARE(names.to_diffusers("output_blocks.7.1.norm.weight").value_or(""),
                 std::string("up_blocks.1.attentions.3.norm.weight"));
        QCOMPARE(names.to_diffusers("output_blocks.7.2.conv.weight").value_or(""),
                 std::string("up_blocks.1.upsamplers.0.conv.weight"));

        // The real SDXL config.
        const auto sdxl = read_unet_config(testing::configs_dir() + "/sdxl-base/unet/config.json");
        const LdmUNetNames real(sdxl);
        QCOMPARE(real.to_diffusers("input_blocks.8.1.transformer_blocks.9.attn2.to_k.weight")
                     .value_or(""),
                 std::string("down_blocks.2.attentions.1.transformer_blocks.9.attn2.to_k.weight"));
        QCOMPARE(real.to_diffusers("output_blocks.8.0.skip_connection.weight").value_or(""),
                 std::string("up_blocks.2.resnets.2.conv_shortcut.weight"));
    }
};

QTEST_GUILESS_MAIN(TestSingleFile)
#include "test_single_file.moc"
