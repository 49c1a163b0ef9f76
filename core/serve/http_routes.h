// Inside core/serve/http_server.cpp and compat_routes.cpp: the server's state and its route
// handlers (one file per family: native jobs and plumbing; A1111 and OpenAI).
#pragma once
#include "core/serve/http_server.h"
#include "core/serve/job_queue.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <mutex>

namespace lightning::serve {

using nlohmann::json;

// A client error with its HTTP status (400 unless said otherwise).
struct HttpError {
    int status;
    std::string message;
};

void send_json(httplib::Response& response, int status, const json& body);
json parse_body(const httplib::Request& request);
std::string base64_of(const std::vector<unsigned char>& bytes);

struct HttpServer::Impl {
    JobQueue& queue;
    ServerOptions options;
    httplib::Server server;
    mutable std::mutex defaults_mutex;  // POST /sdapi/v1/options changes the default steps

    Impl(JobQueue& q, ServerOptions o) : queue(q), options(std::move(o)) {}
    GenerationRequest defaults() const;
    uint64_t random_seed() const;
    // Submits after the server's own limits (batch); returns the final status. A client that
    // hangs up meanwhile cancels its job (the queue moves on).
    JobStatus run_to_end(ApiRequest api, const httplib::Request& client);
    std::string submit(ApiRequest api);

    void add_routes();
    void add_native_routes();
    void add_a1111_routes();
    void add_openai_routes();
    // `handler` with every exception turned into a JSON error response.
    httplib::Server::Handler guarded(
        std::function<void(const httplib::Request&, httplib::Response&)> handler);

    void txt2img(const httplib::Request& request, httplib::Response& response, bool img2img);
    void progress(httplib::Response& response) const;
    void get_options(httplib::Response& response) const;
    void set_options(const httplib::Request& request, httplib::Response& response);
    void openai_generate(const httplib::Request& request, httplib::Response& response);
    std::string metrics() const;
    void job_events(const httplib::Request& request, httplib::Response& response);
};

}  // namespace lightning::serve
