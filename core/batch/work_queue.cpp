#include "core/batch/work_queue.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace lightning::batch {

size_t run_workers(int workers, size_t items,
                   const std::function<void(int worker, size_t item)>& work,
                   const WorkerHooks& hooks) {
    std::atomic<size_t> next{0};
    std::atomic<size_t> ran{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first_failure;
    std::mutex failure_mutex;

    auto worker_loop = [&](int worker) {
        while (!failed && !(hooks.should_stop && hooks.should_stop())) {
            const size_t item = next.fetch_add(1);
            if (item >= items) return;
            try {
                work(worker, item);
                ++ran;
            } catch (...) {
                std::lock_guard<std::mutex> lock(failure_mutex);
                if (!first_failure) {
                    first_failure = std::current_exception();
                    failed = true;
                    if (hooks.on_failure) hooks.on_failure();
                }
                return;
            }
        }
    };
    std::vector<std::thread> threads;
    for (int worker = 0; worker < workers; ++worker) threads.emplace_back(worker_loop, worker);
    for (auto& thread : threads) thread.join();
    if (first_failure) std::rethrow_exception(first_failure);
    return ran;
}

}  // namespace lightning::batch
