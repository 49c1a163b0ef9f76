#include "core/serve/job_queue.h"

#include "core/image/image_file.h"
#include "core/image/png.h"
#include "core/request/limits.h"
#include "core/util/error.h"
#include "core/util/log.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

namespace lightning::serve {
namespace fs = std::filesystem;

const char* to_string(JobState state) {
    switch (state) {
        case JobState::Queued:
            return "queued";
        case JobState::Running:
            return "running";
        case JobState::Done:
            return "done";
        case JobState::Failed:
            return "failed";
        case JobState::Cancelled:
            return "cancelled";
    }
    return "unknown";
}

double JobStatus::progress() const {
    if (state == JobState::Done) return 1.0;
    if (total_steps <= 0 || batch <= 0) return 0.0;
    return (image_index + double(steps_done) / total_steps) / batch;
}

double JobStatus::eta_seconds() const {
    if (is_final(state) || total_steps <= 0) return 0.0;
    const int left = (batch - image_index) * total_steps - steps_done;
    return left * seconds_per_step;
}

struct JobQueue::Job {
    JobStatus status;
    std::atomic<bool> cancel{false};
    fs::path folder;  // its client images ("" = none)
    uint64_t started = 0;
};

namespace {

// 128 random bits as hex: ids clients cannot guess (one client may not cancel another's job).
std::string new_id() {
    static std::mutex mutex;
    static std::random_device device;
    const std::lock_guard lock(mutex);
    std::string id;
    for (int i = 0; i < 4; ++i) {
        char part[9];
        std::snprintf(part, sizeof part, "%08x", unsigned(device()));
        id += part;
    }
    return id;
}

void write_bytes(const fs::path& path, const std::vector<unsigned char>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!out.flush()) throw Error("server", "cannot store a client image (disk full?)");
}

}  // namespace

JobQueue::JobQueue(std::vector<std::unique_ptr<Engine>> engines, QueueOptions options)
    : engines_(std::move(engines)), options_(std::move(options)) {
    if (engines_.empty()) throw Error("serve", "no engine");
    for (auto& engine : engines_) workers_.emplace_back([this, e = engine.get()] { work(*e); });
}

JobQueue::~JobQueue() {
    shutdown();
}

std::string JobQueue::redacted(std::string text) const {
    for (const auto& [path, shown] : options_.redactions) {
        if (path.empty()) continue;
        for (size_t at = text.find(path); at != std::string::npos; at = text.find(path, at))
            text.replace(at, path.size(), shown), at += shown.size();
    }
    return text;
}

// Client images become files of the job's own folder, named as the record names them.
void JobQueue::write_client_images(Job& job, const ClientImages& images) {
    if (images.init_image.empty() && images.mask.empty()) return;
    if (images.init_image.empty()) throw Error("mask", "a mask needs an input image");
    job.folder = fs::path(options_.work_dir) / job.status.id;
    fs::create_directories(job.folder);
    RefineInput& input = job.status.request.input;
    input.image =
        (job.folder / ("init_image" + image_extension(images.init_image, "init image"))).string();
    write_bytes(input.image, images.init_image);
    if (!images.mask.empty()) {
        input.mask = (job.folder / ("mask" + image_extension(images.mask, "mask"))).string();
        write_bytes(input.mask, images.mask);
    }
}

std::string JobQueue::submit(ApiRequest api) {
    auto job = std::make_shared<Job>();
    job->status.id = new_id();
    job->status.request = std::move(api.request);
    job->status.warnings = std::move(api.warnings);
    GenerationRequest& request = job->status.request;
    try {
        refuse_server_paths(request);
        write_client_images(*job, api.images);
        // Client images are decoded once now, so that a broken one is a bad request.
        if (request.refines() && engine().options().read_image) {
            const Image8 input = engine().options().read_image(request.input.image);
            if (!request.input.mask.empty()) engine().options().read_image(request.input.mask);
            if (api.size_from_input) {
                request.width = input.width - input.width % 8;
                request.height = input.height - input.height % 8;
            }
        }
        limits::validate(request);
        engine().validate(request);
    } catch (const Error& e) {
        std::error_code ignored;
        std::string text = e.what();
        if (!job->folder.empty()) {
            fs::remove_all(job->folder, ignored);
            const std::string folder = job->folder.string() + "/";
            for (auto at = text.find(folder); at != std::string::npos; at = text.find(folder))
                text.erase(at, folder.size());
        }
        throw Error("", redacted(text));
    }
    job->status.batch = request.batch;
    std::unique_lock lock(mutex_);
    if (closing_ || draining_ || waiting_.size() >= options_.max_queued) {
        const bool stopping = closing_ || draining_;
        lock.unlock();
        std::error_code ignored;
        if (!job->folder.empty()) fs::remove_all(job->folder, ignored);
        if (stopping)
            throw ShuttingDown(
                "the server is shutting down: it takes no new jobs; try again later");
        throw QueueFull("the queue is full (" + std::to_string(options_.max_queued) +
                        " jobs waiting); try again later");
    }
    waiting_.push_back(job);
    jobs_[job->status.id] = job;
    work_ready_.notify_one();
    return job->status.id;
}

template <typename Change>
void JobQueue::update(Job& job, Change&& change) {
    {
        const std::lock_guard lock(mutex_);
        change(job.status);
        ++job.status.version;
    }
    changed_.notify_all();
}

void JobQueue::finish(Job& job, JobState state, const std::string& error) {
    std::error_code ignored;
    if (!job.folder.empty()) fs::remove_all(job.folder, ignored);
    {
        const std::lock_guard lock(mutex_);
        job.status.state = state;
        job.status.error = error;
        ++job.status.version;
        ++(state == JobState::Done     ? totals_.done
           : state == JobState::Failed ? totals_.failed
                                       : totals_.cancelled);
        totals_.images += job.status.images.size();
        finished_.push_back(job.status.id);
        forget_old_jobs();
    }
    changed_.notify_all();
}

void JobQueue::forget_old_jobs() {
    while (finished_.size() > options_.max_kept) {
        jobs_.erase(finished_.front());
        finished_.pop_front();
    }
}

void JobQueue::work(Engine& engine) {
    for (;;) {
        std::shared_ptr<Job> job;
        {
            std::unique_lock lock(mutex_);
            work_ready_.wait(lock, [&] { return closing_ || !waiting_.empty(); });
            if (waiting_.empty()) return;
            job = waiting_.front();
            waiting_.pop_front();
            ++running_;
            job->started = ++started_;
            job->status.state = JobState::Running;
            ++job->status.version;
        }
        changed_.notify_all();
        run(engine, *job);
        const std::lock_guard lock(mutex_);
        --running_;
    }
}

void JobQueue::run(Engine& engine, Job& job) {
    EngineCallbacks callbacks;
    callbacks.should_cancel = [&] { return job.cancel.load(); };
    callbacks.on_start = [&](const std::vector<std::string>& warnings) {
        update(job, [&](JobStatus& s) {
            s.warnings.insert(s.warnings.end(), warnings.begin(), warnings.end());
        });
    };
    callbacks.on_step = [&](const StepEvent& step) {
        SharedBytes preview;
        if (!step.preview.rgb.empty())
            preview = std::make_shared<const std::vector<unsigned char>>(
                encode_png(step.preview, {}, "preview"));
        update(job, [&](JobStatus& s) {
            ++totals_.steps;
            totals_.step_seconds += step.seconds;
            s.image_index = step.image_index;
            s.steps_done = step.step + 1;
            s.total_steps = step.total_steps;
            s.seconds_per_step = step.seconds;
            if (preview) s.preview_png = preview;
            s.steps.push_back(
                {step.image_index, step.step + 1, step.total_steps, step.seconds, preview});
            if (s.steps.size() > kKeptPreviews)
                s.steps[s.steps.size() - kKeptPreviews - 1].preview.reset();
        });
    };
    callbacks.on_image = [&](const ImageEvent& event) {
        JobImage image{std::make_shared<const std::vector<unsigned char>>(encode_image_file(
                           event.image->pixels, event.record, std::nullopt, "image")),
                       format_parameters(event.record), event.image->seed};
        update(job, [&](JobStatus& s) { s.images.push_back(std::move(image)); });
    };
    try {
        const EngineResult result = engine.generate(job.status.request, callbacks);
        // A cancel that came after the last image changes nothing: the job is done.
        finish(job, result.run.cancelled ? JobState::Cancelled : JobState::Done, "");
    } catch (const Cancelled&) {
        finish(job, JobState::Cancelled, "");
    } catch (const std::exception& e) {
        // Torch errors span lines (and name C++ sources): the first line says what happened.
        std::string text = e.what();
        if (const auto nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
        log().warn("serve: job {} failed: {}", job.status.id, text);
        finish(job, JobState::Failed, redacted(text));
    }
}

std::optional<JobStatus> JobQueue::status(const std::string& id) const {
    const std::lock_guard lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) return std::nullopt;
    return it->second->status;
}

std::optional<JobStatus> JobQueue::wait(const std::string& id, uint64_t seen,
                                        std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) return std::nullopt;
    const std::shared_ptr<Job> job = it->second;  // kept even if forgotten meanwhile
    changed_.wait_for(lock, timeout,
                      [&] { return job->status.version > seen || is_final(job->status.state); });
    return job->status;
}

JobStatus JobQueue::wait_final(const std::string& id, const std::function<bool()>& abandoned) {
    std::unique_lock lock(mutex_);
    const std::shared_ptr<Job> job = jobs_.at(id);
    const auto final = [&] { return is_final(job->status.state); };
    bool cancelled = false;
    while (!changed_.wait_for(lock, std::chrono::milliseconds(200), final)) {
        if (cancelled || !abandoned) continue;
        lock.unlock();
        if (abandoned()) {
            log().info("serve: job {} cancelled: its client hung up", id);
            cancel(id);
            cancelled = true;
        }
        lock.lock();
    }
    return job->status;
}

void JobQueue::forget(const std::string& id) {
    const std::lock_guard lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end() || !is_final(it->second->status.state)) return;
    jobs_.erase(it);
    std::erase(finished_, id);
}

bool JobQueue::cancel(const std::string& id) {
    std::shared_ptr<Job> job;
    {
        const std::lock_guard lock(mutex_);
        const auto it = jobs_.find(id);
        if (it == jobs_.end()) return false;
        job = it->second;
        job->cancel = true;
        if (job->status.state != JobState::Queued) return true;
        std::erase(waiting_, job);
    }
    finish(*job, JobState::Cancelled, "");
    return true;
}

int JobQueue::cancel_running() {
    const std::lock_guard lock(mutex_);
    int count = 0;
    for (auto& [id, job] : jobs_)
        if (job->status.state == JobState::Running) job->cancel = true, ++count;
    return count;
}

std::optional<JobStatus> JobQueue::latest_running() const {
    const std::lock_guard lock(mutex_);
    const Job* latest = nullptr;
    for (const auto& [id, job] : jobs_)
        if (job->status.state == JobState::Running && (!latest || job->started > latest->started))
            latest = job.get();
    if (!latest) return std::nullopt;
    return latest->status;
}

size_t JobQueue::queued() const {
    const std::lock_guard lock(mutex_);
    return waiting_.size();
}

size_t JobQueue::running() const {
    const std::lock_guard lock(mutex_);
    return running_;
}

void JobQueue::stop_taking() {
    const std::lock_guard lock(mutex_);
    draining_ = true;
}

bool JobQueue::taking() const {
    const std::lock_guard lock(mutex_);
    return !draining_ && !closing_;
}

bool JobQueue::idle() const {
    const std::lock_guard lock(mutex_);
    return waiting_.empty() && running_ == 0;
}

JobQueue::Totals JobQueue::totals() const {
    const std::lock_guard lock(mutex_);
    return totals_;
}

void JobQueue::shutdown() {
    std::deque<std::shared_ptr<Job>> waiting;
    {
        const std::lock_guard lock(mutex_);
        if (closing_ && workers_.empty()) return;
        closing_ = true;
        waiting.swap(waiting_);
        for (auto& [id, job] : jobs_) job->cancel = true;
    }
    for (auto& job : waiting) finish(*job, JobState::Cancelled, "");
    work_ready_.notify_all();
    for (auto& worker : workers_) worker.join();
    workers_.clear();
}

}  // namespace lightning::serve
