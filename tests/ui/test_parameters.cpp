// The A1111-style `parameters` text: what this app writes, and what it reads from other tools.
#include "ui/generation_params.h"

#include <QtTest/QtTest>

using lightning::ui::format_parameters;
using lightning::ui::GenerationParams;
using lightning::ui::parse_parameters;

class TestParameters : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void writes_the_documented_format();
    void leaves_out_an_absent_negative_prompt();
    void round_trips_multiline_and_unicode();
    void round_trips_awkward_model_names();
    void reads_automatic1111_output();
    void reads_quoted_values_and_unknown_keys();
    void reads_windows_line_endings_and_trailing_text();
    void reads_empty_prompt();
    void keeps_defaults_for_missing_or_bad_values();
    void rejects_text_without_settings_line();
};

void TestParameters::writes_the_documented_format() {
    GenerationParams p;
    p.prompt = QStringLiteral("a lighthouse at dusk");
    p.negative_prompt = QStringLiteral("blurry");
    p.steps = 4;
    p.guidance = 0;
    p.seed = 42;
    p.width = 1216;
    p.height = 832;
    p.model = QStringLiteral("sdxl_lightning_4step_unet");
    QCOMPARE(format_parameters(p),
             QStringLiteral("a lighthouse at dusk\nNegative prompt: blurry\nSteps: 4, Sampler: "
                            "Euler, Schedule type: trailing, CFG scale: 0, Seed: 42, Size: "
                            "1216x832, Model: sdxl_lightning_4step_unet"));
    p.guidance = 1.5;
    QVERIFY(format_parameters(p).contains(QStringLiteral("CFG scale: 1.5,")));
}

void TestParameters::leaves_out_an_absent_negative_prompt() {
    GenerationParams p;
    p.prompt = QStringLiteral("cat");
    p.seed = 18446744073709551615ull;  // the largest seed survives exactly
    const QString text = format_parameters(p);
    QVERIFY(!text.contains(QStringLiteral("Negative prompt")));
    const auto parsed = parse_parameters(text);
    QVERIFY(parsed);
    QVERIFY(!parsed->negative_prompt);
    QCOMPARE(parsed->seed, p.seed);
    QCOMPARE(*parsed, p);

    p.negative_prompt = QString();  // present but empty stays present
    const auto parsed_empty = parse_parameters(format_parameters(p));
    QVERIFY(parsed_empty && parsed_empty->negative_prompt);
    QCOMPARE(*parsed_empty->negative_prompt, QString());
}

void TestParameters::round_trips_multiline_and_unicode() {
    GenerationParams p;
    p.prompt = QStringLiteral("first line, with commas: and colons\nsecond line — Ünïcödé 猫 🐱");
    p.negative_prompt = QStringLiteral("ugly\nsecond negative line, Steps: fake");
    p.steps = 8;
    p.guidance = 3.25;
    p.seed = 7;
    p.width = 640;
    p.height = 1536;
    p.model = QStringLiteral("sdxl_lightning_8step_unet");
    const auto parsed = parse_parameters(format_parameters(p));
    QVERIFY(parsed);
    QCOMPARE(parsed->prompt, p.prompt);
    QCOMPARE(*parsed->negative_prompt, *p.negative_prompt);
    QCOMPARE(*parsed, p);
}

void TestParameters::round_trips_awkward_model_names() {
    GenerationParams p;
    p.prompt = QStringLiteral("x");
    p.model = QStringLiteral("my model, v2 \"final\": best");
    p.extra.insert(QStringLiteral("Lora hashes"), QStringLiteral("a: 1, b: 2"));
    const auto parsed = parse_parameters(format_parameters(p));
    QVERIFY(parsed);
    QCOMPARE(parsed->model, p.model);
    QCOMPARE(parsed->extra.value(QStringLiteral("Lora hashes")), QStringLiteral("a: 1, b: 2"));
    QCOMPARE(*parsed, p);
}

void TestParameters::reads_automatic1111_output() {
    // Verbatim shape of an AUTOMATIC1111 1.x infotext.
    const QString text = QStringLiteral(
        "masterpiece, best quality, (a red fox:1.2) in the snow\n"
        "Negative prompt: lowres, bad anatomy\n"
        "Steps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 3405691582, "
        "Size: 832x1216, Model hash: 31e35c80fc, Model: sd_xl_base_1.0, VAE hash: 235745af8d, "
        "VAE: sdxl_vae.safetensors, Denoising strength: 0.3, Clip skip: 2, Version: v1.9.4");
    const auto parsed = parse_parameters(text);
    QVERIFY(parsed);
    QCOMPARE(parsed->prompt,
             QStringLiteral("masterpiece, best quality, (a red fox:1.2) in the snow"));
    QCOMPARE(*parsed->negative_prompt, QStringLiteral("lowres, bad anatomy"));
    QCOMPARE(parsed->steps, 30);
    QCOMPARE(parsed->sampler, QStringLiteral("DPM++ 2M"));
    QCOMPARE(parsed->schedule, QStringLiteral("Karras"));
    QCOMPARE(parsed->guidance, 7.0);
    QCOMPARE(parsed->seed, uint64_t(3405691582u));
    QCOMPARE(parsed->width, 832);
    QCOMPARE(parsed->height, 1216);
    QCOMPARE(parsed->model, QStringLiteral("sd_xl_base_1.0"));
    QCOMPARE(parsed->extra.value(QStringLiteral("Model hash")), QStringLiteral("31e35c80fc"));
    QCOMPARE(parsed->extra.value(QStringLiteral("Clip skip")), QStringLiteral("2"));
    QCOMPARE(parsed->extra.value(QStringLiteral("Version")), QStringLiteral("v1.9.4"));
}

void TestParameters::reads_quoted_values_and_unknown_keys() {
    const QString text = QStringLiteral(
        "portrait <lora:detail:0.8>\n"
        "Steps: 20, Sampler: Euler a, CFG scale: 5.5, Seed: 1, Size: 1024x1024, "
        "Lora hashes: \"detail: 0123abcd, style: 4567ef01\", "
        "ADetailer prompt: \"face, \\\"smiling\\\"\", Hires upscale: 1.5");
    const auto parsed = parse_parameters(text);
    QVERIFY(parsed);
    QCOMPARE(parsed->prompt, QStringLiteral("portrait <lora:detail:0.8>"));
    QVERIFY(!parsed->negative_prompt);
    QCOMPARE(parsed->sampler, QStringLiteral("Euler a"));
    QCOMPARE(parsed->guidance, 5.5);
    QCOMPARE(parsed->extra.value(QStringLiteral("Lora hashes")),
             QStringLiteral("detail: 0123abcd, style: 4567ef01"));
    QCOMPARE(parsed->extra.value(QStringLiteral("ADetailer prompt")),
             QStringLiteral("face, \"smiling\""));
    QCOMPARE(parsed->extra.value(QStringLiteral("Hires upscale")), QStringLiteral("1.5"));
}

void TestParameters::reads_windows_line_endings_and_trailing_text() {
    const QString text = QStringLiteral(
        "line one\r\nline two\r\nNegative prompt: neg one\r\nneg two\r\n"
        "Steps: 4, Seed: 99, Size: 896x1152, CFG scale: 0\r\n");
    const auto parsed = parse_parameters(text);
    QVERIFY(parsed);
    QCOMPARE(parsed->prompt, QStringLiteral("line one\nline two"));
    QCOMPARE(*parsed->negative_prompt, QStringLiteral("neg one\nneg two"));
    QCOMPARE(parsed->seed, uint64_t(99));
    QCOMPARE(parsed->width, 896);
    QCOMPARE(parsed->height, 1152);

    // Some tools append free text after the settings line; it is not part of the negative.
    const auto appended = parse_parameters(
        QStringLiteral("p\nSteps: 2, Seed: 5, Size: 64x64\nTemplate notes without pairs"));
    QVERIFY(appended);
    QCOMPARE(appended->prompt, QStringLiteral("p"));
    QCOMPARE(appended->steps, 2);
}

void TestParameters::reads_empty_prompt() {
    GenerationParams p;
    p.seed = 3;
    const auto parsed = parse_parameters(format_parameters(p));
    QVERIFY(parsed);
    QCOMPARE(parsed->prompt, QString());
    QCOMPARE(*parsed, p);
}

void TestParameters::keeps_defaults_for_missing_or_bad_values() {
    const auto parsed =
        parse_parameters(QStringLiteral("p\nSteps: many, Seed: -5, Size: big, CFG scale: 2"));
    QVERIFY(parsed);
    QCOMPARE(parsed->steps, GenerationParams{}.steps);
    QCOMPARE(parsed->seed, GenerationParams{}.seed);
    QCOMPARE(parsed->width, GenerationParams{}.width);
    QCOMPARE(parsed->guidance, 2.0);
}

void TestParameters::rejects_text_without_settings_line() {
    QVERIFY(!parse_parameters(QString()));
    QVERIFY(!parse_parameters(QStringLiteral("just a prompt, nothing else")));
    QVERIFY(!parse_parameters(QStringLiteral("{\"prompt\": {\"3\": {\"inputs\": {}}}}")));
    QVERIFY(!parse_parameters(QStringLiteral("Seed: 1, Size: 64x64, CFG scale: 1")));  // no Steps
}

QTEST_MAIN(TestParameters)
#include "test_parameters.moc"
