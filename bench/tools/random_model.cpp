// lightning-random-model: writes a full-size SDXL with random weights (diffusers layout, fp16)
// and, optionally, random SDXL-Lightning UNet files, with the project's own model definitions
// and safetensors writer: no Python, no downloads. Benchmarks and the GPU scenario run on it.
//
//   lightning-random-model --configs ../shared/configs/sdxl-base --tokenizers DIR --out DIR
//       [--lightning-out DIR] [--steps 1,2,4,8] [--no-base-unet] [--device cuda] [--seed N]
//
// Or a diffusers-layout SDXL folder (this tool's --out, or any other) rewritten as ONE file in
// the original single-file layout (model.diffusion_model.*, first_stage_model.*,
// conditioner.embedders.*), fp16, so engines that read only that layout (stable-diffusion.cpp,
// ComfyUI) load the same weights; --unet puts a Lightning UNet file in place of the base UNet:
//
//   lightning-random-model --single-file OUT.safetensors --from DIR [--unet FILE]
//
// Weights are scaled like a trained network's (unit-variance activations, as
// bench/reference/make_random_sdxl.py does), so half precision behaves as with real weights:
// matrices and kernels randn / sqrt(fan_in), norm scales 1 + 0.1 randn, other vectors
// 0.02 randn. Text encoders use the legacy `text_model.*` key names of the SDXL repository.
#include "core/convert/single_file.h"
#include "core/convert/text_encoder_names.h"
#include "core/io/config.h"
#include "core/io/safetensors.h"
#include "core/models/unet.h"
#include "core/models/vae.h"
#include "core/request/model_layout.h"
#include "core/text/clip_text_model.h"
#include "core/util/error.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

namespace fs = std::filesystem;
using namespace lightning;

namespace {

struct Options {
    std::string configs, tokenizers, out, lightning_out;
    std::string single_file, from, unet;  // --single-file mode
    std::vector<int> steps = {1, 2, 4, 8};
    bool base_unet = true;
    std::string device = "cpu";
    uint64_t seed = 1;
};

at::Tensor random_like(const std::string& name, const std::vector<int64_t>& shape,
                       const c10::Device& device, uint64_t seed) {
    torch::manual_seed(seed);  // one stream per tensor: the same file whatever the device
    auto noise = torch::randn(shape, torch::TensorOptions().device(device));
    const bool norm = name.find("norm") != std::string::npos;
    if (shape.size() == 1 && norm && name.ends_with("weight"))
        return (1 + 0.1 * noise).to(at::kHalf);
    if (shape.size() <= 1) return (0.02 * noise).to(at::kHalf);
    int64_t fan_in = 1;
    for (size_t d = 1; d < shape.size(); ++d) fan_in *= shape[d];
    return (noise / std::sqrt(double(fan_in))).to(at::kHalf);
}

// Random tensors for every parameter of `module` (built on the meta device: no memory).
std::vector<std::pair<std::string, at::Tensor>> random_state(torch::nn::Module& module,
                                                             const std::string& prefix,
                                                             const Options& options,
                                                             uint64_t seed) {
    std::vector<std::pair<std::string, at::Tensor>> state;
    const c10::Device device(options.device);
    for (const auto& item : module.named_parameters(true)) {
        const std::string name = prefix + item.key();
        state.emplace_back(name,
                           random_like(name, item.value().sizes().vec(), device, seed++).cpu());
    }
    return state;
}

void write(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& state) {
    fs::create_directories(fs::path(path).parent_path());
    const auto start = std::chrono::steady_clock::now();
    save_safetensors(path, state);
    size_t bytes = 0;
    for (const auto& [name, t] : state) bytes += t.nbytes();
    std::printf("wrote %s (%zu tensors, %.2f GB) in %.1f s\n", path.c_str(), state.size(),
                bytes / 1e9,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

void copy_config(const Options& o, const std::string& component) {
    fs::create_directories(o.out + "/" + component);
    fs::copy_file(o.configs + "/" + component + "/config.json",
                  o.out + "/" + component + "/config.json", fs::copy_options::overwrite_existing);
}

void write_unet(const Options& o, const std::string& path, uint64_t seed) {
    const auto config = read_unet_config(o.configs + "/unet/config.json");
    UNet2DConditionModel unet(config, torch::TensorOptions().device(c10::kMeta));
    write(path, random_state(*unet, "", o, seed));
}

void write_model(const Options& o) {
    for (const char* component : {"unet", "vae", "text_encoder", "text_encoder_2"})
        copy_config(o, component);
    if (o.base_unet) write_unet(o, o.out + "/unet/diffusion_pytorch_model.safetensors", o.seed);
    {
        const auto config = read_vae_config(o.configs + "/vae/config.json");
        AutoencoderKL vae(config, torch::TensorOptions().device(c10::kMeta));
        write(o.out + "/vae/diffusion_pytorch_model.safetensors",
              random_state(vae, "", o, o.seed + 1000000));
    }
    for (int i = 0; i < 2; ++i) {
        const std::string component = i == 0 ? "text_encoder" : "text_encoder_2";
        const auto config = read_clip_text_config(o.configs + "/" + component + "/config.json");
        ClipTextModel model(config, torch::TensorOptions().device(c10::kMeta));
        write(o.out + "/" + component + "/model.safetensors",
              random_state(*model, "", o, o.seed + 2000000 + 100000 * i));
    }
    for (const char* tokenizer : {"tokenizer", "tokenizer_2"})
        fs::copy(o.tokenizers + "/" + tokenizer, o.out + "/" + tokenizer,
                 fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    fs::create_directories(o.out + "/scheduler");
    fs::copy_file(o.configs + "/scheduler/scheduler_config.json",
                  o.out + "/scheduler/scheduler_config.json", fs::copy_options::overwrite_existing);
    // The tokenizers' folder is a diffusers SDXL (the fixtures' tiny-sdxl): its index names the
    // components and their classes, so diffusers loads this folder too. Without one, the index
    // our engine reads.
    if (fs::exists(o.tokenizers + "/model_index.json"))
        fs::copy_file(o.tokenizers + "/model_index.json", o.out + "/model_index.json",
                      fs::copy_options::overwrite_existing);
    else
        std::ofstream(o.out + "/model_index.json")
            << R"({"_class_name": "StableDiffusionXLPipeline", "force_zeros_for_empty_prompt": true})"
            << '\n';
}

// A diffusers folder (and optionally another UNet file) as one single-file checkpoint, fp16.
void write_single_file_from(const Options& o) {
    const auto unet_config = read_unet_config(o.from + "/unet/config.json");
    const auto vae_config = read_vae_config(o.from + "/vae/config.json");
    const auto te2_config = read_clip_text_config(o.from + "/text_encoder_2/config.json");
    auto open = [](const std::string& path) -> std::shared_ptr<TensorSource> {
        return SafeTensorsFile::open(path);
    };
    SingleFileParts parts;
    const std::string unet_file =
        o.unet.empty() ? component_weights(o.from + "/unet", "diffusion_pytorch_model") : o.unet;
    parts.unet = unet_weights_any_layout(open(unet_file), unet_config);
    parts.vae = vae_weights_any_layout(
        open(component_weights(o.from + "/vae", "diffusion_pytorch_model")), vae_config);
    parts.text_encoder =
        clip_text_weights_any_layout(open(component_weights(o.from + "/text_encoder", "model")));
    parts.text_encoder_2 =
        clip_text_weights_any_layout(open(component_weights(o.from + "/text_encoder_2", "model")));
    const auto start = std::chrono::steady_clock::now();
    write_single_file(o.single_file, parts, unet_config, vae_config, te2_config, at::kHalf);
    std::printf("wrote %s (UNet %s) in %.1f s\n", o.single_file.c_str(), unet_file.c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

std::vector<int> parse_steps(const std::string& text) {
    std::vector<int> steps;
    std::stringstream items(text);
    for (std::string item; std::getline(items, item, ',');) steps.push_back(std::stoi(item));
    return steps;
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&] {
            if (i + 1 >= argc) throw Error(arg, "needs a value");
            return std::string(argv[++i]);
        };
        if (arg == "--configs")
            o.configs = value();
        else if (arg == "--tokenizers")
            o.tokenizers = value();
        else if (arg == "--out")
            o.out = value();
        else if (arg == "--lightning-out")
            o.lightning_out = value();
        else if (arg == "--steps")
            o.steps = parse_steps(value());
        else if (arg == "--no-base-unet")
            o.base_unet = false;
        else if (arg == "--device")
            o.device = value();
        else if (arg == "--seed")
            o.seed = std::stoull(value());
        else if (arg == "--single-file")
            o.single_file = value();
        else if (arg == "--from")
            o.from = value();
        else if (arg == "--unet")
            o.unet = value();
        else
            throw Error(arg, "unknown option (see the comment at the top of random_model.cpp)");
    }
    if (!o.single_file.empty()) {
        if (o.from.empty()) throw Error("usage", "--single-file OUT needs --from DIR");
        return o;
    }
    if (o.configs.empty() || o.tokenizers.empty() || o.out.empty())
        throw Error("usage", "--configs DIR --tokenizers DIR --out DIR are required");
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const Options o = parse(argc, argv);
        torch::NoGradGuard no_grad;
        if (!o.single_file.empty()) {
            write_single_file_from(o);
            return 0;
        }
        const auto start = std::chrono::steady_clock::now();
        write_model(o);
        if (!o.lightning_out.empty())
            for (int steps : o.steps)
                write_unet(o, o.lightning_out + "/" + published_lightning_file(steps),
                           o.seed + 10000000 * uint64_t(steps));
        std::printf(
            "random SDXL written in %.1f s\n",
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "lightning-random-model: error: " << e.what() << '\n';
        return 1;
    }
}
