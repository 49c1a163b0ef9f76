#include "core/serve/http_server.h"

#include "core/serve/client_connection.h"
#include "core/serve/http_routes.h"
#include "core/util/api_access.h"
#include "core/util/base64.h"
#include "core/util/bounded_json.h"
#include "core/util/error.h"
#include "core/util/log.h"

#include <random>

namespace lightning::serve {

void send_json(httplib::Response& response, int status, const json& body) {
    response.status = status;
    response.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace),
                         "application/json");
}

json parse_body(const httplib::Request& request) {
    return parse_bounded_json(request.body, "body", "the request body is no JSON",
                              DuplicateKeys::Reject);
}

std::string base64_of(const std::vector<unsigned char>& bytes) {
    return base64_encode(bytes);
}

GenerationRequest HttpServer::Impl::defaults() const {
    const std::lock_guard lock(defaults_mutex);
    return options.defaults;
}

uint64_t HttpServer::Impl::random_seed() const {
    // 32 bits: the seeds A1111 and most tools show and accept (as `lightning generate`).
    static std::mutex mutex;
    static std::random_device device;
    const std::lock_guard lock(mutex);
    return device();
}

std::string HttpServer::Impl::submit(ApiRequest api) {
    if (api.request.batch > options.max_batch)
        throw HttpError{400, "batch: " + std::to_string(api.request.batch) +
                                 " images asked for; this server makes at most " +
                                 std::to_string(options.max_batch) + " per request"};
    return queue.submit(std::move(api));
}

JobStatus HttpServer::Impl::run_to_end(ApiRequest api, const httplib::Request& client) {
    const std::string id = submit(std::move(api));
    const ClientConnection connection(client.remote_addr, client.remote_port, client.local_port);
    JobStatus status = queue.wait_final(id, [&] { return connection.gone(); });
    queue.forget(id);  // its images go to this client only; the queue keeps no copy
    return status;
}

httplib::Server::Handler HttpServer::Impl::guarded(
    std::function<void(const httplib::Request&, httplib::Response&)> handler) {
    return [this, handler](const httplib::Request& request, httplib::Response& response) {
        try {
            handler(request, response);
        } catch (const HttpError& e) {
            send_json(response, e.status, {{"error", e.message}});
        } catch (const QueueFull& e) {
            send_json(response, 503, {{"error", e.what()}});
        } catch (const ShuttingDown& e) {
            send_json(response, 503, {{"error", e.what()}});
        } catch (const Error& e) {
            send_json(response, 400, {{"error", queue.redacted(e.what())}});
        } catch (const std::exception& e) {
            log().error("serve: {} {}: {}", request.method, request.path, e.what());
            send_json(response, 500, {{"error", "internal error (see the server's log)"}});
        }
    };
}

namespace {

json job_json(const JobStatus& s, bool with_images) {
    json out = {{"id", s.id},
                {"state", to_string(s.state)},
                {"image_index", s.image_index},
                {"batch", s.batch},
                {"step", s.steps_done},
                {"total_steps", s.total_steps},
                {"progress", s.progress()},
                {"eta_seconds", s.eta_seconds()},
                {"warnings", s.warnings},
                {"images_done", s.images.size()}};
    if (!s.error.empty()) out["error"] = s.error;
    if (!with_images) return out;
    json images = json::array();
    for (const auto& image : s.images)
        images.push_back({{"png_base64", base64_of(*image.png)},
                          {"parameters", image.parameters},
                          {"seed", image.seed}});
    out["images"] = std::move(images);
    return out;
}

std::string sse_event(const std::string& name, const json& data) {
    return "event: " + name +
           "\ndata: " + data.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

}  // namespace

// Every step (with its preview) and image as they come: "progress" after each step, "image" for
// each finished image, and one last event named after the final state; then the stream ends.
// A client that closes the stream before the end cancels the job, unless it asked for
// ?on_disconnect=keep (a watcher that only looks in).
void HttpServer::Impl::job_events(const httplib::Request& request, httplib::Response& response) {
    const std::string id = request.matches[1];
    if (!queue.status(id)) throw HttpError{404, "no job " + id};
    const std::string on_disconnect = request.get_param_value("on_disconnect");
    if (!on_disconnect.empty() && on_disconnect != "cancel" && on_disconnect != "keep")
        throw HttpError{400, "on_disconnect: expected \"cancel\" (the default) or \"keep\""};
    const bool keep = on_disconnect == "keep";
    auto connection = std::make_shared<ClientConnection>(request.remote_addr, request.remote_port,
                                                         request.local_port);
    response.set_header("Cache-Control", "no-cache");
    struct Cursor {
        uint64_t seen = 0;
        size_t steps = 0, images = 0;
    };
    auto cursor = std::make_shared<Cursor>();
    const auto provider = [this, id, cursor, connection](size_t, httplib::DataSink& sink) {
        if (connection->gone()) return false;
        const auto s = queue.wait(id, cursor->seen, std::chrono::milliseconds(500));
        if (!s) {
            sink.done();
            return true;
        }
        // A comment line while nothing changes: a gone client is noticed by the write.
        std::string text = s->version == cursor->seen ? ": waiting\n\n" : "";
        cursor->seen = s->version;
        for (; cursor->steps < s->steps.size(); ++cursor->steps) {
            const StepRecord& step = s->steps[cursor->steps];
            json event = {
                {"id", id},          {"image_index", step.image_index}, {"batch", s->batch},
                {"step", step.step}, {"total_steps", step.total_steps}, {"seconds", step.seconds}};
            if (step.preview) event["preview_png_base64"] = base64_of(*step.preview);
            text += sse_event("progress", event);
        }
        for (; cursor->images < s->images.size(); ++cursor->images) {
            const auto& image = s->images[cursor->images];
            text += sse_event("image", {{"index", cursor->images},
                                        {"seed", image.seed},
                                        {"parameters", image.parameters},
                                        {"png_base64", base64_of(*image.png)}});
        }
        if (is_final(s->state)) text += sse_event(to_string(s->state), job_json(*s, false));
        if (!text.empty() && !sink.write(text.data(), text.size())) return false;
        if (is_final(s->state)) sink.done();
        return true;
    };
    // Not `success`: the stream ended early (a failed write, a client gone, the server stopping).
    const auto released = [this, id, keep](bool success) {
        if (success || keep) return;
        const auto s = queue.status(id);
        if (s && !is_final(s->state) && queue.cancel(id))
            log().info("serve: job {} cancelled: its event stream was closed", id);
    };
    response.set_chunked_content_provider("text/event-stream", provider, released);
}

// Prometheus' text exposition format 0.0.4: the queue, the jobs by final state, the images and
// the step time (a summary: its count and sum give the mean over any scrape interval).
std::string HttpServer::Impl::metrics() const {
    const auto totals = queue.totals();
    std::string out;
    const auto metric = [&](const char* name, const char* type, const char* help,
                            const std::vector<std::pair<std::string, double>>& samples) {
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
        for (const auto& [suffix, value] : samples)
            out += fmt::format("{}{} {}\n", name, suffix, value);
    };
    metric("lightning_queue_jobs", "gauge", "Jobs waiting to run.", {{"", double(queue.queued())}});
    metric("lightning_running_jobs", "gauge", "Jobs running now (one per engine at most).",
           {{"", double(queue.running())}});
    metric("lightning_jobs_total", "counter", "Jobs ended, by final state.",
           {{"{state=\"done\"}", double(totals.done)},
            {"{state=\"failed\"}", double(totals.failed)},
            {"{state=\"cancelled\"}", double(totals.cancelled)}});
    metric("lightning_images_total", "counter", "Images made for finished jobs.",
           {{"", double(totals.images)}});
    metric("lightning_step_seconds", "summary", "Time of one denoising step.",
           {{"_count", double(totals.steps)}, {"_sum", totals.step_seconds}});
    return out;
}

void HttpServer::Impl::add_native_routes() {
    server.Get("/health", guarded([this](const auto&, auto& response) {
                   const auto totals = queue.totals();
                   send_json(response, 200,
                             {{"status", queue.taking() ? "ok" : "draining"},
                              {"queued", queue.queued()},
                              {"running", queue.running()},
                              {"done", totals.done},
                              {"failed", totals.failed},
                              {"cancelled", totals.cancelled},
                              {"images", totals.images}});
               }));
    server.Get("/metrics", guarded([this](const auto&, auto& response) {
                   response.set_content(metrics(), "text/plain; version=0.0.4; charset=utf-8");
               }));
    server.Post("/v1/jobs", guarded([this](const auto& request, auto& response) {
                    const std::string id =
                        submit(from_native(parse_body(request), defaults(), random_seed()));
                    send_json(response, 202, job_json(*queue.status(id), false));
                }));
    server.Get(R"(/v1/jobs/([0-9a-f]+))", guarded([this](const auto& request, auto& response) {
                   const auto s = queue.status(request.matches[1]);
                   if (!s) throw HttpError{404, "no job " + std::string(request.matches[1])};
                   send_json(response, 200, job_json(*s, true));
               }));
    server.Delete(R"(/v1/jobs/([0-9a-f]+))", guarded([this](const auto& request, auto& response) {
                      const std::string id = request.matches[1];
                      if (!queue.cancel(id)) throw HttpError{404, "no job " + id};
                      send_json(response, 200, job_json(*queue.status(id), false));
                  }));
    server.Get(
        R"(/v1/jobs/([0-9a-f]+)/events)",
        guarded([this](const auto& request, auto& response) { job_events(request, response); }));
}

void HttpServer::Impl::add_routes() {
    server.set_payload_max_length(options.max_body_bytes);
    server.set_keep_alive_timeout(2);
    server.new_task_queue = [] { return new httplib::ThreadPool(64); };
    server.set_pre_routing_handler([this](const auto& request, auto& response) {
        if (options.api_key.empty() || request.path == "/health")
            return httplib::Server::HandlerResponse::Unhandled;
        if (authorized(request.get_header_value("Authorization"), options.api_key))
            return httplib::Server::HandlerResponse::Unhandled;
        response.set_header("WWW-Authenticate", "Basic realm=\"lightning\"");
        send_json(response, 401,
                  {{"error", "missing or wrong API key (Authorization: Bearer KEY)"}});
        return httplib::Server::HandlerResponse::Handled;
    });
    // httplib's own refusals (413, 404, ...) come without a body: say it as JSON.
    server.set_error_handler(
        httplib::Server::HandlerWithResponse([](const auto& request, auto& response) {
            if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
            std::string message = "HTTP " + std::to_string(response.status);
            if (response.status == 404) message = "no route " + request.method + " " + request.path;
            if (response.status == 413)
                message = "the request body is larger than this server takes";
            send_json(response, response.status, {{"error", message}});
            return httplib::Server::HandlerResponse::Handled;
        }));
    server.set_exception_handler([](const auto&, auto& response, std::exception_ptr) {
        send_json(response, 500, {{"error", "internal error (see the server's log)"}});
    });
    add_native_routes();
    add_a1111_routes();
    add_openai_routes();
}

HttpServer::HttpServer(JobQueue& queue, ServerOptions options)
    : impl_(std::make_unique<Impl>(queue, std::move(options))) {
    impl_->add_routes();
}

HttpServer::~HttpServer() = default;

int HttpServer::bind() {
    const auto& o = impl_->options;
    const int port = o.port == 0 ? impl_->server.bind_to_any_port(o.host)
                                 : (impl_->server.bind_to_port(o.host, o.port) ? o.port : -1);
    if (port <= 0)
        throw Error("--listen", "cannot listen on " + o.host + ":" + std::to_string(o.port) +
                                    " (address in use, or not this machine's)");
    return port;
}

void HttpServer::run() {
    impl_->server.listen_after_bind();
}

void HttpServer::stop() {
    impl_->server.stop();
}

}  // namespace lightning::serve
