// `lightning serve`: one engine per device loaded once, the job queue and the HTTP server of
// core/serve/ in front of them, until SIGTERM or Ctrl+C. Built when cpp-httplib and
// OpenImageIO are (app/CMakeLists.txt); serve_unavailable.cpp says so otherwise.
#include "app/cli/commands.h"
#include "app/cli/interrupt.h"
#include "app/cli/terminal_text.h"
#include "core/image/image_pixels.h"
#include "core/request/model_layout.h"
#include "core/serve/http_server.h"
#include "core/serve/job_queue.h"
#include "core/util/error.h"
#include "core/util/log.h"
#include "core/util/log_json.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

namespace lightning::cli {
namespace {

namespace fs = std::filesystem;

// A line of the server's own on stderr: a JSON log line with --log-format json.
void say(const std::string& text, std::string_view level = "info") {
    if (json_log_lines())
        std::cerr << json_log_line(level, text) << std::endl;
    else
        std::cerr << text << std::endl;
}

std::vector<std::unique_ptr<Engine>> load_engines(const ServeArgs& args,
                                                  const std::vector<std::string>& devices) {
    std::vector<EngineOptions> options;
    for (const auto& device : devices) {
        EngineOptions o = args.defaults.engine;
        o.device = device;
        if (!args.dtype_given) o.precision = device == "cpu" ? Precision::FP32 : Precision::FP16;
        o.read_image = read_image_pixels;
        try {
            validate_options(o);
        } catch (const Error& e) {
            throw UsageError(e.what());
        }
        options.push_back(o);
    }
    std::vector<std::unique_ptr<Engine>> engines;
    for (const auto& o : options) {
        if (interrupted()) break;
        engines.push_back(Engine::load(o));
        for (const auto& warning : engines.back()->load_warnings())
            say("lightning: warning: " + o.device + ": " + warning, "warning");
    }
    return engines;
}

// A private folder for the client images of running jobs (mode 0700).
std::string make_work_dir() {
    std::string pattern = (fs::temp_directory_path() / "lightning-serve-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw Error("serve", "cannot create a temporary folder");
    return pattern;
}

// What a client may see instead of the server's paths in an error message.
std::vector<std::pair<std::string, std::string>> redactions(const ServeArgs& args,
                                                            const std::string& work_dir) {
    const ModelLocations& m = args.defaults.engine.models;
    return {{work_dir + "/", ""},
            {work_dir, ""},
            {m.base, model_display_name(m.base)},
            {m.lightning_dir, "the Lightning folder"},
            {m.config_dir, "the config folder"},
            {args.defaults.engine.vae, "the VAE"}};
}

void sleep_a_little() {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

// The first SIGTERM or Ctrl+C: new jobs get 503 while the jobs taken (running and queued) run
// to their end and their clients get their answers; a second signal cancels what is left.
void drain_on_signal(serve::JobQueue& queue) {
    while (!interrupted()) sleep_a_little();
    say("lightning serve: draining: finishing " + std::to_string(queue.queued() + queue.running()) +
        " job(s); new requests get 503");
    queue.stop_taking();
    while (!queue.idle() && interrupt_count() < 2) sleep_a_little();
    if (!queue.idle())
        say("lightning serve: cancelling " + std::to_string(queue.queued() + queue.running()) +
            " job(s)");
}

}  // namespace

int run_serve(const ServeArgs& args) {
    if (args.log_json) use_json_log_lines();
    const auto devices = resolve_devices(args.devices);
    const InterruptGuard guard;
    auto engines = load_engines(args, devices);
    if (interrupted()) return 0;  // stopped while loading: nothing was served
    count_repeated_signals(args.log_json);
    const std::string work_dir = make_work_dir();
    serve::QueueOptions queue_options;
    queue_options.max_queued = size_t(args.max_queue);
    queue_options.work_dir = work_dir;
    queue_options.redactions = redactions(args, work_dir);
    serve::JobQueue queue(std::move(engines), queue_options);

    serve::ServerOptions options;
    options.host = args.listen;
    options.port = args.port;
    options.api_key = args.api_key;
    options.max_body_bytes = size_t(args.max_body_mb) << 20;
    options.max_batch = args.max_batch;
    options.defaults = args.defaults.request;
    options.model_name = model_display_name(args.defaults.engine.models.base);
    serve::HttpServer server(queue, options);
    const int port = server.bind();
    say("lightning serve: listening on http://" + args.listen + ":" + std::to_string(port) + " (" +
        counted(long(devices.size()), "engine") + ")");
    std::thread http([&] { server.run(); });
    drain_on_signal(queue);
    queue.shutdown();  // every job final: each waiting client is answered
    server.stop();     // then open responses are written and the threads joined
    http.join();
    std::error_code ignored;
    fs::remove_all(work_dir, ignored);
    say("lightning serve: stopped");
    return 0;
}

}  // namespace lightning::cli
