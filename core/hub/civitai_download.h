// Downloads a Civitai model version (core/hub/civitai.h) into the app's folder for its kind:
// the version's metadata from the REST API, its SDXL base model and kind checked before any
// byte of the file is fetched, then the file through the hub downloader's transfer
// (download_verified_file: free space, resume, retries, sha256 against Civitai's
// hashes.SHA256).
#pragma once
#include "core/hub/civitai.h"
#include "core/hub/downloader.h"

#include <string>

namespace lightning::hub {

struct CivitaiSettings {
    std::string endpoint = kCivitaiEndpoint;  // no trailing slash
    CivitaiKey key;                           // sent as "Authorization: Bearer KEY"
};

struct CivitaiDownload {
    CivitaiVersion version;
    CivitaiKind kind = CivitaiKind::Checkpoint;
    std::string path;     // where the file is now
    bool reused = false;  // it was there already, with the right sha256
};

// The Service (error advice) for Civitai.
Service civitai_service(const CivitaiSettings& settings);

// Resolves `reference` (parse_civitai_reference), reads the version, refuses a non-SDXL base
// model, a kind the app cannot use or a missing folder for it, and fetches the file into
// folders.<kind>/<file name>. A file already there with the right sha256 is kept; one with
// other bytes is not overwritten (an error). Throws lightning::Error naming the reference, URL
// or file, or lightning::Cancelled.
CivitaiDownload download_from_civitai(const CivitaiSettings& settings, const std::string& reference,
                                      const CivitaiFolders& folders,
                                      const DownloadCallbacks& callbacks = {},
                                      int max_attempts = 5);

}  // namespace lightning::hub
