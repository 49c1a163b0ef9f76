#include "core/convert/vae_file.h"

#include "core/convert/single_file.h"
#include "core/io/safetensors.h"
#include "core/util/error.h"
#include "core/util/file_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace lightning {
namespace {

namespace fs = std::filesystem;

bool any_name_starts(const std::vector<std::string>& names, const std::string& prefix) {
    return std::any_of(names.begin(), names.end(),
                       [&](const std::string& n) { return n.rfind(prefix, 0) == 0; });
}

// config.json beside a single file, when it is an AutoencoderKL config.
bool is_vae_config(const fs::path& path) {
    if (!fs::is_regular_file(path)) return false;
    nlohmann::json doc;
    try {
        doc = read_json_file(path.string());  // with the nesting limit: a user's file
    } catch (const Error&) {
        return false;  // not JSON (or another tool's file): not a VAE config
    }
    return doc.is_object() && doc.value("_class_name", "") == "AutoencoderKL";
}

}  // namespace

VaeWeights open_vae_file(const std::string& file_or_folder, const VaeConfig& model_config) {
    const fs::path path(file_or_folder);
    VaeWeights vae;
    vae.name = path.filename().string();
    if (fs::is_directory(path)) {
        const auto config = path / "config.json";
        if (!fs::is_regular_file(config))
            throw Error(file_or_folder, "not a diffusers VAE folder (no config.json)");
        vae.config = read_vae_config(config.string());
        for (const char* name :
             {"diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors"}) {
            if (fs::is_regular_file(path / name)) {
                vae.weights = SafeTensorsFile::open((path / name).string());
                return vae;
            }
        }
        throw Error(file_or_folder, "no diffusion_pytorch_model.safetensors in the VAE folder");
    }
    if (!fs::is_regular_file(path)) throw Error(file_or_folder, "no such VAE file or folder");
    const auto beside = path.parent_path() / "config.json";
    vae.config = is_vae_config(beside) ? read_vae_config(beside.string()) : model_config;
    const auto file = SafeTensorsFile::open(path.string());
    const auto names = file->names();
    if (file->contains("decoder.conv_in.weight") && any_name_starts(names, "decoder.up_blocks.")) {
        vae.weights = file;  // diffusers names already
        return vae;
    }
    for (const std::string prefix : {"", "first_stage_model."}) {
        if (file->contains(prefix + "decoder.conv_in.weight") &&
            any_name_starts(names, prefix + "decoder.up.")) {
            vae.weights = open_ldm_vae(file, vae.config, prefix);
            return vae;
        }
    }
    throw Error(file_or_folder,
                "not a VAE file: no decoder.conv_in.weight with diffusers (decoder.up_blocks.*) "
                "or ldm (decoder.up.*) names");
}

}  // namespace lightning
