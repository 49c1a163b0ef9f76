// Where the Hugging Face hub and its local cache are, and which token to send: read from the
// same environment variables and files huggingface_hub uses, so the app, the CLI and Python
// tools share one cache and one login.
#pragma once
#include <string>

namespace lightning::hub {

inline constexpr const char* kDefaultEndpoint = "https://huggingface.co";

struct HubSettings {
    std::string endpoint = kDefaultEndpoint;  // no trailing slash
    std::string cache_dir;                    // the "hub" folder holding models--org--name/
    std::string token;                        // "" = anonymous
    std::string token_source;                 // where the token came from (for messages)
    bool offline = false;                     // HF_HUB_OFFLINE=1: never touch the network
};

// HF_ENDPOINT; hub_cache_dir(): HF_HUB_CACHE, else $HF_HOME/hub, else
// $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub; the token from HF_TOKEN, else
// HUGGING_FACE_HUB_TOKEN, else the file $HF_TOKEN_PATH, else $HF_HOME/token (what `huggingface-cli
// login` writes); HF_HUB_OFFLINE.
HubSettings hub_settings_from_environment();

// The folder huggingface_hub keeps its data in: $HF_HOME, else $XDG_CACHE_HOME/huggingface,
// else ~/.cache/huggingface.
std::string hf_home();

// The hub cache folder, the one place that resolves it (the downloader writes and model
// discovery reads there): $HF_HUB_CACHE, else hf_home() + "/hub".
std::string hub_cache_dir();

// Why the cache folder `dir` cannot be listed, naming it and the system's error ("" when it can,
// or when it does not exist: nothing was downloaded yet). A folder that exists but cannot be
// read (EACCES, a file where the folder or one of its parents should be) must not look empty.
std::string cache_dir_problem(const std::string& dir);

}  // namespace lightning::hub
