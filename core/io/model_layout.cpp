#include "core/io/model_layout.h"

#include <filesystem>
#include <vector>

namespace lightning {
namespace {

namespace fs = std::filesystem;

bool is_file(const fs::path& path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec);  // follows symlinks (hub snapshots)
}

std::vector<fs::path> safetensors_in(const fs::path& folder) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec))
        if (entry.path().extension() == ".safetensors" && is_file(entry.path()))
            files.push_back(entry.path());
    return files;
}

}  // namespace

std::string find_component_weights(const std::string& folder, const std::string& stem) {
    for (const char* suffix : {".safetensors", ".fp16.safetensors"}) {
        const fs::path path = fs::path(folder) / (stem + suffix);
        if (is_file(path)) return path.string();
    }
    const auto files = safetensors_in(folder);
    return files.size() == 1 ? files[0].string() : std::string();
}

std::string find_single_file_checkpoint(const std::string& folder) {
    const fs::path root(folder);
    if (!is_file(root / "model_index.json")) return {};
    if (!find_component_weights((root / "unet").string(), "diffusion_pytorch_model").empty())
        return {};
    const auto files = safetensors_in(root);
    return files.size() == 1 ? files[0].string() : std::string();
}

std::string config_folder_for_single_file(const std::string& checkpoint) {
    const fs::path folder = fs::path(checkpoint).parent_path();
    return is_file(folder / "model_index.json") ? folder.string() : std::string();
}

std::string find_lightning_unet(const std::string& lightning_dir, int steps) {
    if (lightning_dir.empty()) return {};
    const std::string n = std::to_string(steps);
    // ByteDance ships the 1-step model only with x0 (sample) prediction; "_x0" in the name is
    // what selects that prediction type.
    const std::vector<std::string> names =
        steps == 1 ? std::vector<std::string>{"sdxl_lightning_1step_unet_x0.safetensors",
                                              "sdxl_lightning_1step_unet_x0.fp16.safetensors",
                                              "sdxl_lightning_1step_x0.safetensors"}
                   : std::vector<std::string>{"sdxl_lightning_" + n + "step_unet.safetensors",
                                              "sdxl_lightning_" + n + "step_unet.fp16.safetensors",
                                              "sdxl_lightning_" + n + "step.safetensors"};
    for (const auto& name : names) {
        const fs::path path = fs::path(lightning_dir) / name;
        if (is_file(path)) return path.string();
    }
    return {};
}

}  // namespace lightning
