// The Hugging Face hub cache layout, shared with huggingface_hub and every tool built on it:
//
//   <cache>/models--<org>--<name>/blobs/<etag>                 file contents (sha256 for LFS
//                                                              files, git blob id for others)
//   <cache>/models--<org>--<name>/blobs/<etag>.incomplete      a download in progress
//   <cache>/models--<org>--<name>/snapshots/<commit>/<path>    relative symlink to the blob
//   <cache>/models--<org>--<name>/refs/<ref>                   commit a ref (main) points to
//   <cache>/.locks/models--<org>--<name>/<etag>.lock           held while a blob downloads
//
// A file appears under snapshots/ only once its blob is complete and verified, so readers never
// see a partial file. No network here: listing and verifying work without libcurl.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lightning::hub {

// "org/name" -> "models--org--name". Throws lightning::Error for an id that is not org/name.
std::string repo_folder_name(const std::string& repo_id);

struct CachedFile {
    std::string path;  // inside the snapshot, e.g. "vae/config.json"
    std::string blob;  // etag the link points to; "" when not a link into blobs/
    uint64_t size = 0;
    bool present = false;  // the link resolves to a complete blob
};

struct CachedSnapshot {
    std::string commit;
    std::string dir;
    std::vector<CachedFile> files;
};

struct CachedRepo {
    std::string repo_id;  // "org/name"
    std::string dir;
    std::map<std::string, std::string> refs;  // ref name -> commit
    std::vector<CachedSnapshot> snapshots;
    std::vector<std::string> incomplete;  // blobs/*.incomplete (resumable downloads)
    uint64_t blob_bytes = 0;              // complete blobs
};

class HubCache {
public:
    explicit HubCache(std::string root);
    const std::string& root() const { return root_; }

    std::string repo_dir(const std::string& repo_id) const;
    std::string blob_path(const std::string& repo_id, const std::string& etag) const;
    std::string incomplete_path(const std::string& repo_id, const std::string& etag) const;
    std::string lock_path(const std::string& repo_id, const std::string& etag) const;
    std::string snapshot_dir(const std::string& repo_id, const std::string& commit) const;
    std::string snapshot_file(const std::string& repo_id, const std::string& commit,
                              const std::string& path) const;

    // Points snapshots/<commit>/<path> at blobs/<etag> with a relative symlink, replacing an
    // older link atomically. Throws lightning::Error naming the link.
    void link_snapshot_file(const std::string& repo_id, const std::string& commit,
                            const std::string& path, const std::string& etag) const;
    void write_ref(const std::string& repo_id, const std::string& ref,
                   const std::string& commit) const;
    std::optional<std::string> read_ref(const std::string& repo_id, const std::string& ref) const;

    // Every models--* repository in the cache (sorted by id); none when the folder does not
    // exist. Throws lightning::Error naming the folder when it exists but cannot be read
    // (cache_dir_problem in core/request/model_layout.h), rather than looking empty.
    std::vector<CachedRepo> list() const;

private:
    std::string root_;
};

struct BlobCheck {
    std::string repo_id;
    std::string blob;       // file name in blobs/
    std::string algorithm;  // "sha256" (64 hex digits) or "git-sha1" (40)
    std::string actual;     // digest of the bytes on disk
    bool ok() const { return actual == blob; }
};

// Re-hashes every complete blob whose name is a digest. `progress(repo, blob, i, n)` may return
// false to stop (throws lightning::Cancelled). `repo_filter` (optional) limits it to some repos.
std::vector<BlobCheck> verify_cache(const HubCache& cache,
                                    const std::vector<std::string>& repo_filter = {},
                                    const std::function<bool(const std::string&, const std::string&,
                                                             size_t, size_t)>& progress = {});

// Free bytes for an unprivileged writer on the file system holding `path` (or its nearest
// existing parent). Throws lightning::Error when that cannot be determined.
uint64_t free_disk_bytes(const std::string& path);

// "1.5 GB", "320 MB", "12 kB" (decimal units, as the hub shows sizes).
std::string human_bytes(uint64_t bytes);

}  // namespace lightning::hub
