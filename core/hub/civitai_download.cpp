#include "core/hub/civitai_download.h"

#include "core/util/error.h"
#include "core/util/sha256.h"

#include <filesystem>

namespace lightning::hub {
namespace {

namespace fs = std::filesystem;

CivitaiVersion fetch_version(const Service& service, const std::string& endpoint,
                             const CivitaiRef& ref) {
    uint64_t version_id = ref.version_id;
    if (version_id == 0) {
        const std::string url = endpoint + "/api/v1/models/" + std::to_string(ref.model_id);
        version_id = parse_civitai_newest_version(fetch_text(service, url), url);
    }
    const std::string url = endpoint + "/api/v1/model-versions/" + std::to_string(version_id);
    return parse_civitai_version(fetch_text(service, url), url);
}

// The folder for `kind`, or the refusal naming the setting that is missing.
std::string folder_for(CivitaiKind kind, const CivitaiFolders& folders, const std::string& where) {
    const std::string& folder = kind == CivitaiKind::Checkpoint ? folders.checkpoints
                                : kind == CivitaiKind::Lora     ? folders.loras
                                                                : folders.embeddings;
    if (folder.empty())
        throw Error(where, std::string("is a ") + to_string(kind) + " but no " +
                               (kind == CivitaiKind::Checkpoint ? "checkpoint folder"
                                : kind == CivitaiKind::Lora     ? "LoRA folder"
                                                                : "embeddings folder") +
                               " is set (--" +
                               (kind == CivitaiKind::Checkpoint ? "checkpoint-dir"
                                : kind == CivitaiKind::Lora     ? "lora-dir"
                                                                : "embeddings-dir") +
                               " DIR, or the folder in the app's Settings)");
    return folder;
}

}  // namespace

Service civitai_service(const CivitaiSettings& settings) {
    Service service;
    service.name = "Civitai";
    service.endpoint = settings.endpoint;
    service.endpoint_option = "--civitai-endpoint";
    service.token = settings.key.key;
    service.token_source = settings.key.source;
    service.token_kind = "API key";
    service.token_advice =
        "this file needs a Civitai API key: create one at https://civitai.com/user/account "
        "and set CIVITAI_API_KEY (or the key in the app's Settings)";
    service.denied_advice =
        "your Civitai API key has no access to this file (early access, or the creator "
        "restricts downloads)";
    service.not_found = "no such model, model version or file on Civitai";
    return service;
}

CivitaiDownload download_from_civitai(const CivitaiSettings& settings, const std::string& reference,
                                      const CivitaiFolders& folders,
                                      const DownloadCallbacks& callbacks, int max_attempts) {
    const CivitaiRef ref = parse_civitai_reference(reference);
    const Service service = civitai_service(settings);
    CivitaiDownload result;
    result.version = fetch_version(service, settings.endpoint, ref);
    const CivitaiVersion& version = result.version;
    const std::string where =
        "civitai:" + std::to_string(version.id) + " (" + version.model_name + ")";
    result.kind = civitai_kind(version, where);
    if (const std::string problem = civitai_base_problem(version); !problem.empty())
        throw Error(where, problem);
    const CivitaiFile& file = civitai_file_to_fetch(version, where);
    if (!file.download_url.starts_with(settings.endpoint + "/"))
        throw Error(where, "its download address is not on " + settings.endpoint +
                               " (the API key is sent there only)");
    const std::string folder = folder_for(result.kind, folders, where);
    result.path = (fs::path(folder) / file.name).string();
    std::error_code ec;
    if (fs::exists(result.path, ec)) {
        if (sha256_file(result.path) != file.sha256)
            throw Error(result.path, "exists with other contents than Civitai's " + file.name +
                                         " (sha256 " + file.sha256 + "); it was not overwritten");
        result.reused = true;
        return result;
    }
    download_verified_file(service,
                           VerifiedFile{file.download_url, result.path, file.name, file.size,
                                        file.sha256, "choose a folder on another disk"},
                           callbacks, max_attempts);
    return result;
}

}  // namespace lightning::hub
