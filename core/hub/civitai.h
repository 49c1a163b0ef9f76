// Civitai (https://civitai.com) as a model source, read as data: which model version a URL or
// `civitai:ID` names, what its public REST API says about that version (GET
// /api/v1/model-versions/{id}: files with name, sizeKB, hashes.SHA256, downloadUrl, primary;
// model.type; baseModel) and about a model (GET /api/v1/models/{id}: modelVersions[], newest
// first), which file to fetch and into which folder it goes. No network here (that is
// civitai_download.cpp, on the hub downloader's transfer), so these readers of bytes from the
// network are tested and fuzzed without one. JSON goes through parse_bounded_json.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lightning::hub {

inline constexpr const char* kCivitaiEndpoint = "https://civitai.com";

// What a reference names: a model version, or a model (= its newest version).
struct CivitaiRef {
    uint64_t version_id = 0;  // set for a version
    uint64_t model_id = 0;    // set (and version_id 0) for "the model's newest version"
};

// True when `text` is meant as a Civitai reference ("civitai:" or a civitai.com URL), so the
// CLI can tell it from its own arguments.
bool is_civitai_reference(const std::string& text);

// "civitai:123", "https://civitai.com/models/45?modelVersionId=123",
// "https://civitai.com/api/download/models/123" (any query) -> version 123;
// "https://civitai.com/models/45" or ".../models/45/some-name" -> model 45. Also
// civitai.red and www.civitai.com. Throws lightning::Error(text, ...) saying which forms work.
CivitaiRef parse_civitai_reference(const std::string& text);

// What a model version holds that matters here.
struct CivitaiFile {
    std::string name;
    std::string type;    // "Model", "Training Data", "Pruned Model", ...
    uint64_t size = 0;   // bytes: sizeKB * 1024 (Civitai stores sizeKB as bytes / 1024)
    std::string sha256;  // lower-case hex; "" when Civitai has none
    std::string download_url;
    bool primary = false;
    std::string format;  // metadata.format: "SafeTensor", "PickleTensor", ...
};

enum class CivitaiKind { Checkpoint, Lora, Embedding };
const char* to_string(CivitaiKind kind);

struct CivitaiVersion {
    uint64_t id = 0;
    uint64_t model_id = 0;
    std::string name;        // the version's ("v1.0")
    std::string model_name;  // model.name
    std::string model_type;  // model.type: "Checkpoint", "LORA", "LoCon", "TextualInversion", ...
    std::string base_model;  // "SDXL 1.0", "SDXL Lightning", "SD 1.5", "Pony", ...
    std::vector<CivitaiFile> files;
};

// GET /api/v1/model-versions/{id}. Throws lightning::Error(url, ...) for anything else; the
// body is never quoted.
CivitaiVersion parse_civitai_version(std::string_view body, const std::string& url);

// GET /api/v1/models/{id}: the id of its newest version (the first of modelVersions). Throws
// lightning::Error(url, ...) when there is none.
uint64_t parse_civitai_newest_version(std::string_view body, const std::string& url);

// The file to fetch: the primary one, else the first of type "Model"; it must be a
// .safetensors file with a SHA256 (pickles are never loaded). Throws lightning::Error(where, ...)
// saying why none fits.
const CivitaiFile& civitai_file_to_fetch(const CivitaiVersion& version, const std::string& where);

// Which folder the version goes into, from model.type; throws lightning::Error(where, ...) for a
// type the app cannot use (Hypernetwork, ControlNet, VAE, ...).
CivitaiKind civitai_kind(const CivitaiVersion& version, const std::string& where);

// "" when baseModel is an SDXL family the app runs (SDXL 1.0, SDXL Lightning, SDXL Turbo,
// SDXL Hyper, Pony, Illustrious, NoobAI: SDXL architectures); else the refusal, e.g. "is a LoRA
// for SD 1.5, not for SDXL ...".
std::string civitai_base_problem(const CivitaiVersion& version);

// Where downloads land, by kind ("" = none set: the download is refused, saying which setting
// or option to give).
struct CivitaiFolders {
    std::string checkpoints;
    std::string loras;
    std::string embeddings;
};

// The API key: CIVITAI_API_KEY, else CIVITAI_TOKEN; `source` names the variable ("" when none).
struct CivitaiKey {
    std::string key;
    std::string source;
};
CivitaiKey civitai_key_from_environment();

}  // namespace lightning::hub
