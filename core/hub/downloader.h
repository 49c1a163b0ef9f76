// Downloads hub files into the Hugging Face cache (core/hub/hub_cache.h), the way
// huggingface_hub does, so every tool shares them:
//   1. the repository listing (GET <endpoint>/api/models/<repo>/revision/<rev>?blobs=true) gives
//      the commit and each file's size and checksum (LFS sha256, else the git blob id);
//   2. the free disk space is checked for everything still missing before any byte is written;
//   3. each missing file: HEAD <endpoint>/<repo>/resolve/<commit>/<file> (ETag, X-Repo-Commit
//      must agree with the listing), then GET (redirects followed) into blobs/<etag>.incomplete,
//      resuming with Range from what an earlier run or a dropped connection left, retried a few
//      times when the connection drops;
//   4. the bytes are hashed as they arrive; only a blob whose digest equals its ETag is renamed
//      into blobs/ and linked from snapshots/<commit>/, so a partial or corrupt file is never
//      visible; refs/<rev> is written last.
// Cancelling or a failure keeps the .incomplete file, so nothing already downloaded is lost;
// a checksum mismatch deletes it (those bytes are wrong).
#pragma once
#include "core/hub/hub_settings.h"
#include "core/hub/model_files.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lightning::hub {

struct RemoteFile {
    std::string path;
    uint64_t size = 0;
    std::string etag;  // LFS sha256, else the git blob id
    bool lfs = false;
};

struct RepoListing {
    std::string repo_id;
    std::string revision;
    std::string commit;
    std::vector<RemoteFile> files;
    const RemoteFile* find(const std::string& path) const;
};

enum class DownloadPhase { Listing, Downloading, Verifying, Finished };

struct DownloadProgress {
    DownloadPhase phase = DownloadPhase::Listing;
    std::string repo_id;
    std::string file;
    size_t file_index = 0;  // 0-based, over the files of all requests
    size_t file_count = 0;
    uint64_t file_done = 0;  // bytes of this file on disk
    uint64_t file_size = 0;
    uint64_t done = 0;   // bytes transferred in this run
    uint64_t total = 0;  // bytes this run has to transfer (what was missing at the start)
    double bytes_per_second = 0;
    double seconds_left = -1;  // -1 = unknown yet
};

struct DownloadCallbacks {
    std::function<void(const DownloadProgress&)> on_progress;  // from the downloading thread
    std::function<bool()> should_cancel;                       // polled often
    std::function<void(const std::string&)> on_note;  // "resuming X at 1.2 GB", retries, ...
};

struct RepoDownload {
    std::string repo_id;
    std::string commit;
    std::string snapshot_dir;        // where the files are now
    std::vector<std::string> files;  // paths inside the snapshot
    size_t downloaded = 0;           // files transferred (fully or the rest of them)
    size_t reused = 0;               // files already complete in the cache
};

// Where requests go and how their failures are explained (the hub's and Civitai's advice differ).
struct Service {
    std::string name;             // "the hub", "Civitai"
    std::string endpoint;         // no trailing slash
    std::string endpoint_option;  // how to change it: "HF_ENDPOINT", "--civitai-endpoint"
    std::string token;            // sent as "Authorization: Bearer" to the requested host only
    std::string token_source;     // where the token came from
    std::string token_kind;       // "token", "API key"
    std::string token_advice;     // 401 without a token: how to give one
    std::string denied_advice;    // 403
    std::string not_found;        // 404: what may not exist
};
Service hub_service(const HubSettings& settings);

// GET `url` (redirects followed), the body as text; any failure or a status other than 200
// throws lightning::Error(url, ...) with the service's advice.
std::string fetch_text(const Service& service, const std::string& url);

// One file outside the hub's cache with a known size and sha256 (a Civitai download).
struct VerifiedFile {
    std::string url;
    std::string destination;  // final path; written as destination + ".incomplete"
    std::string label;        // for progress and messages
    uint64_t size = 0;
    std::string sha256;     // lower-case hex
    std::string elsewhere;  // how to use another disk, for the "not enough disk space" error
};

// Fetches `file` the way HubDownloader fetches a blob (free space checked before the first
// byte, resumed from the .incomplete file, retried when the connection drops, the sha256 checked
// before the rename; a mismatch deletes the bytes). Throws lightning::Error or Cancelled.
void download_verified_file(const Service& service, const VerifiedFile& file,
                            const DownloadCallbacks& callbacks = {}, int max_attempts = 5);

class HubDownloader {
public:
    explicit HubDownloader(HubSettings settings);
    ~HubDownloader();

    // The listing of a repository at a revision. Throws lightning::Error (where = URL) with the
    // reason: offline, 401/403 (token, gated repository), 404, server error.
    RepoListing list_repo(const std::string& repo_id, const std::string& revision = "main");

    // Fetches every request into the cache. Throws lightning::Error naming the file or URL, or
    // lightning::Cancelled; what completed before stays complete and visible.
    std::vector<RepoDownload> download(const std::vector<RepoRequest>& requests,
                                       const DownloadCallbacks& callbacks = {});

    // Attempts per file when the connection drops (each resumes where the last stopped).
    void set_max_attempts(int attempts) { max_attempts_ = attempts; }

    const HubSettings& settings() const { return settings_; }

    struct Impl;

private:
    HubSettings settings_;
    int max_attempts_ = 5;
};

}  // namespace lightning::hub
