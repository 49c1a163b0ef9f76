#include "core/hub/hub_settings.h"

#include "core/request/model_layout.h"
#include "core/util/error.h"
#include "core/util/file_text.h"

#include <cstdlib>
#include <filesystem>

namespace lightning::hub {
namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? std::string(value) : std::string();
}

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

bool truthy(const std::string& value) {
    return value == "1" || value == "true" || value == "TRUE" || value == "yes" || value == "ON";
}

std::string read_token_file(const std::string& path) {
    try {
        return trimmed(read_file_text(path));
    } catch (const Error&) {
        return {};  // no token file: anonymous downloads
    }
}

}  // namespace

HubSettings hub_settings_from_environment() {
    HubSettings settings;
    if (auto endpoint = env("HF_ENDPOINT"); !endpoint.empty()) {
        while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
        settings.endpoint = endpoint;
    }
    settings.cache_dir = default_hf_hub_dir();
    settings.offline = truthy(env("HF_HUB_OFFLINE"));

    for (const char* name : {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"}) {
        if (auto token = trimmed(env(name)); !token.empty()) {
            settings.token = token;
            settings.token_source = std::string("$") + name;
            return settings;
        }
    }
    std::string path = env("HF_TOKEN_PATH");
    if (path.empty()) path = lightning::hf_home() + "/token";
    if (auto token = read_token_file(path); !token.empty()) {
        settings.token = token;
        settings.token_source = path;
    }
    return settings;
}

}  // namespace lightning::hub
