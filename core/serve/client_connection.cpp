#include "core/serve/client_connection.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <filesystem>
#include <system_error>

namespace lightning::serve {
namespace {

// The numeric host and the port of an address, as cpp-httplib writes them into a request.
bool same_address(const sockaddr_storage& address, socklen_t length, const std::string& host,
                  int port) {
    char name[NI_MAXHOST], service[NI_MAXSERV];
    if (getnameinfo(reinterpret_cast<const sockaddr*>(&address), length, name, sizeof name, service,
                    sizeof service, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return false;
    return (host.empty() || host == name) && std::to_string(port) == service;
}

bool is_connection(int fd, const std::string& remote_addr, int remote_port, int local_port) {
    struct stat info {};
    if (fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode)) return false;
    sockaddr_storage peer{}, local{};
    socklen_t peer_length = sizeof peer, local_length = sizeof local;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0) return false;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0) return false;
    return same_address(peer, peer_length, remote_addr, remote_port) &&
           same_address(local, local_length, "", local_port);
}

}  // namespace

ClientConnection::ClientConnection(const std::string& remote_addr, int remote_port,
                                   int local_port) {
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", error)) {
        int fd = -1;
        try {
            fd = std::stoi(entry.path().filename().string());
        } catch (const std::exception&) {
            continue;
        }
        if (is_connection(fd, remote_addr, remote_port, local_port)) {
            fd_ = fd;
            return;
        }
    }
}

bool ClientConnection::gone() const {
    if (fd_ < 0) return false;
    pollfd watch{fd_, POLLIN | POLLRDHUP, 0};
    if (poll(&watch, 1, 0) <= 0) return false;
    if (watch.revents & (POLLHUP | POLLERR | POLLRDHUP)) return true;
    // Readable: more bytes of a pipelined request, or the end of the stream (0 bytes).
    char byte = 0;
    return recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

}  // namespace lightning::serve
