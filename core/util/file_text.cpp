#include "core/util/file_text.h"

#include "core/util/error.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lightning {
namespace {

// "cannot open the manifest: No such file or directory"
std::string failure(const char* verb, const std::string& what, int err) {
    return std::string(verb) + (what.empty() ? "" : " " + what) + ": " + std::strerror(err);
}

// Closes the descriptor on every way out.
struct Descriptor {
    int fd;
    ~Descriptor() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

std::string read_file_text(const std::string& path, const std::string& what) {
    const Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (file.fd < 0) throw Error(path, failure("cannot open", what, errno));
    std::string text;
    char buffer[1 << 16];
    for (;;) {
        const ssize_t n = ::read(file.fd, buffer, sizeof buffer);
        if (n == 0) return text;
        if (n < 0) {
            if (errno == EINTR) continue;
            // A folder opens but cannot be read: "Is a directory".
            throw Error(path, failure("cannot read", what, errno));
        }
        text.append(buffer, static_cast<size_t>(n));
    }
}

nlohmann::json read_json_file(const std::string& path, const std::string& what,
                              DuplicateKeys duplicates) {
    return parse_bounded_json(read_file_text(path, what), path, "not valid JSON", duplicates);
}

}  // namespace lightning
