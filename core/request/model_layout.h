// Everything the project knows about where model files live: the diffusers folder layout of
// SDXL base, single-file checkpoints, the SDXL-Lightning file names and what each one needs
// (step count, prediction type), and the Hugging Face cache. The pipeline, the CLI and the app's
// settings dialog all ask here; nothing else hard-codes a file name.
#pragma once
#include "core/request/enums.h"

#include <optional>
#include <string>
#include <vector>

namespace lightning {

struct GenerationRequest;

inline constexpr const char* kBaseRepo = "stabilityai/stable-diffusion-xl-base-1.0";
inline constexpr const char* kLightningRepo = "ByteDance/SDXL-Lightning";
inline constexpr int kStepChoices[] = {1, 2, 4, 8};  // the published Lightning checkpoints

struct ModelLocations {
    std::string base;           // diffusers folder, or a single-file .safetensors checkpoint
    std::string config_dir;     // diffusers folder with configs/tokenizers (for a single file)
    std::string lightning_dir;  // folder with sdxl_lightning_{N}step_unet*.safetensors

    bool operator==(const ModelLocations&) const = default;
};

// --- SDXL base ---------------------------------------------------------------------------------

// Files a diffusers-layout base folder must hold; "a|b" means either (fp32 or fp16 variant).
std::vector<std::string> required_base_files(bool with_weights);

// A path that names a single-file checkpoint rather than a folder.
bool is_single_file(const std::string& path);

// The folder holding configs and tokenizers: the base folder, or config_dir for a single file.
std::string config_root(const ModelLocations& locations);

// The weights of a component folder: STEM.safetensors, else STEM.fp16.safetensors, else the
// folder's only *.safetensors file (the fp16-fix VAE's sdxl_vae.safetensors). "" when none.
std::string find_component_weights(const std::string& folder, const std::string& stem);

// find_component_weights, or lightning::Error naming the folder (sharded checkpoints are named
// as such).
std::string component_weights(const std::string& folder, const std::string& stem);

// A .safetensors file at the top of a diffusers folder (model_index.json) whose unet/ has no
// weights: the single-file checkpoint that folder is the config of (the hub snapshot of
// stable-diffusion-xl-base-1.0 has sd_xl_base_1.0.safetensors beside model_index.json). ""
// otherwise.
std::string find_single_file_checkpoint(const std::string& folder);

// For a single-file checkpoint given without a config folder: the folder it sits in, when that
// holds model_index.json. "" otherwise.
std::string config_folder_for_single_file(const std::string& checkpoint);

// Readable problems with a base model (empty: usable): a diffusers folder (configs, tokenizers,
// text encoders, VAE), or a single .safetensors file plus a diffusers folder for its configs.
std::vector<std::string> check_base_model(const std::string& base, const std::string& config_dir);

// A display name: the folder name, or the file name without extension.
std::string model_display_name(const std::string& path);

// --- SDXL-Lightning ----------------------------------------------------------------------------

// The published file name for `steps` (1 step: the x0 file; ByteDance ships no other).
std::string published_lightning_file(int steps);

// The Lightning UNet for `steps` in `dir`: the published UNet file, else its .fp16 variant,
// else the all-in-one checkpoint (sdxl_lightning_{N}step.safetensors; 1 step:
// sdxl_lightning_1step_x0.safetensors), whose UNet part is used. "" when the folder has none.
std::string lightning_file(const std::string& dir, int steps);

// Step counts with a Lightning UNet file in `dir`, ascending.
std::vector<int> available_lightning_steps(const std::string& dir);

// "sdxl_lightning_4step_unet.safetensors" -> 4 (also LoRA files); else nullopt.
std::optional<int> lightning_steps_of(const std::string& file_name);

// The prediction a UNet file was trained for when its name says so: the "_x0" files predict
// the clean sample. nullopt: the scheduler config's type.
std::optional<PredictionType> prediction_of_unet_file(const std::string& file_name);

// Readable problems with a Lightning folder (empty: holds at least one UNet file).
std::vector<std::string> check_lightning_dir(const std::string& dir);

// Readable problems with a gallery/output folder: exists (or can be created) and is writable.
// Creates nothing.
std::vector<std::string> check_output_dir(const std::string& dir);

// --- Hugging Face cache ------------------------------------------------------------------------

// The folder huggingface_hub keeps its data in: $HF_HOME, else $XDG_CACHE_HOME/huggingface,
// else ~/.cache/huggingface.
std::string hf_home();

// The hub cache folder, the one place that resolves it (the downloader writes and model
// discovery reads there): $HF_HUB_CACHE, else hf_home() + "/hub".
std::string default_hf_hub_dir();

// Why the cache folder `dir` cannot be listed, naming it and the system's error ("" when it can,
// or when it does not exist: nothing was downloaded yet). A folder that exists but cannot be
// read (EACCES, a file where the folder or one of its parents should be) must not look empty.
std::string cache_dir_problem(const std::string& dir);

// Folder of a repository in the cache: "<hub>/models--owner--name".
std::string hf_repo_folder(const std::string& hub_dir, const std::string& repo_id);

struct DiscoveredModels {
    std::string base_dir;  // .../models--stabilityai--stable-diffusion-xl-base-1.0/snapshots/REV
    std::string lightning_dir;  // .../models--ByteDance--SDXL-Lightning/snapshots/REV
    // Why the cache could not be searched ("cannot read the Hugging Face cache folder DIR:
    // Permission denied"); "" when it was searched, found or not.
    std::string problem;
    bool complete() const { return !base_dir.empty() && !lightning_dir.empty(); }
};

// Usable snapshots of both repositories in `hub_dir`. Of several snapshots the one `refs/main`
// names wins if usable, else the usable one modified last. Dangling symlinks of unfinished
// downloads count as missing files. A cache folder (or repository folder) that exists but cannot
// be read sets `problem` instead of looking empty.
DiscoveredModels discover_hf_models(const std::string& hub_dir);

// The UNet file a request uses with these models ("" = the base model's own UNet): the explicit
// file, else the Lightning checkpoint for its step count. Throws lightning::Error when the step
// count has no checkpoint (no silent fallback) or both an explicit file and a Lightning folder
// are given. Needs no loaded model.
std::string unet_file_for(const ModelLocations& models, const GenerationRequest& request);

}  // namespace lightning
