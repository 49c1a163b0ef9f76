// Short file hashes for PNG parameters (A1111's "Model hash": the first 10 hex digits of the
// file's SHA-256). Hashing a 5 GB checkpoint takes seconds, so results are cached on disk by
// path, size and modification time ($XDG_CACHE_HOME/lightning-studio/hashes.json).
#pragma once
#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace lightning {

inline constexpr size_t kShortHashLength = 10;

// Short hash of one file (cached). Throws lightning::Error naming the file when unreadable.
// A file another thread is hashing is waited for, not hashed twice. `stop` (optional) is
// polled between reads; when it turns true the hashing throws lightning::Cancelled.
std::string short_file_hash(const std::string& path, const std::atomic<bool>* stop = nullptr);

// "size:mtime_ns" of a file: what the caches of facts about a file (its hash, its kind) key on
// besides its path, so a changed file is read again. Throws lightning::Error naming the file.
std::string file_stamp(const std::string& path);

// Short hash standing for several files (a diffusers folder's components): the SHA-256 of their
// short hashes joined in order.
std::string short_combined_hash(const std::vector<std::string>& paths);

// Hashes files on a thread of its own, so the first image's PNG does not wait for seconds of
// SHA-256 over gigabytes (results land in the on-disk cache). The destructor stops the hashing
// at its next read and joins the thread: no work outlives its owner, so any exit (an error, a
// Ctrl+C right after loading) finds no thread still using the cache.
class BackgroundHashes {
public:
    explicit BackgroundHashes(std::vector<std::string> files);
    ~BackgroundHashes();
    BackgroundHashes(const BackgroundHashes&) = delete;
    BackgroundHashes& operator=(const BackgroundHashes&) = delete;

private:
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

// Where the cache lives; LIGHTNING_HASH_CACHE overrides it (tests).
std::string hash_cache_path();

}  // namespace lightning
