// A real full disk for tests: a small tmpfs mounted over a folder, whose writes fail with ENOSPC
// ("No space left on device") once it is full. Mounting needs root (or root in a user namespace:
// tests/CMakeLists.txt runs these functions under `unshare -rm` when the suite runs as another
// user), so tests QSKIP when mounted() is false and CI checks that no such skip goes unnoticed
// (scripts/skip-summary.py). support/file_size_limit.h simulates the same failure (EFBIG) anywhere.
#pragma once
#include <sys/mount.h>
#include <filesystem>
#include <fstream>
#include <string>

namespace lightning::testing {

class SmallDisk {
public:
    // Mounts a tmpfs of `bytes` over `dir` (created when absent); unmounted on destruction.
    SmallDisk(const std::string& dir, size_t bytes) : dir_(dir) {
        std::filesystem::create_directories(dir);
        const std::string options = "size=" + std::to_string(bytes);
        mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) == 0;
    }
    ~SmallDisk() {
        if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    }
    SmallDisk(const SmallDisk&) = delete;
    SmallDisk& operator=(const SmallDisk&) = delete;

    bool mounted() const { return mounted_; }

    // Writes `file` until the disk refuses more bytes: every later write to it fails.
    static void fill(const std::filesystem::path& file) {
        std::ofstream out(file, std::ios::binary);
        const std::string block(4096, 'f');
        while (out.write(block.data(), std::streamsize(block.size())) && out.flush()) {
        }
    }

private:
    std::string dir_;
    bool mounted_ = false;
};

}  // namespace lightning::testing
