#include "core/util/atomic_file.h"

#include "core/util/error.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

AtomicFile::AtomicFile(std::string path, IfExists if_exists)
    : path_(std::move(path)), if_exists_(if_exists) {
    static std::atomic<unsigned> counter{0};
    // O_EXCL with a pid+counter name instead of mkstemp: mkstemp forces mode 0600, while this
    // keeps the usual umask-derived permissions of a new file.
    for (int attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
        temp_ = atomic_temporary_name(path_, long(::getpid()), counter++);
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
    if (if_exists_ == IfExists::Refuse)
        place_without_replacing();
    else if (::rename(temp_.c_str(), path_.c_str()) != 0)
        fail("cannot rename the temporary file into place");
    committed_ = true;
    // Make the rename itself durable; a failure here does not undo the completed write.
    const int dir = ::open(folder_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

// renameat2(RENAME_NOREPLACE) checks and renames in one step. File systems without it (EINVAL;
// ENOSYS on kernels before 3.15) get link() + unlink(): link() also refuses an existing name,
// and readers see the complete file under either name. Called with the temporary closed.
void AtomicFile::place_without_replacing() {
    constexpr unsigned kRenameNoReplace = 1;  // RENAME_NOREPLACE of <linux/fs.h>
    auto refuse_or_fail = [&](const std::string& what) {
        const int err = errno;
        discard();
        if (err == EEXIST) throw TargetExists(path_);
        throw Error(path_, what + ": " + errno_text(err));
    };
    if (::syscall(SYS_renameat2, AT_FDCWD, temp_.c_str(), AT_FDCWD, path_.c_str(),
                  kRenameNoReplace) == 0)
        return;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        refuse_or_fail("cannot rename the temporary file into place");
    if (::link(temp_.c_str(), path_.c_str()) != 0)
        refuse_or_fail("cannot link the temporary file into place");
    ::unlink(temp_.c_str());
}

namespace {

constexpr const char* kTemporaryMarker = ".tmp.lightning-";

bool all_digits(const std::string& text) {
    return !text.empty() && text.size() <= 18 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool process_runs(long pid) {
    // kill(pid, 0) delivers nothing; EPERM means it exists under another user.
    return pid == long(::getpid()) || ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

bool is_regular_file(const std::string& path) {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

}  // namespace

std::string atomic_temporary_name(const std::string& path, long pid, unsigned counter) {
    return path + kTemporaryMarker + std::to_string(pid) + "-" + std::to_string(counter);
}

bool is_atomic_temporary(const std::string& file_name, long* pid) {
    // NAME.tmp.lightning-PID-N: a non-empty NAME, then the marker, then two numbers.
    const auto marker = file_name.rfind(kTemporaryMarker);
    if (marker == std::string::npos || marker == 0) return false;
    const std::string numbers = file_name.substr(marker + std::strlen(kTemporaryMarker));
    const auto dash = numbers.find('-');
    if (dash == std::string::npos) return false;
    const std::string pid_text = numbers.substr(0, dash);
    if (!all_digits(pid_text) || !all_digits(numbers.substr(dash + 1))) return false;
    if (pid) *pid = std::stol(pid_text);
    return true;
}

std::vector<std::string> remove_abandoned_temporaries(const std::string& folder) {
    std::vector<std::string> removed;
    DIR* dir = ::opendir(folder.c_str());
    if (!dir) return removed;
    while (const dirent* entry = ::readdir(dir)) {
        const std::string name = entry->d_name;
        const std::string path = (std::filesystem::path(folder) / name).string();
        long pid = 0;
        if (!is_atomic_temporary(name, &pid) || process_runs(pid) || !is_regular_file(path))
            continue;
        if (::unlink(path.c_str()) == 0) removed.push_back(name);
    }
    ::closedir(dir);
    return removed;
}

}  // namespace lightning
