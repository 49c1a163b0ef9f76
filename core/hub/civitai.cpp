#include "core/hub/civitai.h"

#include "core/util/bounded_json.h"
#include "core/util/error.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace lightning::hub {
namespace {

using json = nlohmann::json;

const char* const kForms =
    "use civitai:VERSION_ID, https://civitai.com/models/MODEL_ID?modelVersionId=VERSION_ID, "
    "https://civitai.com/api/download/models/VERSION_ID or https://civitai.com/models/MODEL_ID";

std::string lower(std::string text) {
    for (auto& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// A positive decimal id of at most 15 digits, else 0.
uint64_t parse_id(std::string_view text) {
    if (text.empty() || text.size() > 15) return 0;
    uint64_t id = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return 0;
        id = id * 10 + uint64_t(c - '0');
    }
    return id;
}

// The value of `name` in a URL query ("a=1&b=2"), "" when absent.
std::string query_value(const std::string& query, const std::string& name) {
    size_t at = 0;
    while (at <= query.size()) {
        const size_t end = std::min(query.find('&', at), query.size());
        const std::string item = query.substr(at, end - at);
        if (item.rfind(name + "=", 0) == 0) return item.substr(name.size() + 1);
        at = end + 1;
    }
    return "";
}

// "https://host/path?query#frag" -> host, path segments, query; false for another scheme or host.
bool split_civitai_url(const std::string& text, std::vector<std::string>& segments,
                       std::string& query) {
    std::string rest;
    for (const char* scheme : {"https://", "http://"})
        if (lower(text).rfind(scheme, 0) == 0) rest = text.substr(std::string(scheme).size());
    if (rest.empty()) return false;
    const size_t host_end = std::min(rest.find_first_of("/?#"), rest.size());
    const std::string host = lower(rest.substr(0, host_end));
    if (host != "civitai.com" && host != "www.civitai.com" && host != "civitai.red") return false;
    std::string path = rest.substr(host_end);
    path = path.substr(0, std::min(path.find('#'), path.size()));
    if (const auto q = path.find('?'); q != std::string::npos) {
        query = path.substr(q + 1);
        path.resize(q);
    }
    for (size_t at = 0; at < path.size();) {
        const size_t end = std::min(path.find('/', at), path.size());
        if (end > at) segments.push_back(path.substr(at, end - at));
        at = end + 1;
    }
    return true;
}

uint64_t whole_number(const json& value, const char* what, const std::string& url) {
    if (value.is_number_unsigned()) return value.get<uint64_t>();
    if (value.is_number_integer() && value.get<int64_t>() > 0)
        return uint64_t(value.get<int64_t>());
    throw Error(url, std::string("unexpected Civitai answer: \"") + what +
                         "\" is not a positive whole number");
}

// sizeKB is bytes / 1024 as a double: exact for any file size below 2^53 bytes.
uint64_t size_of(const json& file, const std::string& url) {
    const json& kb = file.at("sizeKB");
    const double bytes = kb.is_number() ? kb.get<double>() * 1024.0 : -1.0;
    if (!std::isfinite(bytes) || bytes < 0 || bytes > 9.0e15)
        throw Error(url, "unexpected Civitai answer: a file's \"sizeKB\" is not a size");
    return uint64_t(std::llround(bytes));
}

std::string string_at(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

CivitaiFile civitai_file(const json& file, const std::string& url) {
    CivitaiFile out;
    out.name = file.at("name").get<std::string>();
    out.type = string_at(file, "type");
    out.size = size_of(file, url);
    if (const auto hashes = file.find("hashes"); hashes != file.end() && hashes->is_object())
        out.sha256 = lower(string_at(*hashes, "SHA256"));
    out.download_url = file.at("downloadUrl").get<std::string>();
    out.primary = file.value("primary", false);
    if (const auto meta = file.find("metadata"); meta != file.end() && meta->is_object())
        out.format = string_at(*meta, "format");
    return out;
}

bool is_sha256(const std::string& text) {
    return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

}  // namespace

bool is_civitai_reference(const std::string& text) {
    std::vector<std::string> segments;
    std::string query;
    return lower(text).rfind("civitai:", 0) == 0 || split_civitai_url(text, segments, query);
}

CivitaiRef parse_civitai_reference(const std::string& text) {
    CivitaiRef ref;
    if (lower(text).rfind("civitai:", 0) == 0) {
        ref.version_id = parse_id(std::string_view(text).substr(8));
        if (ref.version_id == 0)
            throw Error(
                text, "not a Civitai model-version id (a positive number); " + std::string(kForms));
        return ref;
    }
    std::vector<std::string> seg;
    std::string query;
    if (!split_civitai_url(text, seg, query))
        throw Error(text, std::string("not a Civitai reference; ") + kForms);
    if (seg.size() >= 4 && seg[0] == "api" && seg[1] == "download" && seg[2] == "models")
        ref.version_id = parse_id(seg[3]);
    else if (seg.size() >= 2 && seg[0] == "models") {
        ref.version_id = parse_id(query_value(query, "modelVersionId"));
        if (ref.version_id == 0 && query_value(query, "modelVersionId").empty())
            ref.model_id = parse_id(seg[1]);
    }
    if (ref.version_id == 0 && ref.model_id == 0)
        throw Error(text,
                    std::string("this civitai.com address names no model or version; ") + kForms);
    return ref;
}

const char* to_string(CivitaiKind kind) {
    switch (kind) {
        case CivitaiKind::Checkpoint:
            return "checkpoint";
        case CivitaiKind::Lora:
            return "LoRA";
        case CivitaiKind::Embedding:
            return "embedding";
    }
    return "?";
}

CivitaiVersion parse_civitai_version(std::string_view body, const std::string& url) {
    const json doc = parse_bounded_json(body, url, "unexpected Civitai answer");
    CivitaiVersion version;
    try {
        version.id = whole_number(doc.at("id"), "id", url);
        if (doc.contains("modelId"))
            version.model_id = whole_number(doc["modelId"], "modelId", url);
        version.name = string_at(doc, "name");
        version.base_model = string_at(doc, "baseModel");
        const json& model = doc.at("model");
        version.model_name = string_at(model, "name");
        version.model_type = string_at(model, "type");
        for (const auto& file : doc.at("files")) version.files.push_back(civitai_file(file, url));
    } catch (const json::exception& e) {
        // type and key errors name a key or a type, never the body's bytes
        throw Error(url, std::string("unexpected Civitai answer: ") + e.what());
    }
    return version;
}

uint64_t parse_civitai_newest_version(std::string_view body, const std::string& url) {
    const json doc = parse_bounded_json(body, url, "unexpected Civitai answer");
    try {
        const json& versions = doc.at("modelVersions");
        if (!versions.is_array() || versions.empty())
            throw Error(url, "this Civitai model has no published version");
        return whole_number(versions.at(0).at("id"), "id", url);
    } catch (const json::exception& e) {
        throw Error(url, std::string("unexpected Civitai answer: ") + e.what());
    }
}

const CivitaiFile& civitai_file_to_fetch(const CivitaiVersion& version, const std::string& where) {
    const CivitaiFile* chosen = nullptr;
    for (const auto& file : version.files)
        if (file.primary) chosen = &file;
    for (const auto& file : version.files)
        if (!chosen && file.type == "Model") chosen = &file;
    if (!chosen) throw Error(where, "this Civitai version lists no model file");
    if (lower(chosen->name).size() < 12 ||
        lower(chosen->name).substr(chosen->name.size() - 12) != ".safetensors")
        throw Error(where, "its file " + chosen->name +
                               " is not a .safetensors file (pickled weights are never loaded)");
    if (!is_sha256(chosen->sha256))
        throw Error(where, "Civitai gives no SHA256 for " + chosen->name +
                               ", so the download could not be verified");
    if (chosen->name.find('/') != std::string::npos || chosen->name.starts_with("."))
        throw Error(where, "the file name " + chosen->name + " is not a plain file name");
    return *chosen;
}

CivitaiKind civitai_kind(const CivitaiVersion& version, const std::string& where) {
    const std::string type = lower(version.model_type);
    if (type == "checkpoint") return CivitaiKind::Checkpoint;
    if (type == "lora" || type == "locon" || type == "dora") return CivitaiKind::Lora;
    if (type == "textualinversion") return CivitaiKind::Embedding;
    throw Error(where, "is a Civitai " +
                           (version.model_type.empty() ? std::string("model of no type")
                                                       : version.model_type) +
                           "; the app takes checkpoints, LoRAs and embeddings (TextualInversion)");
}

std::string civitai_base_problem(const CivitaiVersion& version) {
    const std::string base = lower(version.base_model);
    for (const char* sdxl : {"sdxl", "pony", "illustrious", "noobai"})
        if (base.rfind(sdxl, 0) == 0) return "";
    return std::string("is a ") + to_string(civitai_kind(version, "")) + " for " +
           (version.base_model.empty() ? std::string("an unnamed base model")
                                       : version.base_model) +
           " (Civitai's baseModel), not for SDXL; the app runs SDXL models only";
}

CivitaiKey civitai_key_from_environment() {
    for (const char* name : {"CIVITAI_API_KEY", "CIVITAI_TOKEN"})
        if (const char* value = std::getenv(name); value && *value)
            return {value, std::string("$") + name};
    return {};
}

}  // namespace lightning::hub
