// Ctrl+C and SIGTERM (Slurm and Kubernetes stop jobs with it) for the commands that do long work.
// From the guard's construction on, a signal only sets a flag and cancels the engines handed
// over; the command then stops at its next check, cleans up (engines join their threads) and
// exits 130 whether the signal came while loading, between steps or while writing.
#pragma once
#include <vector>

namespace lightning {
class Engine;
}

namespace lightning::cli {

class InterruptGuard {
public:
    InterruptGuard();   // installs the handlers for SIGINT and SIGTERM
    ~InterruptGuard();  // restores the default actions
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;
};

// True once SIGINT or SIGTERM arrived under a guard.
bool interrupted();

// From now on a second signal is counted (interrupt_count() == 2) instead of ending the process
// at once: `lightning serve` drains its queue on the first and cancels the jobs on the second.
// `json_notes`: the handler's own notes are JSON log lines (--log-format json).
void count_repeated_signals(bool json_notes);
int interrupt_count();

// While it lives, the handler cancels these engines too (up to 64: one per device). Declare it
// after the engines, so that it goes before them.
class CancelOnInterrupt {
public:
    explicit CancelOnInterrupt(const std::vector<Engine*>& engines);
    ~CancelOnInterrupt();
    CancelOnInterrupt(const CancelOnInterrupt&) = delete;
    CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;
};

// The exit status of an interrupted command (128 + SIGINT, as shells report it).
inline constexpr int kInterruptedExit = 130;

}  // namespace lightning::cli
