// The hub downloader against a fake hub on 127.0.0.1 (tests/support/fake_hub.py, started
// here): the Hugging Face cache layout, fp16 variants, and the fault table: a dropped
// connection resumes to the right sha256, a corrupt file is rejected, 404/401 are clear errors,
// a slow download cancels and later resumes, a too-small or filling disk stops cleanly. No
// network beyond 127.0.0.1.
#include "core/hub/downloader.h"
#include "core/hub/git_blob_id.h"
#include "core/hub/hub_cache.h"
#include "core/util/error.h"
#include "core/util/sha256.h"
#include "support/errors.h"
#include "support/fake_hub.h"
#include "support/fixtures.h"
#include "support/small_disk.h"

#include <sys/resource.h>

#include <QtTest/QtTest>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

using namespace lightning;
using namespace lightning::hub;
namespace fs = std::filesystem;

using lightning::testing::error_of;
using lightning::testing::SmallDisk;

namespace {

const std::string kRepo = "acme/tiny-model";

std::string random_bytes(size_t size, unsigned seed) {
    std::mt19937 rng(seed);
    std::string bytes(size, '\0');
    for (auto& b : bytes) b = char(rng() & 0xFF);
    return bytes;
}

void write_file(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

class TestHubDownload : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    std::unique_ptr<testing::FakeHub> hub_;
    std::string endpoint_;
    fs::path cache_;
    std::string weights_, weights_fp16_, config_;

    HubSettings settings() const {
        HubSettings s;
        s.endpoint = endpoint_;
        s.cache_dir = cache_.string();
        return s;
    }
    void set_faults(const std::string& json) { hub_->set_faults(json); }
    std::vector<std::string> requests_log() const { return hub_->requests(); }
    static RepoRequest weights_request() {
        return RepoRequest{kRepo, "main", {"config.json", "unet/weights.safetensors"}, false};
    }
    std::string snapshot_file(const std::string& commit, const std::string& path) const {
        return HubCache(cache_.string()).snapshot_file(kRepo, commit, path);
    }
    std::string weights_sha() const { return sha256_hex(weights_); }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(work_.isValid());
        hub_ = std::make_unique<testing::FakeHub>(fs::path(work_.path().toStdString()) / "hub");
        weights_ = random_bytes(300'000, 1);
        weights_fp16_ = random_bytes(150'000, 2);
        config_ = R"({"_class_name": "Tiny", "sample_size": 16})";
        const fs::path repo = hub_->repo_dir(kRepo);
        write_file(repo / "config.json", config_);
        write_file(repo / "unet/weights.safetensors", weights_);
        write_file(repo / "unet/weights.fp16.safetensors", weights_fp16_);
        write_file(hub_->repo_dir(kLightningRepo) / published_lightning_file(4),
                   random_bytes(70'000, 3));
        write_file(hub_->repo_dir(kLightningRepo) / published_lightning_file(8),
                   random_bytes(70'000, 4));
        QVERIFY(hub_->start());
        endpoint_ = hub_->endpoint();
    }

    void cleanupTestCase() { hub_.reset(); }

    void init() {
        cache_ = fs::path(work_.path().toStdString()) /
                 ("cache-" + std::string(QTest::currentTestFunction()));
        set_faults("{}");
        hub_->clear_log();
    }

    void git_blob_id_matches_git() {
        // `printf 'hello\n' | git hash-object --stdin`
        QCOMPARE(git_blob_id("hello\n"), std::string("ce013625030ba8dba906f756967f9e9ca394464a"));
        QCOMPARE(git_blob_id(""), std::string("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"));
    }

    void downloads_into_the_hugging_face_cache_layout() {
        HubDownloader downloader(settings());
        std::vector<DownloadProgress> seen;
        const auto results = downloader.download(
            {weights_request()}, {[&](const DownloadProgress& p) { seen.push_back(p); }});
        QCOMPARE(results.size(), size_t(1));
        const auto& result = results[0];
        QCOMPARE(result.downloaded, size_t(2));

        const fs::path link = snapshot_file(result.commit, "unet/weights.safetensors");
        QVERIFY(fs::is_symlink(link));
        QCOMPARE(fs::read_symlink(link).string(), "../../../blobs/" + weights_sha());
        QCOMPARE(read_file(link), weights_);
        const fs::path config = snapshot_file(result.commit, "config.json");
        QCOMPARE(fs::read_symlink(config).string(), "../../blobs/" + git_blob_id(config_));
        QCOMPARE(read_file(config), config_);
        QCOMPARE(HubCache(cache_.string()).read_ref(kRepo, "main").value_or(""), result.commit);
        for (const auto& entry : fs::directory_iterator(cache_ / "models--acme--tiny-model/blobs"))
            QVERIFY2(entry.path().extension() != ".incomplete", entry.path().c_str());

        QVERIFY(!seen.empty());
        QCOMPARE(seen.back().phase, DownloadPhase::Finished);
        QCOMPARE(seen.back().done, uint64_t(weights_.size() + config_.size()));
        QCOMPARE(seen.back().total, seen.back().done);

        // A second run finds everything complete and transfers nothing.
        hub_->clear_log();
        const auto again = downloader.download({weights_request()});
        QCOMPARE(again[0].reused, size_t(2));
        QCOMPARE(again[0].downloaded, size_t(0));
        for (const auto& line : requests_log())
            QVERIFY2(line.find("/api/models/") != std::string::npos, line.c_str());
    }

    void lists_what_the_cache_holds() {
        HubDownloader(settings()).download({weights_request()});
        const auto repos = HubCache(cache_.string()).list();
        QCOMPARE(repos.size(), size_t(1));
        QCOMPARE(repos[0].repo_id, kRepo);
        QCOMPARE(repos[0].snapshots.size(), size_t(1));
        QCOMPARE(repos[0].snapshots[0].files.size(), size_t(2));
        for (const auto& file : repos[0].snapshots[0].files) QVERIFY(file.present);
        const auto checks = verify_cache(HubCache(cache_.string()));
        QCOMPARE(checks.size(), size_t(2));
        for (const auto& check : checks) QVERIFY2(check.ok(), check.blob.c_str());

        // A blob changed on disk afterwards is found by verify.
        std::ofstream(cache_ / "models--acme--tiny-model/blobs" / weights_sha(),
                      std::ios::binary | std::ios::in)
            << 'X';
        size_t bad = 0;
        for (const auto& check : verify_cache(HubCache(cache_.string()))) bad += !check.ok();
        QCOMPARE(bad, size_t(1));
    }

    void prefers_the_fp16_variant_when_the_repository_has_one() {
        RepoRequest request = weights_request();
        request.prefer_fp16 = true;
        const auto results = HubDownloader(settings()).download({request});
        QCOMPARE(results[0].files,
                 (std::vector<std::string>{"config.json", "unet/weights.fp16.safetensors"}));
        QCOMPARE(read_file(snapshot_file(results[0].commit, "unet/weights.fp16.safetensors")),
                 weights_fp16_);
        QVERIFY(!fs::exists(snapshot_file(results[0].commit, "unet/weights.safetensors")));
    }

    void resumes_after_a_dropped_connection() {
        set_faults(R"({"unet/weights.safetensors": {"drop_after": 100000, "drops": 2}})");
        std::vector<std::string> notes;
        DownloadCallbacks callbacks;
        callbacks.on_note = [&](const std::string& text) { notes.push_back(text); };
        const auto results = HubDownloader(settings()).download({weights_request()}, callbacks);
        const auto file = snapshot_file(results[0].commit, "unet/weights.safetensors");
        QCOMPARE(sha256_file(file), weights_sha());
        std::string all_notes;
        for (const auto& note : notes) all_notes += note + "\n";
        QVERIFY2(notes.size() == 2, all_notes.c_str());
        int ranged = 0;
        std::string log;
        for (const auto& line : requests_log()) {
            ranged += line.find("/cdn/") != std::string::npos &&
                      line.find("\"range\": \"bytes=100000-\"") != std::string::npos;
            log += line + "\n";
        }
        // Both resumed requests (the second was cut before its first byte) reach the CDN with
        // the Range that continues the file.
        QVERIFY2(ranged == 2, log.c_str());
    }

    void gives_up_after_repeated_drops_and_keeps_the_partial_file() {
        set_faults(R"({"unet/weights.safetensors": {"drop_after": 50000, "drops": 100}})");
        HubDownloader downloader(settings());
        downloader.set_max_attempts(2);
        const auto error = error_of([&] { downloader.download({weights_request()}); });
        QVERIFY2(error.find("connection dropped 2 times") != std::string::npos, error.c_str());
        const auto partial = HubCache(cache_.string()).incomplete_path(kRepo, weights_sha());
        QCOMPARE(fs::file_size(partial), uintmax_t(50000));
        const auto commit = downloader.list_repo(kRepo).commit;
        QVERIFY(!fs::exists(snapshot_file(commit, "unet/weights.safetensors")));

        set_faults("{}");
        downloader.download({weights_request()});
        QCOMPARE(sha256_file(snapshot_file(commit, "unet/weights.safetensors")), weights_sha());
    }

    void rejects_a_file_whose_checksum_is_wrong() {
        set_faults(R"({"unet/weights.safetensors": {"corrupt": true}})");
        HubDownloader downloader(settings());
        const auto error = error_of([&] { downloader.download({weights_request()}); });
        QVERIFY2(error.find("checksum mismatch") != std::string::npos, error.c_str());
        QVERIFY2(error.find(weights_sha()) != std::string::npos, error.c_str());
        const HubCache cache(cache_.string());
        const auto commit = downloader.list_repo(kRepo).commit;
        QVERIFY(!fs::exists(snapshot_file(commit, "unet/weights.safetensors")));
        QVERIFY(!fs::exists(cache.blob_path(kRepo, weights_sha())));
        QVERIFY(!fs::exists(cache.incomplete_path(kRepo, weights_sha())));
    }

    void reports_a_missing_file_or_repository() {
        set_faults(R"({"unet/weights.safetensors": {"missing": true}})");
        HubDownloader downloader(settings());
        auto error = error_of([&] { downloader.download({weights_request()}); });
        QVERIFY2(error.find("not found (HTTP 404)") != std::string::npos, error.c_str());
        QVERIFY2(error.find("resolve/") != std::string::npos, error.c_str());

        error = error_of([&] {
            downloader.download({RepoRequest{"acme/nothing", "main", {"a"}}});
        });
        QVERIFY2(error.find("not found (HTTP 404)") != std::string::npos, error.c_str());
        QVERIFY2(error.find("acme/nothing") != std::string::npos, error.c_str());

        error = error_of([&] {
            downloader.download({RepoRequest{kRepo, "main", {"no/such.json"}}});
        });
        QVERIFY2(error.find("has no no/such.json") != std::string::npos, error.c_str());
    }

    void asks_for_a_token_for_a_gated_repository() {
        set_faults(R"({"__gated__": {"repo": "acme/tiny-model", "token": "hf_secret"}})");
        auto error = error_of([&] { HubDownloader(settings()).download({weights_request()}); });
        QVERIFY2(error.find("HTTP 401") != std::string::npos, error.c_str());
        QVERIFY2(error.find("HF_TOKEN") != std::string::npos, error.c_str());

        HubSettings with_token = settings();
        with_token.token = "hf_wrong";
        with_token.token_source = "$HF_TOKEN";
        error = error_of([&] { HubDownloader(with_token).download({weights_request()}); });
        QVERIFY2(error.find("token from $HF_TOKEN was refused") != std::string::npos,
                 error.c_str());

        with_token.token = "hf_secret";
        const auto results = HubDownloader(with_token).download({weights_request()});
        QCOMPARE(results[0].downloaded, size_t(2));
    }

    void cancels_a_slow_download_and_resumes_it_later() {
        set_faults(R"({"unet/weights.safetensors": {"delay": 0.02}})");
        HubDownloader downloader(settings());
        DownloadCallbacks callbacks;
        uint64_t file_bytes_at_cancel = 0;
        bool cancel = false;
        callbacks.on_progress = [&](const DownloadProgress& p) {
            if (p.file == "unet/weights.safetensors" && p.file_done > 0 && !cancel) {
                cancel = true;
                file_bytes_at_cancel = p.file_done;
            }
        };
        callbacks.should_cancel = [&] { return cancel; };
        bool cancelled = false;
        try {
            downloader.download({weights_request()}, callbacks);
        } catch (const Cancelled&) {
            cancelled = true;
        }
        QVERIFY(cancelled);
        const HubCache cache(cache_.string());
        const auto partial = cache.incomplete_path(kRepo, weights_sha());
        QVERIFY(fs::exists(partial));
        const auto kept = fs::file_size(partial);
        QVERIFY(kept >= file_bytes_at_cancel && kept > 0 && kept < weights_.size());
        const auto commit = downloader.list_repo(kRepo).commit;
        QVERIFY(!fs::exists(snapshot_file(commit, "unet/weights.safetensors")));
        QVERIFY(fs::exists(snapshot_file(commit, "config.json")));  // finished before: kept

        set_faults("{}");
        hub_->clear_log();
        downloader.download({weights_request()});
        QCOMPARE(sha256_file(snapshot_file(commit, "unet/weights.safetensors")), weights_sha());
        bool resumed = false;
        for (const auto& line : requests_log())
            resumed |= line.find("/cdn/") != std::string::npos &&
                       line.find("\"range\": \"bytes=" + std::to_string(kept) + "-\"") !=
                           std::string::npos;
        QVERIFY2(resumed, "the second run did not continue from the partial file");
    }

    void refuses_to_start_without_enough_disk_space() {
        SmallDisk disk(cache_.string(), 128 * 1024);
        if (!disk.mounted()) QSKIP("cannot mount a tmpfs here (needs root)");
        const auto error =
            error_of([&] { HubDownloader(settings()).download({weights_request()}); });
        QVERIFY2(error.find("not enough disk space") != std::string::npos, error.c_str());
        QVERIFY2(error.find(cache_.string()) != std::string::npos, error.c_str());
        QVERIFY(!fs::exists(cache_ / "models--acme--tiny-model"));
        for (const auto& line : requests_log())
            QVERIFY2(line.find("/resolve/") == std::string::npos, line.c_str());
    }

    // Another program fills the disk mid-download: `fill` runs once the weights are partly
    // written, `make_room` before the second run. The error names the partial file and says the
    // disk is full (with the system's reason); the partial file and the files finished before stay,
    // nothing half-written enters the snapshot, and the next run resumes to the right sha256.
    void check_disk_full_mid_download(const std::function<void(uint64_t file_done)>& fill,
                                      const std::function<void()>& make_room, int expected_errno) {
        set_faults(R"({"unet/weights.safetensors": {"delay": 0.01}})");  // progress mid-file
        bool filled = false;
        DownloadCallbacks callbacks;
        callbacks.on_progress = [&](const DownloadProgress& p) {
            if (filled || p.file != "unet/weights.safetensors" || p.file_done == 0) return;
            filled = true;
            fill(p.file_done);
        };
        HubDownloader downloader(settings());
        const auto error = error_of([&] { downloader.download({weights_request()}, callbacks); });
        QVERIFY(filled);
        QVERIFY2(error.find("disk full") != std::string::npos, error.c_str());
        QVERIFY2(error.find(std::strerror(expected_errno)) != std::string::npos, error.c_str());
        const HubCache cache(cache_.string());
        const auto partial = cache.incomplete_path(kRepo, weights_sha());
        QVERIFY2(error.find(partial) != std::string::npos, error.c_str());
        const auto commit = downloader.list_repo(kRepo).commit;
        QVERIFY(!fs::exists(snapshot_file(commit, "unet/weights.safetensors")));
        QVERIFY(fs::file_size(partial) > 0);
        QCOMPARE(read_file(snapshot_file(commit, "config.json")), config_);  // finished before

        make_room();
        set_faults("{}");
        downloader.download({weights_request()});
        QCOMPARE(sha256_file(snapshot_file(commit, "unet/weights.safetensors")), weights_sha());
        QCOMPARE(read_file(snapshot_file(commit, "config.json")), config_);
    }

    // A real full file system (ENOSPC): a 1 MiB tmpfs that another file fills mid-download.
    void stops_cleanly_when_the_disk_fills_up_and_resumes_after() {
        SmallDisk disk(cache_.string(), 1024 * 1024);
        if (!disk.mounted()) QSKIP("cannot mount a tmpfs here (needs root)");
        const fs::path filler = cache_ / "filler";
        check_disk_full_mid_download([&](uint64_t) { SmallDisk::fill(filler); },
                                     [&] { fs::remove(filler); }, ENOSPC);
    }

    // The same failure anywhere, simulated: RLIMIT_FSIZE makes write() fail with EFBIG.
    void stops_cleanly_at_a_file_size_limit_and_resumes_after() {
        rlimit old_limit{};
        ::getrlimit(RLIMIT_FSIZE, &old_limit);
        auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
        auto restore = qScopeGuard([&] {
            ::setrlimit(RLIMIT_FSIZE, &old_limit);
            std::signal(SIGXFSZ, old_handler);
        });
        check_disk_full_mid_download(
            [&](uint64_t file_done) {
                rlimit limit = old_limit;
                limit.rlim_cur = file_done + 8192;
                ::setrlimit(RLIMIT_FSIZE, &limit);
            },
            [&] { ::setrlimit(RLIMIT_FSIZE, &old_limit); }, EFBIG);
    }

    void command_line_downloads_lists_and_verifies() {
        const QString cli = QString::fromStdString(testing::cli_path());
        auto run = [&](QStringList args, int* status) {
            args << "--cache" << QString::fromStdString(cache_.string());
            QProcess process;
            process.setProcessChannelMode(QProcess::MergedChannels);
            process.start(cli, args);
            if (!process.waitForFinished(120000)) return QString("did not finish");
            *status = process.exitCode();
            return QString::fromUtf8(process.readAll());
        };
        int status = -1;
        QString out = run({"models", "download", "--no-base", "--steps", "4", "--endpoint",
                           QString::fromStdString(endpoint_)},
                          &status);
        QVERIFY2(status == 0, qPrintable(out));
        QVERIFY2(out.contains("1 files (1 downloaded, 0 already there)"), qPrintable(out));

        out = run({"models", "list"}, &status);
        QVERIFY2(status == 0, qPrintable(out));
        QVERIFY2(out.contains("ByteDance/SDXL-Lightning"), qPrintable(out));
        QVERIFY2(out.contains("Lightning UNets for steps: 4"), qPrintable(out));

        out = run({"models", "verify"}, &status);
        QVERIFY2(status == 0 && out.contains("1 files verified, 0 mismatched"), qPrintable(out));
        const auto blob =
            cache_ / "models--ByteDance--SDXL-Lightning/blobs" /
            sha256_file((hub_->repo_dir(kLightningRepo) / published_lightning_file(4)).string());
        QVERIFY(fs::exists(blob));
        std::ofstream(blob, std::ios::binary | std::ios::in) << 'X';
        out = run({"models", "verify"}, &status);
        QVERIFY2(status == 1 && out.contains("MISMATCH"), qPrintable(out));

        out = run({"models", "download", "--steps", "3"}, &status);
        QVERIFY2(status == 2 && out.contains("1, 2, 4 and 8"), qPrintable(out));
    }

    // Guards the cache listing on a folder it cannot read: it said "no models" as for an empty
    // cache. As root reads any folder, a file where the folder's parent should be stands in.
    void lists_an_unreadable_cache_as_an_error() {
        write_file(cache_, "a file, not a folder");
        const std::string unreadable = (cache_ / "hub").string();
        const auto error = error_of([&] { HubCache(unreadable).list(); });
        QVERIFY2(error.find(unreadable) != std::string::npos, error.c_str());
        QVERIFY2(error.find("Not a directory") != std::string::npos, error.c_str());
        QVERIFY(HubCache((cache_.parent_path() / "absent").string()).list().empty());

        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QString::fromStdString(testing::cli_path()),
                      {"models", "list", "--cache", QString::fromStdString(unreadable)});
        QVERIFY(process.waitForFinished(60000));
        const QString out = QString::fromUtf8(process.readAll());
        QVERIFY2(process.exitCode() == 1, qPrintable(out));
        QVERIFY2(out.contains(QString::fromStdString(unreadable)) && !out.contains("no models"),
                 qPrintable(out));
    }

    void says_offline_when_the_hub_cannot_be_reached() {
        HubSettings s = settings();
        s.endpoint = "http://127.0.0.1:9";  // discard port: nothing listens
        const auto error = error_of([&] { HubDownloader(s).download({weights_request()}); });
        QVERIFY2(error.find("cannot connect") != std::string::npos, error.c_str());
        QVERIFY2(error.find("offline") != std::string::npos, error.c_str());
        s.offline = true;
        const auto offline = error_of([&] { HubDownloader(s).download({weights_request()}); });
        QVERIFY2(offline.find("HF_HUB_OFFLINE") != std::string::npos, offline.c_str());
    }
};

QTEST_GUILESS_MAIN(TestHubDownload)
#include "test_hub_download.moc"
