#include "app/cli/interrupt.h"

#include "core/engine/engine.h"

#include <array>
#include <atomic>
#include <csignal>

#include <unistd.h>

namespace lightning::cli {
namespace {

std::atomic<bool> g_interrupted{false};
std::array<std::atomic<Engine*>, 64> g_engines{};

// Async-signal-safe: atomic stores, write() and raise() only (Engine::cancel sets an atomic
// flag). A second signal ends the process at once, for a load that takes too long to wait for.
extern "C" void on_interrupt(int signal) {
    if (g_interrupted.exchange(true)) {
        std::signal(signal, SIG_DFL);
        std::raise(signal);
        return;
    }
    static const char kNote[] = "lightning: stopping (press Ctrl+C again to quit at once)\n";
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, kNote, sizeof kNote - 1);
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

CancelOnInterrupt::CancelOnInterrupt(const std::vector<Engine*>& engines) {
    for (size_t i = 0; i < engines.size() && i < g_engines.size(); ++i) g_engines[i] = engines[i];
    if (g_interrupted)  // the signal came before the engines were handed over
        for (Engine* engine : engines) engine->cancel();
}

CancelOnInterrupt::~CancelOnInterrupt() {
    for (auto& slot : g_engines) slot = nullptr;
}

}  // namespace lightning::cli
