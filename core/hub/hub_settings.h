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

// HF_ENDPOINT; the cache folder from default_hf_hub_dir() (core/request/model_layout.h):
// HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else
// ~/.cache/huggingface/hub; the token from HF_TOKEN, else HUGGING_FACE_HUB_TOKEN, else the file
// $HF_TOKEN_PATH, else $HF_HOME/token (what `huggingface-cli login` writes); HF_HUB_OFFLINE.
HubSettings hub_settings_from_environment();

}  // namespace lightning::hub
