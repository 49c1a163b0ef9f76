// Git's blob id (SHA-1 of "blob <size>\0" + content): the hub's ETag for files stored in git
// rather than LFS (configs, tokenizer files), so those are verified like the large ones.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

namespace lightning::hub {

// Incremental form, for hashing a download as it arrives: the size must be known up front.
class GitBlobHasher {
public:
    explicit GitBlobHasher(uint64_t size);
    ~GitBlobHasher();
    GitBlobHasher(GitBlobHasher&&) noexcept;
    void update(const void* data, size_t size);
    std::string finish_hex();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Hex blob id of a file's bytes. Throws lightning::Error naming the file when it cannot be read.
std::string git_blob_id_file(const std::string& path);

// Hex blob id of bytes in memory.
std::string git_blob_id(const std::string& bytes);

}  // namespace lightning::hub
