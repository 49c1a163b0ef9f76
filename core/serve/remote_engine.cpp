#include "core/serve/remote_engine.h"

#include "core/image/png_pixels.h"
#include "core/request/parameters.h"
#include "core/request/request_json.h"
#include "core/util/base64.h"
#include "core/util/bounded_json.h"
#include "core/util/error.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <regex>

namespace lightning::serve {

using nlohmann::json;

struct RemoteEngine::Client {
    httplib::Client http;
    Client(const RemoteEngine& engine) : http(engine.host_, engine.port_) {
        const RemoteServer& s = engine.server_;
        http.set_connection_timeout(s.connect_timeout_seconds);
        http.set_read_timeout(s.read_timeout_seconds);
        http.set_write_timeout(s.read_timeout_seconds);
        if (!s.api_key.empty()) http.set_bearer_token_auth(s.api_key);
    }
};

namespace {

// What went wrong on the way, in words that say what to check.
std::string transport_error(httplib::Error error, int seconds) {
    switch (error) {
        case httplib::Error::Connection:
            return "cannot connect (is `lightning serve` running there, and the address right?)";
        case httplib::Error::ConnectionTimeout:
            return "no connection within " + std::to_string(seconds) + " s";
        case httplib::Error::Read:
            return "the server closed the connection or sent nothing for " +
                   std::to_string(seconds) + " s (did it stop?)";
        case httplib::Error::Write:
            return "the server closed the connection while the request was sent";
        default:
            return "HTTP error: " + httplib::to_string(error);
    }
}

// A server's JSON error body as one line, with what its status means for the user.
std::string status_error(int status, const std::string& body) {
    const json parsed = json::parse(body, nullptr, false);
    std::string message =
        parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()
            ? parsed["error"].get<std::string>()
            : body.substr(0, 200);
    const std::string code = "HTTP " + std::to_string(status) + ": ";
    if (status == 401) return "the API key was refused (" + code + message + ")";
    if (status == 503) return "the server is not taking jobs now (" + code + message + ")";
    return code + message;
}

// Server-sent events split from a stream that arrives in arbitrary pieces.
class EventReader {
public:
    // Calls `on_event(name, data)` for every complete event in `more`.
    template <typename F>
    void feed(const char* data, size_t size, F&& on_event) {
        buffer_.append(data, size);
        for (size_t end; (end = buffer_.find("\n\n")) != std::string::npos;) {
            const std::string block = buffer_.substr(0, end);
            buffer_.erase(0, end + 2);
            std::string name, payload;
            size_t at = 0;
            while (at <= block.size()) {
                size_t line_end = block.find('\n', at);
                if (line_end == std::string::npos) line_end = block.size();
                const std::string line = block.substr(at, line_end - at);
                at = line_end + 1;
                if (line.rfind("event: ", 0) == 0) name = line.substr(7);
                if (line.rfind("data: ", 0) == 0) payload += line.substr(6);
            }
            if (!name.empty()) on_event(name, payload);
        }
    }

private:
    std::string buffer_;
};

}  // namespace

RemoteEngine::RemoteEngine(RemoteServer server) : server_(std::move(server)) {
    while (!server_.url.empty() && server_.url.back() == '/') server_.url.pop_back();
    static const std::regex form(R"(http://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.\-]+)(:([0-9]{1,5}))?)");
    std::smatch match;
    if (!std::regex_match(server_.url, match, form))
        throw Error("server", "\"" + server_.url +
                                  "\" is no server address: expected http://HOST:PORT (for TLS, "
                                  "reach the server through a tunnel or a local proxy)");
    host_ = match[1].str();
    if (host_.front() == '[') host_ = host_.substr(1, host_.size() - 2);
    port_ = match[3].matched ? std::stoi(match[3].str()) : 80;
    if (port_ < 1 || port_ > 65535) throw Error("server", server_.url + ": no such port");
}

RemoteEngine::~RemoteEngine() = default;

std::string RemoteEngine::host_port() const {
    return server_.url.substr(7);
}

json RemoteEngine::check() {
    Client client(*this);
    json health;
    for (const char* path : {"/health", "/sdapi/v1/options"}) {
        const auto result = client.http.Get(path);
        if (!result)
            throw Error(server_.url,
                        transport_error(result.error(), server_.connect_timeout_seconds));
        if (result->status != 200)
            throw Error(server_.url, status_error(result->status, result->body));
        if (health.is_null()) health = json::parse(result->body, nullptr, false);
    }
    return health;
}

EngineResult RemoteEngine::generate(const GenerationRequest& request,
                                    const EngineCallbacks& callbacks,
                                    const std::function<void(const RemotePng&)>& on_png) {
    Client client(*this);
    const auto submitted =
        client.http.Post("/v1/jobs", request_to_json(request).dump(), "application/json");
    if (!submitted)
        throw Error(server_.url,
                    transport_error(submitted.error(), server_.connect_timeout_seconds));
    if (submitted->status != 202)
        throw Error(server_.url, status_error(submitted->status, submitted->body));
    const json job = parse_bounded_json(submitted->body, server_.url,
                                        "the server's answer is no JSON", DuplicateKeys::KeepLast);
    const std::string id = job.at("id").get<std::string>();
    if (callbacks.on_start) callbacks.on_start(job.value("warnings", std::vector<std::string>{}));
    return follow(client, id, callbacks, on_png);
}

// One event of the job's stream, passed on through the callbacks; `result` collects its end.
void RemoteEngine::handle_event(const std::string& name, const std::string& data,
                                const EngineCallbacks& callbacks,
                                const std::function<void(const RemotePng&)>& on_png,
                                EngineResult& result, std::string& final_state) {
    const json event = parse_bounded_json(data, server_.url, "an event from the server is no JSON");
    if (name == "progress") {
        if (!callbacks.on_step) return;
        StepEvent step;
        step.image_index = event.at("image_index").get<int>();
        step.batch = event.at("batch").get<int>();
        step.step = event.at("step").get<int>() - 1;  // the server counts from 1
        step.total_steps = event.at("total_steps").get<int>();
        step.seconds = event.at("seconds").get<double>();
        if (event.contains("preview_png_base64")) {
            const auto bytes = base64_decode(event["preview_png_base64"].get<std::string>(),
                                             server_.url + " preview");
            step.preview = decode_png_pixels(std::string(bytes.begin(), bytes.end()),
                                             server_.url + " preview");
        }
        callbacks.on_step(step);
    } else if (name == "image") {
        RemotePng png{event.at("index").get<int>(), event.at("seed").get<uint64_t>(),
                      event.at("parameters").get<std::string>(),
                      base64_decode(event.at("png_base64").get<std::string>(), server_.url)};
        const auto record = parse_parameters(png.parameters);
        if (!record) throw Error(server_.url, "an image came with unreadable parameters");
        GeneratedImage image;
        image.pixels = decode_png_pixels(std::string(png.png.begin(), png.png.end()),
                                         server_.url + " image " + std::to_string(png.index));
        image.seed = png.seed;
        if (on_png) on_png(png);
        result.records.push_back(*record);
        if (callbacks.on_image) callbacks.on_image(ImageEvent{png.index, &image, *record});
    } else {
        final_state = name;
        if (name == "failed")
            throw Error(server_.url,
                        "the job failed there: " + event.value("error", std::string()));
    }
}

// The job's event stream until its final event. A cancel closes the stream and deletes the job.
EngineResult RemoteEngine::follow(Client& client, const std::string& id,
                                  const EngineCallbacks& callbacks,
                                  const std::function<void(const RemotePng&)>& on_png) {
    EngineResult result;
    std::string final_state, error_body;
    int status = 0;
    bool cancelled = false;
    std::exception_ptr failure;
    EventReader reader;
    const auto started = std::chrono::steady_clock::now();
    const auto received = client.http.Get(
        "/v1/jobs/" + id + "/events", httplib::Headers{},
        [&](const httplib::Response& response) {
            status = response.status;
            return true;
        },
        [&](const char* data, size_t size) {
            if (status != 200) {
                error_body.append(data, size);
                return true;
            }
            try {
                reader.feed(data, size, [&](const std::string& name, const std::string& text) {
                    handle_event(name, text, callbacks, on_png, result, final_state);
                });
            } catch (...) {
                failure = std::current_exception();
                return false;
            }
            cancelled = callbacks.should_cancel && callbacks.should_cancel();
            return !cancelled;
        });
    if (failure) std::rethrow_exception(failure);
    if (cancelled) {
        // Closing the stream cancels the job too; the delete makes it certain and immediate.
        client.http.Delete("/v1/jobs/" + id);
        result.run.cancelled = true;
        return result;
    }
    if (status != 0 && status != 200) throw Error(server_.url, status_error(status, error_body));
    if (final_state.empty())
        throw Error(server_.url, "job " + id + " stopped without an end: " +
                                     (received ? std::string("the stream ended early")
                                               : transport_error(received.error(),
                                                                 server_.read_timeout_seconds)));
    result.run.cancelled = final_state == "cancelled";
    result.run.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

}  // namespace lightning::serve
