// Drives the real MainWindow with the tiny fixture model on the CPU: typing, the step dropdown,
// Generate/Cancel, live previews, the queue, the gallery and its export, restarts, broken setups
// and drag-and-drop, checking images against the CLI and the diffusers goldens.
#include "core/engine/engine.h"
#include "core/image/png.h"
#include "core/request/limits.h"
#include "core/util/error.h"
#include "core/util/log.h"
#include "ui/command_line.h"
#include "ui/device_choice.h"
#include "ui/eliding_label.h"
#include "ui/gallery_widget.h"
#include "ui/main_window.h"
#include "ui/preview_pane.h"
#include "ui/prompt_box.h"
#include "ui/prompt_history.h"
#include "ui/settings_dialog.h"
#include "ui/string_convert.h"
#include "ui/token_counter.h"

#include "support/file_size_limit.h"
#include "support/fixtures.h"
#include "support/gallery_fixtures.h"
#include "support/window_driving.h"

#include <QtTest/QtTest>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMimeData>
#include <QProcess>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QToolButton>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <thread>

#include <unistd.h>

using namespace lightning::ui;
using lightning::kStepChoices;
using lightning::testing::child;
using lightning::testing::drop_file;

namespace {

constexpr int kTimeoutMs = 120000;

const char* const kScandinavian =
    "A tranquil Scandinavian village during winter, with snow-covered rooftops, smoke rising "
    "from chimneys, and the Northern Lights illuminating the night sky.";
const char* const kMoroccan =
    "A bustling Moroccan marketplace at sunset, with vibrant stalls displaying colorful "
    "textiles, spices, and lanterns, as merchants and shoppers engage in lively exchanges.";

QString fixture(const QString& name) {
    return QString::fromStdString(lightning::testing::fixtures_dir()) + u'/' + name;
}

QString golden_png(const QString& id) {
    return QString::fromStdString(lightning::testing::golden_dir()) +
           QStringLiteral("/pipelines/") + id + QStringLiteral(".png");
}

// The fixture tolerance for PNGs: at most 1 level on at most 0.1 % of the values.
void expect_close_to_golden(const lightning::Image8& actual, const QString& golden_file) {
    const lightning::Image8 golden = lightning::read_png(golden_file.toStdString());
    QCOMPARE(actual.width, golden.width);
    QCOMPARE(actual.height, golden.height);
    QCOMPARE(actual.rgb.size(), golden.rgb.size());
    size_t off = 0;
    int worst = 0;
    for (size_t i = 0; i < golden.rgb.size(); ++i) {
        const int diff = std::abs(int(actual.rgb[i]) - int(golden.rgb[i]));
        worst = std::max(worst, diff);
        off += diff > 0;
    }
    QVERIFY2(worst <= 1 && off * 1000 <= golden.rgb.size(),
             qPrintable(QStringLiteral("%1: max diff %2 levels on %3 of %4 values")
                            .arg(golden_file)
                            .arg(worst)
                            .arg(off)
                            .arg(golden.rgb.size())));
}

QString published_lightning_file(int steps) {
    return to_qstring(lightning::published_lightning_file(steps));
}

// The `parameters` chunk of a PNG.
QString parameters_of(const QString& png) {
    return to_qstring(lightning::read_png_text(to_std(png)).entries.at("parameters"));
}

// A PNG whose parameters hold a prompt of `prompt_bytes` bytes (as an attacker would send it).
void write_png_with_prompt(const QString& png, size_t prompt_bytes) {
    lightning::Image8 pixels;
    pixels.width = pixels.height = 8;
    pixels.rgb.assign(8 * 8 * 3, 90);
    lightning::PngText text;
    text.entries["parameters"] = std::string(prompt_bytes, 'a') +
                                 "\nSteps: 2, Sampler: Euler, CFG scale: 0, Seed: 99, Size: 64x64";
    lightning::write_png(png.toStdString(), pixels, text);
}

// Every file in `folder` with its size and contents' hash: what "nothing changed" compares.
QStringList folder_listing(const QString& folder) {
    QStringList listing;
    for (const QFileInfo& info : QDir(folder).entryInfoList(
             QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name)) {
        QFile file(info.absoluteFilePath());
        if (!file.open(QIODevice::ReadOnly)) return {};
        listing << info.fileName() + u' ' +
                       QString::fromLatin1(
                           QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256)
                               .toHex());
    }
    return listing;
}

void link_into(const QString& folder, const QStringList& names) {
    QDir().mkpath(folder);
    for (const QString& name : names)
        QVERIFY(QFile::link(fixture(QStringLiteral("tiny-lightning/") + name),
                            QDir(folder).filePath(name)));
}

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void first_start_without_model_explains_what_to_get();
    void first_start_discovers_the_hugging_face_cache();
    void four_steps_give_four_previews_and_the_cli_image();
    void one_step_uses_the_x0_checkpoint();
    void guidance_uses_the_negative_prompt();
    void cancel_leaves_no_image_and_the_next_run_works();
    void queued_jobs_run_in_order_after_edits();
    void batch_and_gallery_export_round_trip();
    void regenerate_with_seed_reproduces_the_image();
    void restart_restores_settings_and_gallery();
    void missing_lightning_file_disables_its_step_entry();
    void corrupt_model_file_shows_error_and_app_recovers();
    void event_loop_keeps_running_during_generation();
    void gallery_grid_and_prompt_history_in_the_window();
    void settings_key_and_recent_prompts_tab_stop_on_every_desktop();
    void full_disk_while_saving_is_reported_and_the_app_keeps_working();
    void read_only_gallery_folder_is_reported_not_crashed_on();
    void dropping_a_png_restores_its_settings();
    void dropping_other_tools_pngs_shows_their_prompts();
    void token_counts_mark_the_truncated_part();
    void log_view_shows_engine_messages();
    void settings_dialog_validates_as_you_type();
    void device_selector_lists_devices_and_says_when_on_the_cpu();
    void form_refuses_what_the_cli_refuses_in_the_same_words();
    void idle_steps_change_switches_from_the_cache();
    void command_line_help_version_and_png();
    void a_png_with_a_huge_prompt_is_refused_at_every_entry_point();
    void opening_a_foreign_folder_as_gallery_writes_and_removes_nothing();
    void a_long_model_error_leaves_the_form_uncut_and_names_the_component();
    void settings_problems_are_read_whole();
    void screenshot_mid_generation();

private:
    EngineSettings tiny_engine() const;
    void store_engine(const EngineSettings& engine);
    void open_window(bool wait_for_model = true);
    void set_form(const QString& prompt, int steps, int width, int height, uint64_t seed);
    void select_steps(int steps);
    void click_generate();
    void wait_idle(int images);
    SeedMode seed_mode() const {
        return SeedMode(child<QComboBox>(window_.get(), "seedModeCombo")->currentData().toInt());
    }
    GalleryModel* gallery() const { return window_->gallery()->model(); }
    void open_folder_as_gallery(const QString& folder);
    QByteArray run_cli(const QStringList& arguments, const QString& out);

    QTemporaryDir root_;
    QString gallery_dir_;
    int test_number_ = 0;
    std::unique_ptr<MainWindow> window_;
};

void TestMainWindow::initTestCase() {
    QVERIFY(root_.isValid());
    lightning::testing::isolate_app(root_, QStringLiteral("test_main_window"));
}

void TestMainWindow::init() {
    QSettings().clear();
    gallery_dir_ = root_.filePath(QStringLiteral("gallery-%1").arg(++test_number_));
    store_engine(tiny_engine());
}

void TestMainWindow::cleanup() {
    window_.reset();
}

EngineSettings TestMainWindow::tiny_engine() const {
    EngineSettings engine;
    engine.models.base = to_std(fixture(QStringLiteral("tiny-sdxl")));
    engine.models.lightning_dir = to_std(fixture(QStringLiteral("tiny-lightning")));
    engine.output_dir = gallery_dir_;
    engine.device = QStringLiteral("cpu");
    engine.precision = lightning::Precision::FP32;
    engine.preview = lightning::PreviewMode::Reduced;
    return engine;
}

void TestMainWindow::store_engine(const EngineSettings& engine) {
    QSettings settings;
    save_engine_settings(settings, engine);
}

void TestMainWindow::open_window(bool wait_for_model) {
    window_ = std::make_unique<MainWindow>();
    window_->show();
    window_->activateWindow();  // shortcuts (Ctrl+Enter, Esc) need the active window
    QVERIFY(QTest::qWaitForWindowActive(window_.get()));
    if (wait_for_model) {
        QTRY_VERIFY_WITH_TIMEOUT(
            window_->controller()->model_state() != GenerationController::ModelState::Loading,
            kTimeoutMs);
        if (window_->controller()->model_state() != GenerationController::ModelState::Ready)
            qWarning("model not ready: %s", qPrintable(window_->controller()->model_message()));
    }
}

void TestMainWindow::select_steps(int steps) {
    auto* combo = child<QComboBox>(window_.get(), "stepsCombo");
    const int row = combo->findData(steps, Qt::UserRole);
    QVERIFY(row >= 0);
    combo->setCurrentIndex(row);
}

void TestMainWindow::set_form(const QString& prompt, int steps, int width, int height,
                              uint64_t seed) {
    auto* editor = child<QPlainTextEdit>(window_.get(), "promptEdit");
    editor->clear();
    QTest::keyClicks(editor, prompt);
    QCOMPARE(editor->toPlainText(), prompt);
    select_steps(steps);
    auto* size = child<QComboBox>(window_.get(), "sizeCombo");
    size->setCurrentIndex(size->count() - 1);  // Custom
    child<QSpinBox>(window_.get(), "widthSpin")->setValue(width);
    child<QSpinBox>(window_.get(), "heightSpin")->setValue(height);
    auto* seed_edit = child<QLineEdit>(window_.get(), "seedEdit");
    seed_edit->clear();
    QTest::keyClicks(seed_edit, QString::number(seed));
    QCOMPARE(seed_mode(), SeedMode::Fixed);  // typing a seed keeps it
}

void TestMainWindow::click_generate() {
    auto* button = child<QPushButton>(window_.get(), "generateButton");
    QVERIFY2(button->isEnabled(), qPrintable(button->toolTip()));
    QCOMPARE(button->text(), QStringLiteral("Generate"));
    QTest::mouseClick(button, Qt::LeftButton);
}

void TestMainWindow::wait_idle(int images) {
    QTRY_VERIFY_WITH_TIMEOUT(
        !window_->controller()->busy() && window_->controller()->queue()->count() == 0, kTimeoutMs);
    QCOMPARE(gallery()->rowCount(), images);
}

QByteArray TestMainWindow::run_cli(const QStringList& arguments, const QString& out) {
    QProcess cli;
    cli.setProcessChannelMode(QProcess::MergedChannels);
    cli.start(QString::fromStdString(lightning::testing::cli_path()),
              arguments + QStringList{QStringLiteral("--out"), out});
    if (!cli.waitForFinished(kTimeoutMs)) return "CLI did not finish";
    const QByteArray output = cli.readAll();
    if (cli.exitStatus() != QProcess::NormalExit || cli.exitCode() != 0)
        return "CLI failed: " + output;
    return {};
}

// ------------------------------------------------------------------------------------ tests

void TestMainWindow::first_start_without_model_explains_what_to_get() {
    QSettings().clear();  // nothing configured, and the (test) HF cache is empty
    open_window(false);
    QCOMPARE(window_->controller()->model_state(), GenerationController::ModelState::NotConfigured);
    auto* stack = child<QStackedWidget>(window_.get(), "centerStack");
    QCOMPARE(stack->currentWidget()->objectName(), QStringLiteral("welcomePage"));
    const QString help = child<QTextBrowser>(window_.get(), "welcomeText")->toPlainText();
    for (const char* expected :
         {"stabilityai/stable-diffusion-xl-base-1.0", "ByteDance/SDXL-Lightning",
          "sdxl_lightning_1step_unet_x0.safetensors", "sdxl_lightning_4step_unet.safetensors",
          "text_encoder_2/model.safetensors", "vae/diffusion_pytorch_model.safetensors",
          "tokenizer/merges.txt", "~/.cache/huggingface/hub", "Settings"})
        QVERIFY2(help.contains(QLatin1String(expected)), expected);
    QVERIFY(child<QLabel>(window_.get(), "welcomeProblems")
                ->text()
                .contains(QLatin1String("No SDXL base model chosen")));
    auto* generate = child<QPushButton>(window_.get(), "generateButton");
    QVERIFY(!generate->isEnabled());
    QVERIFY(generate->toolTip().contains(QLatin1String("Set up the model")));
    QCOMPARE(window_->generate(), 0);
    QVERIFY(window_->message_text().contains(QLatin1String("Set up the model first")));
    QCOMPARE(window_->engine_settings().output_dir, default_output_dir());
    for (int steps : kStepChoices) QVERIFY(!window_->steps_available(steps));
}

void TestMainWindow::first_start_discovers_the_hugging_face_cache() {
    QSettings().clear();
    const QString hub = root_.filePath(QStringLiteral("hf-home/hub"));
    const QString base = to_qstring(lightning::hf_repo_folder(to_std(hub), lightning::kBaseRepo)) +
                         QStringLiteral("/snapshots/0123abcd");
    const QString lightning_dir =
        to_qstring(lightning::hf_repo_folder(to_std(hub), lightning::kLightningRepo)) +
        QStringLiteral("/snapshots/4567ef01");
    QDir().mkpath(QFileInfo(base).absolutePath());
    QDir().mkpath(QFileInfo(lightning_dir).absolutePath());
    QVERIFY(QFile::link(fixture(QStringLiteral("tiny-sdxl")), base));
    QVERIFY(QFile::link(fixture(QStringLiteral("tiny-lightning")), lightning_dir));
    qputenv("HF_HOME", root_.filePath(QStringLiteral("hf-home")).toUtf8());
    open_window();
    qputenv("HF_HOME", root_.filePath(QStringLiteral("empty-hf")).toUtf8());
    QCOMPARE(window_->engine_settings().models.base, to_std(base));
    QCOMPARE(window_->engine_settings().models.lightning_dir, to_std(lightning_dir));
    QCOMPARE(window_->controller()->model_state(), GenerationController::ModelState::Ready);
    QCOMPARE(child<QStackedWidget>(window_.get(), "centerStack")->currentIndex(), 0);
    // ... and remembered.
    QSettings settings;
    QCOMPARE(load_engine_settings(settings).models.base, to_std(base));
}

void TestMainWindow::four_steps_give_four_previews_and_the_cli_image() {
    open_window();
    QCOMPARE(window_->controller()->model_state(), GenerationController::ModelState::Ready);
    set_form(QString::fromLatin1(kScandinavian), 4, 64, 64, 42);
    QSignalSpy previews(window_.get(), &MainWindow::previewShown);
    click_generate();
    QCOMPARE(child<QPushButton>(window_.get(), "generateButton")->text(), QStringLiteral("Cancel"));
    // The status bar says what runs, not "Ready", until the job is done.
    QVERIFY2(window_->status_text().startsWith(QLatin1String("Generating job #")),
             qPrintable(window_->status_text()));
    wait_idle(1);
    QCOMPARE(child<QPushButton>(window_.get(), "generateButton")->text(),
             QStringLiteral("Generate"));
    QVERIFY2(window_->status_text().startsWith(QLatin1String("Ready: tiny-sdxl on cpu (fp32)")),
             qPrintable(window_->status_text()));

    QCOMPARE(previews.count(), 4);
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(previews[i][2].toInt(), i);  // step
        QCOMPARE(previews[i][3].toInt(), 4);  // of
    }
    QVERIFY(child<QLabel>(window_.get(), "stepLabel")->text().contains(QLatin1String("seed 42")));

    const GalleryItem item = gallery()->item(0);
    const lightning::GenerationRequest& recorded = item.record.request;
    QCOMPARE(recorded.prompt, std::string(kScandinavian));
    QCOMPARE(recorded.steps, 4);
    QCOMPARE(recorded.seed, uint64_t(42));
    QCOMPARE(recorded.width, 64);
    QCOMPARE(item.record.unet.name, std::string("sdxl_lightning_4step_unet"));
    QCOMPARE(item.record.model.name, std::string("tiny-sdxl"));
    QVERIFY(item.seconds > 0);
    QVERIFY(QFileInfo(item.file).absolutePath() == QDir(gallery_dir_).absolutePath());
    QVERIFY(QFileInfo(QDir(gallery_dir_).filePath(QStringLiteral("index.json"))).isFile());

    const lightning::Image8 app = lightning::read_png(item.file.toStdString());
    const QString app_parameters = parameters_of(item.file);
    QVERIFY2(app_parameters.startsWith(
                 QString::fromLatin1(kScandinavian) +
                 QStringLiteral("\nSteps: 4, Sampler: Euler, Schedule type: trailing, CFG scale: "
                                "0, Seed: 42, Size: 64x64, Model hash: ")),
             qPrintable(app_parameters));
    for (const char* part : {", Model: tiny-sdxl, UNet: sdxl_lightning_4step_unet, UNet hash: ",
                             ", Version: Lightning Studio "})
        QVERIFY2(app_parameters.contains(QLatin1String(part)), part);
    QCOMPARE(window_->preview()->image().size(), QSize(64, 64));  // the final image

    const QString cli_out = root_.filePath(QStringLiteral("cli-4step.png"));
    const QByteArray cli_error =
        run_cli({QStringLiteral("generate"), QStringLiteral("--model"),
                 fixture(QStringLiteral("tiny-sdxl")), QStringLiteral("--lightning"),
                 fixture(QStringLiteral("tiny-lightning")), QStringLiteral("--prompt"),
                 QString::fromLatin1(kScandinavian), QStringLiteral("--steps"), QStringLiteral("4"),
                 QStringLiteral("--seed"), QStringLiteral("42"), QStringLiteral("--width"),
                 QStringLiteral("64"), QStringLiteral("--height"), QStringLiteral("64"),
                 QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("--dtype"),
                 QStringLiteral("fp32")},
                cli_out);
    QVERIFY2(cli_error.isEmpty(), cli_error.constData());
    const lightning::Image8 cli = lightning::read_png(cli_out.toStdString());
    QCOMPARE(app.width, cli.width);
    QCOMPARE(app.height, cli.height);
    QVERIFY2(app.rgb == cli.rgb, "app and CLI pixels differ");
    // One engine record, one codec: the app and the CLI describe the same image the same way.
    QCOMPARE(app_parameters, parameters_of(cli_out));
    expect_close_to_golden(app, golden_png(QStringLiteral("lightning_4step_w64_h64_seed42")));
}

void TestMainWindow::one_step_uses_the_x0_checkpoint() {
    open_window();
    set_form(QString::fromLatin1(kMoroccan), 1, 64, 64, 42);
    auto* steps = child<QComboBox>(window_.get(), "stepsCombo");
    QCOMPARE(steps->currentText(), QStringLiteral("1 step"));
    QVERIFY2(steps->toolTip().contains(QLatin1String("sdxl_lightning_1step_unet_x0.safetensors")),
             qPrintable(steps->toolTip()));
    QSignalSpy previews(window_.get(), &MainWindow::previewShown);
    click_generate();
    wait_idle(1);
    QCOMPARE(previews.count(), 1);
    const GalleryItem item = gallery()->item(0);
    QCOMPARE(item.record.unet.name, std::string("sdxl_lightning_1step_unet_x0"));
    QCOMPARE(item.record.request.steps, 1);
    // Matches diffusers run with prediction_type="sample": the x0 file was used as an x0 model.
    expect_close_to_golden(lightning::read_png(item.file.toStdString()),
                           golden_png(QStringLiteral("lightning_1step_x0_w64_h64_seed42")));
}

void TestMainWindow::guidance_uses_the_negative_prompt() {
    open_window();
    set_form(QString::fromLatin1(kScandinavian), 4, 64, 64, 42);
    auto* negative = child<QPlainTextEdit>(window_.get(), "negativeEdit");
    QVERIFY(!negative->isEnabled());  // no CFG: a negative prompt would do nothing
    child<QDoubleSpinBox>(window_.get(), "guidanceSpin")->setValue(3.0);
    QVERIFY(negative->isEnabled());
    QTest::keyClicks(negative, QStringLiteral("blurry, low quality, distorted, watermark"));
    click_generate();
    wait_idle(1);
    const GalleryItem item = gallery()->item(0);
    QCOMPARE(*item.record.request.negative_prompt,
             std::string("blurry, low quality, distorted, watermark"));
    QCOMPARE(item.record.request.guidance, 3.0);
    expect_close_to_golden(
        lightning::read_png(item.file.toStdString()),
        golden_png(QStringLiteral("lightning_4step_cfg3_negprompt_w64_h64_seed42")));
}

void TestMainWindow::cancel_leaves_no_image_and_the_next_run_works() {
    open_window();
    set_form(QStringLiteral("a long run to cancel"), 8, 256, 256, 5);
    QSignalSpy previews(window_.get(), &MainWindow::previewShown);
    QSignalSpy finished(window_->controller(), &GenerationController::jobFinished);
    // Esc (the Cancel shortcut) as soon as the first preview is on screen.
    connect(window_.get(), &MainWindow::previewShown, this, [this] {
        if (window_->controller()->busy()) QTest::keyClick(window_.get(), Qt::Key_Escape);
    });
    click_generate();
    wait_idle(0);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished[0][1].toBool(), true);  // cancelled
    QCOMPARE(finished[0][2].toString(), QString());
    QVERIFY2(previews.count() < 8, qPrintable(QString::number(previews.count())));
    QCOMPARE(child<QLabel>(window_.get(), "stepLabel")->text(), QStringLiteral("Cancelled"));
    QVERIFY(QDir(gallery_dir_).entryList({QStringLiteral("*.png")}).isEmpty());
    disconnect(window_.get(), &MainWindow::previewShown, this, nullptr);

    // The Generate button itself turns into Cancel.
    const int previews_before = previews.count();
    click_generate();
    QTRY_VERIFY_WITH_TIMEOUT(previews.count() > previews_before, kTimeoutMs);
    auto* button = child<QPushButton>(window_.get(), "generateButton");
    QCOMPARE(button->text(), QStringLiteral("Cancel"));
    QTest::mouseClick(button, Qt::LeftButton);
    wait_idle(0);

    set_form(QStringLiteral("after the cancel"), 2, 64, 64, 6);
    click_generate();
    wait_idle(1);
    QCOMPARE(gallery()->item(0).record.request.prompt, std::string("after the cancel"));
    QCOMPARE(gallery()->item(0).record.unet.name, std::string("sdxl_lightning_2step_unet"));
}

void TestMainWindow::queued_jobs_run_in_order_after_edits() {
    open_window();
    auto* editor = child<QPlainTextEdit>(window_.get(), "promptEdit");
    set_form(QStringLiteral("job A"), 2, 128, 128, 1);
    click_generate();
    QVERIFY(window_->controller()->busy());
    // While A runs, Ctrl+Enter (and the queue button) queue B, C, D.
    for (const char* prompt : {"job B", "job C", "job D"}) {
        editor->selectAll();
        QTest::keyClicks(editor, QString::fromLatin1(prompt));
        QTest::keyClick(editor, Qt::Key_Return, Qt::ControlModifier);
    }
    QCOMPARE(editor->toPlainText(), QStringLiteral("job D"));  // Ctrl+Enter typed no newline
    auto* queue_view = child<QListView>(window_.get(), "queueView");
    QCOMPARE(queue_view->model()->rowCount(), 3);
    QVERIFY(queue_view->model()->index(0, 0).data().toString().contains(QLatin1String("job B")));
    // Edit the queue: D to the top, then remove C.
    queue_view->setCurrentIndex(queue_view->model()->index(2, 0));
    QTest::mouseClick(child<QPushButton>(window_.get(), "moveUpButton"), Qt::LeftButton);
    QTest::mouseClick(child<QPushButton>(window_.get(), "moveUpButton"), Qt::LeftButton);
    queue_view->setCurrentIndex(queue_view->model()->index(2, 0));
    QVERIFY(queue_view->currentIndex().data().toString().contains(QLatin1String("job C")));
    QTest::mouseClick(child<QPushButton>(window_.get(), "removeJobButton"), Qt::LeftButton);
    QCOMPARE(queue_view->model()->rowCount(), 2);
    QVERIFY(window_->controller()->busy());  // all of this happened while A was still running

    wait_idle(3);
    // Newest first: B ran last, D before it, A first.
    QCOMPARE(gallery()->item(0).record.request.prompt, std::string("job B"));
    QCOMPARE(gallery()->item(1).record.request.prompt, std::string("job D"));
    QCOMPARE(gallery()->item(2).record.request.prompt, std::string("job A"));
    QVERIFY(gallery()->item(0).created >= gallery()->item(1).created);
}

void TestMainWindow::batch_and_gallery_export_round_trip() {
    open_window();
    set_form(QStringLiteral("batch of two"), 2, 64, 96, 500);
    child<QSpinBox>(window_.get(), "batchSpin")->setValue(2);
    click_generate();
    wait_idle(2);
    QCOMPARE(gallery()->item(0).record.request.seed, uint64_t(501));  // image i uses seed + i
    QCOMPARE(gallery()->item(1).record.request.seed, uint64_t(500));
    QCOMPARE(gallery()->item(0).record.request.batch, 1);  // each PNG records its own image
    QVERIFY(lightning::read_png(gallery()->item(0).file.toStdString()).rgb !=
            lightning::read_png(gallery()->item(1).file.toStdString()).rgb);

    // Selection only.
    auto* view = window_->gallery()->view();
    window_->gallery()->select_rows({1});  // gallery rows (the grid shows them through a filter)
    const QString selected_dir = root_.filePath(QStringLiteral("export-selected"));
    QVERIFY(window_->gallery()->export_to(selected_dir, true).startsWith(QLatin1String("Saved 1")));
    QCOMPARE(QDir(selected_dir).entryList({QStringLiteral("*.png")}).size(), 1);

    // Everything.
    const QString all_dir = root_.filePath(QStringLiteral("export-all"));
    view->clearSelection();
    QVERIFY(window_->gallery()->export_to(all_dir, true).startsWith(QLatin1String("Saved 2")));
    const QStringList pngs = QDir(all_dir).entryList({QStringLiteral("*.png")});
    QCOMPARE(pngs.size(), 2);
    for (int row = 0; row < 2; ++row) {
        const GalleryItem& item = gallery()->item(row);
        const QString copy = QDir(all_dir).filePath(QFileInfo(item.file).fileName());
        const auto text = lightning::read_png_text(copy.toStdString());
        const auto record = lightning::parse_parameters(text.entries.at("parameters"));
        QVERIFY(record);
        QCOMPARE(*record, item.record);
        QVERIFY(lightning::read_png(copy.toStdString()).rgb ==
                lightning::read_png(item.file.toStdString()).rgb);
    }
    QFile json(QDir(all_dir).filePath(QStringLiteral("gallery.json")));
    QVERIFY(json.open(QIODevice::ReadOnly));
    QCOMPARE(
        QJsonDocument::fromJson(json.readAll()).object()[QStringLiteral("items")].toArray().size(),
        2);
    QVERIFY(QFileInfo(QDir(all_dir).filePath(QStringLiteral("index.html"))).size() > 0);
}

void TestMainWindow::regenerate_with_seed_reproduces_the_image() {
    open_window();
    set_form(QStringLiteral("same seed, same picture"), 2, 64, 64, 1234);
    click_generate();
    wait_idle(1);
    const GalleryItem first = gallery()->item(0);
    // Change the form, then "Regenerate with this seed" from the gallery's menu.
    set_form(QStringLiteral("something else"), 4, 96, 64, 9);
    auto* mode = child<QComboBox>(window_.get(), "seedModeCombo");
    mode->setCurrentIndex(mode->findData(int(SeedMode::Random)));
    Q_EMIT window_->gallery()->regenerateRequested(first.record.request);
    wait_idle(2);
    const GalleryItem again = gallery()->item(0);
    QCOMPARE(again.record, first.record);
    QVERIFY(lightning::read_png(again.file.toStdString()).rgb ==
            lightning::read_png(first.file.toStdString()).rgb);
    QCOMPARE(child<QLineEdit>(window_.get(), "seedEdit")->text(), QStringLiteral("1234"));
}

void TestMainWindow::restart_restores_settings_and_gallery() {
    open_window();
    set_form(QStringLiteral("remember me"), 2, 64, 64, 77);
    click_generate();
    wait_idle(1);
    const GalleryItem item = gallery()->item(0);
    child<QDoubleSpinBox>(window_.get(), "guidanceSpin")->setValue(2.5);
    QTest::keyClicks(child<QPlainTextEdit>(window_.get(), "negativeEdit"), QStringLiteral("noise"));
    child<QComboBox>(window_.get(), "sizeCombo")->setCurrentIndex(4);  // 832 × 1216
    child<QSpinBox>(window_.get(), "batchSpin")->setValue(3);
    window_->resize(1100, 700);
    window_.reset();  // "quit"

    open_window();
    QCOMPARE(child<QPlainTextEdit>(window_.get(), "promptEdit")->toPlainText(),
             QStringLiteral("remember me"));
    QCOMPARE(child<QPlainTextEdit>(window_.get(), "negativeEdit")->toPlainText(),
             QStringLiteral("noise"));
    QCOMPARE(child<QDoubleSpinBox>(window_.get(), "guidanceSpin")->value(), 2.5);
    QCOMPARE(child<QComboBox>(window_.get(), "stepsCombo")->currentData(Qt::UserRole).toInt(), 2);
    QCOMPARE(child<QComboBox>(window_.get(), "sizeCombo")->currentIndex(), 4);
    QCOMPARE(child<QSpinBox>(window_.get(), "widthSpin")->value(), 832);
    QCOMPARE(child<QSpinBox>(window_.get(), "heightSpin")->value(), 1216);
    QCOMPARE(child<QLineEdit>(window_.get(), "seedEdit")->text(), QStringLiteral("77"));
    QCOMPARE(seed_mode(), SeedMode::Fixed);
    QCOMPARE(child<QSpinBox>(window_.get(), "batchSpin")->value(), 3);
    QCOMPARE(window_->size(), QSize(1100, 700));
    QCOMPARE(window_->engine_settings(), tiny_engine());
    QTRY_COMPARE(gallery()->rowCount(), 1);  // the folder is read on a worker thread
    QCOMPARE(gallery()->item(0).file, item.file);
    QCOMPARE(gallery()->item(0).record, item.record);
    QCOMPARE(gallery()->item(0).seconds, item.seconds);
}

void TestMainWindow::missing_lightning_file_disables_its_step_entry() {
    const QString partial = root_.filePath(QStringLiteral("partial-lightning"));
    link_into(partial, {QStringLiteral("sdxl_lightning_1step_unet_x0.safetensors"),
                        QStringLiteral("sdxl_lightning_4step_unet.safetensors")});
    EngineSettings engine = tiny_engine();
    engine.models.lightning_dir = to_std(partial);
    store_engine(engine);
    open_window();
    auto* combo = child<QComboBox>(window_.get(), "stepsCombo");
    auto* model = qobject_cast<QStandardItemModel*>(combo->model());
    QVERIFY(model);
    for (int row = 0; row < model->rowCount(); ++row) {
        const QStandardItem* item = model->item(row);
        const int steps = item->data(Qt::UserRole).toInt();
        const bool present = steps == 1 || steps == 4;
        QCOMPARE(item->isEnabled(), present);
        QCOMPARE(window_->steps_available(steps), present);
        // The text names the step count only (nothing to cut off); the file is in the tooltip,
        // and for a missing one also the folder it is missing from.
        const QString count =
            steps == 1 ? QStringLiteral("1 step") : QStringLiteral("%1 steps").arg(steps);
        QCOMPARE(item->text(), present ? count : count + QStringLiteral(" (file missing)"));
        QVERIFY2(item->toolTip().contains(published_lightning_file(steps)),
                 qPrintable(item->toolTip()));
        QVERIFY2(item->toolTip().contains(partial), qPrintable(item->toolTip()));
    }
    // Even when forced (e.g. restored from a PNG), that entry cannot generate; the message is
    // the engine's, word for word what the CLI says.
    combo->setCurrentIndex(combo->findData(8, Qt::UserRole));
    QVERIFY(!child<QPushButton>(window_.get(), "generateButton")->isEnabled());
    QCOMPARE(window_->generate(), 0);
    lightning::GenerationRequest eight_steps;
    eight_steps.steps = 8;
    QString engine_error;
    try {
        lightning::unet_file_for(engine.models, eight_steps);
    } catch (const lightning::Error& error) {
        engine_error = to_qstring(error.what());
    }
    QVERIFY(engine_error.contains(QLatin1String("sdxl_lightning_8step_unet.safetensors")));
    QVERIFY2(window_->message_text().contains(engine_error), qPrintable(window_->message_text()));
}

void TestMainWindow::corrupt_model_file_shows_error_and_app_recovers() {
    // A Lightning folder whose 4-step UNet is truncated garbage; the 2-step file is fine.
    const QString broken = root_.filePath(QStringLiteral("broken-lightning"));
    link_into(broken, {QStringLiteral("sdxl_lightning_2step_unet.safetensors")});
    {
        QFile source(
            fixture(QStringLiteral("tiny-lightning/sdxl_lightning_4step_unet.safetensors")));
        QVERIFY(source.open(QIODevice::ReadOnly));
        QFile target(
            QDir(broken).filePath(QStringLiteral("sdxl_lightning_4step_unet.safetensors")));
        QVERIFY(target.open(QIODevice::WriteOnly));
        target.write(source.read(5000));  // header intact, tensor data cut off
    }
    EngineSettings engine = tiny_engine();
    engine.models.lightning_dir = to_std(broken);
    store_engine(engine);
    open_window();
    set_form(QStringLiteral("broken"), 4, 64, 64, 3);
    QSignalSpy finished(window_->controller(), &GenerationController::jobFinished);
    click_generate();
    QTRY_VERIFY_WITH_TIMEOUT(!window_->message_text().isEmpty() && !window_->controller()->busy(),
                             kTimeoutMs);
    qInfo("shown: %s", qPrintable(window_->message_text()));
    QVERIFY2(
        window_->message_text().contains(QLatin1String("sdxl_lightning_4step_unet.safetensors")),
        qPrintable(window_->message_text()));
    QCOMPARE(gallery()->rowCount(), 0);

    // Still usable: another step count works, and so does the fixed setup.
    set_form(QStringLiteral("still alive"), 2, 64, 64, 3);
    click_generate();
    wait_idle(1);
    window_->apply_engine_settings(tiny_engine());
    set_form(QStringLiteral("fixed"), 4, 64, 64, 3);
    click_generate();
    wait_idle(2);
    QCOMPARE(gallery()->item(0).record.unet.name, std::string("sdxl_lightning_4step_unet"));

    // A corrupt base model fails the load with a message naming the file; fixing it recovers.
    const QString bad_base = root_.filePath(QStringLiteral("broken-base"));
    QVERIFY(QDir().mkpath(bad_base + QStringLiteral("/vae")));
    const QDir tiny(fixture(QStringLiteral("tiny-sdxl")));
    for (const QString& entry : tiny.entryList(QDir::Dirs | QDir::Files | QDir::NoDotAndDotDot))
        if (entry != QLatin1String("vae"))
            QVERIFY(QFile::link(tiny.filePath(entry), QDir(bad_base).filePath(entry)));
    QVERIFY(QFile::copy(fixture(QStringLiteral("tiny-sdxl/vae/config.json")),
                        bad_base + QStringLiteral("/vae/config.json")));
    {
        QFile garbage(bad_base + QStringLiteral("/vae/diffusion_pytorch_model.safetensors"));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("this is not a safetensors file");
    }
    engine = tiny_engine();
    engine.models.base = to_std(bad_base);
    window_->apply_engine_settings(engine);
    QTRY_COMPARE_WITH_TIMEOUT(window_->controller()->model_state(),
                              GenerationController::ModelState::Failed, kTimeoutMs);
    qInfo("shown: %s", qPrintable(window_->message_text()));
    QVERIFY2(window_->message_text().contains(QLatin1String("diffusion_pytorch_model.safetensors")),
             qPrintable(window_->message_text()));
    window_->apply_engine_settings(tiny_engine());
    QTRY_COMPARE_WITH_TIMEOUT(window_->controller()->model_state(),
                              GenerationController::ModelState::Ready, kTimeoutMs);
    set_form(QStringLiteral("recovered"), 2, 64, 64, 3);
    click_generate();
    wait_idle(3);
}

void TestMainWindow::gallery_grid_and_prompt_history_in_the_window() {
    const char* prompts[] = {"an old prompt", "a castle at dawn", "the newest prompt"};
    for (int n = 0; n < 3; ++n) {
        write_gallery_png(gallery_dir_, lightning::testing::gallery_test_image(64, 64, n),
                          lightning::testing::gallery_test_item(QString::fromUtf8(prompts[n]), 4,
                                                                uint64_t(n + 1)));
    }
    open_window(false);
    window_->resize(1280, 800);
    QTRY_COMPARE(gallery()->rowCount(), 3);

    // A grid: the first two images side by side at the default thumbnail size.
    QListView* grid = window_->gallery()->view();
    const QRect first = grid->visualRect(window_->gallery()->filter_model()->index(0, 0));
    const QRect second = grid->visualRect(window_->gallery()->filter_model()->index(1, 0));
    QCOMPARE(second.top(), first.top());

    // The gallery's prompts, newest first, one click (or Alt+Down) from the prompt box.
    auto* editor = child<QPlainTextEdit>(window_.get(), "promptEdit");
    editor->setPlainText(QStringLiteral("a draft"));
    child<QToolButton>(window_.get(), "promptHistoryButton")->click();
    auto* popup = editor->findChild<PromptHistoryPopup*>();
    QVERIFY(popup);
    QTRY_VERIFY(popup->isVisible());
    QCOMPARE(popup->list()->model()->rowCount(), 3);
    QTest::keyClicks(popup->filter(), QStringLiteral("castle"));
    QTest::keyClick(popup->filter(), Qt::Key_Return);
    QCOMPARE(editor->toPlainText(), QStringLiteral("a castle at dawn"));
}

// Issue 26: Settings had no key outside KDE and macOS (QKeySequence::Preferences is empty
// elsewhere, as under the offscreen platform here), and "Recent prompts…" was the last Tab stop
// instead of the one after the prompt.
void TestMainWindow::settings_key_and_recent_prompts_tab_stop_on_every_desktop() {
    open_window(false);
    auto* settings = window_->findChild<QAction*>(QStringLiteral("settingsAction"));
    QVERIFY(settings);
    QVERIFY(!settings->shortcut().isEmpty());
    if (QKeySequence::keyBindings(QKeySequence::Preferences).isEmpty())
        QCOMPARE(settings->shortcut(), QKeySequence(QStringLiteral("Ctrl+,")));
    // The next Tab stop after the prompt box (its own viewport is not one).
    auto* editor = child<QPlainTextEdit>(window_.get(), "promptEdit");
    QWidget* next = editor->nextInFocusChain();
    while (next != editor && (editor->isAncestorOf(next) || !(next->focusPolicy() & Qt::TabFocus)))
        next = next->nextInFocusChain();
    QCOMPARE(next, static_cast<QWidget*>(child<QToolButton>(window_.get(), "promptHistoryButton")));
}

void TestMainWindow::full_disk_while_saving_is_reported_and_the_app_keeps_working() {
    open_window();
    set_form(QStringLiteral("no room for this"), 2, 64, 64, 21);
    QSignalSpy finished(window_->controller(), &GenerationController::jobFinished);
    {
        // The disk fills up while the image is generated (support/file_size_limit.h: writes
        // past 1 KiB fail with "File too large", as they fail with ENOSPC on a full disk).
        lightning::testing::FileSizeLimit full(1024);
        QVERIFY(full.active());
        click_generate();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kTimeoutMs);
    }
    const QString shown = window_->message_text();
    qInfo("shown: %s", qPrintable(shown));
    QVERIFY2(shown.contains(QLatin1String("could not be saved in the gallery")), qPrintable(shown));
    QVERIFY2(shown.contains(QString::fromLocal8Bit(std::strerror(EFBIG))), qPrintable(shown));
    QVERIFY2(shown.contains(QLatin1String("Free some disk space")), qPrintable(shown));
    QCOMPARE(gallery()->rowCount(), 0);
    QVERIFY(QDir(gallery_dir_).entryList({QStringLiteral("*.png*")}, QDir::Files).isEmpty());

    // With space again the same window saves the next image.
    set_form(QStringLiteral("room again"), 2, 64, 64, 22);
    click_generate();
    wait_idle(1);
    QCOMPARE(gallery()->item(0).record.request.prompt, std::string("room again"));
}

void TestMainWindow::read_only_gallery_folder_is_reported_not_crashed_on() {
    if (::geteuid() == 0) QSKIP("root writes into read-only folders: run as another user");
    QVERIFY(QDir().mkpath(gallery_dir_));
    const auto read_only = QFileDevice::ReadOwner | QFileDevice::ExeOwner;
    QVERIFY(QFile::setPermissions(gallery_dir_, read_only));
    auto writable = qScopeGuard(
        [&] { QFile::setPermissions(gallery_dir_, read_only | QFileDevice::WriteOwner); });
    open_window();
    QTRY_VERIFY_WITH_TIMEOUT(window_->message_text().contains(QLatin1String("cannot be written")),
                             kTimeoutMs);
    qInfo("shown: %s", qPrintable(window_->message_text()));

    // Generating there fails with the reason; the window stays usable.
    set_form(QStringLiteral("nowhere to go"), 2, 64, 64, 23);
    QSignalSpy finished(window_->controller(), &GenerationController::jobFinished);
    click_generate();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kTimeoutMs);
    const QString shown = window_->message_text();
    qInfo("shown: %s", qPrintable(shown));
    QVERIFY2(shown.contains(QString::fromLocal8Bit(std::strerror(EACCES))), qPrintable(shown));
    QVERIFY2(shown.contains(QLatin1String("gallery folder you can write to")), qPrintable(shown));
    QCOMPARE(gallery()->rowCount(), 0);
    writable.dismiss();
    QVERIFY(QFile::setPermissions(gallery_dir_, read_only | QFileDevice::WriteOwner));
    set_form(QStringLiteral("writable again"), 2, 64, 64, 24);
    click_generate();
    wait_idle(1);
}

void TestMainWindow::event_loop_keeps_running_during_generation() {
    open_window();
    set_form(QStringLiteral("keep the window alive"), 4, 256, 256, 11);
    QElapsedTimer clock;
    qint64 last = 0, worst_gap = 0;
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
    click_generate();
    wait_idle(1);
    timer.stop();
    const qint64 total = clock.elapsed();
    qInfo("generation took %lld ms: %d timer ticks, longest gap %lld ms", total, ticks, worst_gap);
    QVERIFY2(total > 300, "generation too short to tell");
    QVERIFY2(ticks >= total / 10 / 4, "the timer hardly fired: the GUI thread was blocked");
    QVERIFY2(worst_gap < std::max<qint64>(500, total / 3), "the GUI thread stalled");
}

void TestMainWindow::dropping_a_png_restores_its_settings() {
    open_window();
    const QString png = root_.filePath(QStringLiteral("dropped.png"));
    lightning::Image8 pixels;
    pixels.width = pixels.height = 8;
    pixels.rgb.assign(8 * 8 * 3, 128);
    lightning::PngText text;
    text.entries["parameters"] =
        "a dropped prompt\nwith two lines\nNegative prompt: dropped negative\nSteps: 2, Sampler: "
        "Euler a, CFG scale: 3, Seed: 777, Size: 896x1152, Model hash: abc, Model: other";
    lightning::write_png(png.toStdString(), pixels, text);

    QVERIFY(drop_file(window_.get(), png));

    QCOMPARE(child<QPlainTextEdit>(window_.get(), "promptEdit")->toPlainText(),
             QStringLiteral("a dropped prompt\nwith two lines"));
    QCOMPARE(child<QPlainTextEdit>(window_.get(), "negativeEdit")->toPlainText(),
             QStringLiteral("dropped negative"));
    QCOMPARE(child<QComboBox>(window_.get(), "stepsCombo")->currentData(Qt::UserRole).toInt(), 2);
    QCOMPARE(child<QDoubleSpinBox>(window_.get(), "guidanceSpin")->value(), 3.0);
    QCOMPARE(child<QComboBox>(window_.get(), "sizeCombo")->currentText(),
             QStringLiteral("896 × 1152"));
    QCOMPARE(child<QLineEdit>(window_.get(), "seedEdit")->text(), QStringLiteral("777"));
    QCOMPARE(seed_mode(), SeedMode::Fixed);
    // Issue 26: what is not used (another tool's sampler) is said, not dropped silently.
    QVERIFY(window_->message_text().contains(QLatin1String("Not used here")));
    QVERIFY(window_->message_text().contains(QLatin1String("Sampler: Euler a")));
    // A value that cannot be read keeps the form's (not seed 0), and the note names it.
    const QString unreadable = root_.filePath(QStringLiteral("unreadable.png"));
    text.entries["parameters"] = "p\nSteps: 2, Sampler: Euler, Seed: 99999999999999999999999";
    lightning::write_png(unreadable.toStdString(), pixels, text);
    QVERIFY(window_->restore_from_png(unreadable));
    QCOMPARE(child<QLineEdit>(window_.get(), "seedEdit")->text(), QStringLiteral("777"));
    QVERIFY(window_->message_text().contains(QLatin1String("kept as they were: Seed")));
    // A value past the limits table is said too, not clamped silently.
    text.entries["parameters"] = "p\nSteps: 2, Sampler: Euler, CFG scale: 50, Seed: 777";
    lightning::write_png(unreadable.toStdString(), pixels, text);
    QVERIFY(window_->restore_from_png(unreadable));
    QVERIFY(window_->message_text().contains(QLatin1String("Outside the limits")));
    QVERIFY(window_->message_text().contains(QLatin1String("guidance")));

    // A PNG without parameters says so and changes nothing.
    const QString plain = root_.filePath(QStringLiteral("plain.png"));
    lightning::write_png(plain.toStdString(), pixels);
    QVERIFY(!window_->restore_from_png(plain));
    QVERIFY(window_->message_text().contains(QLatin1String("has no generation parameters")));
    QCOMPARE(child<QLineEdit>(window_.get(), "seedEdit")->text(), QStringLiteral("777"));
    // Not a PNG at all.
    QMimeData text_mime;
    text_mime.setText(QStringLiteral("hello"));
    QDragEnterEvent refused(QPoint(10, 10), Qt::CopyAction, &text_mime, Qt::LeftButton,
                            Qt::NoModifier);
    refused.ignore();
    QApplication::sendEvent(window_.get(), &refused);
    QVERIFY(!refused.isAccepted());
}

// Issue 24 item 4: a ComfyUI and an InvokeAI PNG (real files, tests/data/foreign) fill the form
// with their prompts and seed, as bench/reference/foreign_metadata_expected.py read them, and
// the message says what was taken over and what was not.
void TestMainWindow::dropping_other_tools_pngs_shows_their_prompts() {
    open_window();
    const std::string data = lightning::testing::test_data_dir() + "/foreign/";
    std::ifstream in(data + "tools/expected.json");
    QVERIFY(in);
    const auto expected = nlohmann::json::parse(in).at("files");
    for (const char* name : {"png/comfyui_img2img_cropped.png", "png/invokeai_imeta1.png"}) {
        const auto& want = expected.at(name);
        const QString png = root_.filePath(QFileInfo(QString::fromLatin1(name)).fileName());
        QVERIFY(QFile::copy(QString::fromStdString(data + name), png));
        QVERIFY(drop_file(window_.get(), png));
        QCOMPARE(child<QPlainTextEdit>(window_.get(), "promptEdit")->toPlainText(),
                 QString::fromStdString(want.at("prompt").get<std::string>()));
        QCOMPARE(child<QPlainTextEdit>(window_.get(), "negativeEdit")->toPlainText(),
                 QString::fromStdString(want.at("negative").get<std::string>()));
        QCOMPARE(child<QLineEdit>(window_.get(), "seedEdit")->text(),
                 QString::number(want.at("seed").get<qulonglong>()));
        const QString message = window_->message_text();
        QVERIFY2(message.contains(
                     QStringLiteral("Read from %1")
                         .arg(QString::fromStdString(want.at("tool").get<std::string>()))) &&
                     message.contains(QLatin1String("Not used here")),
                 qPrintable(message));
    }
    // ComfyUI's img2img size is its input image's: the form keeps its own and says so.
    QVERIFY(QFile::copy(QString::fromStdString(data + "png/comfyui_img2img_cropped.png"),
                        root_.filePath(QStringLiteral("img2img.png"))));
    QVERIFY(window_->restore_from_png(root_.filePath(QStringLiteral("img2img.png"))));
    QVERIFY2(window_->message_text().contains(QLatin1String("kept as they were: Size")),
             qPrintable(window_->message_text()));
}

void TestMainWindow::token_counts_mark_the_truncated_part() {
    open_window();
    QTRY_VERIFY_WITH_TIMEOUT(window_->token_counter()->ready(), kTimeoutMs);
    auto* box = window_->findChild<PromptBox*>(QStringLiteral("promptBox"));
    QVERIFY(box);
    box->set_text(QStringLiteral("a photo of a cat"));
    QCOMPARE(box->count_label()->text(), QStringLiteral("5 / 75 tokens"));
    QCOMPARE(box->cut_position(), -1);

    // Only the plain syntax cuts (a1111 and compel add 75-token chunks: test_exploration).
    EngineSettings engine = window_->engine_settings();
    engine.prompt_syntax = lightning::PromptSyntax::None;
    window_->apply_engine_settings(engine);
    QStringList words;
    for (int i = 0; i < 80; ++i) words << QStringLiteral("cat");
    box->set_text(words.join(u' '));
    QVERIFY2(box->count_label()->text().contains(QLatin1String("80 / 75 tokens")),
             qPrintable(box->count_label()->text()));
    QCOMPARE(box->cut_position(), 75 * 4);  // the 76th "cat" is the first one cut

    // tokenizer_2 maps every '!' to its own id: the counts differ and both are shown.
    box->set_text(QStringLiteral("wow!!! really"));
    QVERIFY2(box->count_label()->text().contains(QLatin1String("OpenCLIP")),
             qPrintable(box->count_label()->text()));

    // Typing updates the count after a short pause.
    auto* editor = child<QPlainTextEdit>(window_.get(), "promptEdit");
    editor->clear();
    QTest::keyClicks(editor, QStringLiteral("a photo"));
    QTRY_COMPARE(box->count_label()->text(), QStringLiteral("2 / 75 tokens"));
}

void TestMainWindow::log_view_shows_engine_messages() {
    open_window(false);
    auto* log = child<QPlainTextEdit>(window_.get(), "logView");
    std::thread([] { lightning::log().warn("message from another thread"); }).join();
    QTRY_VERIFY(log->toPlainText().contains(QLatin1String("message from another thread")));
}

void TestMainWindow::settings_dialog_validates_as_you_type() {
    SettingsDialog dialog(tiny_engine());
    auto* base = child<QLineEdit>(&dialog, "baseEdit");
    auto* base_status = child<QLabel>(&dialog, "baseEditStatus");
    auto* lightning = child<QLineEdit>(&dialog, "lightningDirEdit");
    auto* lightning_status = child<QLabel>(&dialog, "lightningDirEditStatus");
    QVERIFY2(base_status->text().contains(QStringLiteral("✔")), qPrintable(base_status->text()));
    QVERIFY2(lightning_status->text().contains(QLatin1String("1/2/4/8 steps")),
             qPrintable(lightning_status->text()));

    const QString empty = root_.filePath(QStringLiteral("empty-model"));
    QDir().mkpath(empty);
    base->setText(empty);
    QVERIFY(base_status->text().contains(QLatin1String("Missing model_index.json in")));
    QVERIFY(base_status->text().contains(QLatin1String("Missing vae/config.json in")));
    lightning->setText(empty);
    QVERIFY(lightning_status->text().contains(QLatin1String("No Lightning UNet file in")));

    // A single file asks for the configs folder.
    base->setText(fixture(QStringLiteral("tiny-lightning/sdxl_lightning_4step.safetensors")));
    QVERIFY(child<QLineEdit>(&dialog, "configDirEdit")->isEnabled());
    QVERIFY(base_status->text().contains(QLatin1String("configs and tokenizers")));
    child<QLineEdit>(&dialog, "configDirEdit")->setText(fixture(QStringLiteral("tiny-sdxl")));
    QVERIFY2(base_status->text().contains(QStringLiteral("✔")), qPrintable(base_status->text()));

    // "Find in Hugging Face cache" with an empty cache changes nothing and says so.
    QVERIFY(dialog.find_in_hf_cache().startsWith(QLatin1String("Nothing usable in")));
    const EngineSettings chosen = dialog.settings();
    QCOMPARE(chosen.models.base,
             to_std(fixture(QStringLiteral("tiny-lightning/sdxl_lightning_4step.safetensors"))));
    QCOMPARE(chosen.models.config_dir, to_std(fixture(QStringLiteral("tiny-sdxl"))));
    QCOMPARE(chosen.models.lightning_dir, to_std(empty));
    QCOMPARE(chosen.output_dir, gallery_dir_);
    QCOMPARE(chosen.preview, lightning::PreviewMode::Reduced);
    QCOMPARE(chosen.device, QStringLiteral("cpu"));
    QCOMPARE(chosen.precision, lightning::Precision::FP32);
    QCOMPARE(chosen.checkpoint_cache_gb, 0.0);  // automatic

    // The devices found, no free text; the precisions each one offers.
    auto* device = child<QComboBox>(&dialog, "settingsDevice");
    QVERIFY(!device->isEditable());
    QCOMPARE(device->count(), int(available_devices().size()));
    auto* precision = child<QComboBox>(&dialog, "settingsPrecision");
    QCOMPARE(precision->count(), int(precisions_for(QStringLiteral("cpu")).size()));
    QCOMPARE(precision->findText(QStringLiteral("fp16")), -1);  // not on the CPU
    child<QDoubleSpinBox>(&dialog, "settingsCheckpointCache")->setValue(8);
    QCOMPARE(dialog.settings().checkpoint_cache_gb, 8.0);
    QCOMPARE(to_engine_options(dialog.settings()).checkpoint_budget.device_bytes,
             std::optional<uint64_t>(8ull << 30));
}

void TestMainWindow::device_selector_lists_devices_and_says_when_on_the_cpu() {
    open_window();
    auto* device = child<QComboBox>(window_.get(), "deviceCombo");
    QVERIFY(!device->isEditable());
    QCOMPARE(device->count(), int(available_devices().size()));
    for (int row = 0; row < device->count(); ++row) {
        const auto& info = available_devices()[size_t(row)];
        QCOMPARE(device->itemData(row).toString(), to_qstring(info.id));
        QCOMPARE(device->itemText(row), device_label(info));
        QVERIFY(info.id == "cpu" ? device->itemText(row).startsWith(QStringLiteral("CPU · "))
                                 : device->itemText(row).endsWith(QLatin1String(" GB")));
    }
    QCOMPARE(device->currentData().toString(), QStringLiteral("cpu"));  // as stored
    auto* precision = child<QComboBox>(window_.get(), "precisionCombo");
    QCOMPARE(precision->itemText(0), QStringLiteral("fp32"));
    QCOMPARE(precision->findText(QStringLiteral("fp16")), -1);
    QCOMPARE(precision->findText(QStringLiteral("bf16")) >= 0, lightning::cpu_has_native_bf16());

    // On the CPU the status bar says so, with a rough time for the form's image.
    set_form(QStringLiteral("estimate"), 4, 512, 512, 1);
    lightning::GenerationRequest request;
    request.steps = 4;
    request.width = request.height = 512;
    const QString expected =
        describe_duration(estimated_cpu_seconds(request, QThread::idealThreadCount()));
    QCOMPARE(window_->cpu_notice(),
             QStringLiteral("Running on the CPU: about %1 per 512×512 image").arg(expected));
    // Larger images, more steps, guidance and fewer threads cost more (the measured table's
    // sizes grow faster than their pixel count: the VAE's and attention's costs).
    const double base_seconds = estimated_cpu_seconds(request, 2);
    request.width = request.height = 1024;
    const double large_seconds = estimated_cpu_seconds(request, 2);
    QVERIFY(large_seconds > 4 * base_seconds);
    request.width = request.height = 896;  // between two measured sizes
    const double between = estimated_cpu_seconds(request, 2);
    QVERIFY(between > base_seconds && between < large_seconds);
    request.width = request.height = 1024;
    request.guidance = 3;
    QVERIFY(estimated_cpu_seconds(request, 2) > large_seconds);
    QCOMPARE(estimated_cpu_seconds(request, 1), 2 * estimated_cpu_seconds(request, 2));
    QCOMPARE(describe_duration(200), QStringLiteral("3 min 20 s"));
    QCOMPARE(describe_duration(45), QStringLiteral("45 s"));
}

void TestMainWindow::form_refuses_what_the_cli_refuses_in_the_same_words() {
    open_window();
    // The form's ranges come from the one limits table.
    namespace limits = lightning::limits;
    QCOMPARE(child<QSpinBox>(window_.get(), "widthSpin")->minimum(), limits::kMinSide);
    QCOMPARE(child<QSpinBox>(window_.get(), "heightSpin")->maximum(), limits::kMaxSide);
    QCOMPARE(child<QSpinBox>(window_.get(), "widthSpin")->singleStep(), limits::kSideMultiple);
    QCOMPARE(child<QSpinBox>(window_.get(), "batchSpin")->maximum(), limits::kMaxBatch);
    QCOMPARE(child<QDoubleSpinBox>(window_.get(), "guidanceSpin")->maximum(), limits::kMaxGuidance);

    // A seed past 2^53 - 1 fits the seed field but not the table.
    const QString seed = QStringLiteral("9999999999999999");
    set_form(QStringLiteral("too far"), 4, 64, 64, seed.toULongLong());
    QCOMPARE(window_->generate(), 0);
    QVERIFY(!window_->controller()->busy());
    QProcess cli;
    cli.start(QString::fromStdString(lightning::testing::cli_path()),
              {QStringLiteral("generate"), QStringLiteral("--model"),
               fixture(QStringLiteral("tiny-sdxl")), QStringLiteral("--lightning"),
               fixture(QStringLiteral("tiny-lightning")), QStringLiteral("--prompt"),
               QStringLiteral("too far"), QStringLiteral("--seed"), seed, QStringLiteral("--out"),
               root_.filePath(QStringLiteral("never.png"))});
    QVERIFY(cli.waitForFinished(kTimeoutMs));
    QCOMPARE(cli.exitCode(), 2);
    const QString cli_error = QString::fromUtf8(cli.readAllStandardError()).trimmed();
    const QString prefix = QStringLiteral("lightning: error: ");
    QVERIFY2(cli_error.startsWith(prefix + QStringLiteral("seed: ")), qPrintable(cli_error));
    QVERIFY2(window_->message_text().contains(cli_error.mid(prefix.size())),
             qPrintable(window_->message_text() + QStringLiteral(" | ") + cli_error));
}

void TestMainWindow::idle_steps_change_switches_from_the_cache() {
    open_window();
    // Right after loading, the engine reads the other checkpoints ahead (a job would cut this
    // short; they would then be read on first use).
    QTRY_VERIFY_WITH_TIMEOUT(window_->controller()->preloaded_checkpoints() >= 0, kTimeoutMs);
    QCOMPARE(window_->controller()->preloaded_checkpoints(), 4);
    QSignalSpy switched(window_->controller(), &GenerationController::stepsSwitched);
    for (int steps : {2, 8, 1}) {
        select_steps(steps);
        QTRY_VERIFY_WITH_TIMEOUT(!switched.isEmpty() && switched.last()[0].toInt() == steps,
                                 kTimeoutMs);
        const QString from = switched.last()[2].toString();
        qInfo("switched to %d steps in %.4f s from %s", steps, switched.last()[1].toDouble(),
              qPrintable(from));
        // Preloaded after the model loaded: no checkpoint is read from disk again.
        QVERIFY2(from != QLatin1String("disk"), qPrintable(from));
    }
    QVERIFY(!window_->controller()->busy());
}

void TestMainWindow::command_line_help_version_and_png() {
    using Action = StudioCommandLine::Action;
    QCOMPARE(parse_studio_command_line({QStringLiteral("--help")}).action, Action::Help);
    QCOMPARE(parse_studio_command_line({QStringLiteral("x.png"), QStringLiteral("-h")}).action,
             Action::Help);
    QCOMPARE(parse_studio_command_line({QStringLiteral("--version")}).action, Action::Version);
    const auto open_png = parse_studio_command_line({QStringLiteral("/a/B.PNG")});
    QCOMPARE(open_png.action, Action::Run);
    QCOMPARE(open_png.png, QStringLiteral("/a/B.PNG"));
    QCOMPARE(parse_studio_command_line({}).png, QString());
    const auto bad_option = parse_studio_command_line({QStringLiteral("--bogus")});
    QCOMPARE(bad_option.action, Action::Error);
    QVERIFY(bad_option.message.contains(QLatin1String("--bogus")));
    QCOMPARE(parse_studio_command_line({QStringLiteral("photo.jpg")}).action, Action::Error);
    QVERIFY(studio_usage().contains(QLatin1String("--version")));
    QVERIFY(
        to_qstring(lightning::program_version()).startsWith(QLatin1String("Lightning Studio ")));
}

// Issue #26: a PNG whose `parameters` hold a 15 MB prompt froze the window (the prompt box laid
// it out for minutes). The limits table the CLI applies refuses it before any widget sees it,
// whichever way it comes in: the command line, a drop, the gallery's "Reuse parameters".
void TestMainWindow::a_png_with_a_huge_prompt_is_refused_at_every_entry_point() {
    const size_t huge = 15u << 20;
    const QString png = root_.filePath(QStringLiteral("huge-prompt.png"));
    write_png_with_prompt(png, huge);
    QDir().mkpath(gallery_dir_);
    QVERIFY(QFile::copy(png, QDir(gallery_dir_).filePath(QStringLiteral("in-gallery.png"))));
    open_window(false);
    auto* editor = child<QPlainTextEdit>(window_.get(), "promptEdit");
    editor->setPlainText(QStringLiteral("what I was writing"));
    const QString limit = QString::number(lightning::limits::kMaxPromptBytes);
    auto expect_refused = [&](const QString& file_name) {
        const QString shown = window_->message_text();
        qInfo("shown: %s", qPrintable(shown));
        QVERIFY2(shown.contains(file_name), qPrintable(shown));
        QVERIFY2(shown.contains(QString::number(huge)) && shown.contains(limit), qPrintable(shown));
        QCOMPARE(editor->toPlainText(), QStringLiteral("what I was writing"));
        child<QPushButton>(window_.get(), "dismissButton")->click();
        QVERIFY(window_->message_text().isEmpty());
    };
    QElapsedTimer clock;

    // `lightning-studio huge-prompt.png`, as app/studio/main.cpp opens it.
    clock.start();
    const StudioCommandLine command = parse_studio_command_line({png});
    QCOMPARE(command.action, StudioCommandLine::Action::Run);
    QVERIFY(!window_->restore_from_png(command.png));
    qInfo("command line: refused in %lld ms", clock.elapsed());
    expect_refused(QStringLiteral("huge-prompt.png"));

    // Dropped on the window.
    clock.restart();
    QVERIFY(drop_file(window_.get(), png));
    qInfo("drop: refused in %lld ms", clock.elapsed());
    expect_refused(QStringLiteral("huge-prompt.png"));

    // In the gallery: listed (its caption says why it is not used), reuse and regenerate refused.
    QTRY_COMPARE_WITH_TIMEOUT(gallery()->rowCount(), 1, kTimeoutMs);
    QVERIFY(gallery()->item(0).record.request.prompt.empty());
    QVERIFY2(gallery()->item(0).refused.contains(limit), qPrintable(gallery()->item(0).refused));
    QListView* grid = window_->gallery()->view();
    grid->setCurrentIndex(window_->gallery()->filter_model()->index(0, 0));
    QVERIFY(!window_->gallery()->grab().isNull());  // paints the caption
    clock.restart();
    window_->gallery()->action("reuseAction")->trigger();
    qInfo("gallery reuse: refused in %lld ms", clock.elapsed());
    expect_refused(QStringLiteral("in-gallery.png"));
    window_->gallery()->action("regenerateAction")->trigger();
    expect_refused(QStringLiteral("in-gallery.png"));
    QCOMPARE(window_->controller()->queue()->count(), 0);
    QVERIFY(!window_->controller()->busy());

    // The window keeps working: a PNG within the limits still fills the form.
    const QString fine = root_.filePath(QStringLiteral("fine.png"));
    write_png_with_prompt(fine, lightning::limits::kMaxPromptBytes);
    QVERIFY(window_->restore_from_png(fine));
    QCOMPARE(editor->toPlainText().size(), qsizetype(lightning::limits::kMaxPromptBytes));
}

// Opens `folder` through File > Open folder as gallery, answering its folder dialog.
void TestMainWindow::open_folder_as_gallery(const QString& folder) {
    bool answered = false;
    QTimer::singleShot(0, this, [&] {
        auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
        if (!dialog) return;
        answered = true;
        dialog->setDirectory(folder);
        dialog->selectFile(folder);
        static_cast<QDialog*>(dialog)->accept();  // QFileDialog::accept() is protected
    });
    child<QAction>(window_.get(), "openFolderAsGalleryAction")->trigger();
    QVERIFY(answered);
    QCOMPARE(gallery()->folder(), QDir(folder).absolutePath());
}

// Issue #26: opening a folder of the user's as a gallery deleted their "notes.txt.tmp.99999.7"
// (taken for an interrupted save of the app's) and wrote a 30 MB index.json into it. A folder
// that is not the app's own is only read; its index lives in the app's cache.
void TestMainWindow::opening_a_foreign_folder_as_gallery_writes_and_removes_nothing() {
    const QString folder = root_.filePath(QStringLiteral("users-folder"));
    for (int n = 1; n <= 2; ++n)
        write_gallery_png(folder, lightning::testing::gallery_test_image(64, 64, n),
                          lightning::testing::gallery_test_item(QStringLiteral("image %1").arg(n),
                                                                4, uint64_t(n)));
    const QStringList others = {QStringLiteral("notes.txt.tmp.99999.7"),
                                QStringLiteral("report.tmp.424242.1"),
                                QStringLiteral("x.png.tmp.1.2"), QStringLiteral("index.json")};
    for (const QString& name : others) {
        QFile file(QDir(folder).filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"the user's\": \"" + name.toUtf8() + "\"}");
    }
    const QStringList before = folder_listing(folder);
    QCOMPARE(before.size(), 2 + others.size());

    open_window(false);
    open_folder_as_gallery(folder);
    QCOMPARE(gallery()->rowCount(), 2);
    gallery()->flush();  // the index is written
    QCOMPARE(folder_listing(folder), before);
    QCOMPARE(gallery()->kind(), GalleryFolder::Foreign);
    const QString index = gallery_index_path(folder, GalleryFolder::Foreign);
    QVERIFY2(!index.startsWith(folder), qPrintable(index));
    QVERIFY2(QFileInfo(index).size() > 0, qPrintable(index));

    // A star is what the user asked for: written into that PNG, and still nothing else.
    window_->gallery()->toggle_favourite({0});
    gallery()->flush();
    QTRY_VERIFY(gallery()->item(0).favourite);
    gallery()->flush();
    const auto not_pngs = [](QStringList listing) {
        listing.removeIf(
            [](const QString& entry) { return entry.contains(QLatin1String(".png ")); });
        return listing;
    };
    QCOMPARE(folder_listing(folder).size(), before.size());
    QCOMPARE(not_pngs(folder_listing(folder)), not_pngs(before));

    // Reopened: the cached index describes it, no PNG is read again.
    const GalleryLoad again = load_gallery(folder, {}, GalleryFolder::Foreign);
    QCOMPARE(int(again.items.size()), 2);
    QVERIFY2(again.note.isEmpty(), qPrintable(again.note));

    // The output folder opened the same way is the app's own: its index is inside.
    open_folder_as_gallery(gallery_dir_);
    QCOMPARE(gallery()->kind(), GalleryFolder::Own);
    QVERIFY(QFileInfo(QDir(gallery_dir_).filePath(QStringLiteral("index.json"))).isFile());
}

// Issue #26: a long model error in the banner took its width from the form, which got a
// horizontal scrollbar and cut texts ("Add to queu"); and it named only "model.safetensors",
// which both text encoders have.
void TestMainWindow::a_long_model_error_leaves_the_form_uncut_and_names_the_component() {
    // A base model whose second text encoder is damaged.
    const QString bad_base = root_.filePath(QStringLiteral("bad-text-encoder-2"));
    QVERIFY(QDir().mkpath(bad_base + QStringLiteral("/text_encoder_2")));
    const QDir tiny(fixture(QStringLiteral("tiny-sdxl")));
    for (const QString& entry : tiny.entryList(QDir::Dirs | QDir::Files | QDir::NoDotAndDotDot))
        if (entry != QLatin1String("text_encoder_2"))
            QVERIFY(QFile::link(tiny.filePath(entry), QDir(bad_base).filePath(entry)));
    QVERIFY(QFile::link(tiny.filePath(QStringLiteral("text_encoder_2/config.json")),
                        bad_base + QStringLiteral("/text_encoder_2/config.json")));
    {
        QFile source(tiny.filePath(QStringLiteral("text_encoder_2/model.safetensors")));
        QVERIFY(source.open(QIODevice::ReadOnly));
        QFile target(bad_base + QStringLiteral("/text_encoder_2/model.safetensors"));
        QVERIFY(target.open(QIODevice::WriteOnly));
        target.write(source.read(source.size() / 2));  // header intact, tensor data cut off
    }
    EngineSettings engine = tiny_engine();
    engine.models.base = to_std(bad_base);
    store_engine(engine);
    open_window();
    window_->resize(1280, 800);
    QCOMPARE(window_->controller()->model_state(), GenerationController::ModelState::Failed);
    const QString shown = window_->message_text();
    qInfo("shown: %s", qPrintable(shown));
    QVERIFY2(shown.contains(QLatin1String("text_encoder_2/model.safetensors")), qPrintable(shown));

    // That message, and one with a word longer than any line (as a path can be).
    for (const QString& text : {shown, QStringLiteral("Failed: ") + QString(600, u'x')}) {
        Q_EMIT window_->gallery()->message(text, true);
        QApplication::processEvents();
        QCOMPARE(window_->message_text(), text);
        auto* scroll = child<QScrollArea>(window_.get(), "formScroll");
        if (!qEnvironmentVariableIsEmpty("LIGHTNING_UI_SHOTS"))
            window_->grab().save(qEnvironmentVariable("LIGHTNING_UI_SHOTS") +
                                 QStringLiteral("/long-error-%1.png").arg(text.size()));
        qInfo("form %d wide, its contents need %d; window %d", scroll->viewport()->width(),
              scroll->widget()->minimumSizeHint().width(), window_->width());
        QVERIFY(!scroll->horizontalScrollBar()->isVisible());
        for (const char* name : {"generateButton", "queueButton", "liveButton"}) {
            auto* button = child<QPushButton>(window_.get(), name);
            QVERIFY2(button->fontMetrics().horizontalAdvance(button->text()) < button->width(),
                     name);
        }
        auto* tokens = child<QLabel>(window_.get(), "promptTokens");
        QVERIFY2(tokens->fontMetrics().horizontalAdvance(tokens->text()) <= tokens->width(),
                 qPrintable(tokens->text()));
    }
}

// Issue #26: the Settings error text was cut ("…(diffusers layo…"): two lines (the height kept,
// so rows stay put) show the whole problem.
void TestMainWindow::settings_problems_are_read_whole() {
    SettingsDialog dialog(tiny_engine());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    child<QLineEdit>(&dialog, "baseEdit")->clear();
    QApplication::processEvents();
    auto* status = child<ElidingLabel>(&dialog, "baseEditStatus");
    QVERIFY2(status->text().contains(QLatin1String("(diffusers layout)")),
             qPrintable(status->text()));
    QVERIFY2(!status->is_elided(), qPrintable(status->shown_lines().join(u'|')));
}

// Not a check: writes the README screenshot when LIGHTNING_SCREENSHOT names a PNG path (run under
// xvfb-run with QT_QPA_PLATFORM=xcb for the native look).
void TestMainWindow::screenshot_mid_generation() {
    const QString out = qEnvironmentVariable("LIGHTNING_SCREENSHOT");
    if (out.isEmpty()) QSKIP("set LIGHTNING_SCREENSHOT=docs/screenshot.png to write a screenshot");
    open_window();
    window_->resize(1280, 800);
    for (uint64_t seed : {11, 12, 13}) {
        set_form(QString::fromLatin1(seed == 12 ? kMoroccan : kScandinavian), 4, 256, 256, seed);
        click_generate();
        wait_idle(int(seed) - 10);
    }
    set_form(QStringLiteral("A lighthouse on a cliff at dusk, waves crashing below, warm light in "
                            "the windows, dramatic clouds, cinematic"),
             8, 512, 512, 2024);
    QImage shot;
    connect(window_.get(), &MainWindow::previewShown, this, [&](int, int, int step, int) {
        if (step == 4 && shot.isNull()) shot = window_->grab().toImage();
    });
    click_generate();
    // A second job waits in the queue, as it would in real use.
    QTest::keyClick(child<QPlainTextEdit>(window_.get(), "promptEdit"), Qt::Key_Return,
                    Qt::ControlModifier);
    wait_idle(5);
    QVERIFY(!shot.isNull());
    QVERIFY(shot.save(out, "PNG", 9));
    QVERIFY(window_->findChild<QDockWidget*>(QStringLiteral("galleryDock"))->width() >= 400);
    qInfo("wrote %s (%dx%d)", qPrintable(out), shot.width(), shot.height());
}

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
