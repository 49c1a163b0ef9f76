// Live mode's scheduling policy (core/engine/live_scheduler.h) on a clock the test moves by
// hand: newest input wins, one job in flight, cancel on a newer input (but never two renders in
// a row, so input faster than renders still shows images), the grace period only
// for slow renders (0.25 s just over 1.5 s, never more than 3 s), nothing for an unchanged form.
#include "core/engine/live_scheduler.h"

#include <QtTest/QtTest>

#include <map>

using namespace lightning;
using Action = LiveScheduler::Action;

namespace {

GenerationRequest text(const std::string& prompt) {
    GenerationRequest request;
    request.prompt = prompt;
    request.steps = 2;
    return request;
}

struct ManualClock {
    double now = 100;
    SecondsClock clock() {
        return [this] { return now; };
    }
};

// Runs one render that takes `seconds` on the manual clock and completes.
void render(LiveScheduler& live, ManualClock& time, const std::string& prompt, double seconds) {
    live.input(text(prompt));
    auto start = live.poll();
    if (start.action == Action::Wait) {  // the grace period after a slow render
        time.now += start.wait_seconds;
        start = live.poll();
    }
    QCOMPARE(start.action, Action::Start);
    time.now += seconds;
    QVERIFY(live.finished(start.input, true));
}

}  // namespace

class TestLiveScheduler : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void first_input_starts_at_once() {
        ManualClock time;
        LiveScheduler live(time.clock());
        QCOMPARE(live.poll().action, Action::Idle);
        const uint64_t input = live.input(text("a cat"));
        QCOMPARE(input, uint64_t(1));
        const auto decision = live.poll();
        QCOMPARE(decision.action, Action::Start);
        QCOMPARE(decision.input, input);
        QCOMPARE(decision.request.prompt, std::string("a cat"));
        QVERIFY(live.running());
        QCOMPARE(live.poll().action, Action::Idle);  // one job in flight
    }

    void newer_input_cancels_once_and_the_newest_runs_next() {
        ManualClock time;
        LiveScheduler live(time.clock());
        live.input(text("a"));
        const auto first = live.poll();
        for (const char* prompt : {"a c", "a ca", "a cat"}) live.input(text(prompt));
        const auto cancel = live.poll();
        QCOMPARE(cancel.action, Action::Cancel);
        QCOMPARE(cancel.input, first.input);
        QCOMPARE(live.poll().action, Action::Idle);   // said once; waits for the job to stop
        QVERIFY(!live.finished(first.input, false));  // cancelled: nothing to show
        const auto next = live.poll();
        QCOMPARE(next.action, Action::Start);
        QCOMPARE(next.request.prompt, std::string("a cat"));
        QVERIFY(live.finished(next.input, true));
        QCOMPARE(live.shown_input(), next.input);
        QCOMPARE(live.started_jobs(), 2);
    }

    void the_render_after_a_cancel_finishes_so_fast_input_still_shows_images() {
        ManualClock time;
        LiveScheduler live(time.clock());
        render(live, time, "warm", 0.2);  // fast renders: no grace period
        // An input every 0.04 s for 4 s; renders take 0.2 s and stop at once when cancelled.
        const double render_time = 0.2, interval = 0.04;
        int images = 0, cancels = 0;
        uint64_t running = 0;
        double render_ends = 0, worst_wait = 0;
        std::map<uint64_t, double> unseen;  // input -> when it was made, until it (or a newer
                                            // one) is on screen
        for (int tick = 0; tick < 100; ++tick) {
            unseen[live.input(text("prompt " + std::to_string(tick)))] = time.now;
            for (auto d = live.poll(); d.action != Action::Idle; d = live.poll()) {
                if (d.action == Action::Cancel) {
                    ++cancels;
                    QVERIFY(!live.finished(running, false));
                } else {
                    QCOMPARE(d.action, Action::Start);
                    running = d.input;
                    render_ends = time.now + render_time;
                }
            }
            time.now += interval;
            if (running && time.now >= render_ends - 1e-9) {
                QVERIFY(live.finished(running, true));
                ++images;
                for (auto it = unseen.begin(); it != unseen.end() && it->first <= running;)
                    worst_wait = std::max(worst_wait, time.now - it->second), it = unseen.erase(it);
                running = 0;
            }
        }
        qInfo(
            "100 inputs %.2f s apart, %.1f s renders: %d images, %d cancels, longest wait "
            "from an input to it or a newer one on screen %.2f s",
            interval, render_time, images, cancels, worst_wait);
        QVERIFY(cancels <= images + 1);  // never two cancels in a row
        QVERIFY(images >= int(100 * interval / (2 * render_time)) - 1);
        QVERIFY(worst_wait <= 2 * render_time + 2 * interval + 1e-9);
    }

    void a_job_that_finished_despite_the_cancel_is_shown() {
        ManualClock time;
        LiveScheduler live(time.clock());
        live.input(text("a"));
        const auto first = live.poll();
        live.input(text("b"));
        QCOMPARE(live.poll().action, Action::Cancel);
        // The cancel came after its last step: the image exists and is newer than any shown.
        QVERIFY(live.finished(first.input, true));
        QCOMPARE(live.poll().request.prompt, std::string("b"));
    }

    void unchanged_request_starts_nothing() {
        ManualClock time;
        LiveScheduler live(time.clock());
        render(live, time, "a cat", 0.2);
        QCOMPARE(live.input(text("a cat")), uint64_t(0));
        QCOMPARE(live.poll().action, Action::Idle);
        // Typed and undone while running: the running job already draws it.
        live.input(text("a dog"));
        const auto dog = live.poll();
        live.input(text("a dogs"));
        QCOMPARE(live.input(text("a dog")), uint64_t(0));
        QCOMPARE(live.poll().action, Action::Idle);
        QVERIFY(live.finished(dog.input, true));
        QCOMPARE(live.started_jobs(), 2);
    }

    void no_grace_while_renders_are_fast() {
        ManualClock time;
        LiveScheduler live(time.clock());
        render(live, time, "a", 1.5);
        QCOMPARE(live.grace_seconds(), 0.0);
        live.input(text("b"));
        QCOMPARE(live.poll().action, Action::Start);
    }

    void grace_grows_with_slow_renders_and_is_capped() {
        ManualClock time;
        LiveScheduler live(time.clock());
        render(live, time, "a", 1.6);
        QVERIFY(live.grace_seconds() >= 0.25);
        QVERIFY(live.grace_seconds() < 0.3);
        render(live, time, "b", 6.0);
        QCOMPARE(live.grace_seconds(), 1.0);
        render(live, time, "c", 60.0);
        QCOMPARE(live.grace_seconds(), 3.0);
    }

    void slow_renders_wait_for_a_pause_in_typing() {
        ManualClock time;
        LiveScheduler live(time.clock());
        render(live, time, "x", 3.0);  // grace 0.5 s
        const double grace = live.grace_seconds();
        QCOMPARE(grace, 0.5);
        // Twenty keystrokes 0.1 s apart: nothing starts while typing goes on.
        std::string prompt;
        for (int i = 0; i < 20; ++i) {
            prompt += char('a' + i);
            live.input(text(prompt));
            const auto decision = live.poll();
            QCOMPARE(decision.action, Action::Wait);
            QCOMPARE(decision.wait_seconds, grace);
            time.now += 0.1;
        }
        time.now += grace;
        const auto start = live.poll();
        QCOMPARE(start.action, Action::Start);
        QCOMPARE(start.request.prompt, prompt);
        QCOMPARE(live.started_jobs(), 2);  // "x" and the final text
    }

    void a_cancelled_slow_render_raises_the_estimate() {
        ManualClock time;
        LiveScheduler live(time.clock());
        render(live, time, "a", 1.0);
        live.input(text("b"));
        const auto slow = live.poll();
        time.now += 4.0;
        live.input(text("c"));
        QCOMPARE(live.poll().action, Action::Cancel);
        QVERIFY(!live.finished(slow.input, false));
        QCOMPARE(live.render_seconds().value(), 4.0);
        QVERIFY(live.grace_seconds() > 0);
    }

    void reset_forgets_pending_and_running() {
        ManualClock time;
        LiveScheduler live(time.clock());
        live.input(text("a"));
        const auto first = live.poll();
        live.input(text("b"));
        live.reset();
        QVERIFY(!live.running());
        QVERIFY(!live.has_pending());
        QCOMPARE(live.poll().action, Action::Idle);
        QVERIFY(!live.finished(first.input, true));  // a late end of the forgotten job
    }
};

QTEST_GUILESS_MAIN(TestLiveScheduler)
#include "test_live_scheduler.moc"
