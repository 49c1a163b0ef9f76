// The `lightning` CLI as a user runs it: every golden pipeline case through `generate --dump`
// (and --out), compared with the goldens; bad arguments give one error line and a non-zero
// exit before anything loads; the PNG's parameters text reads back and regenerates the image;
// output files are never clobbered; an interrupted batch keeps its finished images.
#include "core/io/safetensors.h"
#include "core/request/model_layout.h"
#include "core/request/parameters.h"
#include "core/request/wildcards.h"
#include "core/testing/golden_pipeline.h"
#include "core/util/error.h"
#include "support/fixtures.h"
#include "support/open_counter.h"
#include "support/variation_goldens.h"

#ifdef LIGHTNING_HAVE_OIIO
#include "core/image/image_pixels.h"
#include "core/image/png.h"
#endif

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <sys/stat.h>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

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
    if (!c.request.unet_file.empty()) args << "--unet" << q(c.request.unet_file);
    for (const auto& lora : c.request.loras)
        args << "--lora" << q(lora.path + ":" + format_number(lora.scale));
    if (c.request.prediction) args << "--prediction" << q(to_string(*c.request.prediction));
    // Every case names its syntax: the diffusers-reference cases take their prompts literally.
    args << "--prompt-syntax" << q(to_string(c.request.prompt_syntax));
    for (size_t i = 0; i < c.cli_extra.size(); i += 2)
        if (c.cli_extra[i] != "--prompt-syntax") args << q(c.cli_extra[i]) << q(c.cli_extra[i + 1]);
    args << "--prompt" << q(c.request.prompt);
    if (c.request.negative_prompt) args << "--negative" << q(*c.request.negative_prompt);
    args << "--steps" << QString::number(c.request.steps) << "--guidance"
         << QString::number(c.request.guidance) << "--width" << QString::number(c.request.width)
         << "--height" << QString::number(c.request.height) << "--seed"
         << QString::number(c.request.seed) << "--device"
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

// A fresh copy of the tiny model and its Lightning folder (hard links: new paths, so none of
// their hashes is cached and the engine hashes them in the background after loading).
std::pair<std::string, std::string> fresh_model_copy(const QString& folder) {
    namespace fs = std::filesystem;
    const fs::path root = folder.toStdString();
    auto link_tree = [&](const std::string& from, const fs::path& to) {
        fs::create_directories(to);
        for (const auto& entry : fs::recursive_directory_iterator(from)) {
            const fs::path target = to / fs::relative(entry.path(), from);
            if (entry.is_directory())
                fs::create_directories(target);
            else
                fs::create_hard_link(entry.path(), target);
        }
    };
    link_tree(testing::fixtures_dir() + "/tiny-sdxl", root / "tiny-sdxl");
    link_tree(testing::fixtures_dir() + "/tiny-lightning", root / "tiny-lightning");
    return {(root / "tiny-sdxl").string(), (root / "tiny-lightning").string()};
}

// Starts `args`, sends `signal` the moment the model is loaded (the log's "loaded" line), and
// returns how the process ended.
Run signal_after_loading(const QStringList& args, int signal) {
    QProcess process;
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start(QString::fromStdString(testing::cli_path()), args);
    QByteArray err;
    QElapsedTimer timer;
    timer.start();
    while (!err.contains("loaded ") && timer.elapsed() < 120000 &&
           process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(10);
        err += process.readAllStandardError();
    }
    if (err.contains("loaded ")) ::kill(pid_t(process.processId()), signal);
    Run run = finish(process, 120000);
    run.err = QString::fromUtf8(err) + run.err;
    return run;
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
        // The prompt-feature cases (golden-prompts/ with their cli_extra; a1111, VAE file and
        // tiling goldens of tests/data) run through the CLI the same way.
        const auto prompt_cases = read_prompt_pipeline_cases(testing::fixtures_dir());
        cases_.insert(cases_.end(), prompt_cases.begin(), prompt_cases.end());
        const auto data = testing::test_data_dir() + "/prompt_goldens/";
        for (const auto* file : {"a1111_text.json", "vae/vae_goldens.json"}) {
            const auto more = read_generated_pipeline_cases(data + file, testing::fixtures_dir());
            cases_.insert(cases_.end(), more.begin(), more.end());
        }
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
        QVERIFY(cases_.size() >= 19 + 15 + 4);
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
        std::set<std::string> expected{"noise", "final_latents", "image", "prompt_embeds",
                                       "add_text_embeds"};
        for (int i = 0; i < c.request.steps; ++i) {
            expected.insert("step" + std::to_string(i) + ".latents");
            expected.insert("step" + std::to_string(i) + ".pred_x0");
        }
        QVERIFY(names == expected);
        const auto report = compare_pipeline_tensors(c, tensors, cpu_fp32(), false);
        // Every dumped tensor the golden file holds was compared (generated goldens hold fewer
        // kinds: no pred_x0, the VAE case no conditioning).
        const auto golden = SafeTensorsFile::open(c.tensors_file);
        int in_golden = 0;
        for (const auto& name : expected) in_golden += golden->contains(name) ? 1 : 0;
        QCOMPARE(int(report.size()), in_golden);
        QVERIFY(in_golden >= 4);
        for (const auto& r : report) QVERIFY2(r.ok, r.message.c_str());

#ifdef LIGHTNING_HAVE_OIIO
        PngText text;
        const auto image = read_png(png, &text);
        if (!c.png_file.empty()) {
            const auto golden_png = read_png(c.png_file);
            const auto cmp = compare_uint8_images(c.id + ".png", image8_to_tensor(image),
                                                  image8_to_tensor(golden_png), 1, 0.001);
            QVERIFY2(cmp.ok, cmp.message.c_str());
        }
        // The parameters chunk reads back as what was asked for.
        QVERIFY(text.entries.count("parameters"));
        const auto record = parse_parameters(text.entries.at("parameters"));
        QVERIFY(record.has_value());
        const auto& r = record->request;
        QCOMPARE(r.prompt, c.request.prompt);
        // The negative prompt is recorded only when it had effect (guidance > 1).
        QCOMPARE(r.negative_prompt.has_value(),
                 c.request.negative_prompt.has_value() && c.request.guidance > 1);
        if (r.negative_prompt) QCOMPARE(*r.negative_prompt, *c.request.negative_prompt);
        QCOMPARE(r.steps, c.request.steps);
        QCOMPARE(r.seed, c.request.seed);
        QCOMPARE(r.width, c.request.width);
        QCOMPARE(r.height, c.request.height);
        QCOMPARE(r.guidance, double(c.request.guidance));
        QCOMPARE(record->sampler, std::string("Euler"));
        QCOMPARE(record->model.name, model_display_name(c.paths.base));
        QCOMPARE(record->model.hash.size(), size_t(10));
        QCOMPARE(record->unet.name,
                 c.request.unet_file.empty()
                     ? std::string()
                     : std::filesystem::path(c.request.unet_file).stem().string());
        QCOMPARE(r.loras.size(), c.request.loras.size());
        for (size_t i = 0; i < c.request.loras.size(); ++i) {
            QCOMPARE(r.loras[i].path,
                     std::filesystem::path(c.request.loras[i].path).stem().string());
            QCOMPARE(r.loras[i].scale, c.request.loras[i].scale);
            QCOMPARE(record->loras[i].hash.size(), size_t(10));
        }
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
        QCOMPARE(p1->request.seed, c.request.seed + 1);
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
        cases.emplace_back("unknown syntax", (ok + QStringList{"--prompt-syntax", "sdnext"}));
        cases.emplace_back("missing embedding",
                           (ok + QStringList{"--embedding", "/no/such.safetensors:<t>"}));
        cases.emplace_back("missing vae", (ok + QStringList{"--vae", "/no/such/vae"}));
        cases.emplace_back("bad tiling", (ok + QStringList{"--vae-tiling", "maybe"}));
        cases.emplace_back("unsupported compel prompt",
                           QStringList{"generate", "--model", model, "--prompt-syntax", "compel",
                                       "--prompt", "(\"a\", \"b\").blend(0.5, 0.5)", "--dump",
                                       dir_.filePath("blend.safetensors")});
        cases.emplace_back(
            "embedding token clash",
            (ok +
             QStringList{"--embedding", q(testing::fixtures_dir() +
                                          "/golden-prompts/embeddings/neg1.safetensors:cat</w>")}));
        cases.emplace_back("verify without fixtures",
                           QStringList{"verify", "--fixtures", "/no/such"});
        const QString lightning = q(testing::fixtures_dir() + "/tiny-lightning");
        const QString unet =
            q(testing::fixtures_dir() + "/tiny-lightning/sdxl_lightning_2step_unet.safetensors");
        cases.emplace_back("steps without checkpoint",
                           (ok + QStringList{"--lightning", lightning, "--steps", "3"}));
        cases.emplace_back("unet and lightning",
                           (ok + QStringList{"--lightning", lightning, "--unet", unet}));
        cases.emplace_back("lora scale not a number", (ok + QStringList{"--lora", unet + ":abc"}));
        cases.emplace_back("guidance 1e30", (ok + QStringList{"--guidance", "1e30"}));
        cases.emplace_back("seed past 2^53", (ok + QStringList{"--seed", "9007199254740992"}));
        cases.emplace_back("stdout batch", QStringList{"generate", "--model", model, "--prompt",
                                                       "p", "--out", "-", "--batch", "2"});
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

    // <lora:name:weight> in the prompt: resolved by name in the --lora-dir folders into the
    // request's LoRAs (the PNG records the LoRA and the prompt without the tag); an unknown name
    // or a missing --lora-dir is one clear line before anything loads.
    void promptLoraTagsUseTheLoraDir() {
        const QString loras = dir_.filePath("prompt-loras");
        QVERIFY(QDir().mkpath(loras + "/sub"));
        QVERIFY(QFile::copy(
            q(testing::fixtures_dir() + "/tiny-lightning/sdxl_lightning_4step_lora.safetensors"),
            loras + "/sub/style.safetensors"));
        const QString png = dir_.filePath("tagged.png");
        const QStringList args{"generate",
                               "--model",
                               q(testing::fixtures_dir() + "/tiny-sdxl"),
                               "--lightning",
                               q(testing::fixtures_dir() + "/tiny-lightning"),
                               "--steps",
                               "2",
                               "--width",
                               "64",
                               "--height",
                               "64",
                               "--out",
                               png};
        const Run made =
            run_cli(args + QStringList{"--lora-dir", loras, "--prompt", "a hill <lora:style:0.5>"});
        QVERIFY2(made.exit_code == 0, qPrintable(made.err));
        const Run info = run_cli({"info", png});
        QVERIFY2(info.out.startsWith("a hill\n"), qPrintable(info.out));
        QVERIFY2(info.out.contains("Lora weights: \"style: 0.5\""), qPrintable(info.out));

        const Run unknown =
            run_cli(args + QStringList{"--lora-dir", loras, "--prompt", "a <lora:nope:0.5>"});
        QCOMPARE(unknown.err.trimmed(),
                 "lightning: error: prompt: <lora:nope:0.5>: no LoRA named 'nope' in the LoRA "
                 "folder " +
                     loras + " (LoRAs there: style)");
        const Run no_dir = run_cli(args + QStringList{"--prompt", "a <lora:style>"});
        QVERIFY2(no_dir.err.contains("no LoRA folder (--lora-dir DIR)"), qPrintable(no_dir.err));
    }

    // Issue 25: one `generate` opened each request file five times: three checks (before
    // loading, the CLI's validate, generate's), the load and the hash. The engine's check
    // remembers files it read while they are unchanged, so a check is one read of the header.
    void eachRequestFileIsCheckedOnce() {
        const QString lora = dir_.filePath("opened-once.safetensors");
        QVERIFY(QFile::copy(
            q(testing::fixtures_dir() + "/tiny-lightning/sdxl_lightning_4step_lora.safetensors"),
            lora));
        testing::OpenCounter counter(lora.toStdString());
        QVERIFY(counter.valid());
        const Run run = run_cli({"generate", "--model", q(testing::fixtures_dir() + "/tiny-sdxl"),
                                 "--lightning", q(testing::fixtures_dir() + "/tiny-lightning"),
                                 "--lora", lora + ":0.5", "--prompt", "p", "--width", "64",
                                 "--height", "64", "--dump", dir_.filePath("opened-once.dump")});
        QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        // Checked, loaded, hashed for the image's record: 3 (the old code opened it 5 times).
        // inotify merges an open queued right behind another, so fewer is possible; more is not.
        const int opens = counter.opens();
        QVERIFY2(opens >= 1 && opens <= 3, qPrintable(QString::number(opens) + " opens"));
    }

    void helpDocumentsEveryFlag() {
        const auto run = run_cli({"generate", "--help"});
        QCOMPARE(run.exit_code, 0);
        for (const char* flag : {"--model",
                                 "--config",
                                 "--unet",
                                 "--lightning",
                                 "--lora",
                                 "--prediction",
                                 "--prompt",
                                 "--negative",
                                 "--steps",
                                 "--guidance",
                                 "--width",
                                 "--height",
                                 "--seed",
                                 "--batch",
                                 "--clip-skip",
                                 "--device",
                                 "--dtype",
                                 "--out",
                                 "--dump",
                                 "--log-level",
                                 "--vae",
                                 "--vae-tiling",
                                 "--prompt-syntax",
                                 "--embedding",
                                 "--variation-seed",
                                 "--variation-strength",
                                 "--seed-resize-from"})
            QVERIFY2(run.out.contains(flag), flag);
        const auto verify = run_cli({"verify", "--help"});
        QCOMPARE(verify.exit_code, 0);
        for (const char* flag : {"--fixtures", "--device", "--dtype"})
            QVERIFY2(verify.out.contains(flag), flag);
        QCOMPARE(run_cli({"--help"}).exit_code, 0);
    }

    // Each refusal happens before loading and names the problem; nothing is created or replaced.
    void outputTargetsAreNeverClobbered() {
#ifdef LIGHTNING_HAVE_OIIO
        const QString model = q(testing::fixtures_dir() + "/tiny-sdxl");
        const auto args_to = [&](const QString& out) {
            return QStringList{"generate", "--model", model,      "--prompt", "p",
                               "--width",  "64",      "--height", "64",       "--steps",
                               "1",        "--seed",  "1",        "--out",    out};
        };
        const QString existing = dir_.filePath("existing.png");
        {
            QFile f(existing);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("keep me");
        }
        const QString link = dir_.filePath("link.png");
        QVERIFY(QFile::link(existing, link));
        const QString fifo = dir_.filePath("fifo.png");
        QCOMPARE(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
        struct Case {
            const char* what;
            QString out;
            const char* says;
        };
        const std::vector<Case> cases = {
            {"existing file", existing, "already exists"},
            {"folder", dir_.path(), "is a folder"},
            {"device", "/dev/null", "is a device"},
            {"symlink", link, "symbolic link"},
            {"fifo", fifo, "FIFO"},
            {"read-only file system", "/proc/lightning.png", "cannot write"},
            {"missing folder", dir_.filePath("no/such/x.png"), "does not exist"}};
        std::vector<QStringList> jobs;
        for (const auto& c : cases) jobs.push_back(args_to(c.out));
        const auto runs = run_cli_parallel(jobs);
        for (size_t i = 0; i < cases.size(); ++i) {
            const QString label = QString(cases[i].what) + ": " + runs[i].err;
            QVERIFY2(runs[i].exit_code == 2, qPrintable(label));
            QVERIFY2(runs[i].err.contains(cases[i].says), qPrintable(label));
        }
        QFile kept(existing);
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray("keep me"));
        QVERIFY(QFileInfo(link).isSymLink());
        // With --overwrite a regular file is replaced by the PNG.
        const auto replaced = run_cli(args_to(existing) << "--overwrite");
        QVERIFY2(replaced.exit_code == 0, qPrintable(replaced.err));
        QVERIFY(read_png_text(existing.toStdString()).entries.count("parameters"));
#endif
    }

    void outDashWritesThePngToStandardOutput() {
#ifdef LIGHTNING_HAVE_OIIO
        QProcess process;
        process.start(q(testing::cli_path()),
                      {"generate", "--model", q(testing::fixtures_dir() + "/tiny-sdxl"), "--prompt",
                       "a cat", "--width", "64", "--height", "64", "--steps", "1", "--seed", "7",
                       "--out", "-", "--log-level", "warn"});
        QVERIFY(process.waitForFinished(120000));
        QCOMPARE(process.exitCode(), 0);
        const QByteArray png = process.readAllStandardOutput();
        QVERIFY(png.startsWith("\x89PNG\r\n\x1a\n"));
        const QString path = dir_.filePath("stdout.png");
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(png);
        }
        PngText text;
        const auto image = read_png(path.toStdString(), &text);
        QCOMPARE(image.width, 64);
        QCOMPARE(parse_parameters(text.entries.at("parameters"))->request.seed, uint64_t(7));
        QVERIFY(!QFile::exists("-"));
#endif
    }

    // An inpainting run's PNG records the refine settings and the input files' hashes;
    // `--from` wants the files again, then makes the same pixels; another input is reported.
    void refineFromRegeneratesThePixelsWithTheInputsGiven() {
#ifdef LIGHTNING_HAVE_OIIO
        const QString model = q(testing::fixtures_dir() + "/tiny-sdxl");
        const QString lightning = q(testing::fixtures_dir() + "/tiny-lightning");
        // Inputs: a text-to-image render, a mask of its left half, and another image.
        const QString input = dir_.filePath("refine-input.png");
        const Run base =
            run_cli({"generate", "--model", model, "--lightning", lightning, "--prompt", "a hill",
                     "--width", "96", "--height", "64", "--seed", "2", "--out", input});
        QVERIFY2(base.exit_code == 0, qPrintable(base.err));
        Image8 half{96, 64, {}};
        for (int i = 0; i < 96 * 64; ++i) {
            const uint8_t v = i % 96 < 48 ? 255 : 0;
            half.rgb.insert(half.rgb.end(), {v, v, v});
        }
        const QString mask = dir_.filePath("refine-mask.png");
        write_png(mask.toStdString(), half);
        const QString other_input = dir_.filePath("refine-other.png");
        write_png(other_input.toStdString(), half);
        const QString first = dir_.filePath("refine-first.png");
        const Run made =
            run_cli({"generate", "--model", model, "--lightning", lightning, "--prompt", "a fox",
                     "--init-image", input, "--mask", mask, "--mask-blur", "4", "--strength",
                     "0.75", "--seed", "9", "--out", first});
        QVERIFY2(made.exit_code == 0, qPrintable(made.err));
        const auto record =
            parse_parameters(read_png_text(first.toStdString()).entries.at("parameters"));
        QVERIFY(record && record->request.refines());
        QCOMPARE(record->request.input.strength, 0.75);
        QCOMPARE(record->request.input.mask_blur, 4);
        QCOMPARE(record->input_image.name, std::string("refine-input"));
        QVERIFY(!record->mask.hash.empty());
        QCOMPARE(read_png(first.toStdString()).width, 96);  // the input's size by default

        const QStringList again{"generate", "--from", first,
                                "--model",  model,    "--lightning",
                                lightning,  "--out",  dir_.filePath("refine-again.png")};
        const Run missing = run_cli(again);
        QCOMPARE(missing.exit_code, 2);
        QVERIFY2(missing.err.contains("--init-image"), qPrintable(missing.err));
        const Run same = run_cli(QStringList(again) << "--init-image" << input << "--mask" << mask);
        QVERIFY2(same.exit_code == 0 && !same.err.contains("warning"), qPrintable(same.err));
        QVERIFY(read_png(first.toStdString()).rgb ==
                read_png(dir_.filePath("refine-again.png").toStdString()).rgb);
        const Run other =
            run_cli(QStringList(again) << "--overwrite"
                                       << "--init-image" << other_input << "--mask" << mask);
        QVERIFY2(other.exit_code == 0 && other.err.contains("the input image differs"),
                 qPrintable(other.err));
#endif
    }

    // --upscale-model / --upscale-by and --hires-upscaler FILE: recorded by name and hash, asked
    // for again by --from, which then makes the same pixels.
    void upscaleFlagsAreRecordedAndRegenerate() {
#ifdef LIGHTNING_HAVE_OIIO
        const QString model = q(testing::fixtures_dir() + "/tiny-sdxl");
        const QString lightning = q(testing::fixtures_dir() + "/tiny-lightning");
        const QString x2 = q(testing::test_data_dir() + "/esrgan/x2.safetensors");
        const QString x4 = q(testing::test_data_dir() + "/esrgan/x4_gc32.safetensors");
        const QString first = dir_.filePath("upscaled.png");
        const Run made = run_cli(
            {"generate", "--model",       model, "--lightning",      lightning, "--prompt",
             "a hill",   "--width",       "64",  "--height",         "64",      "--seed",
             "4",        "--hires-scale", "1.5", "--hires-upscaler", x4,        "--upscale-model",
             x2,         "--out",         first});
        QVERIFY2(made.exit_code == 0, qPrintable(made.err));
        QCOMPARE(read_png(first.toStdString()).width, 192);  // 64 x 1.5 x 2
        const auto record =
            parse_parameters(read_png_text(first.toStdString()).entries.at("parameters"));
        QVERIFY(record);
        QCOMPARE(record->request.upscale.scale, 2);
        QCOMPARE(record->upscaler.name, std::string("x2"));
        QCOMPARE(record->hires_upscaler.name, std::string("x4_gc32"));

        const QStringList again{"generate", "--from", first,
                                "--model",  model,    "--lightning",
                                lightning,  "--out",  dir_.filePath("upscaled-again.png")};
        Run missing = run_cli(again);
        QCOMPARE(missing.exit_code, 2);
        QVERIFY2(missing.err.contains("--hires-upscaler FILE"), qPrintable(missing.err));
        missing = run_cli(QStringList(again) << "--hires-upscaler" << x4);
        QCOMPARE(missing.exit_code, 2);
        QVERIFY2(missing.err.contains("--upscale-model FILE"), qPrintable(missing.err));
        const Run same =
            run_cli(QStringList(again) << "--hires-upscaler" << x4 << "--upscale-model" << x2);
        QVERIFY2(same.exit_code == 0 && !same.err.contains("warning"), qPrintable(same.err));
        QVERIFY(read_png(first.toStdString()).rgb ==
                read_png(dir_.filePath("upscaled-again.png").toStdString()).rgb);
        // Checked before any work: a scale above the model's, a file that is no upscaler.
        const Run too_far =
            run_cli({"generate", "--model", model, "--lightning", lightning, "--prompt", "a hill",
                     "--width", "64", "--height", "64", "--upscale-model", x2, "--upscale-by", "4",
                     "--out", dir_.filePath("never.png")});
        QCOMPARE(too_far.exit_code, 2);
        QVERIFY2(too_far.err.contains("a ×2 model cannot upscale ×4"), qPrintable(too_far.err));
        QVERIFY(!QFile::exists(dir_.filePath("never.png")));
        const Run not_a_file =
            run_cli({"generate", "--model", model, "--prompt", "a hill", "--hires-scale", "2",
                     "--hires-upscaler", "bicubic", "--out", dir_.filePath("never.png")});
        QCOMPARE(not_a_file.exit_code, 2);
        QVERIFY2(not_a_file.err.contains("'bicubic' is not latent, latent-nearest, lanczos or"),
                 qPrintable(not_a_file.err));
#endif
    }

    // --variation-seed, --variation-strength and --seed-resize-from: each image's start noise is
    // what A1111 draws for that batch (tests/data/variation "batch_2"; a resize from the image's
    // own size changes nothing), the PNG records A1111's keys, and --from makes the same pixels.
    void variationFlagsAreRecordedAndRegenerate() {
        const auto golden = testing::variation_golden("batch_2");
        const GenerationRequest& g = golden.request;
        const QString model = q(testing::fixtures_dir() + "/tiny-sdxl");
        const QString lightning = q(testing::fixtures_dir() + "/tiny-lightning");
        const QString dump = dir_.filePath("variation.safetensors");
        QStringList args{"generate",
                         "--model",
                         model,
                         "--lightning",
                         lightning,
                         "--prompt",
                         "a hill",
                         "--width",
                         QString::number(g.width),
                         "--height",
                         QString::number(g.height),
                         "--seed",
                         QString::number(g.seed),
                         "--variation-seed",
                         QString::number(g.variation.seed),
                         "--variation-strength",
                         QString::fromStdString(format_number(g.variation.strength)),
                         "--seed-resize-from",
                         QString("%1x%2").arg(g.width).arg(g.height),
                         "--batch",
                         "2",
                         "--dump",
                         dump};
#ifdef LIGHTNING_HAVE_OIIO
        args << "--out" << dir_.filePath("variation.png");
#endif
        const Run made = run_cli(args);
        QVERIFY2(made.exit_code == 0, qPrintable(made.err));
        std::map<std::string, at::Tensor> tensors;
        for (auto& [name, t] : read_all(dump.toStdString())) tensors[name] = t;
        const double tolerance = testing::variation_tolerance(golden.noise);
        QVERIFY(tensors.count("noise") && tensors.count("img1.noise"));
        QVERIFY((tensors["noise"][0] - golden.noise[0]).abs().max().item<double>() <= tolerance);
        QVERIFY((tensors["img1.noise"][0] - golden.noise[1]).abs().max().item<double>() <=
                tolerance);
#ifdef LIGHTNING_HAVE_OIIO
        const std::string second = dir_.filePath("variation-1.png").toStdString();
        const std::string text = read_png_text(second).entries.at("parameters");
        for (const char* key :
             {"Seed: 1234,", "Variation seed: 5679,", "Variation seed strength: 0.3,",
              "Seed resize from: 64x64,", "RNG: CPU"})
            QVERIFY2(text.find(key) != std::string::npos, text.c_str());
        const QString again = dir_.filePath("variation-again.png");
        const Run same = run_cli({"generate", "--from", q(second), "--model", model, "--lightning",
                                  lightning, "--out", again});
        QVERIFY2(same.exit_code == 0 && !same.err.contains("warning"), qPrintable(same.err));
        QVERIFY(read_png(second).rgb == read_png(again.toStdString()).rgb);
        QCOMPARE(read_png_text(again.toStdString()).entries.at("parameters"), text);
#endif
        // Refused before anything loads, naming the setting.
        const Run strong =
            run_cli({"generate", "--model", model, "--prompt", "a hill", "--variation-strength",
                     "1.5", "--out", dir_.filePath("never.png")});
        QCOMPARE(strong.exit_code, 2);
        QVERIFY2(strong.err.contains("variation strength"), qPrintable(strong.err));
        const Run size =
            run_cli({"generate", "--model", model, "--prompt", "a hill", "--seed-resize-from",
                     "640", "--out", dir_.filePath("never.png")});
        QCOMPARE(size.exit_code, 2);
        QVERIFY2(size.err.contains("WIDTHxHEIGHT"), qPrintable(size.err));
    }

    // `generate --from` takes everything from the PNG; the result is pixel-identical.
    void fromRegeneratesThePixels() {
#ifdef LIGHTNING_HAVE_OIIO
        std::vector<QStringList> jobs;
        std::vector<const PipelineCase*> chosen;
        auto choose = [&](const std::function<bool(const PipelineCase&)>& wanted) {
            for (const auto& c : cases_)
                if (c.paths.config_dir.empty() && wanted(c)) {
                    chosen.push_back(&c);
                    return;
                }
        };
        choose([](const PipelineCase& c) {
            return !c.request.unet_file.empty() && c.request.loras.empty();
        });
        choose([](const PipelineCase& c) { return !c.request.loras.empty(); });
        choose([](const PipelineCase& c) {
            return c.request.guidance > 1 && c.request.negative_prompt;
        });
        for (const auto* c : chosen) {
            QStringList args{"generate",
                             "--from",
                             q(png_path(*c)),
                             "--model",
                             q(c->paths.base),
                             "--out",
                             dir_.filePath(q(c->id + "-again.png")),
                             "--log-level",
                             "warn"};
            if (!c->request.unet_file.empty()) args << "--unet" << q(c->request.unet_file);
            for (const auto& lora : c->request.loras)
                args << "--lora" << q(lora.path + ":" + format_number(lora.scale));
            jobs.push_back(args);
        }
        QVERIFY(chosen.size() >= 3);
        const auto runs = run_cli_parallel(jobs);
        for (size_t i = 0; i < chosen.size(); ++i) {
            const auto& c = *chosen[i];
            QVERIFY2(runs[i].exit_code == 0, qPrintable(q(c.id) + ": " + runs[i].err));
            QVERIFY2(!runs[i].err.contains("warning"), qPrintable(runs[i].err));
            const auto first = read_png(png_path(c));
            const auto again = read_png(dir_.filePath(q(c.id + "-again.png")).toStdString());
            QVERIFY2(first.rgb == again.rgb, c.id.c_str());
            QCOMPARE(read_png_text(png_path(c)).entries.at("parameters"),
                     read_png_text(dir_.filePath(q(c.id + "-again.png")).toStdString())
                         .entries.at("parameters"));
        }
        // A LoRA image without its LoRA file is refused, naming the LoRA and how to pass it.
        for (const auto& c : cases_)
            if (!c.request.loras.empty()) {
                const auto run = run_cli({"generate", "--from", q(png_path(c)), "--model",
                                          q(c.paths.base), "--out", dir_.filePath("x.png")});
                QCOMPARE(run.exit_code, 2);
                QVERIFY2(
                    run.err.contains("--lora") &&
                        run.err.contains(q(std::filesystem::path(c.request.loras[0].path).stem())),
                    qPrintable(run.err));
            }
#endif
    }

    // --from takes another tool's PNG as the gallery does (ComfyUI's `prompt` graph, InvokeAI's
    // `invokeai_metadata`): its prompt and seed make the image, what was read is said, and the
    // settings the file lacks or Lightning needs otherwise come from the flags. Expected values
    // from Python's json (tests/data/foreign/tools/expected.json). A PNG without any tool's
    // settings is refused before loading, naming the file.
    void fromReadsComfyUiAndInvokeAiPngs() {
#ifdef LIGHTNING_HAVE_OIIO
        const QString foreign = q(testing::test_data_dir() + "/foreign/");
        std::ifstream in(testing::test_data_dir() + "/foreign/tools/expected.json");
        const auto expected = nlohmann::json::parse(in).at("files");
        const std::vector<std::pair<std::string, QString>> cases = {
            {"tools/comfyui_sdxl_simple_example.png", "Read from ComfyUI (prompt)"},
            {"png/invokeai_imeta1.png", "Read from InvokeAI (invokeai_metadata)"}};
        for (const auto& [name, said] : cases) {
            const QString out = dir_.filePath(q(std::filesystem::path(name).stem().string()) +
                                              QStringLiteral("-from.png"));
            const Run run =
                run_cli({"generate", "--from", foreign + q(name), "--model",
                         q(testing::fixtures_dir() + "/tiny-sdxl"), "--lightning",
                         q(testing::fixtures_dir() + "/tiny-lightning"), "--steps", "2",
                         "--guidance", "0", "--width", "64", "--height", "64", "--out", out});
            QVERIFY2(run.exit_code == 0, qPrintable(q(name) + ": " + run.err));
            QVERIFY2(run.err.contains(said), qPrintable(run.err));
            QVERIFY2(!run.err.contains("own UNet"), qPrintable(run.err));  // nothing to compare
            const auto record =
                parse_parameters(read_png_text(out.toStdString()).entries.at("parameters"));
            QVERIFY(record);
            const auto& want = expected.at(name);
            QCOMPARE(record->request.prompt, want.at("prompt").get<std::string>());
            QCOMPARE(record->request.seed, want.at("seed").get<uint64_t>());
            QCOMPARE(record->request.steps, 2);
        }
        const Run none = run_cli(
            {"generate", "--from", q(testing::test_data_dir() + "/esrgan/in_23x19.png"), "--model",
             q(testing::fixtures_dir() + "/tiny-sdxl"), "--out", dir_.filePath("none.png")});
        QCOMPARE(none.exit_code, 2);
        QVERIFY2(none.err.contains("in_23x19.png holds no generation settings"),
                 qPrintable(none.err));
#endif
    }

    // Dynamic prompts: each image of a batch resolves the template from its own seed (the
    // core's resolution, printed and recorded with sd-dynamic-prompts' "Template"); `--from`
    // resolves it again to the same prompt and pixels, and without the wildcards folder it says
    // which wildcard it cannot read before loading anything.
    void wildcardTemplateRegeneratesFromThePng() {
#ifdef LIGHTNING_HAVE_OIIO
        const auto all = read_pipeline_cases(testing::fixtures_dir());
        const auto found = std::find_if(all.begin(), all.end(), [](const PipelineCase& c) {
            return c.request.loras.empty() && c.paths.config_dir.empty();
        });
        QVERIFY(found != all.end());
        const PipelineCase& c = *found;
        const QString wildcards = dir_.filePath("wildcards");
        QVERIFY(QDir().mkpath(wildcards + "/animals"));
        QFile file(wildcards + "/animals/pet.txt");
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("cat\ndog\n{red|black} fox\n");
        file.close();
        const std::string text = "a {small|large} __animals/pet__";
        QStringList args = case_args(c);
        args[args.indexOf("--prompt") + 1] = q(text);
        args << "--wildcards" << wildcards << "--batch"
             << "2"
             << "--out" << dir_.filePath("template.png");
        const auto run = run_cli(args);
        QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        for (int i = 0; i < 2; ++i) {
            const auto record = parse_parameters(
                read_png_text(dir_.filePath(QString("template-%1.png").arg(i)).toStdString())
                    .entries.at("parameters"));
            QVERIFY(record);
            WildcardFolder folder(wildcards.toStdString());
            const std::string resolved = resolve_template(text, c.request.seed + uint64_t(i),
                                                          TemplateStream::Prompt, folder, "prompt");
            QCOMPARE(record->request.prompt, resolved);
            QCOMPARE(record->request.prompt_template, text);
            QVERIFY2(run.err.contains("prompt: " + q(resolved)), qPrintable(run.err));
        }
        const QString first = dir_.filePath("template-1.png");
        QStringList again{"generate",    "--from",        first,
                          "--model",     q(c.paths.base), "--wildcards",
                          wildcards,     "--out",         dir_.filePath("again.png"),
                          "--log-level", "warn"};
        if (!c.request.unet_file.empty()) again << "--unet" << q(c.request.unet_file);
        QStringList without = again;
        without.removeAt(without.indexOf("--wildcards") + 1);
        without.removeAt(without.indexOf("--wildcards"));
        without[without.indexOf("--out") + 1] = dir_.filePath("never.png");
        const auto runs = run_cli_parallel({again, without});
        QVERIFY2(runs[0].exit_code == 0, qPrintable(runs[0].err));
        QVERIFY2(!runs[0].err.contains("warning"), qPrintable(runs[0].err));
        QVERIFY(read_png(first.toStdString()).rgb ==
                read_png(dir_.filePath("again.png").toStdString()).rgb);
        QCOMPARE(read_png_text(first.toStdString()).entries.at("parameters"),
                 read_png_text(dir_.filePath("again.png").toStdString()).entries.at("parameters"));
        QCOMPARE(runs[1].exit_code, 2);
        QVERIFY2(runs[1].err.contains("unknown wildcard __animals/pet__: no wildcards folder"),
                 qPrintable(runs[1].err));
        QVERIFY(!QFile::exists(dir_.filePath("never.png")));
#endif
    }

    void infoPrintsTheParameters() {
#ifdef LIGHTNING_HAVE_OIIO
        const auto& c = cases_.front();
        const auto text = run_cli({"info", q(png_path(c))});
        QCOMPARE(text.exit_code, 0);
        QCOMPARE(text.out.trimmed(),
                 q(read_png_text(png_path(c)).entries.at("parameters")).trimmed());
        const auto json = run_cli({"info", "--json", q(png_path(c))});
        QCOMPARE(json.exit_code, 0);
        const auto doc = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(doc.value("seed").toInteger(), qint64(c.request.seed));
        QCOMPARE(doc.value("prompt").toString(), q(c.request.prompt));
        QVERIFY(!doc.value("model").toObject().value("hash").toString().isEmpty());
        QVERIFY(run_cli({"info", dir_.filePath("none.png")}).exit_code != 0);
#endif
        const auto version = run_cli({"--version"});
        QCOMPARE(version.exit_code, 0);
        QVERIFY(version.out.startsWith("Lightning Studio "));
    }

    // Issue 26's "confusing" list, each as a new user met it: the message now says what is
    // wrong (or what was left out) and the exit status is that of a bad argument.
    void confusingCasesSayWhatIsWrong() {
#ifdef LIGHTNING_HAVE_OIIO
        const QString model = q(testing::fixtures_dir() + "/tiny-sdxl");
        const QString lightning = q(testing::fixtures_dir() + "/tiny-lightning");
        const QString text_file = dir_.filePath("notes.safetensors");
        {
            QFile file(text_file);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("these are not tensors, only some notes of the user\n");
        }
        auto png_with = [&](const QString& name, const std::string& parameters) {
            Image8 image;
            image.width = image.height = 8;
            image.rgb.assign(8 * 8 * 3, 100);
            PngText text;
            text.entries["parameters"] = parameters;
            write_png(dir_.filePath(name).toStdString(), image, text);
            return dir_.filePath(name);
        };
        const QString a1111 = png_with(
            "a1111.png",
            "a cat\nSteps: 4, Sampler: DPM++ 2M Karras, CFG scale: 0, Seed: 5, Size: 64x64, "
            "Hires upscale: 2, Denoising strength: 0.7");
        const QString huge_seed =
            png_with("seed.png",
                     "a cat\nSteps: 4, Sampler: Euler, Seed: 99999999999999999999999, Size: 64x64");
        const QStringList base{"generate", "--model", model,         "--width", "64",
                               "--height", "64",      "--log-level", "warn"};
        auto out = [&](const char* name) { return QStringList{"--out", dir_.filePath(name)}; };
        struct Case {
            const char* name;
            QStringList args;
            int exit_code;
            const char* says;  // a part of stderr
        };
        const std::vector<Case> cases = {
            {"jpg name", base + QStringList{"--prompt", "p", "--out", dir_.filePath("x.jpg")}, 2,
             "does not end in .png"},
            {"unet is a device",
             base + QStringList{"--prompt", "p", "--unet", "/dev/zero"} + out("dev.png"), 2,
             "device"},
            {"embedding not a safetensors",
             base + QStringList{"--prompt", "p", "--embedding", text_file} + out("e.png"), 2,
             "notes.safetensors"},
            {"lora not a safetensors",
             base + QStringList{"--prompt", "p", "--lora", text_file} + out("l.png"), 2,
             "notes.safetensors"},
            {"unreadable seed",
             base + QStringList{"--from", huge_seed, "--lightning", lightning} + out("s.png"), 2,
             "give --seed"},
            // The hires fix is read and run (64x64 made at 128x128); the sampler is not used.
            {"sampler dropped, hires run",
             base + QStringList{"--from", a1111, "--lightning", lightning} + out("a.png"), 0,
             "not used (Lightning Studio samples with Euler): Sampler: DPM++ 2M Karras\n"},
            {"seed -1 is random",
             base + QStringList{"--prompt", "p", "--seed", "-1", "--lightning", lightning} +
                 out("r.png"),
             0, "(seed "},
            {"plain syntax cut",
             base +
                 QStringList{"--prompt", QString("word ").repeated(100), "--prompt-syntax", "none",
                             "--lightning", lightning} +
                 out("n.png"),
             0, "the prompt is 100 tokens long; prompt syntax none uses only the first 75"},
            {"base UNet against a Lightning image",
             base + QStringList{"--from", dir_.filePath("r.png")} + out("b.png"), 0,
             "give --lightning FOLDER or --unet FILE"},
        };
        for (const auto& c : cases) {
            // In order: the last case reads the image the one before it wrote.
            const Run run = run_cli(c.args);
            const QString label = QString(c.name) + ": " + run.err;
            QVERIFY2(run.exit_code == c.exit_code, qPrintable(label));
            QVERIFY2(run.err.contains(c.says), qPrintable(label));
            QVERIFY2(!run.err.contains("differs"), qPrintable(label));
        }
        // The A1111 image's hires fix ran: twice its 64x64.
        QCOMPARE(read_image_pixels(dir_.filePath("a.png").toStdString()).width, 128);
        // A warning the engine raises is printed once, not by the log and the CLI both.
        const Run trained = run_cli(
            base +
            QStringList{"--prompt", "p", "--steps", "2", "--unet",
                        q(testing::fixtures_dir() + "/tiny-lightning/"
                                                    "sdxl_lightning_4step_unet.safetensors")} +
            out("t.png"));
        QVERIFY2(trained.exit_code == 0, qPrintable(trained.err));
        QCOMPARE(trained.err.count("was trained for 4 steps"), 1);
#endif
    }

    // Issue 26: `info` printed PNG text raw, so a crafted file could set the terminal's title,
    // clear the screen or hide lines. Control characters come out as visible escapes; the JSON
    // form escapes them as JSON does and reads back the same prompt.
    void infoEscapesControlCharacters() {
#ifdef LIGHTNING_HAVE_OIIO
        // As a crafted file holds it: raw control characters, not our writer's quoting.
        const std::string parameters =
            "cat\x1b]0;pwned\x07\x1b[2J\rhidden\x7f\xc2\x9b"
            "31m\x01end\nSteps: 4, Sampler: Euler, Seed: 1, Size: 64x64";
        Image8 image;
        image.width = image.height = 8;
        image.rgb.assign(8 * 8 * 3, 128);
        PngText text;
        text.entries["parameters"] = parameters;
        const QString file = dir_.filePath("escapes\x1b[2J.png");
        write_png(file.toStdString(), image, text);
        const auto plain = run_cli({"info", file, dir_.filePath("escapes-missing\x1b[2J.png")});
        QCOMPARE(plain.exit_code, 1);  // the second file does not exist
        for (const QString& output : {plain.out, plain.err})
            for (const QChar c : output)
                QVERIFY2(c == '\n' || c == '\t' ||
                             (c.unicode() >= 0x20 && c.unicode() != 0x7f &&
                              (c.unicode() < 0x80 || c.unicode() >= 0xa0)),
                         qPrintable(QString("control character U+%1 printed")
                                        .arg(c.unicode(), 4, 16, QChar('0'))));
        QVERIFY(plain.out.contains("cat\\x1b]0;pwned\\x07\\x1b[2J\\rhidden\\x7f"));
        const auto json = run_cli({"info", "--json", file});
        QCOMPARE(json.exit_code, 0);
        const auto doc = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(doc.value("prompt").toString().toStdString(),
                 parse_parameters(parameters)->request.prompt);
        QCOMPARE(doc.value("prompt_syntax").toString(), QString("a1111"));
        QVERIFY(doc.contains("vae_tiling") && doc.contains("embeddings") && doc.contains("vae"));
#endif
    }

    // Ctrl+C during a batch: finished images stay (complete PNGs), the rest are not started,
    // exit 130.
    void interruptKeepsFinishedImages() {
#ifdef LIGHTNING_HAVE_OIIO
        QProcess process;
        const QString out = dir_.filePath("sigint.png");
        process.start(q(testing::cli_path()), {"generate",
                                               "--model",
                                               q(testing::fixtures_dir() + "/tiny-sdxl"),
                                               "--lightning",
                                               q(testing::fixtures_dir() + "/tiny-lightning"),
                                               "--prompt",
                                               "p",
                                               "--steps",
                                               "8",
                                               "--width",
                                               "256",
                                               "--height",
                                               "256",
                                               "--seed",
                                               "1",
                                               "--batch",
                                               "6",
                                               "--out",
                                               out,
                                               "--log-level",
                                               "warn"});
        QVERIFY(process.waitForStarted());
        const QString second = dir_.filePath("sigint-1.png");
        QElapsedTimer timer;
        timer.start();
        while (!QFile::exists(second) && timer.elapsed() < 240000 &&
               process.state() == QProcess::Running)
            QTest::qWait(20);
        QVERIFY2(QFile::exists(second), "the second image never appeared");
        ::kill(pid_t(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(120000));
        QCOMPARE(process.exitCode(), 130);
        QVERIFY(QString::fromUtf8(process.readAllStandardError()).contains("interrupted"));
        int kept = 0;
        for (int i = 0; i < 6; ++i) {
            const QString file = dir_.filePath(QString("sigint-%1.png").arg(i));
            if (!QFile::exists(file)) continue;
            ++kept;
            QCOMPARE(read_png(file.toStdString()).width, 256);  // complete and readable
        }
        QVERIFY(kept >= 2 && kept < 6);
        QDir folder(dir_.path());
        QCOMPARE(folder.entryList({"*.tmp.*"}, QDir::Files | QDir::Hidden).size(), 0);
#endif
    }

    // Issue 26: a signal right after loading, while the engine still hashes the model files in
    // the background, ended in a crash (139, or an abort) as the process exited under the
    // hashing thread. Now the command stops, joins the thread and exits 130, every time.
    void signalAfterLoadingExits130_data() {
        QTest::addColumn<QString>("command");
        QTest::addColumn<int>("signal");
        QTest::newRow("generate, SIGINT") << "generate" << SIGINT;
        QTest::newRow("batch, SIGTERM") << "batch" << SIGTERM;
    }
    void signalAfterLoadingExits130() {
        QFETCH(QString, command);
        QFETCH(int, signal);
        const int kRuns = 20;
        for (int i = 0; i < kRuns; ++i) {
            const QString folder = dir_.filePath(QString("signal-%1-%2").arg(command).arg(i));
            const auto [model, lightning] = fresh_model_copy(folder);
            QStringList args{command};
            if (command == "batch") {
                const QString manifest = folder + "/manifest.jsonl";
                QFile file(manifest);
                QVERIFY(file.open(QIODevice::WriteOnly));
                file.write("{\"prompt\": \"a\", \"batch\": 8}\n");
                file.close();
                args << manifest << "--out" << folder + "/out";
            } else {
                args << "--prompt"
                     << "a"
                     << "--batch"
                     << "8"
                     << "--out" << folder + "/a.png";
            }
            args << "--model" << q(model) << "--lightning" << q(lightning) << "--steps"
                 << "8"
                 << "--width"
                 << "256"
                 << "--height"
                 << "256"
                 << "--log-level"
                 << "info";
            const Run run = signal_after_loading(args, signal);
            QVERIFY2(run.exit_code == 130, qPrintable(QString("run %1 of %2 ended with %3: %4")
                                                          .arg(i + 1)
                                                          .arg(kRuns)
                                                          .arg(run.exit_code)
                                                          .arg(run.err.right(600))));
        }
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
