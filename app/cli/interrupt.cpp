#include "app/cli/interrupt.h"

#include "core/engine/engine.h"

#include <array>
#include <atomic>
#include <csignal>

#include <unistd.h>

namespace lightning::cli {
namespace {

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signals{0};
std::atomic<bool> g_count_repeated{false};
std::atomic<bool> g_json_notes{false};
std::array<std::atomic<Engine*>, 64> g_engines{};

void note(const char* text, size_t length) {
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, text, length);
}

// Async-signal-safe: atomic stores, write() and raise() only (Engine::cancel sets an atomic
// flag). A second signal ends the process at once, for a load that takes too long to wait for,
// unless count_repeated_signals() asked for it to be counted.
extern "C" void on_interrupt(int signal) {
    const int count = ++g_signals;
    if (g_interrupted.exchange(true)) {
        if (g_count_repeated) {
            static const char kCancel[] = "lightning: cancelling the jobs\n";
            static const char kCancelJson[] =
                R"({"level":"info","message":"lightning: cancelling the jobs"})"
                "\n";
            if (count == 2 && g_json_notes) note(kCancelJson, sizeof kCancelJson - 1);
            if (count == 2 && !g_json_notes) note(kCancel, sizeof kCancel - 1);
            return;
        }
        std::signal(signal, SIG_DFL);
        std::raise(signal);
        return;
    }
    static const char kNote[] = "lightning: stopping (press Ctrl+C again to quit at once)\n";
    static const char kDrain[] =
        "lightning: stopping after the jobs taken (press Ctrl+C again to cancel them)\n";
    static const char kDrainJson[] =
        "{\"level\":\"info\",\"message\":\"lightning: stopping after the jobs taken (a "
        "second signal cancels them)\"}\n";
    if (g_count_repeated && g_json_notes)
        note(kDrainJson, sizeof kDrainJson - 1);
    else if (g_count_repeated)
        note(kDrain, sizeof kDrain - 1);
    else
        note(kNote, sizeof kNote - 1);
    for (auto& engine : g_engines)
        if (Engine* e = engine.load()) e->cancel();
}

}  // namespace

InterruptGuard::InterruptGuard() {
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
}

InterruptGuard::~InterruptGuard() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

bool interrupted() {
    return g_interrupted.load();
}

void count_repeated_signals(bool json_notes) {
    g_json_notes = json_notes;
    g_count_repeated = true;
}

int interrupt_count() {
    return g_signals.load();
}

CancelOnInterrupt::CancelOnInterrupt(const std::vector<Engine*>& engines) {
    for (size_t i = 0; i < engines.size() && i < g_engines.size(); ++i) g_engines[i] = engines[i];
    if (g_interrupted)  // the signal came before the engines were handed over
        for (Engine* engine : engines) engine->cancel();
}

CancelOnInterrupt::~CancelOnInterrupt() {
    for (auto& slot : g_engines) slot = nullptr;
}

}  // namespace lightning::cli
