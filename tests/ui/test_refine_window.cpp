// Refining images in the app (issue 19, "In the app"): the input files kept beside the gallery
// (ui/refine_files.h), dropping an image on the window, "Use as input" in the gallery and its
// viewer, and inpainting end to end with the tiny fixture model on the CPU: an input image and
// a mask painted with the mouse give a gallery image whose record names both (hashes) and which
// "Regenerate" makes again bit for bit; outpainting by dragging the canvas edges, the same way;
// live mode with an input image (strength and mask strokes re-render, a mouse move does not).
#include "core/image/image_file.h"
#include "core/image/png.h"
#include "core/request/file_hashes.h"
#include "ui/form/generation_form.h"
#include "ui/form/refine_panel.h"
#include "ui/gallery_widget.h"
#include "ui/image_viewer.h"
#include "ui/live_mode.h"
#include "ui/main_window.h"
#include "ui/mask_painter.h"
#include "ui/refine_files.h"
#include "ui/result_grid.h"
#include "ui/string_convert.h"

#include "support/fixtures.h"
#include "support/gallery_fixtures.h"
#include "support/mask_driving.h"
#include "support/window_driving.h"

#include <QtTest/QtTest>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QImageWriter>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>

#include <memory>

using namespace lightning::ui;
using lightning::testing::child;
using lightning::testing::drag_canvas;
using lightning::testing::drop_file;

namespace {

constexpr int kTimeoutMs = 120000;

QString fixture(const QString& name) {
    return QString::fromStdString(lightning::testing::fixtures_dir()) + u'/' + name;
}

QByteArray bytes_of(const QString& file) {
    QFile in(file);
    return in.open(QIODevice::ReadOnly) ? in.readAll() : QByteArray();
}

QString short_hash(const QString& file) {
    return to_qstring(lightning::short_file_hash(to_std(file)));
}

// An image without generation parameters (what a camera or another program writes).
QString write_picture(const QString& file, int width, int height, int salt) {
    lightning::write_png(to_std(file), lightning::testing::gallery_test_image(width, height, salt));
    return file;
}

}  // namespace

class TestRefineWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void kept_files_are_named_by_content_and_found_by_record();
    void dropping_an_image_sets_the_input_and_a_text_file_is_refused();
    void use_as_input_from_the_gallery_and_the_viewer();
    void painted_inpainting_regenerates_identically_from_the_gallery();
    void outpainting_by_dragging_the_edges_regenerates_identically();
    void live_mode_rerenders_an_input_image_on_strength_and_mask_steps();

private:
    void open_window(bool wait_for_model, bool manual_clock = false);
    // The prompt, steps, seed and strength of a refining request.
    void set_form(const QString& prompt, int steps, int seed, double strength);
    MaskPainter* open_painter();
    void wait_idle();
    lightning::GenerationRequest form_request() const { return window_->form()->request(); }
    GalleryModel* gallery() const { return window_->gallery()->model(); }

    QTemporaryDir root_;
    QString gallery_dir_;
    int test_number_ = 0;
    double now_ = 1000;  // live mode's clock with manual_clock: it stands still
    int live_jobs_ = 0;
    std::unique_ptr<MainWindow> window_;
};

void TestRefineWindow::initTestCase() {
    QVERIFY(root_.isValid());
    lightning::testing::isolate_app(root_, QStringLiteral("test_refine_window"));
}

void TestRefineWindow::init() {
    QSettings().clear();
    gallery_dir_ = root_.filePath(QStringLiteral("gallery-%1").arg(++test_number_));
    EngineSettings engine;
    engine.models.base = to_std(fixture(QStringLiteral("tiny-sdxl")));
    engine.models.lightning_dir = to_std(fixture(QStringLiteral("tiny-lightning")));
    engine.output_dir = gallery_dir_;
    engine.device = QStringLiteral("cpu");
    engine.precision = lightning::Precision::FP32;
    QSettings settings;
    save_engine_settings(settings, engine);
}

void TestRefineWindow::cleanup() {
    window_.reset();
}

void TestRefineWindow::open_window(bool wait_for_model, bool manual_clock) {
    lightning::SecondsClock clock = lightning::steady_clock_seconds;
    if (manual_clock) clock = [this] { return now_; };  // renders take no time: no grace
    window_ = std::make_unique<MainWindow>(nullptr, clock);
    live_jobs_ = 0;
    connect(window_->controller(), &GenerationController::jobStarted, this,
            [this](const GenerationJob& job) { live_jobs_ += job.purpose == JobPurpose::Live; });
    window_->show();
    window_->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window_.get()));
    if (wait_for_model)
        QTRY_VERIFY_WITH_TIMEOUT(
            window_->controller()->model_state() == GenerationController::ModelState::Ready,
            kTimeoutMs);
}

void TestRefineWindow::set_form(const QString& prompt, int steps, int seed, double strength) {
    auto* editor = child<QPlainTextEdit>(window_.get(), "promptEdit");
    editor->setPlainText(prompt);
    auto* combo = child<QComboBox>(window_.get(), "stepsCombo");
    combo->setCurrentIndex(combo->findData(steps, Qt::UserRole));
    child<QLineEdit>(window_.get(), "seedEdit")->setText(QString::number(seed));
    child<QDoubleSpinBox>(window_.get(), "strengthSpin")->setValue(strength);
}

MaskPainter* TestRefineWindow::open_painter() {
    MaskPainter* painter = window_->open_mask_painter();
    if (painter && !QTest::qWaitForWindowExposed(painter)) return nullptr;
    return painter;
}

void TestRefineWindow::wait_idle() {
    QTRY_VERIFY_WITH_TIMEOUT(
        !window_->controller()->busy() && window_->controller()->queue()->count() == 0, kTimeoutMs);
}

// ---------------------------------------------------------------------------------- files

void TestRefineWindow::kept_files_are_named_by_content_and_found_by_record() {
    const QString gallery = root_.filePath(QStringLiteral("kept"));
    const QString photo = write_picture(root_.filePath(QStringLiteral("photo.png")), 24, 16, 1);
    const QString hash = short_hash(photo);
    const QString kept = keep_refine_file(photo, gallery);
    QCOMPARE(kept,
             QDir(refine_files_dir(gallery)).filePath(QStringLiteral("photo-%1.png").arg(hash)));
    QCOMPARE(bytes_of(kept), bytes_of(photo));
    QCOMPARE(keep_refine_file(photo, gallery), kept);  // once, however often used
    QCOMPARE(keep_refine_file(kept, gallery), kept);   // a kept file is its own copy
    QCOMPARE(QDir(refine_files_dir(gallery)).entryList(QDir::Files).size(), 1);
    // Another picture under the same name is another file.
    write_picture(photo, 24, 16, 2);
    QVERIFY(keep_refine_file(photo, gallery) != kept);

    // A record names the kept file by its stem and hash.
    const lightning::FileIdentity id{to_std(QFileInfo(kept).completeBaseName()), to_std(hash)};
    QCOMPARE(find_refine_file(id, gallery), kept);
    QCOMPARE(find_refine_file({id.name, "0000000000"}, gallery), QString());
    QCOMPARE(find_refine_file({"photo", ""}, gallery), QString());

    QImage mask(24, 16, QImage::Format_Grayscale8);
    mask.fill(0);
    mask.setPixel(3, 3, qRgb(255, 255, 255));
    const QString mask_file = save_mask_png(mask, gallery);
    QCOMPARE(QFileInfo(mask_file).completeBaseName(),
             QStringLiteral("mask-%1").arg(short_hash(mask_file)));
    QImage read(mask_file);
    QCOMPARE(read.format(), QImage::Format_Grayscale8);  // 8-bit gray, as written
    QCOMPARE(read.size(), mask.size());
    QCOMPARE(qGray(read.pixel(3, 3)), 255);

    lightning::ImageRecord record;
    record.request.input.image = id.name;  // as a PNG's record holds it
    record.request.input.mask = "mask-gone";
    record.input_image = id;
    record.mask = {"mask-gone", "1234567890"};
    const ResolvedRequest resolved = resolve_refine_files(record, gallery);
    QCOMPARE(to_qstring(resolved.request.input.image), kept);
    QCOMPARE(resolved.request.input.mask, std::string("mask-gone"));
    QCOMPARE(resolved.missing, QStringList{QStringLiteral("mask-gone")});
}

// ------------------------------------------------------------------------------- the window

void TestRefineWindow::dropping_an_image_sets_the_input_and_a_text_file_is_refused() {
    open_window(false);
    const QString photo =
        write_picture(root_.filePath(QStringLiteral("drop-photo.png")), 100, 72, 3);
    QVERIFY(drop_file(window_.get(), photo));
    lightning::GenerationRequest request = form_request();
    QVERIFY(request.refines());
    QCOMPARE(QFileInfo(to_qstring(request.input.image)).absolutePath(),
             QDir(refine_files_dir(gallery_dir_)).absolutePath());
    QCOMPARE(bytes_of(to_qstring(request.input.image)), bytes_of(photo));
    QCOMPARE(request.width, 96);  // the input's size, rounded down to a multiple of 8
    QCOMPARE(request.height, 72);
    QVERIFY(request.input.keep_unmasked);
    QVERIFY(child<QLabel>(window_.get(), "refineFileLabel")
                ->text()
                .contains(QLatin1String("drop-photo")));

    // A file that is no image: said, and nothing changes.
    const QString notes = root_.filePath(QStringLiteral("notes.txt"));
    QFile text(notes);
    QVERIFY(text.open(QIODevice::WriteOnly));
    text.write("not an image\n");
    text.close();
    QVERIFY(drop_file(window_.get(), notes));
    QVERIFY2(
        window_->message_text().contains(QLatin1String("Cannot use notes.txt as the input image")),
        qPrintable(window_->message_text()));
    QCOMPARE(form_request(), request);
    QCOMPARE(QDir(refine_files_dir(gallery_dir_)).entryList(QDir::Files).size(), 1);

    // A generated PNG dropped on the window restores its settings (this one's are text to
    // image); dropped on the Input image section it is the input.
    write_gallery_png(root_.filePath(QStringLiteral("made")),
                      lightning::testing::gallery_test_image(64, 64, 4),
                      lightning::testing::gallery_test_item(QStringLiteral("a made image"), 2, 5));
    const QString made = QDir(root_.filePath(QStringLiteral("made")))
                             .entryInfoList({QStringLiteral("*.png")})
                             .value(0)
                             .absoluteFilePath();
    QVERIFY(!made.isEmpty());
    QVERIFY(drop_file(window_.get(), made));
    QCOMPARE(form_request().prompt, std::string("a made image"));
    QCOMPARE(form_request().input, lightning::RefineInput{});  // its record is text to image
    RefinePanel* panel = window_->form()->refine_panel();
    QVERIFY(drop_file(window_.get(), made, panel->mapTo(window_.get(), panel->rect().center())));
    QCOMPARE(bytes_of(to_qstring(form_request().input.image)), bytes_of(made));
    QCOMPARE(form_request().prompt, std::string("a made image"));

    // Other formats the engine reads come in the same way.
    if (QImageWriter::supportedImageFormats().contains("jpeg")) {
        const QString jpeg = root_.filePath(QStringLiteral("photo.jpg"));
        QImage picture(120, 80, QImage::Format_RGB32);
        picture.fill(Qt::darkYellow);
        QVERIFY(picture.save(jpeg, "JPEG"));
        QVERIFY(drop_file(window_.get(), jpeg));
        QCOMPARE(bytes_of(to_qstring(form_request().input.image)), bytes_of(jpeg));
        QCOMPARE(form_request().width, 120);
        QCOMPARE(form_request().height, 80);
    }
}

void TestRefineWindow::use_as_input_from_the_gallery_and_the_viewer() {
    const GalleryItem written = write_gallery_png(
        gallery_dir_, lightning::testing::gallery_test_image(80, 64, 6),
        lightning::testing::gallery_test_item(QStringLiteral("refine me"), 2, 11));
    open_window(false);
    QTRY_COMPARE_WITH_TIMEOUT(gallery()->rowCount(), 1, kTimeoutMs);
    QVERIFY(!form_request().refines());
    GalleryWidget* widget = window_->gallery();
    widget->view()->setCurrentIndex(widget->filter_model()->index(0, 0));
    widget->action("useAsInputAction")->trigger();
    lightning::GenerationRequest request = form_request();
    QVERIFY(request.refines());
    QCOMPARE(bytes_of(to_qstring(request.input.image)), bytes_of(written.file));
    QCOMPARE(short_hash(to_qstring(request.input.image)), short_hash(written.file));
    QCOMPARE(request.width, 80);
    QCOMPARE(request.height, 64);
    QCOMPARE(request.prompt, std::string());  // the image, not its settings

    child<QPushButton>(window_.get(), "refineClearButton")->click();
    QVERIFY(!form_request().refines());
    widget->open_viewer(0);
    QVERIFY(widget->viewer());
    child<QPushButton>(widget->viewer(), "viewerUseAsInput")->click();
    QCOMPARE(form_request().input.image, request.input.image);
}

void TestRefineWindow::painted_inpainting_regenerates_identically_from_the_gallery() {
    open_window(true);
    const QString input = write_picture(root_.filePath(QStringLiteral("input.png")), 64, 64, 7);
    QVERIFY(window_->use_as_input(input));
    QTest::keyClicks(child<QPlainTextEdit>(window_.get(), "promptEdit"),
                     QStringLiteral("a red door"));
    auto* steps = child<QComboBox>(window_.get(), "stepsCombo");
    steps->setCurrentIndex(steps->findData(2, Qt::UserRole));
    child<QLineEdit>(window_.get(), "seedEdit")->setText(QStringLiteral("42"));
    child<QDoubleSpinBox>(window_.get(), "strengthSpin")->setValue(1.0);

    // Paint a band across the middle with the mouse, and use it.
    MaskPainter* painter = window_->open_mask_painter();
    QVERIFY(painter);
    QVERIFY(QTest::qWaitForWindowExposed(painter));
    painter->findChild<QSpinBox*>(QStringLiteral("maskBrushSize"))->setValue(16);
    MaskCanvas* canvas = painter->canvas();
    QTest::mousePress(canvas, Qt::LeftButton, {}, canvas->to_widget({4, 32}).toPoint());
    QMouseEvent move(QEvent::MouseMove, canvas->to_widget({60, 32}),
                     canvas->mapToGlobal(canvas->to_widget({60, 32})), Qt::NoButton, Qt::LeftButton,
                     Qt::NoModifier);
    QApplication::sendEvent(canvas, &move);
    QTest::mouseRelease(canvas, Qt::LeftButton, {}, canvas->to_widget({60, 32}).toPoint());
    painter->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    const lightning::GenerationRequest request = form_request();
    QVERIFY(request.inpaints());
    const QString mask = to_qstring(request.input.mask);
    QCOMPARE(QFileInfo(mask).absolutePath(), QDir(refine_files_dir(gallery_dir_)).absolutePath());
    const QImage mask_pixels(mask);
    QCOMPARE(mask_pixels.format(), QImage::Format_Grayscale8);
    QCOMPARE(mask_pixels.size(), QSize(64, 64));
    QCOMPARE(qGray(mask_pixels.pixel(32, 32)), 255);
    QCOMPARE(qGray(mask_pixels.pixel(32, 4)), 0);

    child<QPushButton>(window_.get(), "generateButton")->click();
    QTRY_VERIFY_WITH_TIMEOUT(!window_->controller()->busy() && gallery()->rowCount() == 1,
                             kTimeoutMs);
    QVERIFY2(window_->message_text().isEmpty(), qPrintable(window_->message_text()));
    const GalleryItem first = gallery()->item(0);
    const QString kept_input = to_qstring(request.input.image);
    QCOMPARE(to_qstring(first.record.input_image.name), QFileInfo(kept_input).completeBaseName());
    QCOMPARE(to_qstring(first.record.input_image.hash), short_hash(input));
    QCOMPARE(to_qstring(first.record.mask.name), QFileInfo(mask).completeBaseName());
    QCOMPARE(to_qstring(first.record.mask.hash), short_hash(mask));
    QVERIFY(first.record.request.input.keep_unmasked);
    // Kept unmasked pixels: exactly the input's away from the mask; repainted under it.
    const lightning::Image8 out = lightning::read_png(to_std(first.file));
    const lightning::Image8 in = lightning::read_png(to_std(input));
    auto pixel = [](const lightning::Image8& image, int x, int y) {
        const size_t at = (size_t(y) * image.width + x) * 3;
        return std::vector<uint8_t>(image.rgb.begin() + at, image.rgb.begin() + at + 3);
    };
    QVERIFY(pixel(out, 32, 2) == pixel(in, 32, 2));
    QVERIFY(pixel(out, 32, 62) == pixel(in, 32, 62));
    QVERIFY(out.rgb != in.rgb);

    // Another input and prompt in the form; "Regenerate" finds the kept files by the record.
    child<QPushButton>(window_.get(), "refineClearButton")->click();
    child<QPlainTextEdit>(window_.get(), "promptEdit")->setPlainText(QStringLiteral("else"));
    Q_EMIT window_->gallery()->regenerateRequested(first.record.request);
    QCOMPARE(window_->form()->refine_panel()->image_path(), kept_input);
    QCOMPARE(window_->form()->refine_panel()->mask_path(), mask);
    QTRY_VERIFY_WITH_TIMEOUT(!window_->controller()->busy() && gallery()->rowCount() == 2,
                             kTimeoutMs);
    const GalleryItem again = gallery()->item(0);
    QCOMPARE(again.record, first.record);
    QVERIFY(lightning::read_png(to_std(again.file)).rgb == out.rgb);

    // "More like this" on it refines the same files with the next seeds.
    QVERIFY(window_->more_like_this(first.record.request) > 0);
    QTRY_VERIFY_WITH_TIMEOUT(
        window_->result_grid()->finished_count() == window_->result_grid()->count(), kTimeoutMs);
    QVERIFY2(window_->message_text().isEmpty(), qPrintable(window_->message_text()));
    const auto variation = window_->result_grid()->result(0);
    QVERIFY(variation);
    QCOMPARE(variation->first.record.input_image, first.record.input_image);
    QCOMPARE(variation->first.record.mask, first.record.mask);
    QCOMPARE(variation->first.record.request.seed, first.record.request.seed + 1);
}

void TestRefineWindow::outpainting_by_dragging_the_edges_regenerates_identically() {
    open_window(true);
    const QString input = write_picture(root_.filePath(QStringLiteral("scene.png")), 64, 64, 9);
    QVERIFY(window_->use_as_input(input));
    set_form(QStringLiteral("a wider view"), 2, 17, 1.0);

    // The top-right corner dragged out: the form's margins and size follow on the release.
    MaskPainter* painter = open_painter();
    QVERIFY(painter);
    MaskCanvas* canvas = painter->canvas();
    QCOMPARE(canvas->inner_size(), QSize(64, 64));
    drag_canvas(canvas, {64, 0}, {30, -13});
    const lightning::Margins dragged = painter->margins();
    QCOMPARE(dragged, (lightning::Margins{0, snap_margin(13, 64, 0), snap_margin(30, 64, 0), 0}));
    QCOMPARE(form_request().input.outpaint, dragged);
    QCOMPARE(form_request().width, 64 + dragged.right);
    QCOMPARE(form_request().height, 64 + dragged.top);
    QCOMPARE(child<QSpinBox>(window_.get(), "outpaintRightSpin")->value(), dragged.right);
    // Another drag, undone: the form goes back with it.
    drag_canvas(canvas, {0, 32}, {-8, 0});
    QCOMPARE(form_request().input.outpaint.left, 8);
    QCOMPARE(form_request().width, 64 + 8 + dragged.right);
    painter->findChild<QPushButton*>(QStringLiteral("maskUndoButton"))->click();
    QCOMPARE(form_request().input.outpaint, dragged);
    QCOMPARE(form_request().width, 64 + dragged.right);
    painter->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    const lightning::GenerationRequest request = form_request();
    QCOMPARE(request.input.outpaint, dragged);
    QVERIFY(request.input.mask.empty());  // nothing painted: the new area alone is repainted
    QVERIFY(request.inpaints());

    // Cancel puts back what the painter started from.
    painter = open_painter();
    QVERIFY(painter);
    drag_canvas(painter->canvas(), {64.0 + dragged.right, 32}, {-100, 0});
    QCOMPARE(form_request().input.outpaint.right, 0);
    painter->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Cancel)->click();
    QCOMPARE(form_request(), request);

    child<QPushButton>(window_.get(), "generateButton")->click();
    QTRY_VERIFY_WITH_TIMEOUT(!window_->controller()->busy() && gallery()->rowCount() == 1,
                             kTimeoutMs);
    QVERIFY2(window_->message_text().isEmpty(), qPrintable(window_->message_text()));
    const GalleryItem first = gallery()->item(0);
    // The PNG's parameters carry the margins and the grown size.
    const auto recorded = lightning::read_image_record(to_std(first.file)).record;
    QVERIFY(recorded);
    QCOMPARE(recorded->request.input.outpaint, dragged);
    QCOMPARE(recorded->request.width, 64 + dragged.right);
    QCOMPARE(recorded->request.height, 64 + dragged.top);
    const lightning::Image8 out = lightning::read_png(to_std(first.file));
    QCOMPARE(out.width, 64 + dragged.right);
    QCOMPARE(out.height, 64 + dragged.top);
    // The image's own pixels are kept (keep unmasked), shifted down by the top margin.
    const lightning::Image8 in = lightning::read_png(to_std(input));
    for (const QPoint p : {QPoint(0, 0), QPoint(40, 20), QPoint(63, 63)})
        for (int c = 0; c < 3; ++c)
            QCOMPARE(out.rgb[(size_t(p.y() + dragged.top) * out.width + p.x()) * 3 + c],
                     in.rgb[(size_t(p.y()) * in.width + p.x()) * 3 + c]);

    // "Regenerate" makes it again from the record, bit for bit.
    child<QPushButton>(window_.get(), "refineClearButton")->click();
    child<QPlainTextEdit>(window_.get(), "promptEdit")->setPlainText(QStringLiteral("else"));
    Q_EMIT window_->gallery()->regenerateRequested(first.record.request);
    QCOMPARE(form_request().input.outpaint, dragged);
    QTRY_VERIFY_WITH_TIMEOUT(!window_->controller()->busy() && gallery()->rowCount() == 2,
                             kTimeoutMs);
    const GalleryItem again = gallery()->item(0);
    QCOMPARE(again.record, first.record);
    QVERIFY(lightning::read_png(to_std(again.file)).rgb == out.rgb);
}

void TestRefineWindow::live_mode_rerenders_an_input_image_on_strength_and_mask_steps() {
    open_window(true, /*manual_clock=*/true);
    const QString input = write_picture(root_.filePath(QStringLiteral("live.png")), 128, 128, 10);
    QVERIFY(window_->use_as_input(input));
    set_form(QStringLiteral("live refine"), 2, 5, 1.0);
    QSignalSpy shown(window_.get(), &MainWindow::liveResultShown);
    int live_previews = 0;
    connect(window_.get(), &MainWindow::previewShown, this,
            [&](int job_id) { live_previews += window_->live_mode()->owns(job_id); });
    auto last_shown = [&] { return shown.last()[0].value<GalleryItem>().record; };
    window_->set_live(true);
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kTimeoutMs);
    wait_idle();
    QVERIFY(last_shown().request.refines());
    QVERIFY(live_previews > 0);  // step previews, as for text to image
    QCOMPARE(live_jobs_, 1);

    // The strength: one render of the new value.
    child<QDoubleSpinBox>(window_.get(), "strengthSpin")->setValue(0.5);
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 2, kTimeoutMs);
    wait_idle();
    QCOMPARE(last_shown().request.input.strength, 0.5);
    QCOMPARE(live_jobs_, 2);

    // A stroke in the mask painter: nothing while the mouse moves, one render when it ends.
    MaskPainter* painter = open_painter();
    QVERIFY(painter);
    MaskCanvas* canvas = painter->canvas();
    const QPointF from = canvas->to_widget({10, 64}), to = canvas->to_widget({110, 64});
    lightning::testing::mouse_drag(canvas, from, to, Qt::LeftButton, /*release=*/false);
    QTest::qWait(300);
    QCOMPARE(live_jobs_, 2);
    QMouseEvent release(QEvent::MouseButtonRelease, to, canvas->mapToGlobal(to), Qt::LeftButton,
                        Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(canvas, &release);
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 3, kTimeoutMs);
    wait_idle();
    QCOMPARE(live_jobs_, 3);
    QVERIFY(!last_shown().mask.hash.empty());
    QVERIFY(last_shown().request.inpaints());

    // A drag of the canvas edge: a render of the grown canvas. At half the live resolution the
    // margins shrink with the canvas, so the live image shows the same composition.
    EngineSettings engine = window_->engine_settings();
    engine.live_scale = 0.5;
    window_->apply_engine_settings(engine);
    drag_canvas(canvas, {128, 64}, {32, 0});
    const int right = painter->margins().right;
    QCOMPARE(form_request().width, 128 + right);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() > 3 && last_shown().request.input.outpaint.any(),
                             kTimeoutMs);
    wait_idle();
    QCOMPARE(last_shown().request.input.outpaint.right, right / 2);
    QCOMPARE(last_shown().request.width, (128 + right) / 2);
    QCOMPARE(last_shown().request.height, 64);
    painter->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    wait_idle();
}

QTEST_MAIN(TestRefineWindow)
#include "test_refine_window.moc"
