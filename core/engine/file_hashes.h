// Short file hashes for PNG parameters (A1111's "Model hash": the first 10 hex digits of the
// file's SHA-256). Hashing a 5 GB checkpoint takes seconds, so results are cached on disk by
// path, size and modification time ($XDG_CACHE_HOME/lightning-studio/hashes.json).
#pragma once
#include <string>
#include <vector>

namespace lightning {

inline constexpr size_t kShortHashLength = 10;

// Short hash of one file (cached). Throws lightning::Error naming the file when unreadable.
std::string short_file_hash(const std::string& path);

// Short hash standing for several files (a diffusers folder's components): the SHA-256 of their
// short hashes joined in order.
std::string short_combined_hash(const std::vector<std::string>& paths);

// Where the cache lives; LIGHTNING_HASH_CACHE overrides it (tests).
std::string hash_cache_path();

}  // namespace lightning
