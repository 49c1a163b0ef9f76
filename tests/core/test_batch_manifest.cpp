// Batch manifests without a model (core/batch/): bad lines are reported with their line numbers
// and the good ones kept; shards partition the lines (every line exactly once for N = 1..7);
// Slurm and Kubernetes variables pick the shard; names are the same in every run; the queue of
// several engines runs each item exactly once and stops on a failure.
#include "core/batch/manifest.h"
#include "core/batch/results_log.h"
#include "core/batch/work_queue.h"
#include "core/request/limits.h"
#include "core/util/bounded_json.h"
#include "core/util/error.h"
#include "support/fixtures.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

using namespace lightning;
using namespace lightning::batch;

namespace {

std::string write_file(const QTemporaryDir& dir, const char* name, const std::string& text) {
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

ManifestDefaults defaults_with_prompt() {
    ManifestDefaults defaults;
    defaults.prompt_given = true;
    defaults.request.prompt = "default prompt";
    defaults.request.width = defaults.request.height = 64;
    return defaults;
}

EnvLookup env_table(std::map<std::string, std::string> table) {
    return [table = std::move(table)](const char* name) -> const char* {
        const auto found = table.find(name);
        return found == table.end() ? nullptr : found->second.c_str();
    };
}

std::string shard_error(std::optional<int> shards, std::map<std::string, std::string> table) {
    try {
        shard_from_environment(shards, env_table(std::move(table)));
    } catch (const Error& e) {
        return e.where();
    }
    return "";
}

}  // namespace

class TestBatchManifest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private Q_SLOTS:
    void badLinesAreReportedWithTheirLineNumbers() {
        const std::string path = write_file(dir_, "bad.jsonl",
                                            "{\"prompt\": \"one\", \"seed\": 1}\n"
                                            "\n"
                                            "{\"prompt\": \"three\", \"steps\": \"four\"}\n"
                                            "not json at all\n"
                                            "[1, 2]\r\n"
                                            "{\"prompt\": \"six\", \"stpes\": 4}\n"
                                            "{\"seed\": 7}\n"
                                            "{\"prompt\": \"eight\", \"meta\": {\"id\": 8}}");
        ManifestDefaults defaults;  // no --prompt: a line without one is bad
        const auto lines = read_manifest(path, defaults);
        std::map<int, std::string> errors;
        std::set<int> good;
        for (const auto& line : lines) {
            if (line.request)
                good.insert(line.number);
            else
                errors[line.number] = line.error;
        }
        QCOMPARE(good, (std::set<int>{1, 8}));
        QCOMPARE(errors.size(), size_t(5));
        QVERIFY2(errors[3].rfind("steps: ", 0) == 0, errors[3].c_str());
        QVERIFY2(errors[4].find("not JSON") != std::string::npos, errors[4].c_str());
        QVERIFY2(errors[5].find("JSON object") != std::string::npos, errors[5].c_str());
        QVERIFY2(errors[6].rfind("stpes: ", 0) == 0, errors[6].c_str());
        QVERIFY2(errors[7].rfind("prompt: ", 0) == 0, errors[7].c_str());
        QCOMPARE(lines.back().meta["id"].get<int>(), 8);
    }

    void lineWithoutSeedUsesItsLineNumberUnlessSeedGiven() {
        auto defaults = defaults_with_prompt();
        QCOMPARE(parse_manifest_line("{}", 12, defaults, "/").request->seed, default_seed(12));
        // The line number alone decides it: what other lines hold does not move it (resume).
        QCOMPARE(parse_manifest_line("{\"batch\": 9}", 12, defaults, "/").request->seed,
                 default_seed(12));
        defaults.seed_given = true;
        defaults.request.seed = 99;
        QCOMPARE(parse_manifest_line("{}", 12, defaults, "/").request->seed, uint64_t(99));
        QCOMPARE(parse_manifest_line("{\"seed\": 5}", 12, defaults, "/").request->seed,
                 uint64_t(5));
    }

    // Guards duplicate keys: nlohmann keeps the last value silently, so {"seed": 1, "seed": 2}
    // ran with seed 2 and no word about the 1.
    // A line's own prompt is a template where it has the syntax, and replaces the template of
    // --prompt; "combinatorial" makes one line per prompt the template can make, each with seeds
    // of its own (file names never collide); a template with too many is a bad line.
    void templatesAndCombinatorialLines() {
        ManifestDefaults defaults = defaults_with_prompt();
        defaults.request.prompt = defaults.request.prompt_template = "{x|y} default";
        const auto plain = parse_manifest_line("{\"prompt\": \"plain\"}", 1, defaults, "/");
        QVERIFY(plain.request && plain.request->prompt_template.empty());
        QVERIFY(parse_manifest_line("{}", 1, defaults, "/").request->has_template());
        const auto lines = read_manifest(
            write_file(dir_, "combinations.jsonl",
                       "{\"prompt\": \"a {red|blue} {car|bike}\", \"combinatorial\": true, "
                       "\"seed\": 10, \"batch\": 2}\n"
                       "{\"prompt\": \"{a|b|c|d|e|f|g|h|i|j|k} {a|b|c|d|e|f|g|h|i|j|k} "
                       "{a|b|c|d|e|f|g|h|i|j|k} {a|b|c|d|e|f|g|h|i|j|k}\", \"combinatorial\": "
                       "true}\n"
                       "{\"prompt\": \"no template\", \"combinatorial\": true}\n"),
            defaults);
        QCOMPARE(lines.size(), size_t(6));
        std::vector<std::string> prompts;
        std::set<uint64_t> seeds;
        for (size_t k = 0; k < 4; ++k) {
            QCOMPARE(lines[k].number, 1);
            QVERIFY(lines[k].request && !lines[k].request->has_template());
            prompts.push_back(lines[k].request->prompt);
            for (int i = 0; i < 2; ++i) seeds.insert(lines[k].request->single_image(i).seed);
        }
        QCOMPARE(prompts, (std::vector<std::string>{"a red car", "a red bike", "a blue car",
                                                    "a blue bike"}));
        QCOMPARE(seeds.size(), size_t(8));
        QCOMPARE(*seeds.begin(), uint64_t(10));
        QVERIFY(!lines[4].request);
        QVERIFY2(lines[4].error.find("more than " + std::to_string(limits::kMaxCombinations) +
                                     " combinations") != std::string::npos,
                 lines[4].error.c_str());
        QVERIFY(!lines[5].request);
        QVERIFY(lines[5].error.find("combinatorial") != std::string::npos);
    }

    void duplicateKeysAreRejectedNamingKeyAndLine() {
        const std::string path =
            write_file(dir_, "duplicates.jsonl",
                       "{\"prompt\": \"one\", \"seed\": 1}\n"
                       "{\"prompt\": \"two\", \"seed\": 1, \"steps\": 4, \"seed\": 2}\n"
                       "{\"prompt\": \"three\", \"meta\": {\"id\": 1, \"id\": 2}}\n"
                       "{\"prompt\": \"four\", \"meta\": [{\"id\": 1}, {\"id\": 2}]}\n");
        std::map<int, std::string> errors;
        for (const auto& line : read_manifest(path, ManifestDefaults{}))
            errors[line.number] = line.request ? "" : line.error;
        QCOMPARE(errors.size(), size_t(4));
        QCOMPARE(errors[1], std::string());
        QVERIFY2(errors[2].find("\"seed\" is given twice") != std::string::npos, errors[2].c_str());
        QVERIFY2(errors[3].find("\"id\" is given twice") != std::string::npos, errors[3].c_str());
        QCOMPARE(errors[4], std::string());  // the same key in two objects is no duplicate
        // Files of other tools keep their reader's rule (the last value wins).
        QCOMPARE(parse_bounded_json("{\"a\": 1, \"a\": 2}", "f", "bad")["a"].get<int>(), 2);
    }

    // Guards the default seeds: they were the line number, so line 3 with "batch": 2 made
    // seeds 3 and 4, and line 4 made seed 4 again (the same noise for two prompts).
    void defaultSeedsOfBatchedLinesNeverCollide() {
        std::string manifest;
        size_t asked = 0;
        for (int line = 1; line <= 40; ++line) {
            const int batch = line % 3 == 0 ? limits::kMaxBatch : 1 + line % 5;
            manifest += "{\"batch\": " + std::to_string(batch) + "}\n";
            asked += size_t(batch);
        }
        const std::string path = write_file(dir_, "batches.jsonl", manifest);
        std::set<uint64_t> seeds;
        size_t images = 0;
        for (const auto& line : read_manifest(path, defaults_with_prompt())) {
            QVERIFY2(line.request, line.error.c_str());
            for (int i = 0; i < line.request->batch; ++i, ++images)
                seeds.insert(line.request->seed + uint64_t(i));
        }
        QCOMPARE(images, asked);
        QCOMPARE(seeds.size(), images);
    }

    void checkerRejectsLimitsAndMissingFilesPerLine() {
        ModelLocations models;
        models.base = testing::fixtures_dir() + "/tiny-sdxl";
        models.lightning_dir = testing::fixtures_dir() + "/tiny-lightning";
        LineChecker checker(models);
        const auto defaults = defaults_with_prompt();
        auto check = [&](const std::string& text) {
            auto line = parse_manifest_line(text, 3, defaults, "/");
            checker.check(line);
            return line.error;
        };
        QCOMPARE(check("{\"steps\": 2}"), std::string());
        QVERIFY(check("{\"steps\": 0}").rfind("steps", 0) == 0);
        QVERIFY(check("{\"steps\": 3}").find("no Lightning checkpoint") != std::string::npos);
        QVERIFY(check("{\"width\": 65}").rfind("width", 0) == 0);
        QVERIFY(check("{\"loras\": [\"/no/such.safetensors\"]}").find("not found") !=
                std::string::npos);
        QVERIFY(check("{\"embeddings\": [\"/no/e.safetensors\"]}").find("not found") !=
                std::string::npos);
        // A checked file is not read again, but a line naming it still passes.
        const std::string lora =
            testing::fixtures_dir() + "/tiny-lightning/sdxl_lightning_4step_lora.safetensors";
        QCOMPARE(check("{\"loras\": [\"" + lora + "\"]}"), std::string());
        QCOMPARE(check("{\"loras\": [\"" + lora + ":0.5\"]}"), std::string());
        // A UNet file where a LoRA belongs is named as such.
        const std::string unet =
            testing::fixtures_dir() + "/tiny-lightning/sdxl_lightning_4step_unet.safetensors";
        QVERIFY(!check("{\"loras\": [\"" + unet + "\"]}").empty());
        // Refine lines: the input image and the mask exist, the strength runs a step.
        QVERIFY(check("{\"init_image\": \"/no/in.png\", \"strength\": 0.5}").find("not found") !=
                std::string::npos);
        QVERIFY(check("{\"init_image\": \"" + unet + "\", \"mask\": \"/no/m.png\"}")
                    .find("mask not found") != std::string::npos);
        QVERIFY(
            check("{\"init_image\": \"" + unet + "\", \"strength\": 0.1}").rfind("strength", 0) ==
            0);
        QCOMPARE(check("{\"init_image\": \"" + unet + "\", \"strength\": 0.5}"), std::string());
    }

    // Guards issue #26 item 9: a line may name any file unless --strict-paths confines the
    // files it names to the manifest's folder (symbolic links resolved).
    void strictPathsKeepALinesFilesInTheManifestsFolder() {
        QTemporaryDir root;
        const QString folder = root.filePath("manifests");
        QVERIFY(QDir().mkpath(folder + "/loras"));
        const std::string inside = write_file(root, "manifests/loras/style.safetensors", "x");
        const std::string outside = write_file(root, "secret.safetensors", "x");
        QVERIFY(QFile::link(QString::fromStdString(outside), folder + "/loras/link.safetensors"));
        auto defaults = defaults_with_prompt();
        defaults.request.loras = {{outside, 1.0}};  // the command line's own: not restricted
        const std::string dir = folder.toStdString();
        auto error_of = [&](const std::string& text) {
            return parse_manifest_line(text, 1, defaults, dir).error;
        };
        const std::vector<std::string> escaping = {
            "{\"loras\": [\"" + outside + "\"]}",
            "{\"loras\": [\"../secret.safetensors\"]}",
            "{\"loras\": [\"loras/link.safetensors\"]}",
            "{\"embeddings\": [\"../secret.safetensors:tok\"]}",
            "{\"unet_file\": \"../secret.safetensors\"}",
            "{\"init_image\": \"../secret.safetensors\"}",
            "{\"init_image\": \"loras/style.safetensors\", \"mask\": \"../secret.safetensors\"}",
        };
        const std::vector<std::string> kept = {
            "{\"loras\": [\"loras/style.safetensors:0.5\"]}",
            "{\"loras\": [\"" + inside + "\"]}",
            "{\"embeddings\": [{\"path\": \"loras/style.safetensors\", \"token\": \"t\"}]}",
            "{\"prompt\": \"no files\"}",
        };
        for (const auto& line : escaping) QCOMPARE(error_of(line), std::string());
        defaults.strict_paths = true;
        for (const auto& line : escaping) {
            const std::string error = error_of(line);
            QVERIFY2(error.find("outside the manifest's folder") != std::string::npos,
                     (line + " -> " + error).c_str());
        }
        for (const auto& line : kept) QCOMPARE(error_of(line), std::string());
    }

    // Guards issue #26 item 9: a file given as a manifest that is not one (a key file) was quoted
    // in every line's error ("last read: '...'").
    void linesThatAreNotJsonAreNotQuoted() {
        const auto line =
            parse_manifest_line("SECRET-PASSWORD hunter2 \x01", 1, defaults_with_prompt(), "/");
        QVERIFY(!line.request);
        QVERIFY2(line.error.find("not JSON") != std::string::npos, line.error.c_str());
        for (const char* quoted : {"SECRET", "hunter", "PASSWORD"})
            QVERIFY2(line.error.find(quoted) == std::string::npos, line.error.c_str());
        const auto in_string = parse_manifest_line("{\"prompt\": \"SECRET-PASSWORD\x01\"}", 1,
                                                   defaults_with_prompt(), "/");
        QVERIFY2(in_string.error.find("SECRET") == std::string::npos, in_string.error.c_str());
    }

    // Guards the JSON nesting limit on manifest lines and results logs: a "meta" nested 100,000
    // deep would be copied into results.jsonl and dumped (recursively) there; the line is
    // refused with the reason, the other lines run, and a results log with such a line is read.
    void deeplyNestedLinesAreRefused() {
        const std::string deep = std::string(100000, '[') + std::string(100000, ']');
        const std::string path =
            write_file(dir_, "deep.jsonl",
                       "{\"prompt\": \"a\"}\n{\"prompt\": \"b\", \"meta\": " + deep + "}\n");
        const auto lines = read_manifest(path, ManifestDefaults{});
        QCOMPARE(lines.size(), size_t(2));
        QVERIFY2(lines[0].request.has_value(), lines[0].error.c_str());
        QVERIFY(!lines[1].request);
        QVERIFY2(lines[1].error.find("nested deeper than 64 levels") != std::string::npos,
                 lines[1].error.c_str());
        QTemporaryDir logs;
        write_file(logs, "results.jsonl",
                   "{\"file\": \"a.png\"}\n{\"file\": \"b.png\", \"meta\": " + deep + "}\n");
        QCOMPARE(recorded_files(logs.path().toStdString()), (std::set<std::string>{"a.png"}));
    }

    // Guards keys with control characters (fuzz/reproducers/manifest_line): an unknown key
    // "\u0000size" named itself raw, what() ended at the NUL, and the refused line had an
    // empty error. Such keys are now shown JSON-quoted.
    void unknownKeysWithControlCharactersAreNamedQuoted() {
        for (const char* key : {"\\u0000size", "a\\nb", "\\u001b[31m"}) {
            const auto line = parse_manifest_line(
                std::string("{\"prompt\": \"a\", \"") + key + "\": 1}", 3, ManifestDefaults{}, "/");
            QVERIFY(!line.request);
            QVERIFY2(line.error.find("unknown key") != std::string::npos, line.error.c_str());
            QVERIFY2(line.error.find(std::string("\"") + key + "\"") == 0, line.error.c_str());
        }
    }

    void shardsPartitionEveryLineExactlyOnce() {
        std::string text;
        for (int i = 1; i <= 23; ++i)
            text += i % 5 == 0 ? "\n" : "{\"prompt\": \"p" + std::to_string(i) + "\"}\n";
        const std::string path = write_file(dir_, "partition.jsonl", text);
        const auto all = read_manifest(path, defaults_with_prompt());
        QCOMPARE(all.size(), size_t(23 - 4));
        for (int count = 1; count <= 7; ++count) {
            std::map<int, int> taken;
            for (int index = 0; index < count; ++index)
                for (const auto& line :
                     read_manifest(path, defaults_with_prompt(), {index, count})) {
                    ++taken[line.number];
                    QCOMPARE((line.number - 1) % count, index);
                }
            QCOMPARE(taken.size(), all.size());
            for (const auto& line : all) QCOMPARE(taken[line.number], 1);
        }
    }

    void shardArgumentIsIndexOverCount() {
        QVERIFY(parse_shard("0/1") == (Shard{0, 1}));
        QVERIFY(parse_shard("6/7") == (Shard{6, 7}));
        for (const char* bad : {"7/7", "-1/3", "1", "1/0", "a/b", "1/2/3", "", "/3"})
            QVERIFY_EXCEPTION_THROWN(parse_shard(bad), Error);
    }

    void schedulerVariablesPickTheShard() {
        QVERIFY(!shard_from_environment(std::nullopt, env_table({})));
        const auto slurm = shard_from_environment(
            std::nullopt,
            env_table({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}));
        QVERIFY(slurm && *slurm == (Shard{2, 4}));
        // --array=1-8 and --array=0-14:2 count from their first task.
        QVERIFY(*shard_from_environment(4, env_table({{"SLURM_ARRAY_TASK_ID", "3"},
                                                      {"SLURM_ARRAY_TASK_COUNT", "4"},
                                                      {"SLURM_ARRAY_TASK_MIN", "1"}})) ==
                (Shard{2, 4}));
        QVERIFY(*shard_from_environment(
                    std::nullopt, env_table({{"SLURM_ARRAY_TASK_ID", "6"},
                                             {"SLURM_ARRAY_TASK_COUNT", "8"},
                                             {"SLURM_ARRAY_TASK_MIN", "0"},
                                             {"SLURM_ARRAY_TASK_STEP", "2"}})) == (Shard{3, 8}));
        const auto kubernetes =
            shard_from_environment(3, env_table({{"JOB_COMPLETION_INDEX", "1"}}));
        QVERIFY(kubernetes && *kubernetes == (Shard{1, 3}));
    }

    void contradictorySchedulerVariablesAreErrors() {
        QCOMPARE(shard_error(4, {}), std::string("--shards"));
        QCOMPARE(shard_error(std::nullopt, {{"JOB_COMPLETION_INDEX", "1"}}),
                 std::string("JOB_COMPLETION_INDEX"));
        QCOMPARE(shard_error(2, {{"JOB_COMPLETION_INDEX", "2"}}),
                 std::string("JOB_COMPLETION_INDEX"));
        QCOMPARE(shard_error(std::nullopt, {{"SLURM_ARRAY_TASK_ID", "1"}}),
                 std::string("SLURM_ARRAY_TASK_COUNT"));
        QCOMPARE(shard_error(3, {{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}),
                 std::string("--shards"));
        QCOMPARE(shard_error(std::nullopt,
                             {{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}),
                 std::string("SLURM_ARRAY_TASK_ID"));
        QCOMPARE(shard_error(std::nullopt,
                             {{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}),
                 std::string("SLURM_ARRAY_TASK_ID"));
    }

    void namesDependOnlyOnLineAndSeed() {
        QCOMPARE(image_file_name(42, 7), std::string("line000042-seed7.png"));
        QCOMPARE(image_file_name(1234567, (uint64_t(1) << 53) - 1),
                 std::string("line1234567-seed9007199254740991.png"));
        QVERIFY(image_file_name(2, 10) < image_file_name(10, 2));  // sorted by line
        QCOMPARE(results_file_name({0, 1}), std::string("results.jsonl"));
        QCOMPARE(results_file_name({3, 8}), std::string("results-3-of-8.jsonl"));
        QVERIFY(results_file_name({0, 2}) != results_file_name({1, 2}));
    }

    void resultsLogSurvivesATornLastLine() {
        const std::string path = write_file(
            dir_, "results-0-of-2.jsonl", "{\"line\": 1, \"file\": \"a.png\"}\n{\"line\": 2, \"fi");
        {
            ResultsLog log(path);
            log.append({{"line", 3}, {"file", "c.png"}});
        }
        write_file(dir_, "results-1-of-2.jsonl", "{\"line\": 4, \"file\": \"d.png\"}\n");
        write_file(dir_, "notes.jsonl", "{\"file\": \"not-a-result.png\"}\n");
        QCOMPARE(recorded_files(dir_.path().toStdString()),
                 (std::set<std::string>{"a.png", "c.png", "d.png"}));
    }

    void queueRunsEveryItemOnceAcrossEngines() {
        constexpr size_t kItems = 200;
        std::vector<std::atomic<int>> runs(kItems);
        std::atomic<int> by_worker[3] = {0, 0, 0};
        // Worker 0 waits on its first item until another worker has taken one: the queue must
        // let the others go on while one engine is busy.
        std::mutex mutex;
        std::condition_variable others_took_one;
        bool other_took = false;
        const size_t ran = run_workers(3, kItems, [&](int worker, size_t item) {
            ++runs[item];
            ++by_worker[worker];
            std::unique_lock<std::mutex> lock(mutex);
            if (worker != 0) {
                other_took = true;
                others_took_one.notify_all();
            } else if (by_worker[0] == 1) {
                others_took_one.wait(lock, [&] { return other_took; });
            }
        });
        QCOMPARE(ran, kItems);
        for (const auto& count : runs) QCOMPARE(count.load(), 1);
        QVERIFY(by_worker[1] + by_worker[2] > 0);
    }

    void queueStopsTakingItemsAfterAFailure() {
        std::atomic<int> started{0};
        std::atomic<int> failures_seen{0};
        WorkerHooks hooks;
        hooks.on_failure = [&] { ++failures_seen; };
        QVERIFY_EXCEPTION_THROWN(run_workers(
                                     2, 1000,
                                     [&](int, size_t item) {
                                         ++started;
                                         if (item == 5) throw std::runtime_error("boom");
                                         // Later items wait for the failure to be recorded:
                                         // else, on a busy machine, the other worker may run
                                         // all 1000 before item 5's thread gets to throw.
                                         while (item > 5 && failures_seen == 0)
                                             std::this_thread::yield();
                                     },
                                     hooks),
                                 std::runtime_error);
        QCOMPARE(failures_seen.load(), 1);
        QVERIFY(started < 1000);
        std::atomic<int> after_stop{0};
        hooks.should_stop = [&] { return after_stop >= 10; };
        QCOMPARE(run_workers(
                     2, 1000, [&](int, size_t) { ++after_stop; }, hooks) < 1000,
                 true);
    }
};

QTEST_GUILESS_MAIN(TestBatchManifest)
#include "test_batch_manifest.moc"
