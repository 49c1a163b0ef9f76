// A full disk, simulated for tests: RLIMIT_FSIZE makes writes past a size fail with EFBIG ("File
// too large") the way a full file system fails them with ENOSPC. It works anywhere; the real
// ENOSPC comes from a small tmpfs (support/small_disk.h), which needs root or a user namespace.
#pragma once
#include <sys/resource.h>
#include <csignal>

namespace lightning::testing {

// Limits the size of the files this process (every thread) writes until it goes out of scope.
// SIGXFSZ is ignored meanwhile, so that a write past the limit fails instead of killing us.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &saved_);
        previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
        rlimit limited = saved_;
        limited.rlim_cur = bytes;
        active_ = ::setrlimit(RLIMIT_FSIZE, &limited) == 0;
    }
    ~FileSizeLimit() {
        ::setrlimit(RLIMIT_FSIZE, &saved_);
        std::signal(SIGXFSZ, previous_handler_);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;

    bool active() const { return active_; }

private:
    rlimit saved_{};
    void (*previous_handler_)(int) = SIG_DFL;
    bool active_ = false;
};

}  // namespace lightning::testing
