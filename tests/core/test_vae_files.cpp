// VAE files (`--vae`: diffusers folder, ldm single file) and tiled decoding, against diffusers:
// AutoencoderKL.decode with enable_tiling() at the config's tile size and at small tile sizes
// (tests/data/prompt_goldens/vae, made by bench/reference/make_prompt_goldens.py).
#include "core/convert/vae_file.h"
#include "core/io/config.h"
#include "core/io/safetensors.h"
#include "core/models/vae.h"
#include "core/models/vae_tiling.h"
#include "core/util/error.h"
#include "support/errors.h"
#include "support/fixtures.h"

#include <torch/torch.h>

using namespace lightning;
using lightning::testing::error_of;

namespace {

std::string vae_goldens(const std::string& file) {
    return testing::test_data_dir() + "/prompt_goldens/vae/" + file;
}

VaeConfig tiny_config() {
    return read_vae_config(testing::fixtures_dir() + "/tiny-sdxl/vae/config.json");
}

std::shared_ptr<AutoencoderKL> load(const VaeWeights& vae) {
    return load_vae(vae.config, *vae.weights);
}

at::Tensor golden(const std::string& name) {
    static const auto file = SafeTensorsFile::open(vae_goldens("vae_decode.safetensors"));
    return file->load(name);
}

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
    if (a.sizes() != b.sizes()) return 1e30;
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

}  // namespace

class TestVaeFiles : public QObject {
    Q_OBJECT

    // Every decode of the golden file for one VAE ("tiny" or "fp16fix").
    void check_decodes(AutoencoderKL& vae, const std::string& prefix) {
        c10::InferenceMode guard;
        const auto z_small = golden("z_small"), z_default = golden("z_default");
        auto small = default_tile_settings(vae.config());
        small.sample_size = 32;
        small.latent_size = 4;
        auto half = small;
        half.overlap = 0.5;
        const std::vector<std::pair<std::string, at::Tensor>> results = {
            {"untiled.z_small", vae.decode(z_small)},
            {"untiled.z_default", vae.decode(z_default)},
            {"tiled_default.z_default",
             tiled_decode(vae, z_default, default_tile_settings(vae.config()))},
            {"tiled_32_4.z_small", tiled_decode(vae, z_small, small)},
            {"tiled_32_4_half.z_small", tiled_decode(vae, z_small, half)},
        };
        for (const auto& [name, result] : results) {
            const double diff = max_abs_diff(result, golden(prefix + "." + name));
            qInfo("%s.%s: max |diff| %.2g", prefix.c_str(), name.c_str(), diff);
            QVERIFY2(diff <= 1e-4, (prefix + "." + name).c_str());
        }
        // Tiling changes the result (it is not an untiled decode in disguise).
        QVERIFY(max_abs_diff(golden(prefix + ".tiled_default.z_default"),
                             golden(prefix + ".untiled.z_default")) > 1e-3);
    }

private Q_SLOTS:
    void initTestCase() { at::set_num_threads(2); }

    void tiledDecodeMatchesDiffusersEnableTiling() {
        const auto weights = SafeTensorsFile::open(
            testing::fixtures_dir() + "/tiny-sdxl/vae/diffusion_pytorch_model.safetensors");
        const auto vae = load_vae(tiny_config(), *weights);
        check_decodes(*vae, "tiny");
    }

    void vaeFolderAndLdmSingleFileDecodeAsDiffusers() {
        const auto folder = open_vae_file(vae_goldens("tiny-vae-fp16-fix"), tiny_config());
        QVERIFY(!folder.config.force_upcast);  // from the folder's config.json
        check_decodes(*load(folder), "fp16fix");
        // The ldm file (diffusers' convert_diffusers_to_original_sdxl.py naming) holds the same
        // weights: same decode.
        const auto ldm = open_vae_file(vae_goldens("tiny-vae-fp16-fix.safetensors"), tiny_config());
        QVERIFY(ldm.weights->contains("decoder.mid_block.attentions.0.to_q.weight"));
        c10::InferenceMode guard;
        QVERIFY(torch::equal(load(ldm)->decode(golden("z_default")),
                             load(folder)->decode(golden("z_default"))));
    }

    void fp16SafeVaeDecodesInFp16() {
        auto config = tiny_config();
        QCOMPARE(vae_compute_dtype(config, c10::kHalf), c10::kFloat);  // force_upcast true
        config.force_upcast = false;
        QCOMPARE(vae_compute_dtype(config, c10::kHalf), c10::kHalf);
    }

    void notAVaeIsRefusedNamingThePath() {
        const auto unet =
            testing::fixtures_dir() + "/tiny-lightning/sdxl_lightning_2step_unet.safetensors";
        const auto error = error_of([&] { open_vae_file(unet, tiny_config()); });
        QVERIFY2(
            error.find(unet) != std::string::npos && error.find("not a VAE") != std::string::npos,
            error.c_str());
        QVERIFY(!error_of([] { open_vae_file("/no/such/vae", tiny_config()); }).empty());
        QVERIFY(!error_of([] { parse_vae_tiling("sometimes"); }).empty());
    }

    void autoTilingFollowsTheMemoryEstimate() {
        const auto config = tiny_config();
        const c10::Device cpu(c10::kCPU);
        QVERIFY(use_vae_tiling(VaeTiling::On, config, 8, 8, 4, cpu));
        QVERIFY(!use_vae_tiling(VaeTiling::Off, config, 1 << 20, 1 << 20, 4, cpu));
        QVERIFY(!use_vae_tiling(VaeTiling::Auto, config, 8, 8, 4, cpu));
        QVERIFY(use_vae_tiling(VaeTiling::Auto, config, 1 << 20, 1 << 20, 4, cpu));
        // The estimate grows with the area, and the attention term with its square.
        QVERIFY(untiled_decode_bytes(config, 256, 256, 2) >
                4 * untiled_decode_bytes(config, 128, 128, 2));
    }
};

QTEST_GUILESS_MAIN(TestVaeFiles)
#include "test_vae_files.moc"
