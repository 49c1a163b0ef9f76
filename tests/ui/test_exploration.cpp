// Prompt exploration in the real MainWindow with the tiny fixture model on the CPU: live mode
// (coalescing on a hand-moved clock, responsiveness, keep), "Compare steps" against single runs,
// "More like this" seeds, seed modes, restoring an image made with weights and an embedding,
// and the first-time-user fixes (settings rows, window and queue across restarts, error
// summaries, ETA, tooltips and shortcuts). LIGHTNING_SCREENSHOT also writes the README's live
// and compare screenshots next to that file.
#include "core/image/image_file.h"
#include "core/image/png.h"
#include "core/request/limits.h"
#include "core/util/error.h"
#include "ui/error_text.h"
#include "ui/eta_estimate.h"
#include "ui/form/generation_form.h"
#include "ui/form/lora_panel.h"
#include "ui/gallery_widget.h"
#include "ui/image_convert.h"
#include "ui/live_mode.h"
#include "ui/main_window.h"
#include "ui/preview_pane.h"
#include "ui/prompt_box.h"
#include "ui/result_grid.h"
#include "ui/settings_dialog.h"
#include "ui/string_convert.h"

#include "support/fixtures.h"
#include "support/window_driving.h"

#include <QtTest/QtTest>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QStackedWidget>

#include <algorithm>
#include <memory>

using namespace lightning::ui;

namespace {

constexpr int kTimeoutMs = 120000;

QString fixture(const QString& name) {
    return QString::fromStdString(lightning::testing::fixtures_dir()) + u'/' + name;
}

template <class T>
T* child(QWidget* window, const char* name) {
    T* found = window->findChild<T*>(QString::fromLatin1(name));
    if (!found) qFatal("no child %s", name);
    return found;
}

QString parameters_of(const QString& png) {
    return to_qstring(lightning::read_png_text(to_std(png)).entries.at("parameters"));
}

std::vector<uint8_t> pixels_of(const QString& png) {
    return lightning::read_png(to_std(png)).rgb;
}

}  // namespace

class TestExploration : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void live_mode_coalesces_a_burst_and_shows_the_final_text();
    void typing_stays_responsive_during_live_generation();
    void live_images_are_saved_only_when_kept();
    void compare_renders_every_checkpoint_as_single_runs_do();
    void more_like_this_renders_the_next_seeds();
    void gallery_context_menu_offers_more_like_this();
    void a_queued_job_runs_before_further_live_renders();
    void the_seed_shown_is_the_seed_that_runs();
    void variations_grid_renders_n_variation_seeds();
    void image_with_weights_and_embedding_regenerates_bit_identically();
    void token_counter_counts_chunks_in_weighting_syntaxes();
    void token_counter_skips_lora_tags_and_counts_the_resolved_template();
    void thumbnail_size_survives_a_restart();
    void settings_rows_stay_put_while_typing_a_path();
    void maximised_window_and_pending_queue_survive_a_restart();
    void an_interrupted_variation_batch_resumes_with_its_variation_seeds();
    void errors_show_a_summary_with_details();
    void eta_is_shown_while_generating();
    void new_controls_have_tooltips_and_shortcuts();
    void screenshots_of_live_mode_and_compare();

private:
    void screenshots_of_variations_and_loras(const QDir& folder);
    EngineSettings tiny_engine() const;
    void store_engine(const EngineSettings& engine);
    void open_window(bool wait_for_model = true);
    void set_form(const QString& prompt, int steps, int width, int height, uint64_t seed);
    void set_prompt(const QString& prompt);
    void wait_idle();
    GalleryModel* gallery() const { return window_->gallery()->model(); }
    int live_jobs_started() const { return live_jobs_; }

    QTemporaryDir root_;
    QString gallery_dir_;
    int test_number_ = 0;
    double now_ = 1000;  // live mode's clock in these tests: moved by hand
    bool manual_clock_ = true;
    int live_jobs_ = 0;
    std::unique_ptr<MainWindow> window_;
};

void TestExploration::initTestCase() {
    QVERIFY(root_.isValid());
    lightning::testing::isolate_app(root_, QStringLiteral("test_exploration"));
}

void TestExploration::init() {
    QSettings().clear();
    gallery_dir_ = root_.filePath(QStringLiteral("gallery-%1").arg(++test_number_));
    store_engine(tiny_engine());
    manual_clock_ = true;
    live_jobs_ = 0;
}

void TestExploration::cleanup() {
    window_.reset();
}

EngineSettings TestExploration::tiny_engine() const {
    EngineSettings engine;
    engine.models.base = to_std(fixture(QStringLiteral("tiny-sdxl")));
    engine.models.lightning_dir = to_std(fixture(QStringLiteral("tiny-lightning")));
    engine.output_dir = gallery_dir_;
    engine.device = QStringLiteral("cpu");
    engine.precision = lightning::Precision::FP32;
    engine.preview = lightning::PreviewMode::Reduced;
    return engine;
}

void TestExploration::store_engine(const EngineSettings& engine) {
    QSettings settings;
    save_engine_settings(settings, engine);
}

void TestExploration::open_window(bool wait_for_model) {
    lightning::SecondsClock clock = lightning::steady_clock_seconds;
    if (manual_clock_) clock = [this] { return now_; };
    window_ = std::make_unique<MainWindow>(nullptr, clock);
    connect(window_->controller(), &GenerationController::jobStarted, this,
            [this](const GenerationJob& job) { live_jobs_ += job.purpose == JobPurpose::Live; });
    window_->show();
    window_->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window_.get()));
    if (wait_for_model) {
        QTRY_VERIFY_WITH_TIMEOUT(
            window_->controller()->model_state() != GenerationController::ModelState::Loading,
            kTimeoutMs);
        QCOMPARE(window_->controller()->model_state(), GenerationController::ModelState::Ready);
    }
}

void TestExploration::set_prompt(const QString& prompt) {
    auto* editor = child<QPlainTextEdit>(window_.get(), "promptEdit");
    editor->clear();
    QTest::keyClicks(editor, prompt);
}

void TestExploration::set_form(const QString& prompt, int steps, int width, int height,
                               uint64_t seed) {
    set_prompt(prompt);
    auto* combo = child<QComboBox>(window_.get(), "stepsCombo");
    combo->setCurrentIndex(combo->findData(steps, Qt::UserRole));
    auto* size = child<QComboBox>(window_.get(), "sizeCombo");
    size->setCurrentIndex(size->count() - 1);  // Custom
    child<QSpinBox>(window_.get(), "widthSpin")->setValue(width);
    child<QSpinBox>(window_.get(), "heightSpin")->setValue(height);
    auto* seed_edit = child<QLineEdit>(window_.get(), "seedEdit");
    seed_edit->clear();
    QTest::keyClicks(seed_edit, QString::number(seed));
}

void TestExploration::wait_idle() {
    QTRY_VERIFY_WITH_TIMEOUT(
        !window_->controller()->busy() && window_->controller()->queue()->count() == 0, kTimeoutMs);
}

// ---------------------------------------------------------------------------------- live mode

void TestExploration::live_mode_coalesces_a_burst_and_shows_the_final_text() {
    open_window();
    set_form(QStringLiteral("a red fox"), 2, 64, 64, 7);
    QSignalSpy shown(window_.get(), &MainWindow::liveResultShown);
    window_->set_live(true);
    QTRY_VERIFY(window_->live_mode()->scheduler().running());
    // The first render takes 2 s on the scheduler's clock: renders are "slow", so the next
    // input waits for a pause in the typing (the grace period).
    now_ += 2.0;
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kTimeoutMs);
    const double grace = window_->live_mode()->scheduler().grace_seconds();
    QVERIFY2(grace > 0.25, qPrintable(QString::number(grace)));
    const int started_before = live_jobs_started();

    // A burst of 20 edits, one keystroke every 50 ms of the clock, the event loop running.
    auto* editor = child<QPlainTextEdit>(window_.get(), "promptEdit");
    const QString typed = QStringLiteral(" in deep snow, dusk");
    QCOMPARE(typed.size(), 19);
    for (int i = 0; i < 20; ++i) {
        if (i < typed.size())
            QTest::keyClick(editor, typed[i].toLatin1());
        else
            QTest::keyClick(editor, Qt::Key_Exclam);
        now_ += 0.05;
        QTest::qWait(5);
    }
    const QString final_text = editor->toPlainText();
    QCOMPARE(final_text, QStringLiteral("a red fox in deep snow, dusk!"));
    // The pause: the grace period passes on the clock.
    now_ += grace + 0.01;
    window_->live_mode()->poll();
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 2, kTimeoutMs);
    wait_idle();
    const int generations = live_jobs_started() - started_before;
    qInfo("a burst of 20 edits: %d live generation(s); grace %.3f s after a 2 s render",
          generations, grace);
    QVERIFY(generations >= 1);
    QVERIFY(generations <= 3);
    const auto last = shown.last()[0].value<GalleryItem>();
    QCOMPARE(to_qstring(last.record.request.prompt), final_text);
    QCOMPARE(last.record.request.seed, uint64_t(7));
    QCOMPARE(window_->preview()->image().size(), QSize(64, 64));

    // Renders are fast now (the last took no time on this clock): no grace period, so the
    // burst's first edit starts at once and the second cancels it. The render that replaces it
    // runs to its end whatever comes, then the final text: at most 3. The burst is typed without
    // running the event loop, so no render can finish inside it (on a quiet machine a 64² render
    // is shorter than a keystroke's qWait, and each finished one would let the next start).
    QCOMPARE(window_->live_mode()->scheduler().grace_seconds(), 0.0);
    const int fast_before = live_jobs_started();
    const int shown_before = int(shown.count());
    for (int i = 0; i < 20; ++i) {
        QTest::keyClick(editor, Qt::Key_Backspace);
        now_ += 0.05;
    }
    const QString fast_final = editor->toPlainText();
    QCOMPARE(fast_final, QStringLiteral("a red fox"));
    QTRY_VERIFY_WITH_TIMEOUT(
        shown.count() > shown_before &&
            to_qstring(shown.last()[0].value<GalleryItem>().record.request.prompt) == fast_final,
        kTimeoutMs);
    wait_idle();
    const int fast_generations = live_jobs_started() - fast_before;
    qInfo("a burst of 20 edits with fast renders: %d live generation(s), %d shown",
          fast_generations, int(shown.count()) - shown_before);
    QVERIFY(fast_generations >= 1);
    QVERIFY(fast_generations <= 3);
    QCOMPARE(to_qstring(shown.last()[0].value<GalleryItem>().record.request.prompt), fast_final);
    // Live images are not saved.
    QCOMPARE(gallery()->rowCount(), 0);
    QVERIFY(QDir(gallery_dir_).entryList({QStringLiteral("*.png")}).isEmpty());
}

void TestExploration::typing_stays_responsive_during_live_generation() {
    manual_clock_ = false;  // real time: renders run while typing goes on
    open_window();
    set_form(QStringLiteral("a lighthouse"), 4, 256, 256, 11);
    QSignalSpy shown(window_.get(), &MainWindow::liveResultShown);
    window_->set_live(true);
    QTRY_VERIFY(window_->live_mode()->scheduler().running());

    QElapsedTimer clock;
    qint64 last = 0, worst_gap = 0, worst_key = 0;
    int ticks = 0;
    QTimer timer;
    timer.setInterval(10);
    connect(&timer, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        worst_gap = std::max(worst_gap, now - last);
        last = now;
        ++ticks;
    });
    clock.start();
    timer.start();
    auto* editor = child<QPlainTextEdit>(window_.get(), "promptEdit");
    const QString typed = QStringLiteral(" on a cliff at dusk, waves below");
    int keys_during_render = 0;
    for (const QChar c : typed) {
        keys_during_render += window_->controller()->busy();
        const qint64 before = clock.elapsed();
        QTest::keyClick(editor, c.toLatin1());
        worst_key = std::max(worst_key, clock.elapsed() - before);
        QTest::qWait(40);  // about 25 keys a second
    }
    const qint64 typing_ms = clock.elapsed();
    const int typing_ticks = ticks;
    const qint64 typing_gap = worst_gap;
    const QString final_text = editor->toPlainText();
    QTRY_VERIFY_WITH_TIMEOUT(
        !shown.isEmpty() &&
            to_qstring(shown.last()[0].value<GalleryItem>().record.request.prompt) == final_text,
        kTimeoutMs);
    timer.stop();
    const qint64 total = clock.elapsed();
    qInfo(
        "typed %d keys (%d while a live render ran) in %lld ms: %d timer ticks, longest gap "
        "%lld ms, longest key handling %lld ms; until the final text was shown %lld ms: longest "
        "gap %lld ms; %d live renders started, %d shown",
        int(typed.size()), keys_during_render, typing_ms, typing_ticks, typing_gap, worst_key,
        total, worst_gap, live_jobs_started(), int(shown.count()));
    QVERIFY2(keys_during_render > typed.size() / 2, "renders did not overlap the typing");
    // As the window's responsiveness test: the timer keeps firing, no stall of a third of the
    // time, while typing and until the final image.
    QVERIFY2(typing_ticks >= typing_ms / 10 / 4, "the timer hardly fired while typing");
    QVERIFY2(typing_gap < std::max<qint64>(500, typing_ms / 3), "the GUI thread stalled");
    QVERIFY2(ticks >= total / 10 / 4, "the timer hardly fired: the GUI thread was blocked");
    QVERIFY2(worst_gap < std::max<qint64>(500, total / 3), "the GUI thread stalled");
    QCOMPARE(editor->toPlainText(), QStringLiteral("a lighthouse") + typed);
}

void TestExploration::live_images_are_saved_only_when_kept() {
    open_window();
    set_form(QStringLiteral("keep me"), 2, 64, 64, 21);
    QSignalSpy shown(window_.get(), &MainWindow::liveResultShown);
    QSignalSpy kept(window_.get(), &MainWindow::kept);
    auto* keep = child<QPushButton>(window_.get(), "keepLiveButton");
    QVERIFY(!window_->keep_live_result());  // nothing shown yet
    // Ctrl+L switches live mode on.
    QTest::keyClick(window_.get(), Qt::Key_L, Qt::ControlModifier);
    QVERIFY(window_->live());
    QVERIFY(child<QPushButton>(window_.get(), "liveButton")->isChecked());
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kTimeoutMs);
    QVERIFY(keep->isVisible());
    QVERIFY(keep->isEnabled());
    QCOMPARE(gallery()->rowCount(), 0);
    // Ctrl+S keeps it: written with its parameters like any gallery image.
    QTest::keyClick(window_.get(), Qt::Key_S, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(kept.count(), 1, kTimeoutMs);
    QVERIFY(!keep->isEnabled());  // kept once
    QCOMPARE(gallery()->rowCount(), 1);
    const GalleryItem item = gallery()->item(0);
    QCOMPARE(item.record.request.prompt, std::string("keep me"));
    QCOMPARE(item.record.request.seed, uint64_t(21));
    QVERIFY(parameters_of(item.file).contains(QLatin1String("Seed: 21, Size: 64x64")));
    QVERIFY(pixels_of(item.file) == to_image8(window_->preview()->image()).rgb);
    // "More like this" starts from the live image on screen.
    QTest::keyClick(window_.get(), Qt::Key_M, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(window_->result_grid()->title().startsWith(QLatin1String("More like seed 21")));
    QTRY_COMPARE_WITH_TIMEOUT(window_->result_grid()->finished_count(), 4, kTimeoutMs);
    QCOMPARE(window_->result_grid()->result(0)->first.record.request.seed, uint64_t(22));
    QTest::mouseClick(child<QPushButton>(window_.get(), "closeGridButton"), Qt::LeftButton);

    // The live resolution setting renders smaller; Generate still makes the form's size.
    EngineSettings engine = window_->engine_settings();
    engine.live_scale = 0.5;
    window_->apply_engine_settings(engine);
    set_form(QStringLiteral("keep me smaller"), 2, 128, 128, 21);
    QTRY_VERIFY_WITH_TIMEOUT(
        shown.count() > 1 &&
            shown.last()[0].value<GalleryItem>().record.request.prompt == "keep me smaller",
        kTimeoutMs);
    QCOMPARE(shown.last()[0].value<GalleryItem>().record.request.width, 64);
    // An emptied seed field renders nothing (no seed is shown); the seed typed then runs.
    wait_idle();
    auto* seed = child<QLineEdit>(window_.get(), "seedEdit");
    const int before_clear = live_jobs_started();
    seed->clear();
    QTest::qWait(100);
    QCOMPARE(live_jobs_started(), before_clear);
    QVERIFY(child<QLabel>(window_.get(), "stepLabel")->text().contains(QLatin1String("seed")));
    QTest::keyClicks(seed, QStringLiteral("22"));
    QTRY_VERIFY_WITH_TIMEOUT(shown.last()[0].value<GalleryItem>().record.request.seed == 22 &&
                                 !window_->controller()->busy(),
                             kTimeoutMs);
    // Switching live mode off stops following the form.
    QTest::keyClick(window_.get(), Qt::Key_L, Qt::ControlModifier);
    QVERIFY(!window_->live());
    const int renders = live_jobs_started();
    set_prompt(QStringLiteral("not rendered"));
    QTest::qWait(200);
    QCOMPARE(live_jobs_started(), renders);
    wait_idle();
    QCOMPARE(gallery()->rowCount(), 1);
}

// ------------------------------------------------------------------------ compare & variations

void TestExploration::compare_renders_every_checkpoint_as_single_runs_do() {
    open_window();
    // After loading, the engine reads every checkpoint into its cache: the compare switches
    // between resident copies.
    QTRY_VERIFY_WITH_TIMEOUT(window_->controller()->preloaded_checkpoints() >= 0, kTimeoutMs);
    QCOMPARE(window_->controller()->preloaded_checkpoints(), 4);
    set_form(QStringLiteral("a lighthouse at dusk"), 4, 64, 64, 42);
    QSignalSpy checkpoints(window_->controller(), &GenerationController::checkpointUsed);
    QCOMPARE(window_->compare_steps(), 4);
    ResultGrid* grid = window_->result_grid();
    QCOMPARE(child<QStackedWidget>(window_.get(), "centerStack")->currentWidget(), grid);
    QCOMPARE(grid->count(), 4);
    // The four fill the view side by side, none cut off or scrolled away.
    const QRect viewport = grid->view()->viewport()->rect();
    QTRY_VERIFY(grid->view()->iconSize().width() >=
                std::min(viewport.width(), viewport.height()) / 3);
    for (int tile = 0; tile < 4; ++tile)
        QVERIFY(viewport.contains(grid->view()->visualItemRect(grid->view()->item(tile))));
    QTRY_COMPARE_WITH_TIMEOUT(grid->finished_count(), 4, kTimeoutMs);
    wait_idle();
    QCOMPARE(gallery()->rowCount(), 0);  // nothing saved until kept
    QCOMPARE(checkpoints.count(), 4);
    for (const auto& used : checkpoints)
        QVERIFY2(used[1].toString() != QLatin1String("disk"), qPrintable(used[1].toString()));
    // The seed field still shows 42 (a comparison does not use up the seed).
    QCOMPARE(child<QLineEdit>(window_.get(), "seedEdit")->text(), QStringLiteral("42"));

    // Each tile equals a single run of its checkpoint with the same seed, pixels and record.
    const int steps[] = {1, 2, 4, 8};
    for (int tile = 0; tile < 4; ++tile) {
        const auto result = grid->result(tile);
        QVERIFY(result);
        QCOMPARE(result->first.record.request.steps, steps[tile]);
        QVERIFY(grid->view()->item(tile)->text().startsWith(
            steps[tile] == 1 ? QStringLiteral("1 step · ")
                             : QStringLiteral("%1 steps · ").arg(steps[tile])));
        QVERIFY(grid->view()->item(tile)->text().contains(QLatin1String(" s")));
        auto* combo = child<QComboBox>(window_.get(), "stepsCombo");
        combo->setCurrentIndex(combo->findData(steps[tile], Qt::UserRole));
        QVERIFY(window_->generate() > 0);
        wait_idle();
        const GalleryItem single = gallery()->item(0);
        QCOMPARE(single.record, as_written(result->first.record));
        QVERIFY2(pixels_of(single.file) == to_image8(result->second).rgb,
                 qPrintable(QStringLiteral("%1 steps differ").arg(steps[tile])));
    }
    // Keep all: the four join the gallery.
    QSignalSpy kept(window_.get(), &MainWindow::kept);
    QTest::mouseClick(child<QPushButton>(window_.get(), "keepAllButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(kept.count(), 4, kTimeoutMs);
    QCOMPARE(gallery()->rowCount(), 8);
}

void TestExploration::more_like_this_renders_the_next_seeds() {
    open_window();
    set_form(QStringLiteral("a paper boat"), 2, 64, 64, 500);
    QVERIFY(window_->generate() > 0);
    wait_idle();
    QCOMPARE(gallery()->rowCount(), 1);
    const GalleryItem source = gallery()->item(0);
    QVERIFY(window_->more_like_selected() == 0);  // nothing selected: says so
    QVERIFY(window_->message_text().contains(QLatin1String("Select an image")));
    // The view shows the gallery through its search/filter proxy: select in the view's model.
    QListView* view = window_->gallery()->view();
    view->setCurrentIndex(view->model()->index(0, 0));
    // Ctrl+Shift+M: "More like this" for the selected image.
    QTest::keyClick(window_.get(), Qt::Key_M, Qt::ControlModifier | Qt::ShiftModifier);
    ResultGrid* grid = window_->result_grid();
    const int n = window_->engine_settings().variation_count;
    QCOMPARE(n, 4);
    QCOMPARE(grid->count(), n);
    QTRY_COMPARE_WITH_TIMEOUT(grid->finished_count(), n, kTimeoutMs);
    wait_idle();
    for (int i = 0; i < n; ++i) {
        const GalleryItem item = grid->result(i)->first;
        QCOMPARE(item.record.request.seed, uint64_t(501 + i));  // s+1 .. s+N
        // Everything but the seed (and the batch that made them) is the source image's.
        lightning::GenerationRequest same = as_written(item.record).request;
        same.seed = source.record.request.seed;
        same.batch = source.record.request.batch;
        QCOMPARE(same, source.record.request);
        QVERIFY(grid->view()->item(i)->text().startsWith(QStringLiteral("seed %1").arg(501 + i)));
    }
    // Enter on a tile keeps it.
    QSignalSpy kept(window_.get(), &MainWindow::kept);
    grid->view()->setFocus();
    grid->view()->setCurrentRow(2);
    QTest::keyClick(grid->view(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(kept.count(), 1, kTimeoutMs);
    QCOMPARE(gallery()->item(0).record.request.seed, uint64_t(503));
    // Again from the grid's selected tile (seed 503): its next seeds.
    QTest::keyClick(window_.get(), Qt::Key_M, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(grid->count(), n);
    QVERIFY(grid->title().startsWith(QLatin1String("More like seed 503")));
    QTRY_COMPARE_WITH_TIMEOUT(grid->finished_count(), n, kTimeoutMs);
    wait_idle();
    for (int i = 0; i < n; ++i)
        QCOMPARE(grid->result(i)->first.record.request.seed, uint64_t(504 + i));
    // The kept variation is the image a normal run of seed 503 makes.
    child<QLineEdit>(window_.get(), "seedEdit")->setText(QStringLiteral("503"));
    QVERIFY(window_->generate() > 0);
    wait_idle();
    QVERIFY(pixels_of(gallery()->item(0).file) == pixels_of(gallery()->item(1).file));
}

// "Variations": the selected image's seed with N variation seeds (seed + 1 ...) at the slider's
// strength, as one batch (A1111's rule: the seed stays, the variation seed steps); each tile a
// different image, recorded with its variation seed; a kept one regenerates from its settings.
void TestExploration::variations_grid_renders_n_variation_seeds() {
    open_window();
    set_form(QStringLiteral("a paper boat"), 2, 64, 64, 500);
    QVERIFY(window_->generate() > 0);
    wait_idle();
    QCOMPARE(gallery()->rowCount(), 1);
    const GalleryItem source = gallery()->item(0);
    QListView* view = window_->gallery()->view();
    view->setCurrentIndex(view->model()->index(0, 0));
    child<QSlider>(window_.get(), "variationStrengthSlider")->setValue(45);
    QCOMPARE(child<QLabel>(window_.get(), "variationStrengthLabel")->text(),
             QStringLiteral("0.45"));
    QTest::mouseClick(child<QPushButton>(window_.get(), "variationsButton"), Qt::LeftButton);
    ResultGrid* grid = window_->result_grid();
    const int n = window_->engine_settings().variation_count;
    QCOMPARE(grid->count(), n);
    QVERIFY(grid->title().startsWith(QLatin1String("Variations of seed 500 at strength 0.45")));
    QTRY_COMPARE_WITH_TIMEOUT(grid->finished_count(), n, kTimeoutMs);
    wait_idle();
    std::vector<std::vector<uint8_t>> images{pixels_of(source.file)};
    for (int i = 0; i < n; ++i) {
        const auto result = grid->result(i);
        QVERIFY(result);
        const lightning::GenerationRequest& r = result->first.record.request;
        QCOMPARE(r.seed, uint64_t(500));
        QCOMPARE(r.variation, (lightning::SeedVariation{uint64_t(501 + i), 0.45}));
        QVERIFY(grid->view()->item(i)->text().startsWith(
            QStringLiteral("variation seed %1").arg(501 + i)));
        images.push_back(to_image8(result->second).rgb);
    }
    for (size_t a = 0; a < images.size(); ++a)
        for (size_t b = a + 1; b < images.size(); ++b)
            QVERIFY2(images[a] != images[b], qPrintable(QStringLiteral("%1 = %2").arg(a).arg(b)));
    // Kept, reused (the form shows the variation) and generated again: the same pixels.
    QSignalSpy kept(window_.get(), &MainWindow::kept);
    grid->view()->setFocus();
    grid->view()->setCurrentRow(2);
    QTest::keyClick(grid->view(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(kept.count(), 1, kTimeoutMs);
    const GalleryItem variation = gallery()->item(0);
    QCOMPARE(variation.record.request.variation.seed, uint64_t(503));
    window_->apply_request(variation.record.request);
    QVERIFY(child<QLabel>(window_.get(), "variationLabel")
                ->text()
                .startsWith(QLatin1String("Variation seed 503 at strength 0.45")));
    QVERIFY(window_->generate() > 0);
    wait_idle();
    QCOMPARE(gallery()->item(0).record.request.variation, variation.record.request.variation);
    QVERIFY(pixels_of(gallery()->item(0).file) == pixels_of(variation.file));
    // Cleared, the form renders the seed's own image again.
    QTest::mouseClick(child<QPushButton>(window_.get(), "clearVariationButton"), Qt::LeftButton);
    QVERIFY(window_->generate() > 0);
    wait_idle();
    QVERIFY(pixels_of(gallery()->item(0).file) == pixels_of(source.file));
}

void TestExploration::gallery_context_menu_offers_more_like_this() {
    open_window();
    set_form(QStringLiteral("a paper boat"), 2, 64, 64, 700);
    QVERIFY(window_->generate() > 0);
    wait_idle();
    QListView* view = window_->gallery()->view();
    view->setCurrentIndex(view->model()->index(0, 0));
    QAction* more = window_->gallery()->action("galleryMoreLikeThisAction");
    QVERIFY(more);
    QVERIFY(more->isEnabled());
    // It is in the gallery's context menu.
    bool in_menu = false;
    QTimer::singleShot(0, this, [&] {
        auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
        in_menu = menu && menu->actions().contains(more);
        if (menu) menu->close();
    });
    Q_EMIT view->customContextMenuRequested(view->visualRect(view->currentIndex()).center());
    QVERIFY(in_menu);
    // The window's "More like this" for that image: its next seeds as a grid.
    more->trigger();
    ResultGrid* grid = window_->result_grid();
    const int n = window_->engine_settings().variation_count;
    QCOMPARE(grid->count(), n);
    QVERIFY(grid->title().startsWith(QLatin1String("More like seed 700")));
    QTRY_COMPARE_WITH_TIMEOUT(grid->finished_count(), n, kTimeoutMs);
    wait_idle();
    for (int i = 0; i < n; ++i)
        QCOMPARE(grid->result(i)->first.record.request.seed, uint64_t(701 + i));

    // An image whose record is refused: the action is off and says why.
    GalleryItem refused = gallery()->item(0);
    refused.file = QDir(gallery_dir_).filePath(QStringLiteral("refused.png"));
    QVERIFY(QFile::copy(gallery()->item(0).file, refused.file));
    refused.refused = QStringLiteral("prompt is 30000 bytes long; at most 20000 are accepted");
    gallery()->add(refused, QImage(refused.file));
    view->setCurrentIndex(view->model()->index(0, 0));  // the newest
    QCOMPARE(window_->gallery()->current_row(), gallery()->row_of(refused.file));
    QVERIFY(!more->isEnabled());
    QVERIFY2(more->toolTip().contains(refused.refused), qPrintable(more->toolTip()));
}

// With a Generate job queued, live edits that keep coming do not hold it back: it starts
// after the live render in flight, before any other live render; live mode goes on after it.
void TestExploration::a_queued_job_runs_before_further_live_renders() {
    open_window();
    set_form(QStringLiteral("a kite"), 2, 64, 64, 9);
    window_->set_live(true);
    GenerationController* controller = window_->controller();
    QTRY_VERIFY_WITH_TIMEOUT(
        controller->current_job() && controller->current_job()->purpose == JobPurpose::Live,
        kTimeoutMs);
    QList<JobPurpose> started;
    connect(controller, &GenerationController::jobStarted, this,
            [&started](const GenerationJob& job) { started << job.purpose; });
    const int queued = window_->generate();
    QVERIFY(queued > 0);
    QCOMPARE(controller->queue()->count(), 1);
    auto* editor = child<QPlainTextEdit>(window_.get(), "promptEdit");
    // An edit while the live render is in flight: a live input waits along with the job.
    QTest::keyClick(editor, Qt::Key_Space);
    int edits = 1;
    // Then one edit at a time, each until the controller started the next job.
    while (controller->queue()->count() > 0 && edits < 10) {
        const qsizetype before = started.size();
        QTest::keyClick(editor, char('a' + edits));
        ++edits;
        QTRY_VERIFY_WITH_TIMEOUT(started.size() > before, kTimeoutMs);
    }
    QVERIFY2(controller->queue()->count() == 0,
             qPrintable(QStringLiteral("the queued job still waits after %1 edits and %2 live "
                                       "renders")
                            .arg(edits)
                            .arg(started.count(JobPurpose::Live))));
    QCOMPARE(started.first(), JobPurpose::Gallery);  // no live render went before it
    // Live mode resumes: the newest text is rendered after the job.
    QSignalSpy shown(window_.get(), &MainWindow::liveResultShown);
    QTRY_VERIFY_WITH_TIMEOUT(
        !shown.isEmpty() &&
            to_qstring(shown.last()[0].value<GalleryItem>().record.request.prompt) ==
                editor->toPlainText(),
        kTimeoutMs);
    QCOMPARE(started.count(JobPurpose::Gallery), 1);
    QVERIFY(started.last() == JobPurpose::Live);
    window_->set_live(false);
    wait_idle();
}

void TestExploration::the_seed_shown_is_the_seed_that_runs() {
    open_window();
    auto* seed = child<QLineEdit>(window_.get(), "seedEdit");
    auto* mode = child<QComboBox>(window_.get(), "seedModeCombo");
    set_form(QStringLiteral("seeds"), 1, 64, 64, 1);
    // Random: the shown seed runs, then a new one is shown.
    mode->setCurrentIndex(mode->findData(int(SeedMode::Random)));
    seed->setText(QStringLiteral("31337"));
    QVERIFY(window_->generate() > 0);
    wait_idle();
    QCOMPARE(gallery()->item(0).record.request.seed, uint64_t(31337));
    QVERIFY(seed->text() != QLatin1String("31337"));
    const uint64_t shown = seed->text().toULongLong();
    QVERIFY(window_->generate() > 0);
    wait_idle();
    QCOMPARE(gallery()->item(0).record.request.seed, shown);
    // Fixed: the same again.
    mode->setCurrentIndex(mode->findData(int(SeedMode::Fixed)));
    seed->setText(QStringLiteral("77"));
    QVERIFY(window_->generate() > 0);
    QCOMPARE(seed->text(), QStringLiteral("77"));
    wait_idle();
    // +1 per image: a batch of 2 uses 90 and 91, then 92 is shown.
    mode->setCurrentIndex(mode->findData(int(SeedMode::Increment)));
    seed->setText(QStringLiteral("90"));
    child<QSpinBox>(window_.get(), "batchSpin")->setValue(2);
    QVERIFY(window_->generate() > 0);
    QCOMPARE(seed->text(), QStringLiteral("92"));
    wait_idle();
    QCOMPARE(gallery()->item(0).record.request.seed, uint64_t(91));
    QCOMPARE(gallery()->item(1).record.request.seed, uint64_t(90));
    // Typing a seed in Random mode keeps it for the runs after.
    mode->setCurrentIndex(mode->findData(int(SeedMode::Random)));
    seed->clear();
    QTest::keyClicks(seed, QStringLiteral("5"));
    QCOMPARE(SeedMode(mode->currentData().toInt()), SeedMode::Fixed);
    // The mode survives a restart.
    window_.reset();
    open_window(false);
    QCOMPARE(SeedMode(child<QComboBox>(window_.get(), "seedModeCombo")->currentData().toInt()),
             SeedMode::Fixed);
    QCOMPARE(child<QLineEdit>(window_.get(), "seedEdit")->text(), QStringLiteral("5"));
}

// ------------------------------------------------------------------- prompt syntax, embeddings

void TestExploration::image_with_weights_and_embedding_regenerates_bit_identically() {
    EngineSettings engine = tiny_engine();
    engine.prompt_syntax = lightning::PromptSyntax::A1111;
    engine.embeddings_dir = fixture(QStringLiteral("golden-prompts/embeddings"));
    store_engine(engine);
    open_window();
    const QString prompt = QStringLiteral("a (red fox:1.3) in the snow, [blurry], inkwash style");
    set_form(prompt, 4, 64, 64, 17);
    QVERIFY(window_->generate() > 0);
    wait_idle();
    QCOMPARE(gallery()->rowCount(), 1);
    const GalleryItem first = gallery()->item(0);
    const QString parameters = parameters_of(first.file);
    qInfo("%s", qPrintable(parameters));
    QVERIFY(parameters.contains(QLatin1String("Prompt syntax: a1111")));
    QVERIFY(parameters.contains(QLatin1String("TI hashes: \"inkwash: ")));
    QCOMPARE(first.record.request.embeddings.size(), size_t(1));  // only the one the prompt uses

    // Something else in the form and another syntax in the settings; then the PNG restores both.
    engine.prompt_syntax = lightning::PromptSyntax::None;
    window_->apply_engine_settings(engine);
    set_form(QStringLiteral("something else"), 2, 96, 64, 9);
    QVERIFY(window_->restore_from_png(first.file));
    QCOMPARE(window_->engine_settings().prompt_syntax, lightning::PromptSyntax::A1111);
    QVERIFY2(window_->message_text().contains(QLatin1String("prompt syntax set to a1111")),
             qPrintable(window_->message_text()));
    QVERIFY(window_->generate() > 0);
    wait_idle();
    const GalleryItem again = gallery()->item(0);
    QCOMPARE(again.record, first.record);
    QCOMPARE(parameters_of(again.file), parameters);
    QVERIFY2(pixels_of(again.file) == pixels_of(first.file), "the restored image differs");

    // The weights and the embedding matter: without them (syntax none, no embeddings folder)
    // the same seed gives another image, so the comparison above could fail.
    engine.prompt_syntax = lightning::PromptSyntax::None;
    engine.embeddings_dir.clear();
    window_->apply_engine_settings(engine);
    QVERIFY(window_->generate() > 0);
    wait_idle();
    QVERIFY(pixels_of(gallery()->item(0).file) != pixels_of(first.file));
}

void TestExploration::token_counter_counts_chunks_in_weighting_syntaxes() {
    open_window();
    QTRY_VERIFY_WITH_TIMEOUT(window_->token_counter()->ready(), kTimeoutMs);
    auto* box = window_->findChild<PromptBox*>(QStringLiteral("promptBox"));
    QStringList words;
    for (int i = 0; i < 93; ++i) words << QStringLiteral("cat");
    const QString long_prompt = words.join(u' ');
    // a1111 (the default): 93 tokens in two chunks of 75, nothing cut off.
    box->set_text(long_prompt);
    QCOMPARE(box->count_label()->text(), QStringLiteral("93 / 150 tokens"));
    QCOMPARE(box->cut_position(), -1);
    QVERIFY(box->count_label()->toolTip().contains(QLatin1String("2 chunks")));
    box->set_text(QStringLiteral("a (photo:1.2) of a cat"));
    QCOMPARE(box->count_label()->text(), QStringLiteral("5 / 75 tokens"));  // weights are syntax

    EngineSettings engine = window_->engine_settings();
    engine.prompt_syntax = lightning::PromptSyntax::Compel;
    window_->apply_engine_settings(engine);
    box->set_text(long_prompt);
    QCOMPARE(box->count_label()->text(), QStringLiteral("93 / 150 tokens"));
    box->set_text(QStringLiteral("a (photo)1.2 of a cat"));
    QCOMPARE(box->count_label()->text(), QStringLiteral("5 / 75 tokens"));

    // none: one window of 75, the rest marked as cut off.
    engine.prompt_syntax = lightning::PromptSyntax::None;
    window_->apply_engine_settings(engine);
    box->set_text(long_prompt);
    QVERIFY2(box->count_label()->text().contains(QLatin1String("93 / 75 tokens")),
             qPrintable(box->count_label()->text()));
    QCOMPARE(box->cut_position(), 75 * 4);
}

// The encoders never see `<lora:...>` tags (the engine takes them out) nor a template's syntax
// (they get what it resolves to): the count is the one of the text they do see.
void TestExploration::token_counter_skips_lora_tags_and_counts_the_resolved_template() {
    const QString wildcards = root_.filePath(QStringLiteral("wildcards"));
    QVERIFY(QDir().mkpath(wildcards));
    QFile colors(wildcards + QStringLiteral("/colors.txt"));
    QVERIFY(colors.open(QIODevice::WriteOnly));
    colors.write("deep crimson and burnt orange\n");  // one line: every seed picks it
    colors.close();
    EngineSettings engine = tiny_engine();
    engine.wildcards_dir = wildcards;
    store_engine(engine);
    open_window();
    QTRY_VERIFY_WITH_TIMEOUT(window_->token_counter()->ready(), kTimeoutMs);
    auto* box = window_->findChild<PromptBox*>(QStringLiteral("promptBox"));
    const auto count_of = [box](const QString& text) {
        box->set_text(text);
        box->recount();
        return box->count_label()->text();
    };
    const QString plain = count_of(QStringLiteral("a photo of a cat"));
    QCOMPARE(count_of(QStringLiteral("a photo of a cat <lora:pixel_style:0.8>")), plain);
    QCOMPARE(count_of(QStringLiteral("<lora:a:1> a photo of a <lyco:b:0.5> cat")), plain);
    // A tag the engine refuses is said, as the engine says it.
    count_of(QStringLiteral("a cat <hypernet:x:1>"));
    QVERIFY2(box->count_label()->toolTip().contains(QLatin1String("hypernet")),
             qPrintable(box->count_label()->toolTip()));
    // The negative prompt keeps its tags (the engine takes them out of the prompt only).
    auto* negative = window_->findChild<PromptBox*>(QStringLiteral("negativeBox"));
    negative->set_text(QStringLiteral("blurry"));
    negative->recount();
    const QString blurry = negative->count_label()->text();
    negative->set_text(QStringLiteral("blurry <lora:a:1>"));
    negative->recount();
    QVERIFY(negative->count_label()->text() != blurry);

    const QString resolved = count_of(QStringLiteral("a deep crimson and burnt orange cat"));
    QVERIFY(resolved != plain);
    QCOMPARE(count_of(QStringLiteral("a __colors__ cat")), resolved);
    QCOMPARE(count_of(QStringLiteral("a {__colors__} cat <lora:a:1>")), resolved);
    // A wildcard the folder lacks: no count, the reason instead.
    count_of(QStringLiteral("a __nosuch__ cat"));
    QVERIFY2(box->count_label()->toolTip().contains(QLatin1String("nosuch")),
             qPrintable(box->count_label()->toolTip()));
}

void TestExploration::thumbnail_size_survives_a_restart() {
    open_window(false);
    const int size = GalleryModel::kDefaultThumbnailSize + 64;
    window_->gallery()->set_thumbnail_size(size);
    window_.reset();
    open_window(false);
    QCOMPARE(window_->gallery()->thumbnail_size(), size);
    window_.reset();
    // Stored values outside the slider's range, or no number, give the default.
    for (const QVariant& stored :
         {QVariant(GalleryModel::kMaxThumbnailSize + 1),
          QVariant(GalleryModel::kMinThumbnailSize - 1), QVariant(QStringLiteral("large"))}) {
        QSettings settings;
        settings.setValue(QStringLiteral("gallery/thumbnail_size"), stored);
        QCOMPARE(load_thumbnail_size(settings), GalleryModel::kDefaultThumbnailSize);
    }
    QSettings settings;
    settings.setValue(QStringLiteral("gallery/thumbnail_size"), GalleryModel::kMaxThumbnailSize);
    QCOMPARE(load_thumbnail_size(settings), GalleryModel::kMaxThumbnailSize);
}

// ----------------------------------------------------------------------- first-time-user fixes

void TestExploration::settings_rows_stay_put_while_typing_a_path() {
    SettingsDialog dialog(tiny_engine());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto positions = [&dialog] {
        QList<QRect> rects;
        for (QWidget* widget : dialog.findChildren<QWidget*>())
            if (qobject_cast<QLineEdit*>(widget) || qobject_cast<QComboBox*>(widget) ||
                qobject_cast<QAbstractSpinBox*>(widget) || qobject_cast<QDialogButtonBox*>(widget))
                rects << QRect(widget->mapTo(&dialog, QPoint(0, 0)), widget->size());
        return rects;
    };
    QApplication::processEvents();
    const QList<QRect> before = positions();
    const QSize size = dialog.size();
    struct Edit {
        const char* name;
        QString text;
    };
    const QString missing = root_.filePath(QStringLiteral("no/such/folder/with/a/long/name"));
    for (const Edit& edit :
         {Edit{"baseEdit", missing}, Edit{"lightningDirEdit", missing},
          Edit{"outputDirEdit", QStringLiteral("/proc/not-writable")},
          Edit{"embeddingsDirEdit", missing}, Edit{"vaeEdit", missing},
          Edit{"wildcardsDirEdit", missing},
          Edit{"baseEdit",
               fixture(QStringLiteral("tiny-lightning/sdxl_lightning_4step.safetensors"))}}) {
        auto* line = child<QLineEdit>(&dialog, edit.name);
        line->clear();
        for (int i = 0; i < edit.text.size(); i += 7) {
            QTest::keyClicks(line, edit.text.mid(i, 7));
            QApplication::processEvents();
            QCOMPARE(positions(), before);
        }
        QCOMPARE(dialog.size(), size);
    }
    // Several problems at once still take one line (the rest in the tooltip when cut).
    auto* status = child<QLabel>(&dialog, "baseEditStatus");
    child<QLineEdit>(&dialog, "baseEdit")->setText(missing);
    QVERIFY(!status->text().contains(u'\n'));
}

void TestExploration::maximised_window_and_pending_queue_survive_a_restart() {
    open_window();
    window_->showMaximized();
    QTRY_VERIFY(window_->isMaximized());
    // One job of two images runs, two wait; quit once its first image is saved.
    set_form(QStringLiteral("job one"), 8, 256, 256, 1);
    auto* batch = child<QSpinBox>(window_.get(), "batchSpin");
    batch->setValue(2);
    QVERIFY(window_->generate() > 0);
    batch->setValue(1);
    set_prompt(QStringLiteral("job two"));
    QVERIFY(window_->generate() > 0);
    set_prompt(QStringLiteral("job three"));
    QVERIFY(window_->generate() > 0);
    QCOMPARE(window_->controller()->queue()->count(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(gallery()->rowCount(), 1, kTimeoutMs);
    window_.reset();
    QCOMPARE(QSettings().value(QStringLiteral("window/maximized")).toBool(), true);

    open_window();
    QVERIFY(window_->isMaximized());
    QTRY_VERIFY_WITH_TIMEOUT(gallery()->rowCount() >= 4 && !window_->controller()->busy() &&
                                 window_->controller()->queue()->count() == 0,
                             kTimeoutMs);
    QStringList images;
    for (const GalleryItem& item : gallery()->items())
        images << QStringLiteral("%1 (seed %2)")
                      .arg(to_qstring(item.record.request.prompt))
                      .arg(item.record.request.seed);
    qInfo("after the restart: %s", qPrintable(images.join(QStringLiteral(" | "))));
    QCOMPARE(images.size(), 4);
    // The interrupted batch made only the image it had not saved yet.
    QCOMPARE(images.count(QStringLiteral("job one (seed 1)")), 1);
    QCOMPARE(images.count(QStringLiteral("job one (seed 2)")), 1);
    QCOMPARE(images.count(QStringLiteral("job two (seed 1)")), 1);
    QCOMPARE(images.count(QStringLiteral("job three (seed 1)")), 1);
    // Taken: a third start queues nothing more.
    window_.reset();
    open_window();
    QCOMPARE(window_->controller()->queue()->count(), 0);
    QVERIFY(!window_->controller()->busy());
}

// A batch with a variation strength keeps its seed and steps the variation seed (A1111's rule):
// quit after its first image, the next start makes the second with variation seed + 1, not
// with seed + 1.
void TestExploration::an_interrupted_variation_batch_resumes_with_its_variation_seeds() {
    open_window();
    set_form(QStringLiteral("a variation batch"), 8, 256, 256, 1);
    child<QSpinBox>(window_.get(), "batchSpin")->setValue(2);
    auto request = window_->form_request(nullptr);
    QVERIFY(request);
    request->variation = {700, 0.5};
    window_->apply_request(*request);
    QVERIFY(window_->generate() > 0);
    QTRY_COMPARE_WITH_TIMEOUT(gallery()->rowCount(), 1, kTimeoutMs);
    window_.reset();

    open_window();
    QTRY_VERIFY_WITH_TIMEOUT(gallery()->rowCount() >= 2 && !window_->controller()->busy() &&
                                 window_->controller()->queue()->count() == 0,
                             kTimeoutMs);
    QCOMPARE(gallery()->rowCount(), 2);
    QList<uint64_t> variation_seeds;
    for (const GalleryItem& item : gallery()->items()) {
        QCOMPARE(item.record.request.seed, uint64_t(1));
        QCOMPARE(item.record.request.variation.strength, 0.5);
        variation_seeds << item.record.request.variation.seed;
    }
    std::sort(variation_seeds.begin(), variation_seeds.end());
    QCOMPARE(variation_seeds, (QList<uint64_t>{700, 701}));
}

void TestExploration::errors_show_a_summary_with_details() {
    const QString raw = QStringLiteral(
        "/home/user/models/broken/sdxl_lightning_4step_unet.safetensors "
        "[down_blocks.0.attentions.0.norm.weight]: data_offsets [4096, 8192] reach beyond the "
        "data section (5000 bytes; truncated file?)");
    QCOMPARE(summarize_error(raw),
             QStringLiteral("sdxl_lightning_4step_unet.safetensors is damaged or incomplete "
                            "(download or copy it again)"));
    QCOMPARE(summarize_error(QStringLiteral("Out of memory on cpu. Try a smaller size.")),
             QStringLiteral("Out of memory on cpu. Try a smaller size."));
    QCOMPARE(summarize_error(QStringLiteral("/a/b/c.json: missing key 'x'\nstack frame 1")),
             QStringLiteral("c.json: missing key 'x'"));
    // A long line loses whole clauses (the file, then the middle): what failed, the system's
    // reason and the advice at its end stay.
    const QString long_text = summarize_error(QStringLiteral(
        "/home/user/Pictures/Lightning/lightning-20261207-103630-936-23.png: the image could not "
        "be saved in the gallery: cannot create a temporary file in folder "
        "'/home/user/Pictures/Lightning': Permission denied. Choose a gallery folder you can "
        "write to in Settings"));
    QVERIFY2(long_text.size() <= 170, qPrintable(long_text));
    QVERIFY2(long_text.startsWith(QLatin1String("the image could not be saved in the gallery: ")),
             qPrintable(long_text));
    QVERIFY2(long_text.endsWith(QLatin1String(
                 "Permission denied. Choose a gallery folder you can write to in Settings")),
             qPrintable(long_text));

    // In the window: a truncated checkpoint fails its job with the summary and the details.
    const QString broken = root_.filePath(QStringLiteral("broken-lightning"));
    QDir().mkpath(broken);
    QVERIFY(
        QFile::link(fixture(QStringLiteral("tiny-lightning/sdxl_lightning_2step_unet.safetensors")),
                    broken + QStringLiteral("/sdxl_lightning_2step_unet.safetensors")));
    {
        QFile source(
            fixture(QStringLiteral("tiny-lightning/sdxl_lightning_4step_unet.safetensors")));
        QVERIFY(source.open(QIODevice::ReadOnly));
        QFile target(broken + QStringLiteral("/sdxl_lightning_4step_unet.safetensors"));
        QVERIFY(target.open(QIODevice::WriteOnly));
        target.write(source.read(5000));
    }
    EngineSettings engine = tiny_engine();
    engine.models.lightning_dir = to_std(broken);
    store_engine(engine);
    open_window();
    set_form(QStringLiteral("broken"), 4, 64, 64, 3);
    QVERIFY(window_->generate() > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!window_->message_text().isEmpty() && !window_->controller()->busy(),
                             kTimeoutMs);
    const QString shown = window_->message_text();
    qInfo("shown: %s\ndetails: %s", qPrintable(shown), qPrintable(window_->message_details()));
    QVERIFY(!shown.contains(u'\n'));
    QVERIFY(shown.contains(QLatin1String("sdxl_lightning_4step_unet.safetensors")));
    QVERIFY(!shown.contains(QLatin1String(" bytes")));
    QVERIFY(!window_->message_details().isEmpty());
    QVERIFY(window_->message_details().size() > shown.size());
    auto* details = child<QPushButton>(window_.get(), "showDetailsButton");
    QVERIFY(details->isVisible());
    QTest::mouseClick(details, Qt::LeftButton);
    QVERIFY(child<QPlainTextEdit>(window_.get(), "messageDetails")->isVisible());
}

void TestExploration::eta_is_shown_while_generating() {
    EtaEstimate eta;
    QVERIFY(!eta.remaining_seconds());
    eta.start(2, 4);
    eta.step_done(0, 0, 1.0);
    QCOMPARE(*eta.remaining_seconds(), 7.0 + 2 * 1.0);  // 7 steps and 2 decodes (guessed)
    for (int step = 1; step < 4; ++step) eta.step_done(0, step, 1.0);
    eta.image_done(0, 4.5);  // its decode took 0.5 s
    QCOMPARE(*eta.remaining_seconds(), 4.0 + 0.5);

    // Images denoised together (a GPU batch): events interleave by step, each image with its
    // share of the step's time.
    eta.start(2, 2);
    eta.step_done(0, 0, 0.5);
    eta.step_done(1, 0, 0.5);
    QCOMPARE(*eta.remaining_seconds(), 2 * 0.5 + 2 * 0.5);  // 2 image-steps, 2 decodes
    eta.step_done(0, 1, 0.5);
    eta.step_done(1, 1, 0.5);
    eta.image_done(0, 1.25);  // its steps took 1 s: decode 0.25 s
    QCOMPARE(*eta.remaining_seconds(), 0.25);

    open_window();
    set_form(QStringLiteral("how long"), 8, 128, 128, 2);
    QStringList seen;
    connect(window_.get(), &MainWindow::previewShown, this, [&](int, int, int step, int) {
        if (step == 1) seen << window_->status_text();
    });
    QVERIFY(window_->generate() > 0);
    wait_idle();
    QCOMPARE(seen.size(), 1);
    QVERIFY2(seen[0].startsWith(QLatin1String("Generating job #")), qPrintable(seen[0]));
    QVERIFY2(seen[0].contains(QLatin1String(" left")), qPrintable(seen[0]));
    // Done: the whole line fits (no "…") and the status bar is back to "Ready".
    auto* step_label = child<QLabel>(window_.get(), "stepLabel");
    QVERIFY2(step_label->text().startsWith(QLatin1String("Done in ")),
             qPrintable(step_label->text()));
    QVERIFY(step_label->fontMetrics().horizontalAdvance(step_label->text()) <=
            step_label->contentsRect().width());
    QVERIFY(window_->status_text().startsWith(QLatin1String("Ready")));
}

void TestExploration::new_controls_have_tooltips_and_shortcuts() {
    open_window(false);
    for (const char* name :
         {"liveButton", "compareButton", "moreLikeThisButton", "variationsButton", "keepLiveButton",
          "keepSelectedButton", "keepAllButton", "closeGridButton", "showDetailsButton"})
        QVERIFY2(!child<QPushButton>(window_.get(), name)->toolTip().isEmpty(), name);
    QVERIFY(!child<QComboBox>(window_.get(), "seedModeCombo")->toolTip().isEmpty());
    QVERIFY(!child<QSlider>(window_.get(), "variationStrengthSlider")->toolTip().isEmpty());
    QVERIFY(!child<QListWidget>(window_.get(), "resultGridView")->toolTip().isEmpty());
    const struct {
        const char* action;
        QKeySequence keys;
    } shortcuts[] = {{"liveAction", QKeySequence(Qt::CTRL | Qt::Key_L)},
                     {"keepAction", QKeySequence::Save},
                     {"compareAction", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C)},
                     {"moreLikeThisAction", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M)},
                     {"variationsAction", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V)},
                     {"toggleGridAction", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G)}};
    for (const auto& s : shortcuts) {
        auto* action = window_->findChild<QAction*>(QString::fromLatin1(s.action));
        QVERIFY2(action, s.action);
        QCOMPARE(action->shortcut(), s.keys);
    }
    SettingsDialog dialog(tiny_engine());
    for (const char* name : {"settingsPromptSyntax", "settingsVaeTiling", "settingsLiveScale"})
        QVERIFY2(!child<QComboBox>(&dialog, name)->toolTip().isEmpty(), name);
    QVERIFY(!child<QSpinBox>(&dialog, "settingsVariationCount")->toolTip().isEmpty());
    for (const char* name : {"embeddingsDirEdit", "vaeEdit", "wildcardsDirEdit"})
        QVERIFY2(!child<QLineEdit>(&dialog, name)->toolTip().isEmpty(), name);
}

// Not a check: the README's screenshots of live mode and of the compare view, written next to
// LIGHTNING_SCREENSHOT's file (run under xvfb-run with QT_QPA_PLATFORM=xcb).
void TestExploration::screenshots_of_live_mode_and_compare() {
    const QString out = qEnvironmentVariable("LIGHTNING_SCREENSHOT");
    if (out.isEmpty()) QSKIP("set LIGHTNING_SCREENSHOT=docs/screenshot.png to write screenshots");
    const QDir folder = QFileInfo(out).absoluteDir();
    manual_clock_ = false;
    EngineSettings engine = tiny_engine();  // two LoRAs for the LoRA panel's screenshot
    engine.loras_dir = root_.filePath(QStringLiteral("screenshot-loras"));
    QVERIFY(QDir().mkpath(engine.loras_dir));
    for (const char* name : {"watercolor", "film-grain"})
        QVERIFY(QFile::copy(
            fixture(QStringLiteral("tiny-lightning/sdxl_lightning_4step_lora.safetensors")),
            engine.loras_dir + QLatin1Char('/') + QLatin1String(name) +
                QLatin1String(".safetensors")));
    store_engine(engine);
    open_window();
    window_->resize(1280, 800);
    QTRY_VERIFY_WITH_TIMEOUT(window_->controller()->preloaded_checkpoints() >= 0, kTimeoutMs);
    set_form(QStringLiteral("A lighthouse on a cliff at dusk"), 4, 256, 256, 2024);
    QSignalSpy shown(window_.get(), &MainWindow::liveResultShown);
    window_->set_live(true);
    auto* editor = child<QPlainTextEdit>(window_.get(), "promptEdit");
    for (const QChar c : QStringLiteral(", waves crashing below, warm light in the windows")) {
        QTest::keyClick(editor, c.toLatin1());
        QTest::qWait(30);
    }
    QTRY_VERIFY_WITH_TIMEOUT(
        !shown.isEmpty() &&
            to_qstring(shown.last()[0].value<GalleryItem>().record.request.prompt) ==
                editor->toPlainText(),
        kTimeoutMs);
    wait_idle();
    QVERIFY(window_->grab().toImage().save(folder.filePath(QStringLiteral("screenshot-live.png")),
                                           "PNG", 9));
    window_->set_live(false);
    QVERIFY(window_->compare_steps() == 4);
    QTRY_COMPARE_WITH_TIMEOUT(window_->result_grid()->finished_count(), 4, kTimeoutMs);
    wait_idle();
    window_->result_grid()->view()->setCurrentRow(2);
    QVERIFY(window_->grab().toImage().save(
        folder.filePath(QStringLiteral("screenshot-compare.png")), "PNG", 9));
    screenshots_of_variations_and_loras(folder);
    qInfo("wrote screenshot-{live,compare,variations,lora}.png in %s", qPrintable(folder.path()));
}

// The variations grid of the compare's selected 4-step image at strength 0.6, then the LoRA panel
// with two LoRAs, rendered with them (README, "Variations" and "LoRAs").
void TestExploration::screenshots_of_variations_and_loras(const QDir& folder) {
    child<QSlider>(window_.get(), "variationStrengthSlider")->setValue(60);
    QTest::mouseClick(child<QPushButton>(window_.get(), "variationsButton"), Qt::LeftButton);
    ResultGrid* grid = window_->result_grid();
    QTRY_COMPARE_WITH_TIMEOUT(grid->finished_count(), grid->count(), kTimeoutMs);
    wait_idle();
    QVERIFY(window_->grab().toImage().save(
        folder.filePath(QStringLiteral("screenshot-variations.png")), "PNG", 9));
    auto* loras = window_->form()->lora_panel();
    QVERIFY(loras->add(QStringLiteral("watercolor"), 0.8));
    QVERIFY(loras->add(QStringLiteral("film-grain"), 0.35));
    QVERIFY(window_->generate() > 0);
    wait_idle();
    QVERIFY(window_->grab().toImage().save(folder.filePath(QStringLiteral("screenshot-lora.png")),
                                           "PNG", 9));
}

QTEST_MAIN(TestExploration)
#include "test_exploration.moc"
