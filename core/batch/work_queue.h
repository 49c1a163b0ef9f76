// Several engines on one host (`lightning batch --devices cuda:0,cuda:1`): one thread per
// engine, each taking the next item nobody has taken yet, so a faster or less loaded device
// simply does more, and every item runs exactly once.
#pragma once
#include <cstddef>
#include <functional>

namespace lightning::batch {

struct WorkerHooks {
    // Polled before each item is taken: true ends the taking of new items (Ctrl+C, --strict).
    std::function<bool()> should_stop;
    // Called once, from the failing thread, when work() throws: e.g. cancels the other
    // engines' running images instead of letting them finish.
    std::function<void()> on_failure;
};

// Runs work(worker, item) for each item in [0, items) on `workers` threads (worker = 0 ..
// workers-1). After the first exception from work() no thread takes another item; the
// exception is rethrown here once every thread has finished. Returns how many items ran.
size_t run_workers(int workers, size_t items,
                   const std::function<void(int worker, size_t item)>& work,
                   const WorkerHooks& hooks = {});

}  // namespace lightning::batch
