// Upscaling in the app (issue 19, "Upscale ×2 / ×4" on gallery images, and the hires fix's
// upscaler models): the upscaler folder of the settings (ui/upscaler_files.h), the gallery's
// actions, off without a model file; an upscale through the window with the tiny fixture model
// on the CPU and the tiny RRDBNets of tests/data/esrgan, ending in a gallery image whose record
// "Regenerate" makes again bit for bit; a model file that is no upscaler, a scale above the
// model's and a result over the limits refused before any work; a failing upscale job said,
// with the gallery as it was; and the upscaler models a gallery image's record names found
// again by "Reuse".
#include "core/image/png.h"
#include "core/request/file_hashes.h"
#include "core/request/limits.h"
#include "ui/form/generation_form.h"
#include "ui/gallery_widget.h"
#include "ui/image_viewer.h"
#include "ui/main_window.h"
#include "ui/saved_jobs.h"
#include "ui/settings_dialog.h"
#include "ui/string_convert.h"
#include "ui/upscaler_files.h"

#include "support/fixtures.h"
#include "support/gallery_fixtures.h"
#include "support/window_driving.h"

#include <QtTest/QtTest>

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <memory>

using namespace lightning::ui;
using lightning::testing::child;

namespace {

constexpr int kTimeoutMs = 120000;

QString fixture(const QString& name) {
    return QString::fromStdString(lightning::testing::fixtures_dir()) + u'/' + name;
}

// A file of tests/data/esrgan (README.md there says which model each is).
QString esrgan_file(const QString& name) {
    return QString::fromStdString(lightning::testing::test_data_dir()) +
           QStringLiteral("/esrgan/") + name;
}

QString short_hash(const QString& file) {
    return to_qstring(lightning::short_file_hash(to_std(file)));
}

// `files` of tests/data/esrgan copied into `folder` (as `names` when given).
QString upscaler_folder(const QString& folder, const QStringList& files,
                        const QStringList& names = {}) {
    QDir().mkpath(folder);
    for (int i = 0; i < files.size(); ++i)
        QFile::copy(esrgan_file(files[i]), QDir(folder).filePath(names.value(i, files[i])));
    return folder;
}

}  // namespace

class TestUpscaleWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void upscaler_files_are_listed_and_found_by_record();
    void upscale_actions_are_off_without_an_upscaler_model();
    void upscale_x2_of_a_gallery_image_regenerates_identically();
    void bad_upscales_are_refused_before_work_and_the_gallery_keeps_its_images();
    void reuse_finds_the_upscaler_models_a_record_names();
    void an_upscale_left_queued_is_kept_for_the_next_start();
    void a_running_upscale_counts_its_tiles_and_cancels_between_them();

private:
    void open_window(bool wait_for_model);
    // The settings of init() with `folder` as the upscaler models folder.
    void set_upscaler_folder(const QString& folder);
    GalleryModel* gallery() const { return window_->gallery()->model(); }
    void select_gallery_row(int shown_row);
    bool idle() const {
        return !window_->controller()->busy() && window_->controller()->queue()->count() == 0;
    }

    QTemporaryDir root_;
    QString gallery_dir_;
    int test_number_ = 0;
    EngineSettings engine_;
    std::unique_ptr<MainWindow> window_;
};

void TestUpscaleWindow::initTestCase() {
    QVERIFY(root_.isValid());
    lightning::testing::isolate_app(root_, QStringLiteral("test_upscale_window"));
}

void TestUpscaleWindow::init() {
    QSettings().clear();
    gallery_dir_ = root_.filePath(QStringLiteral("gallery-%1").arg(++test_number_));
    engine_ = {};
    engine_.models.base = to_std(fixture(QStringLiteral("tiny-sdxl")));
    engine_.models.lightning_dir = to_std(fixture(QStringLiteral("tiny-lightning")));
    engine_.output_dir = gallery_dir_;
    engine_.device = QStringLiteral("cpu");
    engine_.precision = lightning::Precision::FP32;
    QSettings settings;
    save_engine_settings(settings, engine_);
}

void TestUpscaleWindow::cleanup() {
    window_.reset();
}

void TestUpscaleWindow::set_upscaler_folder(const QString& folder) {
    engine_.upscalers_dir = folder;
    QSettings settings;
    save_engine_settings(settings, engine_);
}

void TestUpscaleWindow::open_window(bool wait_for_model) {
    window_ = std::make_unique<MainWindow>();
    window_->show();
    window_->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window_.get()));
    if (wait_for_model)
        QTRY_VERIFY_WITH_TIMEOUT(
            window_->controller()->model_state() == GenerationController::ModelState::Ready,
            kTimeoutMs);
}

void TestUpscaleWindow::select_gallery_row(int shown_row) {
    GalleryWidget* widget = window_->gallery();
    widget->view()->setCurrentIndex(widget->filter_model()->index(shown_row, 0));
}

// ---------------------------------------------------------------------------------- files

void TestUpscaleWindow::upscaler_files_are_listed_and_found_by_record() {
    const QString folder =
        upscaler_folder(root_.filePath(QStringLiteral("listed")),
                        {QStringLiteral("x4.safetensors"), QStringLiteral("x2_params.pth"),
                         QStringLiteral("README.md")});
    const QStringList files = upscaler_model_files(folder);
    QCOMPARE(files, (QStringList{QDir(folder).filePath(QStringLiteral("x2_params.pth")),
                                 QDir(folder).filePath(QStringLiteral("x4.safetensors"))}));
    QCOMPARE(upscaler_display_name(files[1]), QStringLiteral("x4"));
    QVERIFY(upscaler_setup_hint(folder).isEmpty());
    QVERIFY(upscaler_setup_hint(QString()).contains(QLatin1String("Settings")));
    QVERIFY(upscaler_setup_hint(root_.path()).contains(QDir::toNativeSeparators(root_.path())));
    QCOMPARE(upscaler_model_scale(files[0]), 2);
    QCOMPARE(upscaler_model_scale(files[1]), 4);

    // A record names a model file by its stem and hash.
    const lightning::FileIdentity x4{"x4", to_std(short_hash(files[1]))};
    QCOMPARE(find_upscaler_file(x4, folder), files[1]);
    QCOMPARE(find_upscaler_file({"x4", "0000000000"}, folder), QString());
    QCOMPARE(find_upscaler_file({"x4", ""}, folder), files[1]);
    QCOMPARE(find_upscaler_file({"x8", ""}, folder), QString());

    // The folder is a setting of its own: kept, and checked in the dialog as it is typed.
    engine_.upscalers_dir = folder;
    {
        QSettings settings;
        save_engine_settings(settings, engine_);
        QCOMPARE(load_engine_settings(settings).upscalers_dir, folder);
    }
    SettingsDialog dialog(engine_);
    auto* edit = child<QLineEdit>(&dialog, "upscalersDirEdit");
    auto* status = child<QLabel>(&dialog, "upscalersDirEditStatus");
    QCOMPARE(edit->text(), folder);
    QVERIFY2(status->text().contains(QLatin1String("2 upscalers: x2_params, x4")),
             qPrintable(status->text()));
    edit->setText(root_.filePath(QStringLiteral("not-there")));
    QVERIFY2(status->text().contains(QLatin1String("No folder")), qPrintable(status->text()));
    edit->setText(folder);
    QCOMPARE(dialog.settings().upscalers_dir, folder);
}

// ------------------------------------------------------------------------------- the window

void TestUpscaleWindow::upscale_actions_are_off_without_an_upscaler_model() {
    const GalleryItem written = write_gallery_png(
        gallery_dir_, lightning::testing::gallery_test_image(64, 64, 1),
        lightning::testing::gallery_test_item(QStringLiteral("no upscaler"), 2, 3));
    open_window(false);
    QTRY_COMPARE_WITH_TIMEOUT(gallery()->rowCount(), 1, kTimeoutMs);
    GalleryWidget* widget = window_->gallery();
    select_gallery_row(0);
    for (const char* name : {"upscale2Action", "upscale4Action"}) {
        QVERIFY(!widget->action(name)->isEnabled());
        QVERIFY2(widget->action(name)->toolTip().contains(QLatin1String("Upscaler models")),
                 qPrintable(widget->action(name)->toolTip()));
    }
    widget->open_viewer(0);
    QVERIFY(!child<QPushButton>(widget->viewer(), "viewerUpscale2")->isEnabled());
    QVERIFY(child<QPushButton>(widget->viewer(), "viewerUpscale4")
                ->toolTip()
                .contains(QLatin1String("Upscaler models")));
    // Asked anyway (no action is enabled, but a caller may): said, nothing queued.
    widget->upscale_current(2);
    QVERIFY2(window_->message_text().contains(QLatin1String("Upscaler models")),
             qPrintable(window_->message_text()));
    QCOMPARE(window_->controller()->queue()->count(), 0);
    QVERIFY(!window_->controller()->busy());

    // A folder without model files: still off, the tooltip names the folder.
    const QString empty = root_.filePath(QStringLiteral("no-models"));
    QDir().mkpath(empty);
    EngineSettings engine = window_->engine_settings();
    engine.upscalers_dir = empty;
    window_->apply_engine_settings(engine);
    QVERIFY(!widget->action("upscale2Action")->isEnabled());
    QVERIFY(widget->action("upscale2Action")->toolTip().contains(QDir::toNativeSeparators(empty)));

    // A model file there: on, in the gallery, its viewer and the form's choices.
    upscaler_folder(empty, {QStringLiteral("x2.safetensors")});
    window_->apply_engine_settings(engine);
    QVERIFY(widget->action("upscale2Action")->isEnabled());
    QVERIFY(widget->action("upscale4Action")->toolTip().contains(QLatin1String("x2")));
    QVERIFY(child<QPushButton>(widget->viewer(), "viewerUpscale2")->isEnabled());
    QCOMPARE(widget->current_upscaler(), QDir(empty).filePath(QStringLiteral("x2.safetensors")));
    auto* form_choice = child<QComboBox>(window_.get(), "upscaleModelCombo");
    QVERIFY(form_choice->findText(QStringLiteral("x2")) > 0);
    QVERIFY(child<QComboBox>(window_.get(), "hiresUpscalerCombo")->findText(QStringLiteral("x2")) >
            0);
    QCOMPARE(gallery()->item(0).file, written.file);
}

void TestUpscaleWindow::upscale_x2_of_a_gallery_image_regenerates_identically() {
    // A ×4 model asked for ×2: the model's output is resized down with Lanczos.
    const QString folder = upscaler_folder(root_.filePath(QStringLiteral("models-x4")),
                                           {QStringLiteral("x4.safetensors")});
    const QString model = QDir(folder).filePath(QStringLiteral("x4.safetensors"));
    set_upscaler_folder(folder);
    open_window(true);
    lightning::GenerationRequest request;
    request.prompt = "a lighthouse";
    request.steps = 2;
    request.width = 64;
    request.height = 64;
    request.seed = 42;
    window_->form()->set_request(request);
    QVERIFY(window_->generate() > 0);
    QTRY_VERIFY_WITH_TIMEOUT(idle() && gallery()->rowCount() == 1, kTimeoutMs);
    const GalleryItem source = gallery()->item(0);
    const lightning::Image8 source_pixels = lightning::read_png(to_std(source.file));
    QCOMPARE(source_pixels.width, 64);

    select_gallery_row(0);
    QVERIFY(window_->gallery()->action("upscale2Action")->isEnabled());
    window_->gallery()->action("upscale2Action")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(idle() && gallery()->rowCount() == 2, kTimeoutMs);
    QVERIFY2(window_->message_text().isEmpty(), qPrintable(window_->message_text()));
    const GalleryItem upscaled = gallery()->item(0);
    QCOMPARE(QFileInfo(upscaled.file).absolutePath(), QDir(gallery_dir_).absolutePath());
    const lightning::Image8 pixels = lightning::read_png(to_std(upscaled.file));
    QCOMPARE(pixels.width, 128);
    QCOMPARE(pixels.height, 128);
    // The source's record with the upscale: the model by name and hash.
    QCOMPARE(upscaled.record.request.upscale.scale, 2);
    QCOMPARE(upscaled.record.upscaler, (lightning::FileIdentity{"x4", to_std(short_hash(model))}));
    lightning::GenerationRequest without_upscale = upscaled.record.request;
    without_upscale.upscale = {};
    QCOMPARE(without_upscale, source.record.request);
    QCOMPARE(upscaled.record.model, source.record.model);
    QCOMPARE(upscaled.record.unet, source.record.unet);

    // "Regenerate" on it, with another prompt in the form: the same pixels through the
    // generation path (the request's upscale on the finished image).
    child<QPlainTextEdit>(window_.get(), "promptEdit")->setPlainText(QStringLiteral("else"));
    select_gallery_row(0);
    window_->gallery()->action("regenerateAction")->trigger();
    QCOMPARE(window_->form()->request().upscale.model, to_std(model));
    QCOMPARE(window_->form()->request().upscale.scale, 2);
    QTRY_VERIFY_WITH_TIMEOUT(idle() && gallery()->rowCount() == 3, kTimeoutMs);
    QVERIFY2(window_->message_text().isEmpty(), qPrintable(window_->message_text()));
    const GalleryItem again = gallery()->item(0);
    QCOMPARE(again.record, upscaled.record);
    QVERIFY(lightning::read_png(to_std(again.file)).rgb == pixels.rgb);
    QCOMPARE(gallery()->item(2).file, source.file);  // the source is still there
}

void TestUpscaleWindow::bad_upscales_are_refused_before_work_and_the_gallery_keeps_its_images() {
    const QString folder =
        upscaler_folder(root_.filePath(QStringLiteral("models-bad")),
                        {QStringLiteral("bad_no_tensors.pth"), QStringLiteral("x2.safetensors"),
                         QStringLiteral("x4.safetensors")},
                        {QStringLiteral("not-an-upscaler.pth"), QStringLiteral("x2.safetensors"),
                         QStringLiteral("x4.safetensors")});
    const QString bad = QDir(folder).filePath(QStringLiteral("not-an-upscaler.pth"));
    const QString x2 = QDir(folder).filePath(QStringLiteral("x2.safetensors"));
    const QString x4 = QDir(folder).filePath(QStringLiteral("x4.safetensors"));
    set_upscaler_folder(folder);
    write_gallery_png(gallery_dir_, lightning::testing::gallery_test_image(64, 64, 2),
                      lightning::testing::gallery_test_item(QStringLiteral("small"), 2, 5));
    // Wider than the limits allow once upscaled ×4.
    const int wide = lightning::limits::kMaxUpscaledSide / 4 + 8;
    write_gallery_png(gallery_dir_, lightning::testing::gallery_test_image(wide, 16, 3),
                      lightning::testing::gallery_test_item(QStringLiteral("wide"), 2, 6));
    open_window(true);
    QTRY_COMPARE_WITH_TIMEOUT(gallery()->rowCount(), 2, kTimeoutMs);
    QStringList before;
    for (const GalleryItem& item : gallery()->items()) before << item.file;
    GalleryWidget* widget = window_->gallery();
    const int small_row = gallery()->item(0).record.request.prompt == "small" ? 0 : 1;
    const QString small = gallery()->item(small_row).file;
    const QString wide_file = gallery()->item(1 - small_row).file;

    auto refused = [&](const QString& file, const QString& model, int scale,
                       const QString& expected) {
        QCOMPARE(window_->upscale_image(file, model, scale), 0);
        const QString message = window_->message_text();
        QVERIFY2(
            message.contains(QStringLiteral("Cannot upscale %1").arg(QFileInfo(file).fileName())),
            qPrintable(message));
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY(idle());
    };
    refused(small, bad, 2, QStringLiteral("not-an-upscaler.pth"));
    refused(small, x2, 4, QStringLiteral("×2 model"));
    refused(wide_file, x4, 4, QString::number(lightning::limits::kMaxUpscaledSide));

    // Through the gallery's menu choice too: the bad file chosen, nothing queued.
    widget->view()->setCurrentIndex(
        widget->filter_model()->index(widget->filter_model()->row_of(small_row), 0));
    widget->upscale_current(2, bad);
    QVERIFY(window_->message_text().contains(QLatin1String("not-an-upscaler.pth")));
    QVERIFY(idle());

    // A job that fails while it runs (the image's pixels cut off after the chunks that the
    // check reads): said, and the gallery is as it was.
    QFile cut(root_.filePath(QStringLiteral("cut.png")));
    QVERIFY(cut.open(QIODevice::WriteOnly));
    const std::vector<unsigned char> bytes = lightning::testing::read_bytes(small);
    const QByteArray whole(reinterpret_cast<const char*>(bytes.data()), qsizetype(bytes.size()));
    const qsizetype pixels_at = whole.indexOf("IDAT");
    QVERIFY(pixels_at > 0);
    cut.write(whole.left(pixels_at + 16));  // the chunks before the pixels, and 12 bytes of them
    cut.close();
    QVERIFY(window_->upscale_image(cut.fileName(), x2, 2) > 0);
    QTRY_VERIFY_WITH_TIMEOUT(idle(), kTimeoutMs);
    QVERIFY2(window_->message_text().contains(QLatin1String("failed")),
             qPrintable(window_->message_text()));
    QStringList after;
    for (const GalleryItem& item : gallery()->items()) after << item.file;
    QCOMPARE(after, before);
    QCOMPARE(QDir(gallery_dir_).entryList({QStringLiteral("*.png")}).size(), 2);

    // The app keeps working: a picture without generation settings upscales too; its record
    // has only the upscale, so it offers nothing to reuse or regenerate.
    const QString photo = root_.filePath(QStringLiteral("photo.png"));
    lightning::write_png(to_std(photo), lightning::testing::gallery_test_image(24, 16, 9));
    QVERIFY(window_->upscale_image(photo, x2, 2) > 0);
    QTRY_VERIFY_WITH_TIMEOUT(idle() && gallery()->rowCount() == 3, kTimeoutMs);
    const GalleryItem upscaled = gallery()->item(0);
    QCOMPARE(lightning::read_png(to_std(upscaled.file)).width, 48);
    QVERIFY(upscaled_without_source(upscaled.record));
    QCOMPARE(upscaled.record.request.width, 24);
    QCOMPARE(upscaled.record.upscaler, (lightning::FileIdentity{"x2", to_std(short_hash(x2))}));
    select_gallery_row(0);
    QVERIFY(!widget->action("regenerateAction")->isEnabled());
    QVERIFY(!widget->action("reuseAction")->isEnabled());
    QVERIFY(widget->action("regenerateAction")->toolTip().contains(QLatin1String("upscaled")));
    QVERIFY(widget->action("upscale2Action")->isEnabled());
    QCOMPARE(window_->more_like_selected(), 0);
    QVERIFY(window_->message_text().contains(QLatin1String("without generation settings")));
    // A generated image's actions are on again.
    select_gallery_row(widget->filter_model()->row_of(gallery()->rowCount() - 1));
    QVERIFY(widget->action("regenerateAction")->isEnabled());
}

void TestUpscaleWindow::reuse_finds_the_upscaler_models_a_record_names() {
    const QString folder =
        upscaler_folder(root_.filePath(QStringLiteral("models-reuse")),
                        {QStringLiteral("x2.safetensors"), QStringLiteral("x4.safetensors")});
    const QString x2 = QDir(folder).filePath(QStringLiteral("x2.safetensors"));
    const QString x4 = QDir(folder).filePath(QStringLiteral("x4.safetensors"));
    set_upscaler_folder(folder);
    GalleryItem item = lightning::testing::gallery_test_item(QStringLiteral("hires"), 2, 7);
    lightning::GenerationRequest& r = item.record.request;
    r.hires.scale = 2;
    r.hires.strength = 0.6;
    r.hires.steps = 4;
    r.hires.upscaler = lightning::HiresUpscaler::Model;
    r.hires.upscaler_model = "x4";  // as a PNG's record names it
    r.upscale = {"x2", 2};
    item.record.hires_upscaler = {"x4", to_std(short_hash(x4))};
    item.record.upscaler = {"x2", to_std(short_hash(x2))};
    write_gallery_png(gallery_dir_, lightning::testing::gallery_test_image(64, 64, 4), item);
    open_window(false);
    QTRY_COMPARE_WITH_TIMEOUT(gallery()->rowCount(), 1, kTimeoutMs);
    select_gallery_row(0);
    window_->gallery()->action("reuseAction")->trigger();
    const lightning::GenerationRequest form = window_->form()->request();
    QCOMPARE(form.hires.scale, 2.0);
    QCOMPARE(form.hires.strength, 0.6);
    QCOMPARE(form.hires.steps, 4);
    QCOMPARE(form.hires.upscaler, lightning::HiresUpscaler::Model);
    QCOMPARE(to_qstring(form.hires.upscaler_model), x4);
    QCOMPARE(to_qstring(form.upscale.model), x2);
    QCOMPARE(form.upscale.scale, 2);
    QCOMPARE(child<QComboBox>(window_.get(), "hiresUpscalerCombo")->currentText(),
             QStringLiteral("x4"));
    QVERIFY2(window_->message_text().isEmpty() ||
                 !window_->message_text().contains(QLatin1String("upscaler")),
             qPrintable(window_->message_text()));

    // A model file that is not in the folder (another hash): said, the name kept.
    QFile::remove(x4);
    QFile::copy(esrgan_file(QStringLiteral("x4_gc32.safetensors")), x4);
    window_->gallery()->action("reuseAction")->trigger();
    QVERIFY2(window_->message_text().contains(QLatin1String("No upscaler model x4")),
             qPrintable(window_->message_text()));
}

void TestUpscaleWindow::an_upscale_left_queued_is_kept_for_the_next_start() {
    GenerationController controller;
    controller.set_engine({});  // no model: jobs wait in the queue
    GenerationJob upscale;
    upscale.purpose = JobPurpose::Upscale;
    upscale.request.upscale = {to_std(esrgan_file(QStringLiteral("x2.safetensors"))), 2};
    upscale.output_dir = gallery_dir_;
    const lightning::ImageRecord record =
        lightning::testing::gallery_test_item(QStringLiteral("kept"), 2, 8).record;
    upscale.upscale_source = UpscaleSource{root_.filePath(QStringLiteral("a.png")), record, 64, 48};
    GenerationJob without_record = upscale;
    without_record.upscale_source->record.reset();
    controller.submit(upscale);
    controller.submit(without_record);
    const QList<GenerationJob> unfinished = controller.unfinished_gallery_jobs();
    QCOMPARE(unfinished.size(), 2);

    QSettings settings;
    save_pending_jobs(settings, unfinished);
    const QList<GenerationJob> loaded = load_pending_jobs(settings);
    QCOMPARE(loaded.size(), 2);
    for (int i = 0; i < 2; ++i) {
        const GenerationJob& job = loaded[i];
        QVERIFY(job.upscales());
        QCOMPARE(job.request, upscale.request);
        QCOMPARE(job.output_dir, gallery_dir_);
        QCOMPARE(job.upscale_source->file, upscale.upscale_source->file);
        QCOMPARE(job.upscale_source->width, 64);
        QCOMPARE(job.upscale_source->height, 48);
        QCOMPARE(job.upscale_source->record, unfinished[i].upscale_source->record);
    }
    QVERIFY(loaded[0].upscale_source->record.has_value());
    QVERIFY(!loaded[1].upscale_source->record.has_value());
    QVERIFY(describe_job(loaded[0]).contains(QStringLiteral("upscale ×2 · 64×48 → 128×96")));
}

// On a CPU a ×4 of a large image takes minutes: the bar counts the tiles, and Cancel stops
// between them with nothing written; the next upscale runs whole. 1024×512 in tiles of 256 is
// 4 × 2 tiles; the tiny ×4 model takes about a second a tile here, so the cancel asked for at
// the first tile lands well before the last.
void TestUpscaleWindow::a_running_upscale_counts_its_tiles_and_cancels_between_them() {
    const QString folder =
        upscaler_folder(root_.filePath(QStringLiteral("models-tiles")),
                        {QStringLiteral("x2.safetensors"), QStringLiteral("x4.safetensors")});
    set_upscaler_folder(folder);
    const QString source = root_.filePath(QStringLiteral("wide.png"));
    lightning::Image8 image{1024, 512, {}};
    for (int i = 0; i < 1024 * 512 * 3; ++i) image.rgb.push_back(uint8_t((i * 7 + i / 3072) % 251));
    lightning::write_png(to_std(source), image);
    open_window(true);

    QStringList labels;
    QSignalSpy finished(window_->controller(), &GenerationController::jobFinished);
    auto* label = child<QLabel>(window_.get(), "stepLabel");
    auto* cancel = window_->findChild<QAction*>(QStringLiteral("cancelAction"));
    QVERIFY(cancel);
    const auto connection =
        connect(window_->controller(), &GenerationController::stepFinished, this, [&] {
            labels << label->text();
            if (labels.size() == 1) cancel->trigger();
        });
    QVERIFY(window_->upscale_image(source, QDir(folder).filePath(QStringLiteral("x4.safetensors")),
                                   4) > 0);
    QTRY_VERIFY_WITH_TIMEOUT(idle() && finished.count() == 1, kTimeoutMs);
    disconnect(connection);
    QCOMPARE(finished[0][1].toBool(), true);  // cancelled, not failed
    QCOMPARE(finished[0][2].toString(), QString());
    QVERIFY2(labels.size() < 8, qPrintable(labels.join(u'\n')));  // stopped between tiles
    QVERIFY2(labels[0].startsWith(QStringLiteral("Upscaling · tile 1/8")), qPrintable(labels[0]));
    QCOMPARE(label->text(), QStringLiteral("Cancelled"));
    QVERIFY(QDir(gallery_dir_).entryList({QStringLiteral("*.png")}).isEmpty());

    QVERIFY(window_->upscale_image(source, QDir(folder).filePath(QStringLiteral("x2.safetensors")),
                                   2) > 0);
    QTRY_VERIFY_WITH_TIMEOUT(idle() && gallery()->rowCount() == 1, kTimeoutMs);
    QCOMPARE(lightning::read_png(to_std(gallery()->item(0).file)).width, 2048);
}

QTEST_MAIN(TestUpscaleWindow)
#include "test_upscale_window.moc"
