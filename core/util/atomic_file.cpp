#include "core/util/atomic_file.h"

#include "core/util/error.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace lightning {

namespace {

std::string folder_of(const std::string& path) {
    const std::string folder = std::filesystem::path(path).parent_path().string();
    return folder.empty() ? std::string(".") : folder;
}

std::string errno_text(int err) {
    return std::strerror(err);
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
    static std::atomic<unsigned> counter{0};
    // O_EXCL with a pid+counter name instead of mkstemp: mkstemp forces mode 0600, while this
    // keeps the usual umask-derived permissions of a new file.
    for (int attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
        temp_ = path_ + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
        fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd_ < 0 && errno != EEXIST) break;
    }
    if (fd_ < 0)
        throw Error(path_, "cannot create a temporary file in folder '" + folder_of(path_) +
                               "': " + errno_text(errno));
}

AtomicFile::~AtomicFile() {
    if (!committed_) discard();
}

void AtomicFile::discard() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (!temp_.empty()) ::unlink(temp_.c_str());
    temp_.clear();
}

void AtomicFile::write(const void* data, size_t size) {
    if (fd_ < 0) throw Error(path_, "file is not open for writing");
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd_, p, std::min<size_t>(size, size_t{1} << 30));
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            discard();
            throw Error(path_, "write failed: " + errno_text(err));
        }
        p += n;
        size -= static_cast<size_t>(n);
    }
}

void AtomicFile::commit() {
    if (fd_ < 0) throw Error(path_, "file is not open for writing");
    auto fail = [&](const std::string& what) {
        const int err = errno;
        discard();
        throw Error(path_, what + ": " + errno_text(err));
    };
    if (::fsync(fd_) != 0) fail("fsync failed");
    const int closed = ::close(fd_);
    fd_ = -1;
    if (closed != 0) fail("close failed");
    if (::rename(temp_.c_str(), path_.c_str()) != 0)
        fail("cannot rename the temporary file into place");
    committed_ = true;
    // Make the rename itself durable; a failure here does not undo the completed write.
    const int dir = ::open(folder_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

}  // namespace lightning
