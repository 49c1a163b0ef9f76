// Noticing a client that hung up while its request waits for a job. cpp-httplib 0.11 (Debian 12)
// hands a route handler no socket and notices a closed peer only when a write fails, which a
// handler that answers once at the end never does; so the connection is found by its addresses
// (the request's remote and local ones, unique for TCP) among the process's sockets.
#pragma once
#include <string>

namespace lightning::serve {

class ClientConnection {
public:
    ClientConnection(const std::string& remote_addr, int remote_port, int local_port);
    // True once the client closed or reset the connection (a half-close counts: clients close
    // whole). False when the socket was not found: the job then runs to its end.
    bool gone() const;
    bool found() const { return fd_ >= 0; }

private:
    int fd_ = -1;  // owned by cpp-httplib, open while the handler runs
};

}  // namespace lightning::serve
