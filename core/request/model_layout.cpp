#include "core/request/model_layout.h"

#include "core/request/request.h"
#include "core/util/error.h"
#include "core/util/input_file.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>

namespace lightning {
namespace {

namespace fs = std::filesystem;

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? std::string(value) : std::string();
}

std::string join(const std::vector<int>& values) {
    std::string text;
    for (int v : values) text += (text.empty() ? "" : ", ") + std::to_string(v);
    return text.empty() ? "none" : text;
}

bool is_file(const fs::path& path) {
    std::error_code error;
    return fs::is_regular_file(path, error);  // follows symlinks: a dangling one is missing
}

bool is_dir(const fs::path& path) {
    std::error_code error;
    return fs::is_directory(path, error);
}

bool any_exists(const fs::path& folder, const std::string& alternatives) {
    std::stringstream names(alternatives);
    for (std::string name; std::getline(names, name, '|');)
        if (is_file(folder / name)) return true;
    return false;
}

std::string readable_alternatives(const std::string& alternatives) {
    return std::regex_replace(alternatives, std::regex("\\|"), " or ");
}

void check_files(const std::string& folder, const std::vector<std::string>& files,
                 std::vector<std::string>& problems) {
    for (const auto& file : files)
        if (!any_exists(folder, file))
            problems.push_back("Missing " + readable_alternatives(file) + " in " + folder);
}

std::vector<fs::path> safetensors_in(const fs::path& folder) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec))
        if (entry.path().extension() == ".safetensors" && is_file(entry.path()))
            files.push_back(entry.path());
    return files;
}

// The usable snapshot of a cached repository, or "".
std::string pick_snapshot(const fs::path& repo_dir,
                          const std::function<bool(const std::string&)>& usable) {
    const fs::path snapshots = repo_dir / "snapshots";
    if (!is_dir(snapshots)) return {};
    std::ifstream ref(repo_dir / "refs" / "main");
    std::string revision;
    if (ref >> revision) {
        const fs::path preferred = snapshots / revision;
        if (is_dir(preferred) && usable(preferred.string()))
            return preferred.lexically_normal().string();
    }
    std::string best;
    fs::file_time_type best_time{};
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(snapshots, error)) {
        if (!entry.is_directory() || !usable(entry.path().string())) continue;
        const auto time = fs::last_write_time(entry.path(), error);
        if (best.empty() || time > best_time) {
            best = entry.path().lexically_normal().string();
            best_time = time;
        }
    }
    return best;
}

}  // namespace

std::vector<std::string> required_base_files(bool with_weights) {
    // A tokenizer is vocab.json + merges.txt, or tokenizer.json alone (transformers 5 may save
    // only that one).
    std::vector<std::string> files = {
        "model_index.json",
        "scheduler/scheduler_config.json",
        "tokenizer/vocab.json|tokenizer/tokenizer.json",
        "tokenizer/merges.txt|tokenizer/tokenizer.json",
        "tokenizer_2/vocab.json|tokenizer_2/tokenizer.json",
        "tokenizer_2/merges.txt|tokenizer_2/tokenizer.json",
        "text_encoder/config.json",
        "text_encoder_2/config.json",
        "unet/config.json",
        "vae/config.json",
    };
    if (with_weights) {
        files.push_back("text_encoder/model.safetensors|text_encoder/model.fp16.safetensors");
        files.push_back("text_encoder_2/model.safetensors|text_encoder_2/model.fp16.safetensors");
        files.push_back(
            "vae/diffusion_pytorch_model.safetensors|vae/diffusion_pytorch_model.fp16.safetensors");
    }
    return files;
}

bool is_single_file(const std::string& path) {
    if (is_dir(path)) return false;
    const std::string suffix = ".safetensors";
    if (path.size() < suffix.size()) return false;
    std::string tail = path.substr(path.size() - suffix.size());
    for (auto& c : tail) c = char(std::tolower(static_cast<unsigned char>(c)));
    return tail == suffix;
}

std::string config_root(const ModelLocations& locations) {
    return is_single_file(locations.base) ? locations.config_dir : locations.base;
}

std::string find_component_weights(const std::string& folder, const std::string& stem) {
    for (const char* suffix : {".safetensors", ".fp16.safetensors"}) {
        const fs::path path = fs::path(folder) / (stem + suffix);
        if (is_file(path)) return path.string();
    }
    const auto files = safetensors_in(folder);
    return files.size() == 1 ? files[0].string() : std::string();
}

std::string component_weights(const std::string& folder, const std::string& stem) {
    if (auto path = find_component_weights(folder, stem); !path.empty()) return path;
    if (fs::exists(folder + "/" + stem + ".safetensors.index.json"))
        throw Error(folder, "sharded checkpoints (" + stem +
                                ".safetensors.index.json) are not supported; merge the shards "
                                "into one " +
                                stem + ".safetensors");
    throw Error(folder, "no " + stem + ".safetensors (nor the .fp16 variant)");
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

namespace {

void check_component_weights(const std::string& base, std::vector<std::string>& problems) {
    // A folder whose only weights are one whole-SDXL checkpoint is a valid model too.
    if (!find_single_file_checkpoint(base).empty()) return;
    const std::pair<const char*, const char*> components[] = {
        {"text_encoder", "model"}, {"text_encoder_2", "model"}, {"vae", "diffusion_pytorch_model"}};
    for (const auto& [component, stem] : components) {
        const std::string folder = (fs::path(base) / component).string();
        if (find_component_weights(folder, stem).empty())
            problems.push_back("Missing " + std::string(component) + "/" + stem +
                               ".safetensors (or its .fp16 variant, or one .safetensors file) in " +
                               base);
    }
}

}  // namespace

std::vector<std::string> check_base_model(const std::string& base, const std::string& config_dir) {
    std::vector<std::string> problems;
    if (base.find_first_not_of(" \t") == std::string::npos) {
        problems.push_back(
            "No SDXL base model chosen: pick the stable-diffusion-xl-base-1.0 folder (diffusers "
            "layout) or a single .safetensors checkpoint.");
        return problems;
    }
    std::error_code error;
    if (!fs::exists(base, error)) {
        problems.push_back(base + " does not exist");
        return problems;
    }
    if (is_dir(base)) {
        check_files(base, required_base_files(false), problems);
        check_component_weights(base, problems);
        return problems;
    }
    if (!is_single_file(base)) {
        problems.push_back(base + " is not a .safetensors checkpoint or a model folder");
        return problems;
    }
    if (::access(base.c_str(), R_OK) != 0) problems.push_back(base + " cannot be read");
    // As the pipeline resolves it: a checkpoint beside model_index.json brings its configs.
    const std::string configs = config_dir.find_first_not_of(" \t") == std::string::npos
                                    ? config_folder_for_single_file(base)
                                    : config_dir;
    if (configs.empty())
        problems.push_back(
            "A single-file checkpoint needs a diffusers folder for its configs and tokenizers "
            "(e.g. stable-diffusion-xl-base-1.0 without the weights)");
    else if (!is_dir(configs))
        problems.push_back("Config folder " + configs + " does not exist");
    else
        check_files(configs, required_base_files(false), problems);
    return problems;
}

std::string model_display_name(const std::string& path) {
    fs::path p(path);
    while (!p.empty() && p.filename().empty()) p = p.parent_path();  // trailing slash
    return is_dir(p) ? p.filename().string() : p.stem().string();
}

std::string published_lightning_file(int steps) {
    if (steps == 1) return "sdxl_lightning_1step_unet_x0.safetensors";
    return "sdxl_lightning_" + std::to_string(steps) + "step_unet.safetensors";
}

std::string lightning_file(const std::string& dir, int steps) {
    if (dir.empty()) return {};
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
    for (const auto& name : names)
        if (is_file(fs::path(dir) / name)) return (fs::path(dir) / name).string();
    return {};
}

std::vector<int> available_lightning_steps(const std::string& dir) {
    std::vector<int> steps;
    if (dir.empty()) return steps;
    for (int n : kStepChoices)
        if (!lightning_file(dir, n).empty()) steps.push_back(n);
    return steps;
}

std::optional<int> lightning_steps_of(const std::string& file_name) {
    static const std::regex pattern(R"(sdxl_lightning_(\d+)step)", std::regex::icase);
    std::smatch match;
    const std::string name = fs::path(file_name).filename().string();
    if (std::regex_search(name, match, pattern)) return std::stoi(match[1].str());
    return std::nullopt;
}

std::optional<PredictionType> prediction_of_unet_file(const std::string& file_name) {
    const std::string name = fs::path(file_name).filename().string();
    if (name.find("_x0") != std::string::npos) return PredictionType::Sample;
    return std::nullopt;
}

std::vector<std::string> check_lightning_dir(const std::string& dir) {
    if (dir.find_first_not_of(" \t") == std::string::npos)
        return {"No SDXL-Lightning folder chosen"};
    if (!is_dir(dir)) return {dir + " does not exist"};
    if (!available_lightning_steps(dir).empty()) return {};
    std::string expected;
    for (int steps : kStepChoices)
        expected += (expected.empty() ? "" : ", ") + published_lightning_file(steps);
    return {"No Lightning UNet file in " + dir + " (expected any of " + expected + ")"};
}

std::vector<std::string> check_output_dir(const std::string& dir) {
    if (dir.find_first_not_of(" \t") == std::string::npos) return {"No gallery folder chosen"};
    std::error_code error;
    if (fs::exists(dir, error) && !is_dir(dir)) return {dir + " is a file, not a folder"};
    // A folder that does not exist yet is fine when it can be created, i.e. its nearest
    // existing parent is a writable folder.
    fs::path existing = fs::absolute(dir, error).lexically_normal();
    while (!fs::exists(existing, error) && existing.has_parent_path() &&
           existing.parent_path() != existing)
        existing = existing.parent_path();
    if (!is_dir(existing) || ::access(existing.c_str(), W_OK | X_OK) != 0)
        return {"The gallery folder " + existing.string() + " is not writable"};
    return {};
}

std::string hf_home() {
    if (auto home = env("HF_HOME"); !home.empty()) return home;
    if (auto xdg = env("XDG_CACHE_HOME"); !xdg.empty()) return xdg + "/huggingface";
    return env("HOME") + "/.cache/huggingface";
}

std::string default_hf_hub_dir() {
    if (auto hub = env("HF_HUB_CACHE"); !hub.empty()) return hub;
    return hf_home() + "/hub";
}

std::string cache_dir_problem(const std::string& dir) {
    std::error_code error;
    const auto status = fs::status(dir, error);
    if (error && error != std::errc::no_such_file_or_directory)
        return "cannot read the Hugging Face cache folder " + dir + ": " + error.message();
    if (status.type() == fs::file_type::not_found) return {};
    if (!fs::is_directory(status))
        return "the Hugging Face cache folder " + dir + " is not a folder";
    fs::directory_iterator listing(dir, error);
    if (error) return "cannot read the Hugging Face cache folder " + dir + ": " + error.message();
    return {};
}

std::string hf_repo_folder(const std::string& hub_dir, const std::string& repo_id) {
    return (fs::path(hub_dir) / ("models--" + std::regex_replace(repo_id, std::regex("/"), "--")))
        .string();
}

DiscoveredModels discover_hf_models(const std::string& hub_dir) {
    DiscoveredModels found;
    if (hub_dir.empty()) return found;
    for (const auto& dir : {hub_dir, hf_repo_folder(hub_dir, kBaseRepo) + "/snapshots",
                            hf_repo_folder(hub_dir, kLightningRepo) + "/snapshots"}) {
        found.problem = cache_dir_problem(dir);
        if (!found.problem.empty()) return found;
    }
    if (!is_dir(hub_dir)) return found;
    found.base_dir = pick_snapshot(hf_repo_folder(hub_dir, kBaseRepo), [](const std::string& dir) {
        return check_base_model(dir, {}).empty();
    });
    found.lightning_dir =
        pick_snapshot(hf_repo_folder(hub_dir, kLightningRepo),
                      [](const std::string& dir) { return check_lightning_dir(dir).empty(); });
    return found;
}

std::string unet_file_for(const ModelLocations& models, const GenerationRequest& request) {
    const auto& dir = models.lightning_dir;
    if (!request.unet_file.empty()) {
        if (!dir.empty())
            throw Error("unet", "an explicit UNet file (" + request.unet_file +
                                    ") and a Lightning folder both choose the UNet; give one");
        require_regular_file(request.unet_file, "a UNet");
        return request.unet_file;
    }
    if (dir.empty()) return {};
    auto file = lightning_file(dir, request.steps);  // not const: returned by move
    if (file.empty())
        throw Error("steps", "no Lightning checkpoint for " + std::to_string(request.steps) +
                                 " steps in " + dir +
                                 " (available: " + join(available_lightning_steps(dir)) +
                                 "; expected " + published_lightning_file(request.steps) + ")");
    return file;
}

}  // namespace lightning
