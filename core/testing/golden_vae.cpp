#include "core/testing/golden_vae.h"

#include "core/io/config.h"
#include "core/io/safetensors.h"
#include "core/models/vae.h"
#include "core/testing/reduced_precision.h"

#include <torch/torch.h>

#include <exception>

namespace lightning {
namespace {

// fp32: the fixtures' acceptance for VAE outputs (atol 1e-4). fp16/bf16: the derived relative
// bound (core/testing/reduced_precision.h) of the stage that ran (encoder or decoder).
Comparison compare_vae_output(const std::string& name, const at::Tensor& actual,
                              const at::Tensor& expected, c10::ScalarType dtype,
                              ReducedStage stage) {
    if (dtype == c10::kFloat || dtype == c10::kDouble)
        return compare_tensors(name, actual, expected, Tolerance{1e-4, 0});
    return compare_reduced(name, actual, expected, dtype, stage);
}

std::string run_label(const GoldenOptions& options, c10::ScalarType dtype) {
    return std::string(" [") + options.device.str() + " " + c10::toString(dtype) + "]";
}

}  // namespace

GoldenReport check_vae_goldens(const GoldenOptions& options) {
    GoldenReport report;
    try {
        const std::string vae_dir = options.fixtures_dir + "/tiny-sdxl/vae";
        const auto config = read_vae_config(vae_dir + "/config.json");
        const auto weights =
            SafeTensorsFile::open(vae_dir + "/diffusion_pytorch_model.safetensors");
        const auto golden = SafeTensorsFile::open(options.fixtures_dir + "/golden/vae.safetensors");
        const auto dtype = vae_compute_dtype(config, options.dtype);
        const auto vae = load_vae(config, *weights, options.device, dtype);
        const auto label = run_label(options, dtype);
        // An fp16 run keeps the VAE in fp32 (force_upcast) but with TF32 convolutions on CUDA:
        // held to the run's precision (fp16's 10 mantissa bits are TF32's too), not fp32's.
        const auto run_dtype = dtype == c10::kFloat ? options.dtype : dtype;

        for (const char* name : {"decode_8x8", "decode_12x8"}) {
            const std::string key = name;
            auto output = vae->decode(golden->load(key + ".input"));
            report.push_back(compare_vae_output("vae." + key + label, output,
                                                golden->load(key + ".output"), run_dtype,
                                                ReducedStage::VaeDecoder));
        }
        for (const char* name : {"encode_64x64", "encode_64x96"}) {
            const std::string key = name;
            auto latent = vae->encode_mean_std(golden->load(key + ".input"));
            const auto encoder = ReducedStage::VaeEncoder;
            report.push_back(compare_vae_output("vae." + key + ".latent_mean" + label, latent.mean,
                                                golden->load(key + ".latent_mean"), dtype,
                                                encoder));
            report.push_back(compare_vae_output("vae." + key + ".latent_std" + label, latent.std,
                                                golden->load(key + ".latent_std"), run_dtype,
                                                encoder));
        }
    } catch (const std::exception& e) {
        Comparison failure;
        failure.message = std::string("vae: ") + e.what();
        report.push_back(failure);
    }
    return report;
}

}  // namespace lightning
