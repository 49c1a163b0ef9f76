#include "core/hub/git_blob_id.h"

#include "core/util/error.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

namespace lightning::hub {
namespace {

// SHA-1 (FIPS 180-4). Used only to name git blobs, never for security.
class Sha1 {
public:
    void update(const void* data, size_t size) {
        const auto* bytes = static_cast<const uint8_t*>(data);
        length_ += size;
        while (size > 0) {
            const size_t take = std::min(size, buffer_.size() - buffered_);
            std::memcpy(buffer_.data() + buffered_, bytes, take);
            buffered_ += take;
            bytes += take;
            size -= take;
            if (buffered_ == buffer_.size()) {
                compress();
                buffered_ = 0;
            }
        }
    }

    std::string finish_hex() {
        const uint64_t bits = length_ * 8;
        const uint8_t pad = 0x80;
        update(&pad, 1);
        const uint8_t zero = 0;
        while (buffered_ != 56) update(&zero, 1);
        uint8_t tail[8];
        for (int i = 0; i < 8; ++i) tail[i] = uint8_t(bits >> (56 - 8 * i));
        update(tail, 8);
        static const char* hex = "0123456789abcdef";
        std::string out;
        for (uint32_t word : state_)
            for (int shift = 28; shift >= 0; shift -= 4) out += hex[(word >> shift) & 15];
        return out;
    }

private:
    static uint32_t rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

    void compress() {
        uint32_t w[80];
        for (int i = 0; i < 16; ++i)
            w[i] = uint32_t(buffer_[4 * i]) << 24 | uint32_t(buffer_[4 * i + 1]) << 16 |
                   uint32_t(buffer_[4 * i + 2]) << 8 | uint32_t(buffer_[4 * i + 3]);
        for (int i = 16; i < 80; ++i) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3], e = state_[4];
        for (int i = 0; i < 80; ++i) {
            uint32_t f, k;
            if (i < 20) {
                f = (b & c) | (~b & d);
                k = 0x5A827999;
            } else if (i < 40) {
                f = b ^ c ^ d;
                k = 0x6ED9EBA1;
            } else if (i < 60) {
                f = (b & c) | (b & d) | (c & d);
                k = 0x8F1BBCDC;
            } else {
                f = b ^ c ^ d;
                k = 0xCA62C1D6;
            }
            const uint32_t t = rotl(a, 5) + f + e + k + w[i];
            e = d;
            d = c;
            c = rotl(b, 30);
            b = a;
            a = t;
        }
        state_[0] += a;
        state_[1] += b;
        state_[2] += c;
        state_[3] += d;
        state_[4] += e;
    }

    std::array<uint32_t, 5> state_{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    std::array<uint8_t, 64> buffer_{};
    size_t buffered_ = 0;
    uint64_t length_ = 0;
};

std::string blob_header(uint64_t size) {
    return "blob " + std::to_string(size) + std::string(1, '\0');
}

}  // namespace

struct GitBlobHasher::Impl {
    Sha1 hash;
};

GitBlobHasher::GitBlobHasher(uint64_t size) : impl_(std::make_unique<Impl>()) {
    const std::string header = blob_header(size);
    impl_->hash.update(header.data(), header.size());
}
GitBlobHasher::~GitBlobHasher() = default;
GitBlobHasher::GitBlobHasher(GitBlobHasher&&) noexcept = default;
void GitBlobHasher::update(const void* data, size_t size) {
    impl_->hash.update(data, size);
}
std::string GitBlobHasher::finish_hex() {
    return impl_->hash.finish_hex();
}

std::string git_blob_id(const std::string& bytes) {
    Sha1 hash;
    const std::string header = blob_header(bytes.size());
    hash.update(header.data(), header.size());
    hash.update(bytes.data(), bytes.size());
    return hash.finish_hex();
}

std::string git_blob_id_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw Error(path, std::string("cannot open: ") + std::strerror(errno));
    const auto size = static_cast<uint64_t>(in.tellg());
    in.seekg(0);
    Sha1 hash;
    const std::string header = blob_header(size);
    hash.update(header.data(), header.size());
    std::vector<char> chunk(1 << 20);
    uint64_t done = 0;
    while (done < size) {
        in.read(chunk.data(), std::streamsize(std::min<uint64_t>(chunk.size(), size - done)));
        const auto n = in.gcount();
        if (n <= 0) throw Error(path, "read failed");
        hash.update(chunk.data(), size_t(n));
        done += uint64_t(n);
    }
    return hash.finish_hex();
}

}  // namespace lightning::hub
