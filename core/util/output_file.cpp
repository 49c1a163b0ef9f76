#include "core/util/output_file.h"

#include "core/util/error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace lightning {
namespace {

std::string kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

std::string human_bytes(uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MB", double(bytes) / 1e6);
    return text;
}

}  // namespace

uint64_t png_size_bound(int width, int height) {
    // Raw RGB rows plus one filter byte each, zlib's worst-case overhead and the chunks.
    const uint64_t raw = uint64_t(width) * 3 * uint64_t(height) + uint64_t(height);
    return raw + raw / 1000 + 64 * 1024;
}

void check_output_file(const std::string& path, bool overwrite, uint64_t bytes_needed) {
    if (path.empty()) throw Error("output", "empty file name");
    struct stat info {};
    if (::lstat(path.c_str(), &info) == 0) {
        if (S_ISLNK(info.st_mode))
            throw Error(path, "is a symbolic link; give the path of the file itself");
        if (!S_ISREG(info.st_mode))
            throw Error(path, "is " + kind_of(info.st_mode) + ", not a file");
        if (!overwrite) throw Error(path, "already exists (pass --overwrite to replace it)");
    }
    std::filesystem::path folder = std::filesystem::path(path).parent_path();
    if (folder.empty()) folder = ".";
    struct stat folder_info {};
    if (::stat(folder.c_str(), &folder_info) != 0 || !S_ISDIR(folder_info.st_mode))
        throw Error(path, "folder " + folder.string() + " does not exist");
    // Create-and-remove probe: access() says nothing of read-only mounts or quotas.
    std::string probe = (folder / ".lightning-write-test-XXXXXX").string();
    const int fd = ::mkstemp(probe.data());
    if (fd < 0)
        throw Error(path, "cannot write in " + folder.string() + ": " + std::strerror(errno));
    ::close(fd);
    ::unlink(probe.c_str());
    struct statvfs space {};
    if (::statvfs(folder.c_str(), &space) == 0) {
        const uint64_t free = uint64_t(space.f_bavail) * uint64_t(space.f_frsize);
        if (free < bytes_needed)
            throw Error(path, "not enough free space in " + folder.string() + " (" +
                                  human_bytes(free) + " free, up to " + human_bytes(bytes_needed) +
                                  " needed)");
    }
}

}  // namespace lightning
