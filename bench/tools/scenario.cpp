// lightning-scenario: the app's use of the engine, headless (the GPU machine has no Qt), with
// numbers. A worker thread owns the engine and runs queued jobs with previews on, as the app's
// worker does; the main thread plays the GUI: it submits, receives step/image events, switches
// checkpoints and cancels. Phases:
//   1. load; checkpoint switch latency from disk (cold), pinned host memory and device copies,
//      switching 1 -> 2 -> 4 -> 8 -> 4;
//   2. time to first preview and end to end of a 4-step image;
//   3. a cancel during an 8-step image: time from cancel() to the worker being free, against
//      one UNet step;
//   4. N further jobs (4 steps): time per image, GPU memory and host RSS after jobs 1/50/N;
//   5. live mode through the app's LiveScheduler at 2 steps, inputs every 250 ms and 40 ms;
//   6. out of memory under a memory cap (2048² batch 4), then a normal request.
//   lightning-scenario --model DIR --lightning DIR [--device cuda] [--dtype fp16]
//       [--size 1024] [--jobs 200] [--json FILE]
#include "core/engine/engine.h"
#include "core/engine/live_scheduler.h"
#include "core/request/file_hashes.h"
#include "core/request/model_layout.h"
#include "core/util/devices.h"
#include "core/util/error.h"
#include "core/util/log.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

using namespace lightning;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

namespace {

double ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// The app's worker thread: runs posted tasks one at a time, in order.
class Worker {
public:
    Worker() : thread_([this] { loop(); }) {}
    ~Worker() {
        post({});
        thread_.join();
    }
    void post(std::function<void()> task) {
        std::lock_guard<std::mutex> lock(mutex_);
        tasks_.push_back(std::move(task));
        ready_.notify_one();
    }
    // Blocks until everything posted so far has run.
    void drain() {
        std::promise<void> done;
        post([&] { done.set_value(); });
        done.get_future().wait();
    }

private:
    void loop() {
        for (;;) {
            std::function<void()> task;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                ready_.wait(lock, [&] { return !tasks_.empty(); });
                task = std::move(tasks_.front());
                tasks_.pop_front();
            }
            if (!task) return;
            task();
        }
    }
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> tasks_;
    std::thread thread_;
};

struct Args {
    EngineOptions engine;
    int size = 1024;
    int jobs = 200;
    double live_seconds = 20;
    std::string json;
};

Args parse(int argc, char** argv) {
    Args a;
    a.engine.device = "cuda";
    a.engine.precision = Precision::FP16;
    a.engine.preview = PreviewMode::Reduced;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&] {
            if (i + 1 >= argc) throw Error(arg, "needs a value");
            return std::string(argv[++i]);
        };
        if (arg == "--model")
            a.engine.models.base = value();
        else if (arg == "--lightning")
            a.engine.models.lightning_dir = value();
        else if (arg == "--device")
            a.engine.device = value();
        else if (arg == "--dtype")
            a.engine.precision = parse_precision(value());
        else if (arg == "--size")
            a.size = std::stoi(value());
        else if (arg == "--jobs")
            a.jobs = std::stoi(value());
        else if (arg == "--json")
            a.json = value();
        else if (arg == "--live-seconds")
            a.live_seconds = std::stod(value());
        else
            throw Error(arg, "unknown option");
    }
    return a;
}

GenerationRequest job(const Args& a, int steps, uint64_t seed) {
    GenerationRequest r;
    r.prompt = "a lighthouse on a cliff at dusk, oil painting";
    r.steps = steps;
    r.width = r.height = a.size;
    r.seed = seed;
    return r;
}

Json memory(const std::string& device) {
    return {{"gpu_allocated_gib", allocated_device_memory(device) / double(1 << 30)},
            {"gpu_reserved_gib", reserved_device_memory(device) / double(1 << 30)},
            {"host_rss_gib", process_rss() / double(1 << 30)}};
}

// Phase 1: checkpoint switching from disk, pinned host memory and device copies.
Json switching(Engine& engine, Worker& worker) {
    Json out;
    auto switch_to = [&](int steps) {
        CheckpointSwitch result;
        worker.post([&] { result = engine.switch_to_steps(steps); });
        worker.drain();
        return Json{
            {"steps", steps}, {"from", to_string(result.from)}, {"ms", result.seconds * 1000}};
    };
    // Pinned host copies: no device budget.
    worker.post([&] { engine.set_checkpoint_budget({0, std::nullopt}); });
    for (int steps : {2, 4, 2}) out["pinned_host_phase"].push_back(switch_to(steps));
    // Device copies: automatic budget, everything read once more from disk.
    worker.post([&] {
        engine.clear_cached_checkpoints();
        engine.set_checkpoint_budget({});
    });
    for (int steps : {1, 2, 4, 8}) out["cold_disk"].push_back(switch_to(steps));
    for (int steps : {1, 2, 4, 8, 4}) out["resident"].push_back(switch_to(steps));
    Json cached = Json::array();
    for (const auto& c : engine.cached_checkpoints())
        cached.push_back(
            {{"file", c.path}, {"home", to_string(c.home)}, {"gib", c.bytes / double(1 << 30)}});
    out["cached"] = cached;
    return out;
}

struct JobTimes {
    double first_preview_ms = 0, end_ms = 0;
    std::vector<double> step_ms;
    bool cancelled = false;
    std::string error;
};

// Runs one job on the worker; `on_step` runs on the worker thread (the app would queue it to
// the GUI thread; only timing is read here).
JobTimes run_job(Engine& engine, Worker& worker, const GenerationRequest& request,
                 const std::function<void(int step)>& on_step = {}) {
    JobTimes times;
    const auto start = Clock::now();
    worker.post([&] {
        EngineCallbacks callbacks;
        callbacks.on_step = [&](const StepEvent& event) {
            if (times.first_preview_ms == 0 && !event.preview.rgb.empty())
                times.first_preview_ms = ms_between(start, Clock::now());
            times.step_ms.push_back(event.seconds * 1000);
            if (on_step) on_step(event.step);
        };
        try {
            times.cancelled = engine.generate(request, callbacks).run.cancelled;
        } catch (const std::exception& e) {
            times.error = e.what();
        }
    });
    worker.drain();
    times.end_ms = ms_between(start, Clock::now());
    return times;
}

Json cancel_mid_run(Engine& engine, Worker& worker, const Args& a) {
    Clock::time_point cancelled_at;
    std::thread gui;
    const auto times = run_job(engine, worker, job(a, 8, 7), [&](int step) {
        if (step == 1)  // after the 2nd step, the GUI thread presses Cancel
            gui = std::thread([&] {
                cancelled_at = Clock::now();
                engine.cancel();
            });
    });
    const auto returned = Clock::now();
    if (gui.joinable()) gui.join();
    return {{"cancelled", times.cancelled},
            {"steps_run", times.step_ms.size()},
            {"cancel_to_free_ms", ms_between(cancelled_at, returned)},
            {"unet_step_ms", median(times.step_ms)}};
}

Json many_jobs(Engine& engine, Worker& worker, const Args& a) {
    Json out;
    std::vector<double> per_image;
    for (int i = 1; i <= a.jobs; ++i) {
        const auto t = run_job(engine, worker, job(a, 4, 1000 + i));
        if (!t.error.empty()) throw Error("job " + std::to_string(i), t.error);
        per_image.push_back(t.end_ms);
        if (i == 1 || i == 50 || i == a.jobs)
            out["memory_after_job_" + std::to_string(i)] = memory(a.engine.device);
    }
    out["end_to_end_ms_median"] = median(per_image);
    out["end_to_end_ms_min"] = *std::min_element(per_image.begin(), per_image.end());
    out["end_to_end_ms_max"] = *std::max_element(per_image.begin(), per_image.end());
    return out;
}

// Live mode as the app runs it: inputs (a prompt change each) arrive every `interval` ms for
// `seconds` and go through the app's LiveScheduler (core/engine/live_scheduler.h): at most one
// job in flight, the newest input wins, a newer input cancels the running render (at most one
// cancel in a row), a grace period only when renders are slow. Previews are decoded at every
// step, as in the app. Reports the images shown per second and, for every input, the wait until
// it or a newer one is on screen.
Json live_mode(Engine& engine, const Args& a, double interval_ms, double seconds) {
    std::mutex mutex;
    std::condition_variable changed;
    LiveScheduler scheduler;
    std::map<uint64_t, Clock::time_point> unseen;  // inputs not on screen yet (nor a newer one)
    std::vector<double> waits;
    bool done = false;
    int images = 0, started = 0, cancels = 0;
    const auto start = Clock::now();
    std::thread worker([&] {
        std::unique_lock<std::mutex> lock(mutex);
        for (;;) {
            const LiveScheduler::Decision decision = scheduler.poll();
            if (decision.action == LiveScheduler::Action::Start) {
                ++started;
                lock.unlock();
                EngineCallbacks callbacks;
                callbacks.on_step = [](const StepEvent&) {};  // previews decoded, as in the app
                bool completed = false;
                try {
                    completed = !engine.generate(decision.request, callbacks).run.cancelled;
                } catch (const Cancelled&) {
                }
                lock.lock();
                if (scheduler.finished(decision.input, completed)) {
                    ++images;
                    const auto now = Clock::now();
                    for (auto it = unseen.begin();
                         it != unseen.end() && it->first <= decision.input; it = unseen.erase(it))
                        waits.push_back(ms_between(it->second, now));
                }
                continue;
            }
            if (done && !scheduler.has_pending()) return;
            if (decision.action == LiveScheduler::Action::Wait)
                changed.wait_for(lock, std::chrono::duration<double>(decision.wait_seconds));
            else
                changed.wait(lock);
        }
    });
    int n = 0;
    while (ms_between(start, Clock::now()) < seconds * 1000) {
        {
            std::lock_guard<std::mutex> lock(mutex);
            auto request = job(a, 2, 5000);
            request.prompt += ", variation " + std::to_string(n++);  // what typing changes
            const uint64_t input = scheduler.input(request);
            unseen[input] = Clock::now();
            // While a render runs, poll() says only whether to cancel it (the worker starts
            // the next one when it is free).
            if (scheduler.running() && scheduler.poll().action == LiveScheduler::Action::Cancel) {
                engine.cancel();
                ++cancels;
            }
        }
        changed.notify_one();
        std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(interval_ms));
    }
    {
        std::lock_guard<std::mutex> lock(mutex);
        done = true;
    }
    changed.notify_one();
    worker.join();
    const double elapsed = ms_between(start, Clock::now()) / 1000;
    return {{"input_interval_ms", interval_ms},
            {"inputs", n},
            {"renders_started", started},
            {"renders_cancelled", cancels},
            {"images", images},
            {"images_per_s", images / elapsed},
            {"wait_to_screen_ms_median", median(waits)},
            {"wait_to_screen_ms_max",
             waits.empty() ? 0 : *std::max_element(waits.begin(), waits.end())}};
}

// Peak device memory of one image with the VAE decode tiled and untiled, at 1024² and 2048².
Json tiling_memory(Engine& engine, Worker& worker, const Args& a) {
    Json out = Json::array();
    for (int side : {1024, 2048})
        for (VaeTiling tiling : {VaeTiling::Off, VaeTiling::On}) {
            auto request = job(a, 4, 3);
            request.width = request.height = side;
            request.vae_tiling = tiling;
            reset_peak_device_memory(a.engine.device);
            const auto t = run_job(engine, worker, request);
            out.push_back({{"size", side},
                           {"tiling", to_string(tiling)},
                           {"peak_gib", peak_device_memory(a.engine.device) / double(1 << 30)},
                           {"end_to_end_ms", t.end_ms},
                           {"error", t.error}});
        }
    return out;
}

Json out_of_memory(Engine& engine, Worker& worker, const Args& a) {
    worker.post([&] { engine.clear_cached_checkpoints(); });  // a small card: no copies
    worker.post([&] { engine.set_checkpoint_budget({0, 0}); });
    worker.drain();
    release_cached_device_memory();
    const uint64_t cap = allocated_device_memory(a.engine.device) + (uint64_t(6) << 30);
    set_device_memory_limit(a.engine.device, cap);
    auto big = job(a, 4, 1);
    big.width = big.height = 2048;
    big.batch = 4;
    big.vae_tiling = VaeTiling::Off;  // the untiled decode is what cannot fit
    const auto failed = run_job(engine, worker, big);
    const auto normal = run_job(engine, worker, job(a, 4, 2));
    set_device_memory_limit(a.engine.device, std::nullopt);
    return {{"cap_gib", cap / double(1 << 30)},
            {"big_request_error", failed.error},
            {"next_request_ok", normal.error.empty() && !normal.cancelled},
            {"next_request_ms", normal.end_ms}};
}

}  // namespace

int main(int argc, char** argv) {
    try {
        init_logging("warn");
        const Args a = parse(argc, argv);
        Json report;
        report["version"] = program_version();
        for (const auto& d : list_devices())
            if (d.id == a.engine.device || (a.engine.device == "cuda" && d.id == "cuda:0"))
                report["device"] = d.name;
        report["size"] = a.size;
        report["dtype"] = to_string(a.engine.precision);
        Worker worker;
        std::unique_ptr<Engine> engine;
        const auto load_start = Clock::now();
        worker.post([&] { engine = Engine::load(a.engine); });
        worker.drain();
        report["load_ms"] = ms_between(load_start, Clock::now());
        // A new model's files are hashed once for the PNG records (then cached on disk); done
        // up front so that the timings below are those of every later session.
        const auto hash_start = Clock::now();
        std::vector<std::thread> hashers;
        for (const auto& file : engine->model_files())
            hashers.emplace_back([file] { short_file_hash(file); });
        for (auto& t : hashers) t.join();
        report["first_use_hashing_ms"] = ms_between(hash_start, Clock::now());
        report["switching"] = switching(*engine, worker);
        const auto first = run_job(*engine, worker, job(a, 4, 42));
        report["first_image"] = {{"first_preview_ms", first.first_preview_ms},
                                 {"end_to_end_ms", first.end_ms},
                                 {"unet_step_ms", median(first.step_ms)}};
        report["cancel"] = cancel_mid_run(*engine, worker, a);
        report["jobs"] = many_jobs(*engine, worker, a);
        // Typing pace (every input rendered) and inputs faster than renders (newest wins).
        report["live_mode"] = live_mode(*engine, a, 250, a.live_seconds);
        report["live_mode_back_to_back"] = live_mode(*engine, a, 40, a.live_seconds / 2);
        if (a.engine.device.rfind("cuda", 0) == 0) {  // peaks and caps exist only there
            report["tiling_memory"] = tiling_memory(*engine, worker, a);
            report["out_of_memory"] = out_of_memory(*engine, worker, a);
        }
        std::cout << report.dump(2) << '\n';
        if (!a.json.empty()) std::ofstream(a.json) << report.dump(2) << '\n';
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "lightning-scenario: error: " << e.what() << '\n';
        return 1;
    }
}
