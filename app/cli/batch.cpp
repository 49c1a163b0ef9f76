// `lightning batch MANIFEST --out DIR`: a manifest's lines -> checked up front -> the images
// not yet in DIR -> one engine per device, each taking the next image from one queue -> a PNG
// per image (atomic) and a line in results.jsonl. Re-running resumes; shards split the lines
// between processes (core/batch/manifest.h).
#include "app/cli/batch_files.h"
#include "app/cli/commands.h"
#include "app/cli/interrupt.h"
#include "app/cli/terminal_text.h"
#include "core/batch/manifest.h"
#include "core/batch/results_log.h"
#include "core/batch/work_queue.h"
#include "core/lora/lora_files.h"
#include "core/request/wildcards.h"
#include "core/util/atomic_file.h"
#include "core/util/devices.h"
#include "core/util/error.h"
#include "core/util/output_file.h"
#ifdef LIGHTNING_HAVE_IMAGE_READER
#include "core/image/image_pixels.h"
#endif

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <set>

namespace lightning::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// stderr lines from several engine threads, whole.
void say(const std::string& line) {
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    std::cerr << printable(line) << '\n';
}

// A request's warning (a step count the checkpoint was not trained for, ...) the first time it
// comes up, with the line that raised it: a thousand lines do not repeat it a thousand times.
void warn_once(int line, const std::string& warning) {
    static std::mutex mutex;
    static std::set<std::string> said;
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (!said.insert(warning).second) return;
    }
    say("lightning: warning: line " + std::to_string(line) + ": " + warning +
        " (said once for the whole run)");
}

// One image of a manifest line.
struct WorkItem {
    int line = 0;
    GenerationRequest request;  // batch 1, the image's own seed
    std::string file;           // name inside the output folder
    nlohmann::json meta;
    bool replace = false;  // a file found there when planning is made again (Incomplete)
};

struct Plan {
    std::vector<WorkItem> pending;
    int already_done = 0;
    std::set<int> bad_lines;
};

struct WorkerStats {
    std::string device;
    int images = 0;
    double busy_seconds = 0;
    std::vector<Clock::time_point> finished;
};

batch::Shard choose_shard(const BatchArgs& args) {
    if (args.shard) return *args.shard;
    try {
        const auto shard = batch::shard_from_environment(
            args.shards, [](const char* name) { return std::getenv(name); });
        if (shard)
            say("lightning: shard " + shard->label() + " (from the scheduler's environment)");
        return shard.value_or(batch::Shard{});
    } catch (const Error& e) {
        throw UsageError(e.what());
    }
}

void report_bad_line(const BatchArgs& args, const batch::ManifestLine& line) {
    say("lightning: " + args.manifest + " line " + std::to_string(line.number) + ": " + line.error);
}

// The line's <lora:name:weight> tags as its LoRAs; a name no file has makes the line bad.
void resolve_line_loras(batch::ManifestLine& line, const std::vector<LoraFile>& loras,
                        const std::string& searched) {
    if (!line.request) return;
    try {
        lightning::resolve_prompt_loras(*line.request, loras, searched);
    } catch (const Error& e) {
        line.error = e.what();
        line.request.reset();
    }
}

// Parses and checks this shard's lines; prints every bad one.
std::vector<batch::ManifestLine> read_lines(const BatchArgs& args, const batch::Shard& shard,
                                            std::set<int>& bad_lines) {
    batch::ManifestDefaults defaults;
    defaults.request = args.defaults.request;
    defaults.prompt_given = args.prompt_given;
    defaults.seed_given = args.defaults.seed_given;
    defaults.strict_paths = args.strict_paths;
    auto lines = batch::read_manifest(args.manifest, defaults, shard);
    batch::LineChecker checker(args.defaults.engine.models);
    // The LoRA folders are read once for all lines' <lora:name:weight> tags.
    const auto loras = lora_files_in(args.defaults.lora_dirs);
    const auto searched = lora_folders_text(args.defaults.lora_dirs, "--lora-dir DIR");
    for (auto& line : lines) {
        resolve_line_loras(line, loras, searched);
        checker.check(line);
        if (line.request) continue;
        report_bad_line(args, line);
        bad_lines.insert(line.number);
    }
    return lines;
}

nlohmann::json result_record(const WorkItem& item, const StudioInfo& info, bool discarded) {
    nlohmann::json record = {
        {"line", item.line},
        {"file", discarded ? nlohmann::json(nullptr) : nlohmann::json(item.file)},
        {"seed", item.request.seed},
        {"seconds", info.seconds},
        {"time", info.created},
        {"device", info.device}};
    if (!item.meta.is_null()) record["meta"] = item.meta;
    return record;
}

// An image a killed run finished but could not record: recorded now, from its own chunk.
void record_recovered(batch::ResultsLog& log, const WorkItem& item, const StudioInfo& info) {
    nlohmann::json record = result_record(item, info, false);
    record["recovered"] = true;
    log.append(record);
}

// Splits the lines into images and keeps those not yet in the folder (resume).
Plan plan_images(const BatchArgs& args, const std::vector<batch::ManifestLine>& lines,
                 batch::ResultsLog& log) {
    Plan plan;
    const auto recorded = batch::recorded_files(args.out_dir);
    for (const auto& line : lines) {
        if (!line.request) continue;
        WildcardFolder wildcards(line.request->wildcards_dir);
        for (int i = 0; i < line.request->batch; ++i) {
            // Its prompt resolved (as the engine will resolve it): what its file must hold.
            WorkItem item{line.number, resolved_image(*line.request, i, wildcards), "", line.meta,
                          false};
            item.file = batch::image_file_name(line.number, item.request.seed);
            if (args.discard_images) {
                plan.pending.push_back(std::move(item));
                continue;
            }
            const auto existing = batch_files::find_existing(
                (fs::path(args.out_dir) / item.file).string(), item.request);
            using batch_files::Found;
            if (existing.found == Found::Complete) {
                ++plan.already_done;
                if (!recorded.count(item.file)) record_recovered(log, item, existing.info);
            } else if (existing.found == Found::Different) {
                say("lightning: " + args.manifest + " line " + std::to_string(line.number) + ": " +
                    item.file + " already exists, made with " + existing.why +
                    "; kept (move it away, or use another --out)");
                plan.bad_lines.insert(line.number);
            } else {
                item.replace = existing.found == Found::Incomplete;
                if (item.replace)
                    say("lightning: making " + item.file + " again (" + existing.why + ")");
                plan.pending.push_back(std::move(item));
            }
        }
    }
    return plan;
}

void check_output_space(const BatchArgs& args, const Plan& plan, const std::string& log_path) {
    if (args.discard_images) return;
    uint64_t bytes = 0;
    try {
        for (const auto& item : plan.pending) {
            const auto [width, height] = output_size(item.request);
            bytes += png_size_bound(width, height);
        }
        check_output_file(log_path, /*overwrite=*/true, bytes);
    } catch (const Error& e) {
        throw UsageError(e.what());
    }
}

EngineOptions options_for(const BatchArgs& args, const std::string& device) {
    EngineOptions options = args.defaults.engine;
    options.device = device;
    if (!args.dtype_given) options.precision = device == "cpu" ? Precision::FP32 : Precision::FP16;
#ifdef LIGHTNING_HAVE_IMAGE_READER
    options.read_image = read_image_pixels;  // lines with an input image
#endif
    return options;
}

// One after the other, on this thread: loading is mostly file reading, which parallel loads
// would share anyway, and process-wide settings made while loading (TF32, thread pools) are
// then never raced.
std::vector<std::unique_ptr<Engine>> load_engines(const BatchArgs& args,
                                                  const std::vector<std::string>& devices) {
    for (const auto& device : devices) try {
            validate_options(options_for(args, device));
        } catch (const Error& e) {
            throw UsageError(e.what());
        }
    std::vector<std::unique_ptr<Engine>> engines;
    for (const auto& device : devices) {
        engines.push_back(Engine::load(options_for(args, device)));
        for (const auto& warning : engines.back()->load_warnings())
            say("lightning: warning: " + device + ": " + warning);
        if (interrupted()) break;  // the run stops before its first image: load no more
    }
    return engines;
}

// Checks that need the model (clip skip against its text encoders, a UNet of its own);
// drops the images of lines that fail.
void check_with_model(const BatchArgs& args, const Engine& engine,
                      std::vector<batch::ManifestLine>& lines, Plan& plan) {
    for (auto& line : lines) {
        if (!line.request) continue;
        try {
            engine.validate(*line.request);
        } catch (const Error& e) {
            line.error = e.what();
            line.request.reset();
            report_bad_line(args, line);
            plan.bad_lines.insert(line.number);
        }
    }
    std::erase_if(plan.pending,
                  [&](const WorkItem& item) { return plan.bad_lines.count(item.line) > 0; });
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

std::string fixed(double value, int decimals = 2) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

// Everything one run shares between its engine threads.
struct Run {
    const BatchArgs& args;
    const std::vector<WorkItem>& items;
    std::vector<std::unique_ptr<Engine>>& engines;
    batch::ResultsLog& log;
    std::vector<WorkerStats> stats;  // one per engine, each written by its own thread only
    std::atomic<int> done{0};
    std::mutex failed_mutex;
    std::set<int> failed_lines;
};

// A failed image: the line is reported and the batch goes on (stops with --strict).
void fail(Run& run, const WorkItem& item, const std::string& message) {
    const std::string where = run.args.manifest + " line " + std::to_string(item.line);
    say("lightning: " + where + " (seed " + std::to_string(item.request.seed) + "): " + message);
    {
        std::lock_guard<std::mutex> lock(run.failed_mutex);
        run.failed_lines.insert(item.line);
    }
    if (run.args.strict) throw Error(where, message + " (--strict: stopping)");
}

// A file that appeared since planning was written by another process rendering the same
// images (the same shard started twice): it is kept, and this run ends with the reason.
void write_image(const Run& run, const WorkItem& item, const EngineResult& result,
                 const StudioInfo& info) {
    try {
        batch_files::write_image((fs::path(run.args.out_dir) / item.file).string(),
                                 result.run.images.front().pixels, result.records.front(), info,
                                 item.replace);
    } catch (const TargetExists& e) {
        throw Error(e.where(), e.message() +
                                   "; is another lightning batch writing the same shard into "
                                   "this folder?");
    }
}

// One image on one engine. Generation failures are the line's; failures to write the image or
// its record (disk full, ...) end the batch: they would fail every image after.
void render(Run& run, int worker, const WorkItem& item) {
    WorkerStats& stats = run.stats[size_t(worker)];
    EngineCallbacks callbacks;
    callbacks.should_cancel = [] { return interrupted(); };
    const auto start = Clock::now();
    EngineResult result;
    try {
        result = run.engines[size_t(worker)]->generate(item.request, callbacks);
    } catch (const Error& e) {
        fail(run, item, e.what());
        return;
    }
    for (const auto& warning : result.warnings) warn_once(item.line, warning);
    if (result.run.cancelled || result.run.images.empty()) return;
    const StudioInfo info{seconds_between(start, Clock::now()), batch_files::utc_timestamp_now(),
                          stats.device};
    if (!run.args.discard_images) write_image(run, item, result, info);
    run.log.append(result_record(item, info, run.args.discard_images));
    ++stats.images;
    stats.busy_seconds += info.seconds;
    stats.finished.push_back(Clock::now());
    const int done = ++run.done;
    say("[" + stats.device + "] line " + std::to_string(item.line) + " seed " +
        std::to_string(item.request.seed) + " -> " +
        (run.args.discard_images ? std::string("(discarded)") : item.file) + " (" +
        fixed(info.seconds) + " s) " + std::to_string(done) + "/" +
        std::to_string(run.items.size()));
}

// Runs the queue with Ctrl+C / SIGTERM (Slurm and Kubernetes stop jobs with it) stopping it
// between steps.
void execute(Run& run) {
    std::vector<Engine*> engines;
    for (auto& engine : run.engines) engines.push_back(engine.get());
    const CancelOnInterrupt cancel(engines);
    batch::WorkerHooks hooks;
    hooks.should_stop = [] { return interrupted(); };
    hooks.on_failure = [&run] {
        for (auto& engine : run.engines) engine->cancel();
    };
    if (interrupted()) return;  // during loading
    batch::run_workers(
        int(run.engines.size()), run.items.size(),
        [&run](int worker, size_t item) { render(run, worker, run.items[item]); }, hooks);
}

// Images per second once every engine has made its first image (model hashing, CUDA graph
// capture and autotuning happen then), so runs on 1 and N devices compare at working pace.
double steady_images_per_second(const std::vector<WorkerStats>& stats) {
    Clock::time_point warm{}, end{};
    for (const auto& s : stats)
        if (!s.finished.empty()) {
            warm = std::max(warm, s.finished.front());
            end = std::max(end, s.finished.back());
        }
    int images = 0;
    for (const auto& s : stats)
        for (const auto& t : s.finished) images += t > warm ? 1 : 0;
    const double span = seconds_between(warm, end);
    return images > 0 && span > 0 ? images / span : 0;
}

std::string device_name(const std::string& id) {
    for (const auto& device : list_devices())
        if (device.id == id || (id == "cuda" && device.id == "cuda:0")) return device.name;
    return id;
}

nlohmann::json device_report(const Run& run, size_t worker) {
    const WorkerStats& s = run.stats[worker];
    const double gib = double(uint64_t(1) << 30);
    return {{"device", s.device},
            {"name", device_name(s.device)},
            {"dtype", to_string(run.engines[worker]->options().precision)},
            {"images", s.images},
            {"busy_seconds", s.busy_seconds},
            {"seconds_per_image", s.images ? s.busy_seconds / s.images : 0.0},
            {"peak_allocated_gib", peak_device_memory(s.device) / gib},
            {"reserved_gib", reserved_device_memory(s.device) / gib}};
}

struct Timings {
    double load_seconds = 0;
    double generation_seconds = 0;
};

nlohmann::json summary(const Run& run, const Plan& plan, const batch::Shard& shard,
                       const Timings& timings) {
    nlohmann::json devices = nlohmann::json::array();
    for (size_t i = 0; i < run.stats.size(); ++i) devices.push_back(device_report(run, i));
    const int images = run.done.load();
    return {{"version", program_version()},
            {"manifest", run.args.manifest},
            {"out", run.args.out_dir},
            {"shard", shard.label()},
            {"images", images},
            {"already_done", plan.already_done},
            {"bad_lines", plan.bad_lines},
            {"failed_lines", run.failed_lines},
            {"interrupted", interrupted()},
            {"discard_images", run.args.discard_images},
            {"load_seconds", timings.load_seconds},
            {"generation_seconds", timings.generation_seconds},
            {"images_per_second",
             timings.generation_seconds > 0 ? images / timings.generation_seconds : 0.0},
            {"steady_images_per_second", steady_images_per_second(run.stats)},
            {"devices", devices}};
}

void write_json(const std::string& path, const nlohmann::json& report) {
    const std::string text = report.dump(2) + "\n";
    AtomicFile file(path);
    file.write(text.data(), text.size());
    file.commit();
}

fs::path create_output_folder(const std::string& out_dir) {
    std::error_code error;
    fs::create_directories(out_dir, error);
    if (!fs::is_directory(out_dir))
        throw UsageError("--out: cannot create the folder '" + out_dir + "'" +
                         (error ? ": " + error.message() : ""));
    return fs::path(out_dir);
}

int finish(const Run& run, const Plan& plan, const batch::Shard& shard, const Timings& timings) {
    const auto report = summary(run, plan, shard, timings);
    if (!run.args.json.empty()) write_json(run.args.json, report);
    const size_t problems = plan.bad_lines.size() + run.failed_lines.size();
    say("lightning: " + counted(run.done.load(), "image") + " in " +
        fixed(timings.generation_seconds) + " s (" + fixed(report["images_per_second"], 3) +
        " images/s; " + std::to_string(plan.already_done) + " already done" +
        (problems ? "; lines with problems: " + std::to_string(problems) : "") + ")");
    if (interrupted()) {
        say("lightning: interrupted; finished images are kept, a re-run resumes");
        return kInterruptedExit;
    }
    return problems ? 1 : 0;
}

}  // namespace

std::vector<std::string> resolve_devices(const std::vector<std::string>& devices) {
    if (devices != std::vector<std::string>{"all"}) return devices;
    std::vector<std::string> cuda;
    for (const auto& device : list_devices())
        if (device.id != "cpu") cuda.push_back(device.id);
    if (cuda.empty()) throw UsageError("--devices all: no CUDA device found");
    return cuda;
}

int run_batch(const BatchArgs& args) {
    const batch::Shard shard = choose_shard(args);
    std::set<int> bad_lines;
    auto lines = read_lines(args, shard, bad_lines);
    if (args.strict && !bad_lines.empty())
        throw UsageError(std::to_string(bad_lines.size()) +
                         " bad line(s) in the manifest (--strict: nothing was generated)");
    const fs::path out = create_output_folder(args.out_dir);
    const std::string log_path = (out / batch::results_file_name(shard)).string();
    batch::ResultsLog log(log_path);
    Plan plan = plan_images(args, lines, log);
    plan.bad_lines.insert(bad_lines.begin(), bad_lines.end());
    if (args.strict && !plan.bad_lines.empty())
        throw UsageError("existing images of other settings (--strict: nothing was generated)");
    if (plan.pending.empty()) {
        say("lightning: nothing to do: " + counted(plan.already_done, "image") +
            " of this shard already exist");
        return plan.bad_lines.empty() ? 0 : 1;
    }
    check_output_space(args, plan, log_path);
    std::set<std::string> pending_files;
    for (const auto& item : plan.pending) pending_files.insert(item.file);
    batch_files::remove_stale_temporaries(out.string(), pending_files);

    const auto devices = resolve_devices(args.devices);
    // From here on SIGINT/SIGTERM stop at the next check: exit 130 with engines joined.
    const InterruptGuard guard;
    const auto load_start = Clock::now();
    auto engines = load_engines(args, devices);
    Timings timings;
    timings.load_seconds = seconds_between(load_start, Clock::now());
    check_with_model(args, *engines.front(), lines, plan);
    if (args.strict && !plan.bad_lines.empty())
        throw UsageError("bad line(s) for this model (--strict: nothing was generated)");

    say("lightning: " + counted(plan.pending.size(), "image") + " to make (" +
        std::to_string(plan.already_done) + " already done) on " +
        counted(devices.size(), "engine"));
    Run run{args, plan.pending, engines, log, {}, {}, {}, {}};
    for (const auto& device : devices) run.stats.push_back(WorkerStats{device, 0, 0, {}});
    const auto start = Clock::now();
    execute(run);
    timings.generation_seconds = seconds_between(start, Clock::now());
    return finish(run, plan, shard, timings);
}

}  // namespace lightning::cli
