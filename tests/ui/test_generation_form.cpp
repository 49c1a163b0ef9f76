// The generation form on its own (ui/form/generation_form.h): the one mapping between its
// controls and a request, the step entries a Lightning folder offers, the settings it leaves for
// the next start (request JSON, and settings written before it), and the window's message banner.
#include "core/request/limits.h"
#include "core/request/parameters.h"
#include "core/request/request_json.h"
#include "core/request/wildcards.h"
#include "core/util/bounded_json.h"
#include "ui/app_settings.h"
#include "ui/form/generation_form.h"
#include "ui/form/refine_panel.h"
#include "ui/form/upscale_panel.h"
#include "ui/mask_model.h"
#include "ui/string_convert.h"
#include "ui/token_counter.h"
#include "ui/widgets/message_banner.h"

#include <QtTest/QtTest>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>

using namespace lightning::ui;

namespace {

// Every field the form has a control for, none at its default.
lightning::GenerationRequest form_request() {
    lightning::GenerationRequest r;
    r.prompt = "a lighthouse, Ünïcödé\nsecond line";
    r.negative_prompt = "fog";
    r.steps = 2;
    r.guidance = 3.5;
    r.width = 832;
    r.height = 1216;
    r.seed = 123456789012;
    r.batch = 3;
    return r;
}

// Upscaler model files of tests/data/esrgan (only their paths are used here).
QString esrgan_file(const char* name) {
    return QString::fromLocal8Bit(qgetenv("LIGHTNING_TEST_DATA")) + QStringLiteral("/esrgan/") +
           QString::fromLatin1(name);
}

// form_request() with the hires fix enlarging with an upscaler model and an upscale after it.
lightning::GenerationRequest hires_request() {
    lightning::GenerationRequest r = form_request();
    r.width = 512;
    r.height = 512;
    r.hires.scale = 1.5;
    r.hires.strength = 0.35;
    r.hires.steps = 4;
    r.hires.upscaler = lightning::HiresUpscaler::Model;
    r.hires.upscaler_model = to_std(esrgan_file("x4.safetensors"));
    r.upscale = {to_std(esrgan_file("x2.safetensors")), 2};
    return r;
}

template <class T>
T* child(QWidget* parent, const char* name) {
    T* found = parent->findChild<T*>(QString::fromLatin1(name));
    if (!found) qFatal("no child %s", name);
    return found;
}

}  // namespace

class TestGenerationForm : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void a_request_round_trips_through_the_controls();
    void steps_not_in_the_folder_keep_the_current_choice();
    void a_refine_input_round_trips_through_the_controls();
    void a_new_input_image_sets_the_size_and_keeps_unmasked_pixels();
    void outpaint_margins_are_numbers_and_the_size_follows_them();
    void hires_and_upscale_round_trip_through_the_controls_and_a_record();
    void form_settings_are_stored_as_request_json();
    void settings_from_before_request_json_are_read_and_replaced();
    void an_unreadable_stored_request_leaves_the_defaults();
    void banner_shows_one_message_with_details_and_retry();
    void a_template_prompt_shows_what_the_seed_makes_of_it();

private:
    TokenCounter counter_;
};

void TestGenerationForm::a_request_round_trips_through_the_controls() {
    GenerationForm form(&counter_);
    QSignalSpy changed(&form, &GenerationForm::changed);
    const lightning::GenerationRequest request = form_request();
    form.set_request(request);
    QCOMPARE(changed.count(), 1);  // one change, not one per control
    QCOMPARE(form.request(), request);
    QCOMPARE(child<QComboBox>(&form, "sizeCombo")->currentText(), QStringLiteral("832 × 1216"));

    // A size no preset has is Custom; sides off the grid become what the engine takes.
    lightning::GenerationRequest custom = request;
    custom.width = 100;
    custom.height = 61;
    custom.negative_prompt.reset();
    form.set_request(custom);
    QCOMPARE(changed.count(), 2);
    QCOMPARE(child<QComboBox>(&form, "sizeCombo")->currentText(), QStringLiteral("Custom"));
    QCOMPARE(form.request().width, 104);
    QCOMPARE(form.request().height, 64);
    QVERIFY(!form.request().negative_prompt);

    // Each edit is a change; an empty seed field has no seed.
    child<QSpinBox>(&form, "batchSpin")->setValue(5);
    QCOMPARE(changed.count(), 3);
    QCOMPARE(form.request().batch, 5);
    child<QLineEdit>(&form, "seedEdit")->clear();
    QVERIFY(!form.has_seed());
    form.randomize_seed();
    QVERIFY(form.has_seed());
}

void TestGenerationForm::steps_not_in_the_folder_keep_the_current_choice() {
    QTemporaryDir lightning_dir;
    QFile four(lightning_dir.filePath(QStringLiteral("sdxl_lightning_4step_unet.safetensors")));
    QVERIFY(four.open(QIODevice::WriteOnly));
    four.close();
    GenerationForm form(&counter_);
    QSignalSpy steps_changed(&form, &GenerationForm::stepsChanged);
    lightning::GenerationRequest request = form_request();
    request.steps = 8;
    form.set_request(request);
    QCOMPARE(form.request().steps, 8);

    form.update_step_choices(to_std(lightning_dir.path()));  // 8 is missing: on to 4
    QVERIFY(form.steps_available(4));
    QVERIFY(!form.steps_available(8));
    QCOMPARE(form.request().steps, 4);
    QCOMPARE(steps_changed.last().at(0).toInt(), 4);
    form.set_request(request);  // 8 steps still missing: the form keeps 4
    QCOMPARE(form.request().steps, 4);
    QCOMPARE(form.request().prompt, request.prompt);
}

void TestGenerationForm::a_refine_input_round_trips_through_the_controls() {
    QTemporaryDir dir;
    const QString image = dir.filePath(QStringLiteral("input.png"));
    QImage pixels(40, 24, QImage::Format_RGB32);
    pixels.fill(Qt::darkCyan);
    QVERIFY(pixels.save(image));
    const QString mask = dir.filePath(QStringLiteral("mask.png"));
    QImage gray(40, 24, QImage::Format_Grayscale8);
    gray.fill(255);
    QVERIFY(gray.save(mask));

    GenerationForm form(&counter_);
    QSignalSpy changed(&form, &GenerationForm::changed);
    lightning::GenerationRequest request = form_request();
    lightning::RefineInput& in = request.input;
    in.image = to_std(image);
    in.strength = 0.35;
    in.fit = lightning::ImageFit::Crop;
    in.mask = to_std(mask);
    in.mask_blur = 6;
    in.keep_unmasked = false;  // the app's default is on: this is no default
    in.outpaint = {8, 0, 16, 0};
    form.set_request(request);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(form.request(), request);
    QCOMPARE(child<QDoubleSpinBox>(&form, "strengthSpin")->value(), 0.35);
    QCOMPARE(child<QSlider>(&form, "strengthSlider")->value(), 35);
    QCOMPARE(child<QComboBox>(&form, "fitCombo")->currentText(), QStringLiteral("crop"));
    QCOMPARE(child<QSpinBox>(&form, "maskBlurSpin")->value(), 6);
    QVERIFY(!child<QCheckBox>(&form, "keepUnmaskedCheck")->isChecked());
    QVERIFY(child<QLabel>(&form, "refineFileLabel")->text().contains(QLatin1String("input.png")));
    QVERIFY(child<QLabel>(&form, "refineFileLabel")->text().contains(QStringLiteral("40 × 24")));
    QVERIFY(child<QLabel>(&form, "refineMaskLabel")->text().contains(QLatin1String("mask.png")));
    QCOMPARE(child<QSpinBox>(&form, "outpaintLeftSpin")->value(), 8);
    QCOMPARE(child<QSpinBox>(&form, "outpaintRightSpin")->value(), 16);

    // Each control changes the request.
    child<QSlider>(&form, "strengthSlider")->setValue(50);
    QCOMPARE(form.request().input.strength, 0.5);
    auto* fit = child<QComboBox>(&form, "fitCombo");
    fit->setCurrentIndex(fit->findText(QStringLiteral("pad")));
    QCOMPARE(form.request().input.fit, lightning::ImageFit::Pad);
    child<QSpinBox>(&form, "maskBlurSpin")->setValue(64);
    QCOMPARE(form.request().input.mask_blur, 64);
    child<QCheckBox>(&form, "keepUnmaskedCheck")->setChecked(true);
    QVERIFY(form.request().input.keep_unmasked);
    child<QPushButton>(&form, "clearMaskButton")->click();  // back to img2img
    QVERIFY(form.request().input.mask.empty());
    QCOMPARE(form.request().input.image, in.image);

    // A text-to-image request (e.g. a gallery image's) clears the input: the request is text to
    // image again, whatever the refine controls hold.
    form.set_request(form_request());
    QCOMPARE(form.request(), form_request());
    QVERIFY(!form.refine_panel()->has_image());
    child<QPushButton>(&form, "refineClearButton")->click();
    QCOMPARE(form.request(), form_request());
}

void TestGenerationForm::a_new_input_image_sets_the_size_and_keeps_unmasked_pixels() {
    GenerationForm form(&counter_);
    QSignalSpy changed(&form, &GenerationForm::changed);
    QImage pixels(203, 150, QImage::Format_RGB32);
    pixels.fill(Qt::red);
    form.set_input_image(QStringLiteral("/somewhere/photo.png"), pixels);
    QCOMPARE(changed.count(), 1);
    const lightning::GenerationRequest request = form.request();
    QCOMPARE(request.input.image, std::string("/somewhere/photo.png"));
    QCOMPARE(request.width, 200);  // rounded down to a multiple of 8, as the CLI does
    QCOMPARE(request.height, 144);
    QVERIFY(request.input.keep_unmasked);  // on by default in the app
    QCOMPARE(request.input.strength, lightning::RefineInput{}.strength);
    QVERIFY(request.input.mask.empty());
    // Too large for the limits: scaled down into them, keeping the shape.
    pixels = QImage(8200, 4100, QImage::Format_Grayscale8);
    form.set_input_image(QStringLiteral("/somewhere/large.png"), pixels);
    QCOMPARE(form.request().width, lightning::limits::kMaxSide);
    QCOMPARE(form.request().height, 2048);
    // The user's size afterwards stands.
    child<QSpinBox>(&form, "widthSpin")->setValue(512);
    QCOMPARE(form.request().width, 512);
}

void TestGenerationForm::outpaint_margins_are_numbers_and_the_size_follows_them() {
    GenerationForm form(&counter_);
    QImage pixels(200, 144, QImage::Format_RGB32);
    pixels.fill(Qt::blue);
    form.set_input_image(QStringLiteral("/somewhere/photo.png"), pixels);
    QSignalSpy changed(&form, &GenerationForm::changed);
    auto* left = child<QSpinBox>(&form, "outpaintLeftSpin");
    auto* top = child<QSpinBox>(&form, "outpaintTopSpin");
    auto* right = child<QSpinBox>(&form, "outpaintRightSpin");
    QVERIFY(!left->accessibleName().isEmpty());

    // A number typed snaps as a drag of the edge does; the canvas grows by the margin.
    left->setValue(13);
    const int snapped_left = snap_margin(13, 200, 0);
    QCOMPARE(changed.count(), 1);
    lightning::GenerationRequest request = form.request();
    QCOMPARE(request.input.outpaint, (lightning::Margins{snapped_left, 0, 0, 0}));
    QCOMPARE(left->value(), snapped_left);
    QCOMPARE(request.width, 200 + snapped_left);
    QCOMPARE(request.height, 144);
    right->setValue(64);
    QCOMPARE(form.request().width, 200 + snapped_left + 64);
    // Back to 0 shrinks it again; a number that snaps to what it was shows that.
    left->setValue(0);
    QCOMPARE(form.request().width, 200 + 64);
    left->setValue(3);
    QCOMPARE(form.request().input.outpaint.left, 0);
    QCOMPARE(left->value(), 0);
    // Within the limits: the grown side at most kMaxSide.
    top->setValue(lightning::limits::kMaxSide);
    QCOMPARE(form.request().height, lightning::limits::kMaxSide);
    QCOMPARE(form.request().input.outpaint.top, lightning::limits::kMaxSide - 144);
    QCOMPARE(top->value(), lightning::limits::kMaxSide - 144);
    QVERIFY(form.request().inpaints());                           // the new area is repainted
    child<QDoubleSpinBox>(&form, "strengthSpin")->setValue(1.0);  // runs a step at any count
    try {
        lightning::limits::validate(form.request());
    } catch (const std::exception& error) {
        QFAIL(error.what());
    }

    // From the mask painter: margins set whole, the image's area kept.
    form.set_outpaint({8, 16, 24, 32});
    QCOMPARE(form.request().width, 200 + 8 + 24);
    QCOMPARE(form.request().height, 144 + 16 + 32);
    // A new image starts without margins.
    form.set_input_image(QStringLiteral("/somewhere/other.png"), pixels);
    QCOMPARE(form.request().input.outpaint, lightning::Margins{});
    QCOMPARE(right->value(), 0);
    QCOMPARE(form.request().width, 200);
}

void TestGenerationForm::hires_and_upscale_round_trip_through_the_controls_and_a_record() {
    GenerationForm form(&counter_);
    form.set_upscaler_models({esrgan_file("x2.safetensors"), esrgan_file("x4.safetensors")});
    auto* scale = child<QDoubleSpinBox>(&form, "hiresScaleSpin");
    auto* upscaler = child<QComboBox>(&form, "hiresUpscalerCombo");
    auto* upscale_model = child<QComboBox>(&form, "upscaleModelCombo");
    // Off by default; the controls' ranges are the limits table's.
    QCOMPARE(form.request().hires, lightning::HiresFix{});
    QCOMPARE(form.request().upscale, lightning::PostUpscale{});
    QCOMPARE(scale->maximum(), lightning::limits::kMaxHiresScale);
    QCOMPARE(child<QSpinBox>(&form, "upscaleScaleSpin")->maximum(),
             lightning::limits::kMaxUpscaleScale);
    QCOMPARE(upscaler->count(), 3 + 2);  // Latent, Latent (nearest), Lanczos and the two models

    QSignalSpy changed(&form, &GenerationForm::changed);
    const lightning::GenerationRequest request = hires_request();
    form.set_request(request);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(form.request(), request);
    QCOMPARE(scale->value(), 1.5);
    QCOMPARE(upscaler->currentText(), QStringLiteral("x4"));
    QCOMPARE(upscale_model->currentText(), QStringLiteral("x2"));
    QCOMPARE(child<QComboBox>(&form, "hiresStepsCombo")->currentData().toInt(), 4);

    // Each control changes the request.
    child<QDoubleSpinBox>(&form, "hiresStrengthSpin")->setValue(0.6);
    QCOMPARE(form.request().hires.strength, 0.6);
    upscaler->setCurrentIndex(upscaler->findText(QStringLiteral("Lanczos")));
    QCOMPARE(form.request().hires.upscaler, lightning::HiresUpscaler::Lanczos);
    QCOMPARE(form.request().hires.upscaler_model, std::string());
    upscale_model->setCurrentIndex(0);  // Off
    QCOMPARE(form.request().upscale, lightning::PostUpscale{});

    // Off: the request has no hires fix; its settings stay for when it is on again.
    scale->setValue(scale->minimum());
    QCOMPARE(form.request().hires, lightning::HiresFix{});
    QCOMPARE(child<QDoubleSpinBox>(&form, "hiresStrengthSpin")->value(), 0.6);
    scale->setValue(2.0);
    QCOMPARE(form.request().hires.strength, 0.6);

    // Through a gallery image's record (A1111's keys), a built-in upscaler as it is.
    lightning::ImageRecord record;
    record.request = request;
    record.request.hires.upscaler = lightning::HiresUpscaler::LatentNearest;
    record.request.hires.upscaler_model.clear();
    record.request.hires.steps = 0;  // the request's
    record.request.upscale = {};
    const auto read = lightning::parse_parameters(lightning::format_parameters(record));
    QVERIFY(read);
    QCOMPARE(read->request.hires, record.request.hires);
    form.set_request(read->request);
    QCOMPARE(form.request().hires, record.request.hires);
    QCOMPARE(upscaler->currentText(), QStringLiteral("Latent (nearest)"));

    // A model file the folder does not hold is shown (marked) and kept.
    lightning::GenerationRequest elsewhere = request;
    elsewhere.hires.upscaler_model = "/elsewhere/4x-UltraSharp.pth";
    form.set_request(elsewhere);
    QCOMPARE(form.request(), elsewhere);
    QVERIFY(upscaler->currentText().contains(QLatin1String("4x-UltraSharp")));

    // Refining an input image: the hires fix is off (text to image only), and said.
    QImage pixels(64, 64, QImage::Format_RGB32);
    pixels.fill(Qt::blue);
    form.set_input_image(QStringLiteral("/somewhere/photo.png"), pixels);
    QCOMPARE(form.request().hires, lightning::HiresFix{});
    QVERIFY(!scale->isEnabled());
    QVERIFY(!child<QLabel>(&form, "hiresNote")->isHidden());
    child<QPushButton>(&form, "refineClearButton")->click();
    QVERIFY(scale->isEnabled());
    QCOMPARE(form.request().hires, elsewhere.hires);

    // Kept for the next start with the rest of the form.
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("hires.ini")), QSettings::IniFormat);
    form.set_request(request);
    save_form_settings(settings, form.settings());
    GenerationForm next_start(&counter_);
    next_start.set_upscaler_models({esrgan_file("x2.safetensors"), esrgan_file("x4.safetensors")});
    next_start.restore(load_form_settings(settings));
    QCOMPARE(next_start.request(), request);
}

void TestGenerationForm::form_settings_are_stored_as_request_json() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("form.ini")), QSettings::IniFormat);
    GenerationForm form(&counter_);
    lightning::GenerationRequest request = form_request();
    request.width = 96;  // Custom
    request.height = 64;
    form.set_request(request);
    form.set_seed_mode(SeedMode::Increment);
    save_form_settings(settings, form.settings());

    // One mapping: the stored text is the request JSON of the form's request.
    const std::string stored = to_std(settings.value(QStringLiteral("form/request")).toString());
    const auto json = lightning::parse_bounded_json(stored, "form/request", "not JSON");
    QCOMPARE(lightning::request_from_json(json, {}), form.request());

    GenerationForm next_start(&counter_);
    next_start.restore(load_form_settings(settings));
    QCOMPARE(next_start.request(), form.request());
    QCOMPARE(next_start.seed_mode(), SeedMode::Increment);
    QCOMPARE(next_start.settings(), form.settings());
    QCOMPARE(child<QComboBox>(&next_start, "sizeCombo")->currentText(), QStringLiteral("Custom"));
}

void TestGenerationForm::settings_from_before_request_json_are_read_and_replaced() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("old.ini")), QSettings::IniFormat);
    settings.beginGroup(QStringLiteral("form"));
    settings.setValue(QStringLiteral("prompt"), QStringLiteral("an old prompt"));
    settings.setValue(QStringLiteral("negative"), QStringLiteral("blur"));
    settings.setValue(QStringLiteral("steps"), 8);
    settings.setValue(QStringLiteral("guidance"), 2.5);
    settings.setValue(QStringLiteral("width"), 1216);
    settings.setValue(QStringLiteral("height"), 832);
    settings.setValue(QStringLiteral("seed"), QVariant::fromValue<qulonglong>(4242));
    settings.setValue(QStringLiteral("batch"), 2);
    settings.setValue(QStringLiteral("keep_seed"), true);
    settings.setValue(QStringLiteral("size_preset"), QStringLiteral("1216x832"));
    settings.endGroup();

    const FormSettings old = load_form_settings(settings);
    QCOMPARE(old.request.prompt, std::string("an old prompt"));
    QCOMPARE(old.request.negative_prompt.value_or(""), std::string("blur"));
    QCOMPARE(old.request.steps, 8);
    QCOMPARE(old.request.guidance, 2.5);
    QCOMPARE(old.request.width, 1216);
    QCOMPARE(old.request.height, 832);
    QCOMPARE(old.request.seed, uint64_t(4242));
    QCOMPARE(old.request.batch, 2);
    QCOMPARE(old.seed_mode, SeedMode::Fixed);

    save_form_settings(settings, old);
    for (const char* key : {"prompt", "negative", "steps", "seed", "batch", "keep_seed"})
        QVERIFY2(!settings.contains(QStringLiteral("form/") + QString::fromLatin1(key)), key);
    QVERIFY(settings.contains(QStringLiteral("form/request")));
    QCOMPARE(load_form_settings(settings), old);
}

void TestGenerationForm::an_unreadable_stored_request_leaves_the_defaults() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("bad.ini")), QSettings::IniFormat);
    settings.setValue(QStringLiteral("form/request"), QStringLiteral("{\"steps\": \"many\"}"));
    settings.setValue(QStringLiteral("form/seed_mode"), QStringLiteral("fixed"));
    const FormSettings form = load_form_settings(settings);
    QCOMPARE(form.request, lightning::GenerationRequest{});
    QCOMPARE(form.seed_mode, SeedMode::Fixed);
}

void TestGenerationForm::banner_shows_one_message_with_details_and_retry() {
    MessageBanner banner;
    QSignalSpy retry(&banner, &MessageBanner::retryRequested);
    QCOMPARE(banner.text(), QString());
    banner.show_message(QStringLiteral("Could not load the model: short"), true,
                        QStringLiteral("the whole engine text"), true);
    QCOMPARE(banner.text(), QStringLiteral("Could not load the model: short"));
    QCOMPARE(banner.details(), QStringLiteral("the whole engine text"));
    QVERIFY(child<QPushButton>(&banner, "showDetailsButton")->isVisibleTo(&banner));
    QVERIFY(child<QPushButton>(&banner, "retryButton")->isVisibleTo(&banner));

    // The next message replaces it, without details or Retry.
    banner.show_message(QStringLiteral("Note: a note"), false);
    QCOMPARE(banner.text(), QStringLiteral("Note: a note"));
    QCOMPARE(banner.details(), QString());
    QVERIFY(!child<QPushButton>(&banner, "showDetailsButton")->isVisibleTo(&banner));
    QVERIFY(!child<QPushButton>(&banner, "retryButton")->isVisibleTo(&banner));

    banner.show_message(QStringLiteral("failed"), true, {}, true);
    child<QPushButton>(&banner, "retryButton")->click();
    QCOMPARE(retry.count(), 1);
    QCOMPARE(banner.text(), QString());  // Retry dismisses it
    banner.show_message(QStringLiteral("again"), true);
    child<QPushButton>(&banner, "dismissButton")->click();
    QVERIFY(banner.isHidden());
    QCOMPARE(banner.text(), QString());
}

QTEST_MAIN(TestGenerationForm)
// Dynamic prompts in the form: a typed template is the request's template, with the settings'
// wildcards folder; under the prompt box the form shows what the seed shown makes of it (the
// core's resolution, the same every time), or the error that stops it; a record with a template
// shows the template again, not what it resolved to.
void TestGenerationForm::a_template_prompt_shows_what_the_seed_makes_of_it() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile file(dir.filePath(QStringLiteral("animal.txt")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("cat\ndog\nfox\nowl\n");
    file.close();
    GenerationForm form(&counter_);
    form.set_wildcards_dir(dir.path());
    auto* resolved = child<QLabel>(&form, "resolvedPrompt");
    lightning::GenerationRequest request = form_request();
    form.set_request(request);
    QVERIFY(form.resolved_prompt_text().isEmpty());  // no template: nothing to show
    QVERIFY(!form.request().has_template());

    const std::string text = "a {red|green|blue} __animal__";
    request.prompt = text;
    form.set_request(request);
    const lightning::GenerationRequest asked = form.request();
    QCOMPARE(asked.prompt_template, text);
    QCOMPARE(asked.wildcards_dir, to_std(dir.path()));
    lightning::WildcardFolder folder(to_std(dir.path()));
    const std::string expected = lightning::resolve_template(
        text, request.seed, lightning::TemplateStream::Prompt, folder, "prompt template");
    QVERIFY2(form.resolved_prompt_text().endsWith(to_qstring(expected)),
             qPrintable(form.resolved_prompt_text()));
    QVERIFY(form.resolved_prompt_text().contains(QString::number(request.seed)));
    form.set_request(request);  // the same seed: the same choice
    QVERIFY(form.resolved_prompt_text().endsWith(to_qstring(expected)));

    // A record: its prompt is what the template made; the box shows the template again.
    lightning::GenerationRequest record = request;
    record.prompt = expected;
    record.prompt_template = text;
    form.set_request(record);
    QCOMPARE(form.request().prompt, text);
    QCOMPARE(form.request().prompt_template, text);

    // An unknown wildcard is named under the box before anything runs.
    request.prompt = "__nope__";
    form.set_request(request);
    QVERIFY2(form.resolved_prompt_text().contains(QStringLiteral("unknown wildcard __nope__")),
             qPrintable(form.resolved_prompt_text()));
    QVERIFY(!resolved->isHidden());
}

#include "test_generation_form.moc"
