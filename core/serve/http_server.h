// The HTTP side of `lightning serve` (cpp-httplib, Debian's libcpp-httplib): A1111's /sdapi/v1
// routes, OpenAI's /v1/images/generations, the native jobs (/v1/jobs, with step previews as
// Server-Sent Events) and /health, in front of a JobQueue. Every error is JSON {"error": ...}
// with a message that names no server path. README "Server" lists the routes.
#pragma once
#include "core/request/request.h"

#include <cstddef>
#include <memory>
#include <string>

namespace lightning::serve {

class JobQueue;

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 7860;      // 0: any free port (bind() says which)
    std::string api_key;  // "" = none (loopback binds only; the CLI enforces it)
    size_t max_body_bytes = size_t(64) << 20;
    int max_batch = 8;           // images per request
    GenerationRequest defaults;  // what a client leaves out (steps, size, guidance, ...)
    std::string model_name;      // as /sdapi/v1/sd-models and the options show it
};

class HttpServer {
public:
    HttpServer(JobQueue& queue, ServerOptions options);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds the address; returns the port. Throws lightning::Error("--listen", ...).
    int bind();
    void run();   // serves until stop(); call after bind()
    void stop();  // from any thread; run() returns once open responses are written

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace lightning::serve
