// AutoencoderKL against diffusers goldens (decode and encode of tiny-sdxl/vae), plus the
// errors a caller can run into: bad configs, bad inputs, incomplete weights.
#include "core/io/config.h"
#include "core/io/safetensors.h"
#include "core/models/vae.h"
#include "core/testing/golden_vae.h"
#include "core/testing/reduced_precision.h"
#include "core/util/error.h"
#include "support/errors.h"
#include "support/fixtures.h"

#include <torch/torch.h>

#include <QtTest/QtTest>

using namespace lightning;
using lightning::testing::error_of;

namespace {

std::string vae_dir() {
    return testing::fixtures_dir() + "/tiny-sdxl/vae";
}

std::shared_ptr<AutoencoderKL> tiny_vae(c10::ScalarType dtype = c10::kFloat) {
    const auto weights = SafeTensorsFile::open(vae_dir() + "/diffusion_pytorch_model.safetensors");
    return load_vae(read_vae_config(vae_dir() + "/config.json"), *weights, c10::kCPU, dtype);
}

}  // namespace

class TestVae : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { at::set_num_threads(2); }

    void goldens_fp32() {
        GoldenOptions options;
        options.fixtures_dir = testing::fixtures_dir();
        const auto report = check_vae_goldens(options);
        QCOMPARE(report.size(), size_t{6});  // 2 decodes, 2 x (mean, std)
        for (const auto& c : report) {
            qInfo("%s", c.message.c_str());
            QVERIFY2(c.ok, c.message.c_str());
            QVERIFY(c.max_abs <= 1e-4);
        }
    }

    void config_values() {
        const auto vae = tiny_vae();
        QCOMPARE(vae->scaling_factor(), 0.13025);
        QCOMPARE(vae->shift_factor(), 0.0);
        QVERIFY(vae->force_upcast());
        QCOMPARE(vae->downscale_factor(), int64_t{8});
        QCOMPARE(vae->latent_channels(), int64_t{4});
    }

    void compute_dtype_follows_force_upcast() {
        auto config = read_vae_config(vae_dir() + "/config.json");
        QCOMPARE(vae_compute_dtype(config, c10::kHalf), c10::kFloat);
        QCOMPARE(vae_compute_dtype(config, c10::kBFloat16), c10::kBFloat16);
        QCOMPARE(vae_compute_dtype(config, c10::kFloat), c10::kFloat);
        config.force_upcast = false;
        QCOMPARE(vae_compute_dtype(config, c10::kHalf), c10::kHalf);
    }

    // The VAE keeps its own dtype: fp32 latents go into a bf16 VAE and come out bf16. Every VAE
    // golden (decode and encode) holds in bf16 within its stage's bound
    // (core/testing/reduced_precision.h), on every CPU kernel path (ctest re-runs this with
    // oneDNN off), and the decode bound still catches latents scaled by SD 1.5's factor.
    void bf16_decode_within_derived_bound() {
        const auto golden = SafeTensorsFile::open(testing::golden_dir() + "/vae.safetensors");
        const auto vae = tiny_vae(c10::kBFloat16);
        QCOMPARE(vae->dtype(), c10::kBFloat16);
        const auto input = golden->load("decode_8x8.input");
        QCOMPARE(vae->decode(input).scalar_type(), c10::kBFloat16);
        GoldenOptions options;
        options.fixtures_dir = testing::fixtures_dir();
        options.dtype = c10::kBFloat16;
        for (const auto& c : check_vae_goldens(options)) {
            qInfo("%s", c.message.c_str());
            QVERIFY2(c.ok, c.message.c_str());
        }
        const auto wrong_scale = compare_reduced(
            "bf16 decode_8x8, latents scaled by 0.13025 / 0.18215",
            vae->decode(input * (0.13025 / 0.18215)), golden->load("decode_8x8.output"),
            c10::kBFloat16, ReducedStage::VaeDecoder);
        qInfo("%s", wrong_scale.message.c_str());
        QVERIFY2(!wrong_scale.ok, wrong_scale.message.c_str());
    }

    void odd_sizes_follow_diffusers_shapes() {
        // Encoder: pad (0,1,0,1) + 3x3 stride 2 per level: 65 -> 32 -> 16 -> 8, 40 -> 20 -> 10 ->
        // 5; decoder: x8.
        const auto vae = tiny_vae();
        const auto latent = vae->encode_mean_std(torch::zeros({2, 3, 65, 40}));
        QCOMPARE(latent.mean.sizes().vec(), (std::vector<int64_t>{2, 4, 8, 5}));
        QVERIFY((latent.std > 0).all().item<bool>());
        QCOMPARE(vae->decode(latent.mean).sizes().vec(), (std::vector<int64_t>{2, 3, 64, 40}));
    }

    void rejects_bad_inputs() {
        const auto vae = tiny_vae();
        auto message = error_of([&] { vae->decode(torch::zeros({1, 3, 8, 8})); });
        QVERIFY2(message.find("AutoencoderKL::decode") != std::string::npos, message.c_str());
        QVERIFY2(message.find("[1, 3, 8, 8]") != std::string::npos, message.c_str());
        message = error_of([&] { vae->decode(torch::zeros({4, 8, 8})); });
        QVERIFY2(!message.empty(), "3-D latents must be rejected");
        message = error_of([&] { vae->decode(torch::zeros({1, 4, 8, 8}, torch::kLong)); });
        QVERIFY2(message.find("floating-point") != std::string::npos, message.c_str());
        message = error_of([&] { vae->encode_mean_std(torch::zeros({1, 4, 64, 64})); });
        QVERIFY2(message.find("encode_mean_std") != std::string::npos, message.c_str());
        message = error_of([&] { vae->decode(at::Tensor()); });
        QVERIFY2(message.find("undefined") != std::string::npos, message.c_str());
    }

    void rejects_bad_configs() {
        const auto good = read_vae_config(vae_dir() + "/config.json");
        auto config = good;
        config.norm_num_groups = 5;
        auto message = error_of([&] { AutoencoderKL vae(config); });
        QVERIFY2(message.find("block_out_channels") != std::string::npos, message.c_str());
        config = good;
        config.down_block_types[1] = "AttnDownEncoderBlock2D";
        message = error_of([&] { AutoencoderKL vae(config); });
        QVERIFY2(message.find("AttnDownEncoderBlock2D") != std::string::npos, message.c_str());
        config = good;
        config.up_block_types.pop_back();
        message = error_of([&] { AutoencoderKL vae(config); });
        QVERIFY2(message.find("up_block_types") != std::string::npos, message.c_str());
        config = good;
        config.block_out_channels.clear();
        message = error_of([&] { AutoencoderKL vae(config); });
        QVERIFY2(message.find("block_out_channels") != std::string::npos, message.c_str());
    }

    // Loading is strict: one missing tensor names itself, one extra tensor too.
    void strict_loading_names_the_tensor() {
        const auto config = read_vae_config(vae_dir() + "/config.json");
        const auto file = SafeTensorsFile::open(vae_dir() + "/diffusion_pytorch_model.safetensors");
        std::vector<std::pair<std::string, at::Tensor>> tensors;
        for (const auto& name : file->names())
            if (name != "decoder.mid_block.attentions.0.to_k.weight")
                tensors.emplace_back(name, file->load(name));
        auto message = error_of([&] { load_vae(config, TensorMapSource(tensors)); });
        QVERIFY2(message.find("decoder.mid_block.attentions.0.to_k.weight") != std::string::npos,
                 message.c_str());

        tensors.emplace_back("decoder.mid_block.attentions.0.to_k.weight",
                             file->load("decoder.mid_block.attentions.0.to_k.weight"));
        tensors.emplace_back("encoder.extra.weight", torch::zeros({1}));
        message = error_of([&] { load_vae(config, TensorMapSource(tensors)); });
        QVERIFY2(message.find("encoder.extra.weight") != std::string::npos, message.c_str());

        // No mid-block attention in the config: its weights become unexpected.
        auto no_attention = config;
        no_attention.mid_block_add_attention = false;
        message = error_of([&] { load_vae(no_attention, *file); });
        QVERIFY2(message.find("mid_block.attentions.0") != std::string::npos, message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestVae)
#include "test_vae.moc"
