// How often a file (or any file in a folder) is opened, by this process or any other, while an
// OpenCounter watches it (Linux inotify's IN_OPEN events): for tests that a file is read once, not
// once per check. Closes are watched too: the kernel merges identical events queued back to back,
// so open, close, open, close stay four events where open, open would become one.
#pragma once
#include <sys/inotify.h>
#include <unistd.h>

#include <string>

namespace lightning::testing {

class OpenCounter {
public:
    explicit OpenCounter(const std::string& path)
        : fd_(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)),
          watch_(fd_ < 0 ? -1 : inotify_add_watch(fd_, path.c_str(), IN_OPEN | IN_CLOSE)) {}
    ~OpenCounter() {
        if (fd_ >= 0) ::close(fd_);
    }
    OpenCounter(const OpenCounter&) = delete;
    OpenCounter& operator=(const OpenCounter&) = delete;

    bool valid() const { return watch_ >= 0; }

    // Opens since the watch began (the kernel queues the events as the files are opened).
    int opens() {
        alignas(inotify_event) char buffer[4096];
        for (;;) {
            const ssize_t n = ::read(fd_, buffer, sizeof buffer);
            if (n <= 0) return opens_;
            for (ssize_t at = 0; at < n;) {
                const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
                if (event->mask & IN_OPEN) ++opens_;
                at += ssize_t(sizeof(inotify_event) + event->len);
            }
        }
    }

private:
    int fd_;
    int watch_;
    int opens_ = 0;
};

}  // namespace lightning::testing
