// `lightning batch` as a cluster job runs it (tiny model, 64x64, one step): one complete PNG
// and one results line per image; bad lines reported by line number and skipped; a run killed
// mid-way resumes without a duplicate or a partial file; Slurm and Kubernetes variables split
// the lines so that no two shards write the same file; two engines share one queue. Also: two
// processes writing one output file, and errors about files that are not what they are used as.
#include "core/batch/manifest.h"
#include "core/request/parameters.h"
#include "support/fixtures.h"

#ifdef LIGHTNING_HAVE_OIIO
#include "core/image/png.h"
#endif

#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

using namespace lightning;
namespace fs = std::filesystem;

namespace {

struct Run {
    int exit_code = -1;
    QString err;
};

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// The environment of a process outside any scheduler, plus `extra`.
QProcessEnvironment clean_environment(const std::map<QString, QString>& extra = {}) {
    auto env = QProcessEnvironment::systemEnvironment();
    for (const char* name :
         {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN",
          "SLURM_ARRAY_TASK_STEP", "JOB_COMPLETION_INDEX"})
        env.remove(name);
    for (const auto& [name, value] : extra) env.insert(name, value);
    return env;
}

void start(QProcess& process, const QStringList& args, const std::map<QString, QString>& env) {
    process.setProcessEnvironment(clean_environment(env));
    process.start(q(testing::cli_path()), args);
}

Run finish(QProcess& process) {
    Run run;
    if (!process.waitForFinished(300000)) {
        process.kill();
        process.waitForFinished();
        run.err = "timed out";
        return run;
    }
    run.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

Run run_cli(const QStringList& args, const std::map<QString, QString>& env = {}) {
    QProcess process;
    start(process, args, env);
    return finish(process);
}

// `lightning batch MANIFEST --out DIR` on the tiny model, small and fast.
QStringList batch_args(const std::string& manifest, const QString& out, int size = 64) {
    return {"batch",       q(manifest),
            "--out",       out,
            "--model",     q(testing::fixtures_dir() + "/tiny-sdxl"),
            "--lightning", q(testing::fixtures_dir() + "/tiny-lightning"),
            "--steps",     "1",
            "--width",     QString::number(size),
            "--height",    QString::number(size),
            "--log-level", "warn"};
}

std::string write_manifest(const QString& path, const std::vector<std::string>& lines) {
    std::ofstream out(path.toStdString());
    for (const auto& line : lines) out << line << '\n';
    return path.toStdString();
}

std::vector<std::string> numbered_prompts(int count) {
    std::vector<std::string> lines;
    for (int i = 1; i <= count; ++i)
        lines.push_back("{\"prompt\": \"prompt number " + std::to_string(i) + "\"}");
    return lines;
}

std::set<std::string> pngs_in(const QString& folder) {
    std::set<std::string> names;
    for (const auto& name : QDir(folder).entryList({"*.png"}, QDir::Files))
        names.insert(name.toStdString());
    return names;
}

std::vector<nlohmann::json> results_in(const QString& folder) {
    std::vector<nlohmann::json> records;
    for (const auto& name : QDir(folder).entryList({"results*.jsonl"}, QDir::Files)) {
        std::ifstream in(QDir(folder).filePath(name).toStdString());
        for (std::string line; std::getline(in, line);) {
            auto record = nlohmann::json::parse(line, nullptr, false);
            if (!record.is_discarded()) records.push_back(record);
        }
    }
    return records;
}

// How often each file is recorded across the folder's results logs.
std::map<std::string, int> recorded_counts(const QString& folder) {
    std::map<std::string, int> counts;
    for (const auto& record : results_in(folder)) ++counts[record.at("file").get<std::string>()];
    return counts;
}

#ifdef LIGHTNING_HAVE_OIIO
// Whole and readable, with the parameters of its line's seed.
bool complete_png(const QString& file, uint64_t* seed = nullptr) {
    try {
        PngText text;
        const Image8 image = read_png(file.toStdString(), &text);
        const auto record = parse_parameters(text.entries.at("parameters"));
        if (seed && record) *seed = record->request.seed;
        return image.width > 0 && record.has_value();
    } catch (const std::exception&) {
        return false;
    }
}
#endif

}  // namespace

class TestBatchCli : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    QString folder(const char* name) {
        QDir(dir_.path()).mkpath(name);
        return dir_.filePath(name);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

#ifdef LIGHTNING_HAVE_OIIO
    void writesOnePngAndOneResultPerImageAndResumesToNothing() {
        const QString out = folder("basic");
        const auto manifest = write_manifest(
            dir_.filePath("basic.jsonl"),
            {"{\"prompt\": \"a red lighthouse\", \"seed\": 11, \"meta\": {\"id\": \"a\"}}", "",
             "{\"prompt\": \"a blue boat\", \"seed\": 20, \"batch\": 2}",
             "{\"prompt\": \"no seed: line number\", \"size\": \"64x64\"}"});
        const auto run = run_cli(batch_args(manifest, out));
        QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        const std::set<std::string> expected = {
            batch::image_file_name(1, 11), batch::image_file_name(3, 20),
            batch::image_file_name(3, 21), batch::image_file_name(4, batch::default_seed(4))};
        QCOMPARE(pngs_in(out), expected);
        PngText text;
        read_png(QDir(out).filePath(q(batch::image_file_name(3, 21))).toStdString(), &text);
        const auto record = parse_parameters(text.entries.at("parameters"));
        QVERIFY(record && record->request.prompt == "a blue boat");
        QCOMPARE(record->request.seed, uint64_t(21));
        QVERIFY(text.entries.count("lightning-studio"));  // the gallery's time and device

        const auto results = results_in(out);
        QCOMPARE(results.size(), size_t(4));
        for (const auto& r : results) {
            QVERIFY(expected.count(r.at("file").get<std::string>()));
            QCOMPARE(r.at("device").get<std::string>(), std::string("cpu"));
            QVERIFY(r.at("line").is_number_integer() && r.at("seed").is_number_unsigned());
            QVERIFY(r.at("time").get<std::string>().size() == 24);  // 2025-01-31T12:34:56.789Z
            QVERIFY(r.at("seconds").get<double>() > 0);
            if (r.at("line") == 1)
                QCOMPARE(r.at("meta").at("id").get<std::string>(), std::string("a"));
        }

        const auto mtime =
            fs::last_write_time(QDir(out).filePath(q(*expected.begin())).toStdString());
        const auto again = run_cli(batch_args(manifest, out));
        QVERIFY2(again.exit_code == 0, qPrintable(again.err));
        QVERIFY2(again.err.contains("nothing to do"), qPrintable(again.err));
        QCOMPARE(results_in(out).size(), size_t(4));
        QVERIFY(fs::last_write_time(QDir(out).filePath(q(*expected.begin())).toStdString()) ==
                mtime);
    }

    void badLinesAreReportedByNumberAndSkipped() {
        const auto manifest = write_manifest(
            dir_.filePath("bad.jsonl"),
            {"{\"prompt\": \"fine\", \"seed\": 1}", "{\"prompt\": \"x\", \"steps\": \"one\"}",
             "{\"prompt\": \"fine too\", \"seed\": 3}", "{\"prompt\": \"x\", \"steps\": 3}",
             "{\"prompt\": \"x\", \"clip_skip\": 9}", "{broken"});
        const QString out = folder("bad");
        const auto run = run_cli(batch_args(manifest, out));
        QCOMPARE(run.exit_code, 1);
        for (const char* line : {"bad.jsonl line 2: steps", "bad.jsonl line 4: steps",
                                 "bad.jsonl line 5: clip", "bad.jsonl line 6: "})
            QVERIFY2(run.err.contains(line), qPrintable(line + QString(" in:\n") + run.err));
        QVERIFY(!run.err.contains("line 1:") && !run.err.contains("line 3:"));
        QCOMPARE(pngs_in(out), (std::set<std::string>{batch::image_file_name(1, 1),
                                                      batch::image_file_name(3, 3)}));

        const QString strict_out = folder("bad-strict");
        const auto strict = run_cli(batch_args(manifest, strict_out) << "--strict");
        QCOMPARE(strict.exit_code, 2);
        QVERIFY2(strict.err.contains("line 2:") && strict.err.contains("line 6:"),
                 qPrintable(strict.err));
        QVERIFY(pngs_in(strict_out).empty());
    }

    // A line's <lora:name:weight> tag names a file of --lora-dir (its PNG records that LoRA and
    // the prompt without the tag); a line naming an unknown LoRA is a bad line, said by number.
    void promptLoraTagsResolvePerLine() {
        const QString loras = folder("tag-loras");
        QVERIFY(QFile::copy(
            q(testing::fixtures_dir() + "/tiny-lightning/sdxl_lightning_4step_lora.safetensors"),
            loras + "/style.safetensors"));
        const auto manifest = write_manifest(
            dir_.filePath("tags.jsonl"), {"{\"prompt\": \"a hill <lora:style:0.5>\", \"seed\": 1}",
                                          "{\"prompt\": \"a <lora:nope>\", \"seed\": 2}"});
        const QString out = folder("tags");
        const auto run = run_cli(batch_args(manifest, out) << "--lora-dir" << loras);
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.err.contains("tags.jsonl line 2: prompt: <lora:nope>: no LoRA named 'nope'"),
                 qPrintable(run.err));
        QCOMPARE(pngs_in(out), (std::set<std::string>{batch::image_file_name(1, 1)}));
#ifdef LIGHTNING_HAVE_OIIO
        PngText text;
        read_png(QDir(out).filePath(q(batch::image_file_name(1, 1))).toStdString(), &text);
        const auto record = parse_parameters(text.entries.at("parameters"));
        QVERIFY(record);
        QCOMPARE(record->request.prompt, std::string("a hill"));
        const std::vector<LoraSpec> recorded = {{"style", 0.5}};
        QVERIFY(record->request.loras == recorded);
#endif
    }

    // SIGKILL (an OOM kill, a node lost) mid-way: every PNG visible is complete; the re-run
    // makes the rest, records each image exactly once and leaves no temporary behind.
    void killedRunResumesWithoutDuplicatesOrPartialFiles() {
        const int kLines = 16;
        const auto manifest = write_manifest(dir_.filePath("kill.jsonl"), numbered_prompts(kLines));
        const QString out = folder("kill");
        QProcess process;
        start(process, batch_args(manifest, out, 128), {});
        QVERIFY(process.waitForStarted());
        QElapsedTimer timer;
        timer.start();
        while (pngs_in(out).size() < 2 && timer.elapsed() < 240000 &&
               process.state() == QProcess::Running)
            QTest::qWait(10);
        // processId() is 0 once the process has ended: kill(0) would kill this test's whole
        // process group (ctest and the shell above it).
        QVERIFY2(process.state() == QProcess::Running,
                 qPrintable("the run ended before the kill: " + process.readAllStandardError()));
        ::kill(pid_t(process.processId()), SIGKILL);
        process.waitForFinished();
        const auto before = pngs_in(out);
        QVERIFY2(before.size() >= 2, "no image appeared before the kill");
        if (before.size() == size_t(kLines)) QSKIP("the run finished before it could be killed");
        std::map<std::string, ino_t> inodes;
        for (const auto& name : before) {
            QVERIFY2(complete_png(QDir(out).filePath(q(name))), name.c_str());
            struct stat info {};
            ::stat(QDir(out).filePath(q(name)).toLocal8Bit().constData(), &info);
            inodes[name] = info.st_ino;
        }
        // What a kill during a write leaves: a temporary, and a half-copied file.
        const std::string missing = batch::image_file_name(kLines, batch::default_seed(kLines));
        std::ofstream(QDir(out).filePath(q(missing + ".tmp.lightning-999999-0")).toStdString())
            << "partial";
        // A user's file that only looks like one stays (issue 26).
        std::ofstream(QDir(out).filePath(q(missing + ".tmp.1.2")).toStdString()) << "notes";
        const std::string half = *before.begin();
        fs::resize_file(QDir(out).filePath(q(half)).toStdString(), 100);

        const auto resumed = run_cli(batch_args(manifest, out, 128));
        QVERIFY2(resumed.exit_code == 0, qPrintable(resumed.err));
        QCOMPARE(pngs_in(out).size(), size_t(kLines));
        for (int line = 1; line <= kLines; ++line) {
            uint64_t seed = 0;
            const uint64_t asked = batch::default_seed(line);
            QVERIFY(
                complete_png(QDir(out).filePath(q(batch::image_file_name(line, asked))), &seed));
            QCOMPARE(seed, asked);
        }
        for (const auto& [name, inode] : inodes) {
            if (name == half) continue;
            struct stat info {};
            ::stat(QDir(out).filePath(q(name)).toLocal8Bit().constData(), &info);
            QVERIFY2(info.st_ino == inode, ("made again: " + name).c_str());
        }
        const auto counts = recorded_counts(out);
        QCOMPARE(counts.size(), size_t(kLines));
        for (const auto& [file, count] : counts) QVERIFY2(count == 1 || file == half, file.c_str());
        QCOMPARE(QDir(out).entryList({"*.tmp.*"}, QDir::Files | QDir::Hidden),
                 QStringList{q(missing + ".tmp.1.2")});

        // Images finished but never recorded (killed between the two): recorded once on resume.
        QVERIFY(QFile::remove(QDir(out).filePath("results.jsonl")));
        const auto recovered = run_cli(batch_args(manifest, out, 128));
        QVERIFY2(recovered.exit_code == 0, qPrintable(recovered.err));
        const auto records = results_in(out);
        QCOMPARE(records.size(), size_t(kLines));
        for (const auto& record : records) QVERIFY(record.value("recovered", false));
    }

    // Each shard takes its lines from the scheduler's variables; together they make every image
    // once, under the names an unsharded run uses.
    void schedulerVariablesSplitTheLinesBetweenShards() {
        const auto manifest = write_manifest(dir_.filePath("shards.jsonl"), numbered_prompts(7));
        const QString out = folder("shards");
        QProcess slurm_0, slurm_1, kubernetes;
        start(slurm_0, batch_args(manifest, out),
              {{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_COUNT", "3"}});
        start(slurm_1,
              batch_args(manifest, out) << "--shards"
                                        << "3",
              {{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "3"}});
        start(kubernetes,
              batch_args(manifest, out) << "--shards"
                                        << "3",
              {{"JOB_COMPLETION_INDEX", "2"}});
        for (QProcess* process : {&slurm_0, &slurm_1, &kubernetes}) {
            const auto run = finish(*process);
            QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        }
        std::set<std::string> expected;
        for (int line = 1; line <= 7; ++line)
            expected.insert(batch::image_file_name(line, batch::default_seed(line)));
        QCOMPARE(pngs_in(out), expected);
        for (int index = 0; index < 3; ++index) {
            const QString log = QDir(out).filePath(q(batch::results_file_name({index, 3})));
            std::ifstream in(log.toStdString());
            int lines = 0;
            for (std::string text; std::getline(in, text); ++lines) {
                const auto record = nlohmann::json::parse(text);
                QCOMPARE((record.at("line").get<int>() - 1) % 3, index);
            }
            QCOMPARE(lines, index == 0 ? 3 : 2);
        }
        for (const auto& [file, count] : recorded_counts(out)) QCOMPARE(count, 1);
        QVERIFY(!QFile::exists(QDir(out).filePath("results.jsonl")));
    }
#endif

    void shardsWithoutASchedulerIsAnError() {
        const auto manifest =
            write_manifest(dir_.filePath("noscheduler.jsonl"), numbered_prompts(2));
        const auto run = run_cli(batch_args(manifest, folder("noscheduler")) << "--shards"
                                                                             << "2");
        QCOMPARE(run.exit_code, 2);
        QVERIFY2(run.err.contains("--shards") && run.err.contains("SLURM_ARRAY_TASK_ID"),
                 qPrintable(run.err));
        const auto k8s =
            run_cli(batch_args(manifest, folder("noscheduler")), {{"JOB_COMPLETION_INDEX", "0"}});
        QCOMPARE(k8s.exit_code, 2);
        QVERIFY2(k8s.err.contains("JOB_COMPLETION_INDEX"), qPrintable(k8s.err));
    }

#ifdef LIGHTNING_HAVE_OIIO
    // Guards issue #26 item 2: two processes writing one --out both printed "wrote race.png"
    // and exited 0; the later rename replaced the other's image. Now one image stays (whole)
    // and the other process says why it wrote nothing. Which one wins is up to the scheduler;
    // the loser may also stop at the check before loading, when the winner was that fast.
    void concurrentGeneratesToOnePathKeepOneImage() {
        const QString out = folder("race") + "/race.png";
        const auto args = [&](int seed) {
            return QStringList{"generate",
                               "--model",
                               q(testing::fixtures_dir() + "/tiny-sdxl"),
                               "--prompt",
                               "a race",
                               "--width",
                               "64",
                               "--height",
                               "64",
                               "--steps",
                               "1",
                               "--seed",
                               QString::number(seed),
                               "--out",
                               out,
                               "--log-level",
                               "warn"};
        };
        QProcess first, second;
        start(first, args(1), {});
        start(second, args(2), {});
        const Run one = finish(first), two = finish(second);
        const QString both = one.err + "\n---\n" + two.err;
        QVERIFY2((one.exit_code == 0) != (two.exit_code == 0), qPrintable(both));
        const Run& lost = one.exit_code == 0 ? two : one;
        QVERIFY2(lost.err.contains(out) && (lost.err.contains("not replaced; use --overwrite") ||
                                            lost.err.contains("already exists")),
                 qPrintable(both));
        uint64_t seed = 0;
        QVERIFY(complete_png(out, &seed));
        QCOMPARE(seed, uint64_t(one.exit_code == 0 ? 1 : 2));
        QCOMPARE(QDir(folder("race")).entryList(QDir::Files | QDir::Hidden),
                 QStringList{"race.png"});
    }
#endif

    // Guards issue #26 item 9: `--lora /etc/shadow` printed the file's first 8 bytes as a
    // "header length", and a text file given as a manifest was quoted line by line.
    void filesThatAreNotWhatTheyAreUsedAsAreNotQuoted() {
        const QString secret = dir_.filePath("secret.txt");
        {
            QFile file(secret);
            QVERIFY(file.open(QIODevice::WriteOnly));
            for (int i = 0; i < 20; ++i) file.write("\"SECRET-PASSWORD hunter2\n");
        }
        uint64_t first_eight = 0;
        std::memcpy(&first_eight, "\"SECRET-", 8);
        const QStringList generate = {
            "generate", "--model",  q(testing::fixtures_dir() + "/tiny-sdxl"),
            "--prompt", "p",        "--width",
            "64",       "--height", "64",
            "--steps",  "1",        "--log-level",
            "warn",     "--out",    dir_.filePath("never.png")};
        std::vector<std::pair<QString, QStringList>> runs;
        for (const char* flag : {"--lora", "--embedding", "--vae", "--unet"})
            runs.emplace_back(flag, QStringList(generate) << flag << secret);
        runs.emplace_back("manifest", batch_args(secret.toStdString(), folder("secret")));
        for (const auto& [what, args] : runs) {
            const Run run = run_cli(args);
            const QString label = what + ": " + run.err;
            QVERIFY2(run.exit_code != 0, qPrintable(label));
            QVERIFY2(run.err.contains("secret.txt"), qPrintable(label));
            for (const QString& quoted :
                 {QString("SECRET"), QString("hunter"), QString::number(first_eight)})
                QVERIFY2(!run.err.contains(quoted), qPrintable(label));
        }
    }

    // Two CPU engines in one process stand for two GPUs: every image made once, by one of them.
    void twoEnginesShareOneQueue() {
        const auto manifest = write_manifest(dir_.filePath("two.jsonl"), numbered_prompts(6));
        const QString out = folder("two");
        const QString report = dir_.filePath("two.json");
        auto args = batch_args(manifest, out) << "--devices"
                                              << "cpu,cpu"
                                              << "--json" << report;
#ifndef LIGHTNING_HAVE_OIIO
        args << "--discard-images";
#endif
        const auto run = run_cli(args);
        QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        std::ifstream in(report.toStdString());
        const auto summary = nlohmann::json::parse(in);
        QCOMPARE(summary.at("devices").size(), size_t(2));
        int images = 0;
        for (const auto& device : summary.at("devices")) images += device.at("images").get<int>();
        QCOMPARE(images, 6);
        QCOMPARE(summary.at("images").get<int>(), 6);
        const auto records = results_in(out);
        QCOMPARE(records.size(), size_t(6));
        std::set<int> lines;
        for (const auto& record : records) lines.insert(record.at("line").get<int>());
        QCOMPARE(lines, (std::set<int>{1, 2, 3, 4, 5, 6}));
#ifdef LIGHTNING_HAVE_OIIO
        QCOMPARE(pngs_in(out).size(), size_t(6));
#endif
    }
};

QTEST_GUILESS_MAIN(TestBatchCli)
#include "test_batch_cli.moc"
