// The other end of `lightning serve`: a client that runs a generation request as a native job on
// a server (POST /v1/jobs, then its event stream GET /v1/jobs/ID/events) and reports it through
// the same EngineCallbacks the local Engine calls (on_start, on_step with each step's preview,
// on_image with the decoded image and its record), so the app drives a GPU on another machine
// as it drives its own. Qt-free; cpp-httplib's client (the server's library). Every failure is a
// lightning::Error naming the server's URL: no connection, a refused API key (401), a server
// not taking jobs (503), no answer in time, the server gone mid-job, a job that failed there.
#pragma once
#include "core/engine/engine.h"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lightning::serve {

struct RemoteServer {
    std::string url;      // "http://host:port" (a trailing slash is dropped)
    std::string api_key;  // sent as "Authorization: Bearer KEY"; "" sends none
    int connect_timeout_seconds = 5;
    // Longest silence on a connection: the event stream sends a keep-alive at least every
    // half second, so this only trips when the server stops answering.
    int read_timeout_seconds = 60;
};

// A finished image as the server made it: its PNG's bytes (their text chunks included) and the
// `parameters` text, kept as they came so the local gallery holds the same file.
struct RemotePng {
    int index = 0;
    uint64_t seed = 0;
    std::string parameters;
    std::vector<unsigned char> png;
};

class RemoteEngine {
public:
    // Throws lightning::Error("server", ...) for a URL that is not http://HOST[:PORT].
    explicit RemoteEngine(RemoteServer server);
    ~RemoteEngine();

    // "host:port", as the status bar shows it.
    std::string host_port() const;
    const RemoteServer& server() const { return server_; }

    // GET /health (no key needed) and GET /sdapi/v1/options (the key is checked there): the
    // health object. Throws lightning::Error naming the URL when either fails.
    nlohmann::json check();

    // Runs `request` on the server. Callbacks as Engine::generate's; `on_png` (optional) gets each
    // image's PNG bytes just before on_image gets its pixels. should_cancel is polled as events
    // (or keep-alives) arrive; a cancel deletes the server's job and returns with run.cancelled.
    // Throws lightning::Error naming the URL (a failed job: the server's message).
    EngineResult generate(const GenerationRequest& request, const EngineCallbacks& callbacks,
                          const std::function<void(const RemotePng&)>& on_png = {});

private:
    struct Client;
    EngineResult follow(Client& client, const std::string& id, const EngineCallbacks& callbacks,
                        const std::function<void(const RemotePng&)>& on_png);
    void handle_event(const std::string& name, const std::string& data,
                      const EngineCallbacks& callbacks,
                      const std::function<void(const RemotePng&)>& on_png, EngineResult& result,
                      std::string& final_state);
    RemoteServer server_;
    std::string host_;
    int port_ = 80;
};

}  // namespace lightning::serve
