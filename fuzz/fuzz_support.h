// Shared by the fuzz targets: where the fixtures are, whole-file reads, a file in memory for
// parsers that take a path, and a check that fails loudly (libFuzzer keeps the input).
#pragma once
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fuzz {

// $LIGHTNING_FIXTURES (ctest sets it), else the checkout's ../shared/fixtures.
inline std::string fixtures_dir() {
    if (const char* dir = std::getenv("LIGHTNING_FIXTURES"); dir && *dir) return dir;
    return FUZZ_REPO_DIR "/../shared/fixtures";
}

inline std::vector<uint8_t> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "fuzz: cannot read %s (set LIGHTNING_FIXTURES)\n", path.c_str());
        std::abort();
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// An invariant of the code under test; a violation is a finding like a sanitizer report.
inline void require(bool condition, const char* what) {
    if (condition) return;
    std::fprintf(stderr, "fuzz: invariant violated: %s\n", what);
    std::abort();
}

// One anonymous in-memory file (memfd), rewritten per input, for readers that take a path:
// they open "/proc/self/fd/N" exactly as they would open a file on disk.
class MemoryFile {
public:
    MemoryFile() : fd_(::memfd_create("fuzz-input", MFD_CLOEXEC)) {
        require(fd_ >= 0, "memfd_create");
        path_ = "/proc/self/fd/" + std::to_string(fd_);
    }
    ~MemoryFile() { ::close(fd_); }
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;

    const std::string& write(const uint8_t* data, size_t size) {
        require(::ftruncate(fd_, 0) == 0, "ftruncate");
        for (size_t done = 0; done < size;) {
            const ssize_t n = ::pwrite(fd_, data + done, size - done, off_t(done));
            require(n > 0, "pwrite");
            done += size_t(n);
        }
        return path_;
    }

private:
    int fd_;
    std::string path_;
};

}  // namespace fuzz
