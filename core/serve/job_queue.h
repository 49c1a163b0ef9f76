// The queue of `lightning serve`: requests from any client, bounded, run one at a time on each
// engine (one engine per device, as `lightning batch --devices`). Every accepted job ends in
// exactly one of Done, Failed or Cancelled, and its images (PNG bytes with the `parameters`
// chunk) stay readable until it is one of the `max_kept` most recent finished jobs no more.
// Qt-free and HTTP-free: core/serve/http_server.h puts the routes in front of it.
#pragma once
#include "core/engine/engine.h"
#include "core/serve/api_requests.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace lightning::serve {

enum class JobState { Queued, Running, Done, Failed, Cancelled };
const char* to_string(JobState state);
inline bool is_final(JobState state) {
    return state == JobState::Done || state == JobState::Failed || state == JobState::Cancelled;
}

// Bytes shared between the job and the copies of its status (a copy costs no image copy).
using SharedBytes = std::shared_ptr<const std::vector<unsigned char>>;

struct JobImage {
    SharedBytes png;         // with the parameters chunk
    std::string parameters;  // that chunk's text
    uint64_t seed = 0;
};

// One finished step. Only the last kKeptPreviews steps keep their preview: a client of the
// event stream that falls further behind gets those steps without it.
struct StepRecord {
    int image_index = 0;
    int step = 0;  // 1-based
    int total_steps = 0;
    double seconds = 0;
    SharedBytes preview;  // null: none (previews off, decode failed, or dropped)
};
inline constexpr size_t kKeptPreviews = 16;

// A job as clients see it (a copy: reading it takes no lock).
struct JobStatus {
    std::string id;
    JobState state = JobState::Queued;
    GenerationRequest request;  // as the engine runs it (client images as "init image"/"mask")
    int image_index = 0;        // the image being made
    int batch = 1;
    int steps_done = 0;  // of the image being made
    int total_steps = 0;
    double seconds_per_step = 0;    // the latest step's
    SharedBytes preview_png;        // the latest step's preview PNG; null: none
    std::vector<StepRecord> steps;  // every step so far, in order (the event stream's source)
    std::vector<JobImage> images;
    std::vector<std::string> warnings;
    std::string error;     // Failed: what went wrong, in words a client may see
    uint64_t version = 0;  // grows with every change (waiting for the next one)

    double progress() const;     // 0..1 over the whole batch
    double eta_seconds() const;  // from the latest step time; 0 when unknown
};

// The queue has max_queued jobs waiting already (HTTP 503, try later).
class QueueFull : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};
// shutdown() has begun: no job is taken any more.
class ShuttingDown : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct QueueOptions {
    size_t max_queued = 16;  // jobs waiting (running ones not counted)
    // Finished jobs kept for GET /v1/jobs/ID (images included); the oldest are forgotten. The
    // A1111 and OpenAI routes forget theirs once answered.
    size_t max_kept = 64;
    std::string work_dir;  // a private folder: client images live there while their job does
    // Server paths that may appear in an error (model files, work_dir) and what a client sees
    // in their place.
    std::vector<std::pair<std::string, std::string>> redactions;
};

class JobQueue {
public:
    JobQueue(std::vector<std::unique_ptr<Engine>> engines, QueueOptions options);
    ~JobQueue();  // shutdown()
    JobQueue(const JobQueue&) = delete;
    JobQueue& operator=(const JobQueue&) = delete;

    // Checks `api` (limits, the model, the client images) and queues it; returns the job's id.
    // Throws lightning::Error (a bad request, already redacted), QueueFull or ShuttingDown.
    std::string submit(ApiRequest api);
    std::optional<JobStatus> status(const std::string& id) const;
    // The status once its version is above `seen` or it is final, or when `timeout` passed.
    std::optional<JobStatus> wait(const std::string& id, uint64_t seen,
                                  std::chrono::milliseconds timeout) const;
    // The final status (the job must exist). `abandoned`, asked a few times a second, says
    // that nobody waits for it any more (its client hung up): the job is then cancelled.
    JobStatus wait_final(const std::string& id, const std::function<bool()>& abandoned = {});
    // Drops a final job now (a route that answered with its images keeps no copy).
    void forget(const std::string& id);
    bool cancel(const std::string& id);               // false: no such job
    int cancel_running();                             // A1111's interrupt: the running jobs
    std::optional<JobStatus> latest_running() const;  // the one started last
    size_t queued() const;
    size_t running() const;
    // Jobs ended so far in each final state, images and steps made (for /health and /metrics).
    struct Totals {
        uint64_t done = 0, failed = 0, cancelled = 0, images = 0;
        uint64_t steps = 0;         // denoising steps run, on every engine
        double step_seconds = 0.0;  // their time together
    };
    Totals totals() const;
    // Stops taking jobs (submit throws ShuttingDown); the jobs taken still run. idle(): none
    // waits or runs any more.
    void stop_taking();
    bool taking() const;
    bool idle() const;
    // Stops taking jobs, cancels the waiting and the running ones (each ends Cancelled) and joins
    // the workers. Idempotent.
    void shutdown();

    const Engine& engine() const { return *engines_.front(); }
    std::string redacted(std::string text) const;

private:
    struct Job;
    void work(Engine& engine);
    void run(Engine& engine, Job& job);
    void write_client_images(Job& job, const ClientImages& images);
    template <typename Change>
    void update(Job& job, Change&& change);
    void finish(Job& job, JobState state, const std::string& error);
    void forget_old_jobs();  // with the lock held

    std::vector<std::unique_ptr<Engine>> engines_;
    QueueOptions options_;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;  // some job changed
    std::condition_variable work_ready_;
    std::deque<std::shared_ptr<Job>> waiting_;
    std::map<std::string, std::shared_ptr<Job>> jobs_;
    std::deque<std::string> finished_;  // ids, oldest first
    size_t running_ = 0;
    uint64_t started_ = 0;  // jobs started so far (to find the latest running one)
    Totals totals_;
    bool closing_ = false;
    bool draining_ = false;  // stop_taking()
    std::vector<std::thread> workers_;
};

}  // namespace lightning::serve
