// The `lightning` CLI as a user runs it: every golden pipeline case through `generate --dump`
// (and --out), compared with the goldens; bad arguments give one error line and a non-zero
// exit; the PNG's parameters text reads back.
#include "core/io/safetensors.h"
#include "core/pipeline/parameters.h"
#include "core/testing/golden_pipeline.h"
#include "core/util/error.h"
#include "support/fixtures.h"

#ifdef LIGHTNING_HAVE_OIIO
#include "core/image/png.h"
#endif

#include <QProcess>
#include <QTemporaryDir>

#include <map>

using namespace lightning;

namespace {

struct Run {
    int exit_code = -1;
    QString out, err;
};

Run finish(QProcess& process, int timeout_ms) {
    Run run;
    if (!process.waitForFinished(timeout_ms)) {
        process.kill();
        process.waitForFinished();
        run.err = "timed out";
        return run;
    }
    run.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

Run run_cli(const QStringList& args, int timeout_ms = 120000) {
    QProcess process;
    process.start(QString::fromStdString(testing::cli_path()), args);
    return finish(process, timeout_ms);
}

// Runs CLI invocations a few at a time: each process spends most of its second loading
// libtorch, which overlaps well.
std::vector<Run> run_cli_parallel(const std::vector<QStringList>& jobs, size_t parallel = 4) {
    std::vector<Run> runs(jobs.size());
    for (size_t first = 0; first < jobs.size(); first += parallel) {
        std::vector<std::unique_ptr<QProcess>> processes;
        for (size_t i = first; i < std::min(jobs.size(), first + parallel); ++i) {
            processes.push_back(std::make_unique<QProcess>());
            processes.back()->start(QString::fromStdString(testing::cli_path()), jobs[i]);
        }
        for (size_t k = 0; k < processes.size(); ++k)
            runs[first + k] = finish(*processes[k], 300000);
    }
    return runs;
}

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// The generate arguments that reproduce a golden case.
QStringList case_args(const PipelineCase& c) {
    QStringList args{"generate", "--model", q(c.paths.base)};
    if (!c.paths.config_dir.empty()) args << "--config" << q(c.paths.config_dir);
    if (!c.unet_file.empty()) args << "--unet" << q(c.unet_file);
    for (const auto& lora : c.loras)
        args << "--lora" << q(lora.path + ":" + std::to_string(lora.scale));
    if (c.prediction) args << "--prediction" << q(to_string(*c.prediction));
    args << "--prompt" << q(c.prompt);
    if (c.negative_prompt) args << "--negative" << q(*c.negative_prompt);
    args << "--steps" << QString::number(c.steps) << "--guidance" << QString::number(c.guidance)
         << "--width" << QString::number(c.width) << "--height" << QString::number(c.height)
         << "--seed" << QString::number(c.seed) << "--device"
         << "cpu"
         << "--dtype"
         << "fp32"
         << "--log-level"
         << "warn";
    return args;
}

GoldenOptions cpu_fp32() {
    GoldenOptions options;
    options.fixtures_dir = testing::fixtures_dir();
    return options;
}

std::vector<std::pair<std::string, at::Tensor>> read_all(const std::string& path) {
    const auto file = SafeTensorsFile::open(path);
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& name : file->names()) tensors.emplace_back(name, file->load(name));
    return tensors;
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::vector<PipelineCase> cases_;
    std::vector<Run> case_runs_;  // one CLI run per case, started together in initTestCase

    std::string dump_path(const PipelineCase& c) {
        return dir_.filePath(q(c.id + ".safetensors")).toStdString();
    }
    std::string png_path(const PipelineCase& c) {
        return dir_.filePath(q(c.id + ".png")).toStdString();
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        cases_ = read_pipeline_cases(testing::fixtures_dir());
        std::vector<QStringList> jobs;
        for (const auto& c : cases_) {
            auto args = case_args(c);
            args << "--dump" << q(dump_path(c));
#ifdef LIGHTNING_HAVE_OIIO
            args << "--out" << q(png_path(c));
#endif
            jobs.push_back(args);
        }
        case_runs_ = run_cli_parallel(jobs);
    }

    void goldenCasesThroughTheCli_data() {
        QTest::addColumn<int>("index");
        QVERIFY(cases_.size() >= 19);
        for (size_t i = 0; i < cases_.size(); ++i) QTest::newRow(cases_[i].id.c_str()) << int(i);
    }

    void goldenCasesThroughTheCli() {
        QFETCH(int, index);
        const auto& c = cases_[index];
        const auto& run = case_runs_[index];
        QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        const std::string dump = dump_path(c);
#ifdef LIGHTNING_HAVE_OIIO
        const std::string png = png_path(c);
#endif

        const auto tensors = read_all(dump);
        std::set<std::string> names;
        for (const auto& [name, t] : tensors) names.insert(name);
        std::set<std::string> expected{"noise", "final_latents", "image"};
        for (int i = 0; i < c.steps; ++i) {
            expected.insert("step" + std::to_string(i) + ".latents");
            expected.insert("step" + std::to_string(i) + ".pred_x0");
        }
        QVERIFY(names == expected);
        const auto report = compare_pipeline_tensors(c, tensors, cpu_fp32(), false);
        QCOMPARE(int(report.size()), int(expected.size()));
        for (const auto& r : report) QVERIFY2(r.ok, r.message.c_str());

#ifdef LIGHTNING_HAVE_OIIO
        PngText text;
        const auto image = read_png(png, &text);
        const auto golden_png = read_png(c.png_file);
        const auto cmp = compare_uint8_images(c.id + ".png", image8_to_tensor(image),
                                              image8_to_tensor(golden_png), 1, 0.001);
        QVERIFY2(cmp.ok, cmp.message.c_str());
        // The parameters chunk reads back as what was asked for.
        QVERIFY(text.entries.count("parameters"));
        const auto p = parse_parameters(text.entries.at("parameters"));
        QCOMPARE(p.prompt, c.prompt);
        QCOMPARE(p.negative_prompt.has_value(), c.negative_prompt.has_value());
        if (c.negative_prompt) QCOMPARE(*p.negative_prompt, *c.negative_prompt);
        QCOMPARE(p.steps, c.steps);
        QCOMPARE(p.seed, c.seed);
        QCOMPARE(p.width, c.width);
        QCOMPARE(p.height, c.height);
        QCOMPARE(p.guidance, c.guidance);
        QCOMPARE(p.sampler, std::string("Euler"));
        QCOMPARE(p.schedule, std::string("trailing"));
        QCOMPARE(p.model, model_name_of(c.paths.base));
        const auto lightning = lightning_steps_of(
            c.unet_file.empty() ? (c.loras.empty() ? c.paths.base : c.loras[0].path) : c.unet_file);
        QCOMPARE(p.lightning_steps, lightning);
#endif
    }

    void batchWritesOneFilePerImage() {
        const auto c = read_pipeline_cases(testing::fixtures_dir()).front();
        const std::string dump = dir_.filePath("batch.safetensors").toStdString();
        auto args = case_args(c);
        args << "--batch"
             << "2"
             << "--dump" << q(dump);
#ifdef LIGHTNING_HAVE_OIIO
        args << "--out" << dir_.filePath("batch.png");
#endif
        const auto run = run_cli(args);
        QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        std::map<std::string, at::Tensor> tensors;
        for (auto& [name, t] : read_all(dump)) tensors[name] = t;
        QVERIFY(tensors.count("image") && tensors.count("img1.image"));
        QVERIFY(tensors.count("noise") && tensors.count("img1.noise"));
        QVERIFY(!torch::equal(tensors["noise"], tensors["img1.noise"]));
#ifdef LIGHTNING_HAVE_OIIO
        QVERIFY(QFile::exists(dir_.filePath("batch-0.png")));
        QVERIFY(QFile::exists(dir_.filePath("batch-1.png")));
        QVERIFY(!QFile::exists(dir_.filePath("batch.png")));
        const auto p1 = parse_parameters(
            read_png_text(dir_.filePath("batch-1.png").toStdString()).entries.at("parameters"));
        QCOMPARE(p1.seed, c.seed + 1);
#endif
    }

    void badArgumentsFailWithOneLine() {
        const QString model = q(testing::fixtures_dir() + "/tiny-sdxl");
        const QString single =
            q(testing::fixtures_dir() + "/tiny-lightning/sdxl_lightning_4step.safetensors");
        const QString out = dir_.filePath("x.png");
        const QStringList ok{"generate",
                             "--model",
                             model,
                             "--prompt",
                             "p",
                             "--dump",
                             dir_.filePath("x.safetensors")};
        std::vector<std::pair<const char*, QStringList>> cases;
        cases.emplace_back("no command", QStringList{});
        cases.emplace_back("unknown command", QStringList{"paint"});
        cases.emplace_back("no model", QStringList{"generate", "--prompt", "p", "--out", out});
        cases.emplace_back("missing model", QStringList{"generate", "--model", "/no/such",
                                                        "--prompt", "p", "--out", out});
        cases.emplace_back("nothing to write",
                           QStringList{"generate", "--model", model, "--prompt", "p"});
        cases.emplace_back("unknown flag", (ok + QStringList{"--sampler", "dpm"}));
        cases.emplace_back("missing value", (ok + QStringList{"--steps"}));
        cases.emplace_back("steps text", (ok + QStringList{"--steps", "four"}));
        cases.emplace_back("width 100", (ok + QStringList{"--width", "100"}));
        cases.emplace_back("fp16 on cpu", (ok + QStringList{"--dtype", "fp16"}));
        cases.emplace_back("bad device", (ok + QStringList{"--device", "tpu"}));
        cases.emplace_back("missing lora",
                           (ok + QStringList{"--lora", "/no/lora.safetensors:0.5"}));
        cases.emplace_back("repeated flag", (ok + QStringList{"--steps", "2", "--steps", "4"}));
        cases.emplace_back(
            "single file without config",
            QStringList{"generate", "--model", single, "--prompt", "p", "--out", out});
        // Runtime errors: a file that is not what it claims to be.
        cases.emplace_back(
            "lora file as unet",
            (ok +
             QStringList{"--unet", q(testing::fixtures_dir() +
                                     "/tiny-lightning/sdxl_lightning_4step_lora.safetensors")}));
        cases.emplace_back(
            "unet file as lora",
            (ok +
             QStringList{"--lora", q(testing::fixtures_dir() +
                                     "/tiny-lightning/sdxl_lightning_2step_unet.safetensors")}));
        cases.emplace_back("verify without fixtures",
                           QStringList{"verify", "--fixtures", "/no/such"});
        std::vector<QStringList> jobs;
        for (const auto& [name, args] : cases) jobs.push_back(args);
        const auto runs = run_cli_parallel(jobs);
        for (size_t i = 0; i < cases.size(); ++i) {
            const auto& run = runs[i];
            const QString label = QString(cases[i].first) + ": " + run.err;
            QVERIFY2(run.exit_code != 0 && run.exit_code != -1, qPrintable(label));
            // Exactly one line on stderr (log output is off below warn for these runs).
            const auto lines = run.err.trimmed().split('\n');
            QVERIFY2(lines.size() == 1, qPrintable(label));
            QVERIFY2(lines[0].startsWith("lightning: error: "), qPrintable(label));
        }
    }

    void helpDocumentsEveryFlag() {
        const auto run = run_cli({"generate", "--help"});
        QCOMPARE(run.exit_code, 0);
        for (const char* flag :
             {"--model",      "--config", "--unet",     "--lightning", "--lora",
              "--prediction", "--prompt", "--negative", "--steps",     "--guidance",
              "--width",      "--height", "--seed",     "--batch",     "--clip-skip",
              "--device",     "--dtype",  "--out",      "--dump",      "--log-level"})
            QVERIFY2(run.out.contains(flag), flag);
        const auto verify = run_cli({"verify", "--help"});
        QCOMPARE(verify.exit_code, 0);
        for (const char* flag : {"--fixtures", "--device", "--dtype"})
            QVERIFY2(verify.out.contains(flag), flag);
        QCOMPARE(run_cli({"--help"}).exit_code, 0);
    }

    void parametersTextRoundTrips() {
        ImageParameters p;
        p.prompt = "a cat, oil painting\nsecond line";
        p.negative_prompt = "blurry";
        p.steps = 4;
        p.guidance = 1.5f;
        p.seed = 18446744073709551615ull;
        p.width = 1024;
        p.height = 768;
        p.model = "sdxl-base";
        p.lightning_steps = 4;
        const auto text = format_parameters(p);
        QCOMPARE(text,
                 std::string("a cat, oil painting\nsecond line\nNegative prompt: blurry\n"
                             "Steps: 4, Sampler: Euler, Schedule type: trailing, CFG scale: 1.5, "
                             "Seed: 18446744073709551615, Size: 1024x768, Model: sdxl-base, "
                             "Lightning: 4step"));
        const auto back = parse_parameters(text);
        QCOMPARE(back.prompt, p.prompt);
        QCOMPARE(*back.negative_prompt, *p.negative_prompt);
        QCOMPARE(back.seed, p.seed);
        QCOMPARE(back.guidance, p.guidance);
        QCOMPARE(back.width, 1024);
        QCOMPARE(back.height, 768);
        QCOMPARE(*back.lightning_steps, 4);
        QVERIFY_THROWS_EXCEPTION(Error, parse_parameters("just a prompt"));
        // A model name with separators is quoted and reads back intact.
        p.model = "my, \"model\": v2";
        const auto quoted = format_parameters(p);
        QVERIFY(quoted.find("Model: \"my, \\\"model\\\": v2\"") != std::string::npos);
        QCOMPARE(parse_parameters(quoted).model, p.model);
        QCOMPARE(*parse_parameters(quoted).lightning_steps, 4);
    }

    // Guards the settings-line splitter: it was a std::regex, whose matcher recurses per
    // character, so a PNG whose parameters text had a ~100 KB value crashed whoever read it.
    void longSettingsLineParses() {
        ImageParameters p;
        p.prompt = "a fox";
        p.steps = 4;
        p.width = p.height = 64;
        p.model = std::string(1 << 20, 'm') + ", quoted: \"yes\"";
        QCOMPARE(parse_parameters(format_parameters(p)).model, p.model);
        const std::string unquoted = "a fox\nSteps: 4, Sampler: " + std::string(1 << 20, 's') +
                                     ", CFG scale: 0, Seed: 1, Size: 64x64";
        QCOMPARE(parse_parameters(unquoted).sampler.size(), size_t(1) << 20);
        // Fields as before: leading spaces and unknown keys skipped, a quoted value that does
        // not end its field is read up to the next comma.
        const auto q = parse_parameters(
            "x\nSteps:4,   Sampler:Euler, Lora hashes: \"a: 1, b: 2\", CFG scale: 2.5, Seed: 9, "
            "Size: 8x16, Model: \"m\" v2, Clip skip: 2");
        QCOMPARE(q.steps, 4);
        QCOMPARE(q.guidance, 2.5f);
        QCOMPARE(q.width, 8);
        QCOMPARE(q.model, std::string("\"m\" v2"));
        QCOMPARE(q.clip_skip, 2);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
