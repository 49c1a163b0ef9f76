// SHA-256 (FIPS 180-4), for file identities: the Hugging Face hub's LFS checksums and the short
// model/LoRA hashes written into PNG parameters. Own code, so the engine needs no crypto library
// on any machine (the GPU build has none).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace lightning {

class Sha256 {
public:
    Sha256();
    void update(const void* data, size_t size);
    // The digest; the object must not be updated afterwards.
    std::array<uint8_t, 32> finish();
    // Lower-case hex of finish().
    std::string finish_hex();

private:
    void compress(const uint8_t* block);
    std::array<uint32_t, 8> state_;
    std::array<uint8_t, 64> buffer_{};
    size_t buffered_ = 0;
    uint64_t length_ = 0;  // bytes
};

std::string sha256_hex(const std::string& bytes);

// Hex digest of a file's bytes, read in large chunks. `progress(done, total)` (optional) may
// return false to stop, which throws lightning::Cancelled. Throws lightning::Error naming the
// file when it cannot be read.
std::string sha256_file(const std::string& path,
                        const std::function<bool(uint64_t, uint64_t)>& progress = {});

}  // namespace lightning
