// What the network hop to `lightning serve` adds: one request run --runs times on a local Engine
// and --runs times through RemoteEngine (alternating) on a server (started by
// bench/remote-latency.sh with the same model on 127.0.0.1), medians printed as JSON. Both sides
// make previews at every step, as the app asks for; the remote side also carries them (and the
// image) as PNG + base64 over HTTP.
//   lightning-remote-latency --model DIR --lightning DIR --server http://127.0.0.1:PORT
//                            [--runs 9] [--steps 4] [--size 256]
#include "core/engine/engine.h"
#include "core/serve/remote_engine.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>

using namespace lightning;

namespace {

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Local and remote runs alternate, so that load from other processes on a shared machine falls
// on both alike; one untimed run of each first (first-use costs are not the hop's).
template <typename L, typename R>
std::pair<std::vector<double>, std::vector<double>> times_ms(int runs, L&& local, R&& remote) {
    local();
    remote();
    const auto ms = [](auto&& generate) {
        const auto start = std::chrono::steady_clock::now();
        generate();
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count();
    };
    std::pair<std::vector<double>, std::vector<double>> out;
    for (int i = 0; i < runs; ++i) {
        out.first.push_back(ms(local));
        out.second.push_back(ms(remote));
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> flags = {
        {"--runs", "9"}, {"--steps", "4"}, {"--size", "256"}};
    for (int i = 1; i + 1 < argc; i += 2) flags[argv[i]] = argv[i + 1];
    for (const char* required : {"--model", "--lightning", "--server"})
        if (!flags.count(required)) {
            std::fprintf(stderr, "remote_latency: %s is required\n", required);
            return 2;
        }
    const int runs = std::stoi(flags["--runs"]);
    GenerationRequest request;
    request.prompt = "a lighthouse at dusk";
    request.steps = std::stoi(flags["--steps"]);
    request.guidance = 0;
    request.width = request.height = std::stoi(flags["--size"]);
    request.seed = 42;
    try {
        EngineOptions options;
        options.models.base = flags["--model"];
        options.models.lightning_dir = flags["--lightning"];
        options.device = "cpu";
        options.precision = Precision::FP32;
        auto engine = Engine::load(options);
        EngineCallbacks callbacks;
        callbacks.on_step = [](const StepEvent&) {};
        serve::RemoteEngine remote(serve::RemoteServer{flags["--server"], ""});
        const auto [local, over_http] = times_ms(
            runs, [&] { engine->generate(request, callbacks); },
            [&] { remote.generate(request, callbacks); });
        const nlohmann::json report = {{"runs", runs},
                                       {"steps", request.steps},
                                       {"size", request.width},
                                       {"local_median_ms", median(local)},
                                       {"remote_median_ms", median(over_http)},
                                       {"added_median_ms", median(over_http) - median(local)},
                                       {"local_ms", local},
                                       {"remote_ms", over_http}};
        std::printf("%s\n", report.dump(2).c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "remote_latency: %s\n", e.what());
        return 1;
    }
    return 0;
}
