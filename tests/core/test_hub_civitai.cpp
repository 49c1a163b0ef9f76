// Civitai downloads (core/hub/civitai*.h, `lightning models download civitai:ID`) against the
// fake server of the hub tests (tests/support/fake_hub.py, its Civitai routes): the reference
// forms, where each kind lands, and the hub downloader's fault table on Civitai's routes: a bad
// or unknown id, 401 without or with a wrong API key, a dropped download resumed, a checksum
// mismatch deleted and reported, too little disk refused before the first byte, the 302 to the
// storage URL followed, a non-SDXL base model refused before downloading. No network beyond
// 127.0.0.1.
#include "core/hub/civitai.h"
#include "core/hub/civitai_download.h"
#include "core/util/error.h"
#include "core/util/sha256.h"
#include "support/errors.h"
#include "support/fake_hub.h"
#include "support/fixtures.h"
#include "support/small_disk.h"

#include <QtTest/QtTest>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>

using namespace lightning;
using namespace lightning::hub;
namespace fs = std::filesystem;

using lightning::testing::error_of;
using lightning::testing::SmallDisk;

namespace {

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

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

class TestHubCivitai : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    std::unique_ptr<testing::FakeHub> hub_;
    fs::path root_, folders_root_;
    std::map<std::string, std::string> bytes_;  // version id -> its file's bytes

    void add_version(const std::string& id, int model_id, const std::string& type,
                     const std::string& base, const std::string& name, size_t size,
                     const std::string& key = "") {
        const fs::path folder = root_ / "civitai" / id;
        nlohmann::json meta{{"modelId", model_id},
                            {"modelName", "Tiny " + type},
                            {"type", type},
                            {"baseModel", base}};
        if (!key.empty()) meta["key"] = key;
        write_file(folder / "version.json", meta.dump());
        bytes_[id] = random_bytes(size, unsigned(std::stoul(id)));
        write_file(folder / name, bytes_[id]);
    }
    CivitaiSettings settings(const std::string& key = "") const {
        CivitaiSettings s;
        s.endpoint = hub_->endpoint();
        if (!key.empty()) s.key = {key, "$CIVITAI_API_KEY"};
        return s;
    }
    CivitaiFolders folders() const {
        return {(folders_root_ / "checkpoints").string(), (folders_root_ / "loras").string(),
                (folders_root_ / "embeddings").string()};
    }
    std::string log() const {
        std::string all;
        for (const auto& line : hub_->requests()) all += line + "\n";
        return all;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(work_.isValid());
        root_ = fs::path(work_.path().toStdString()) / "hub";
        hub_ = std::make_unique<testing::FakeHub>(root_);
        add_version("1001", 45, "LORA", "SDXL 1.0", "tiny_lora.safetensors", 200'000);
        add_version("1002", 45, "LORA", "SDXL 1.0", "tiny_lora_v2.safetensors", 50'000);
        add_version("2001", 46, "Checkpoint", "SDXL Lightning", "tiny_ckpt.safetensors", 120'000,
                    "civ_secret");
        add_version("3001", 47, "TextualInversion", "SDXL 1.0", "tiny_emb.safetensors", 30'000);
        add_version("4001", 48, "LORA", "SD 1.5", "sd15_lora.safetensors", 40'000);
        QVERIFY(hub_->start());
    }

    void cleanupTestCase() { hub_.reset(); }

    void init() {
        folders_root_ = fs::path(work_.path().toStdString()) /
                        ("folders-" + std::string(QTest::currentTestFunction()));
        hub_->set_faults("{}");
        hub_->clear_log();
    }

    void reads_every_reference_form() {
        QCOMPARE(parse_civitai_reference("civitai:1001").version_id, uint64_t(1001));
        QCOMPARE(parse_civitai_reference("https://civitai.com/models/45/tiny?modelVersionId=1002")
                     .version_id,
                 uint64_t(1002));
        QCOMPARE(parse_civitai_reference("https://civitai.com/api/download/models/2001?type=Model")
                     .version_id,
                 uint64_t(2001));
        const CivitaiRef model = parse_civitai_reference("https://www.civitai.com/models/45");
        QCOMPARE(model.model_id, uint64_t(45));
        QCOMPARE(model.version_id, uint64_t(0));
        QCOMPARE(parse_civitai_reference("https://civitai.com/models/45/some-name").model_id,
                 uint64_t(45));
        for (const char* bad : {"civitai:", "civitai:12x", "https://civitai.com/images/5",
                                "https://example.com/models/45", "civitai:-3",
                                "https://civitai.com/models/45?modelVersionId=abc"}) {
            const std::string error = error_of([&] { parse_civitai_reference(bad); });
            QVERIFY2(contains(error, "civitai:VERSION_ID"), (bad + (": " + error)).c_str());
        }
        QVERIFY(is_civitai_reference("https://civitai.com/models/45"));
        QVERIFY(!is_civitai_reference("--lora-dir"));
    }

    void lora_lands_in_the_lora_folder_after_the_redirect() {
        const auto result = download_from_civitai(settings(), "civitai:1001", folders());
        QCOMPARE(result.kind, CivitaiKind::Lora);
        QCOMPARE(result.path, (folders_root_ / "loras" / "tiny_lora.safetensors").string());
        QCOMPARE(sha256_file(result.path), sha256_hex(bytes_["1001"]));
        QVERIFY(!fs::exists(result.path + ".incomplete"));
        const std::string requests = log();
        QVERIFY2(contains(requests, "/api/v1/model-versions/1001"), requests.c_str());
        QVERIFY2(contains(requests, "/api/download/models/1001"), requests.c_str());
        QVERIFY2(contains(requests, "/civitai-files/1001/tiny_lora.safetensors"), requests.c_str());

        // A second run finds the verified file and fetches nothing.
        hub_->clear_log();
        QVERIFY(download_from_civitai(settings(), "civitai:1001", folders()).reused);
        QVERIFY2(!contains(log(), "/api/download/"), log().c_str());
    }

    void a_model_page_means_its_newest_version() {
        const auto result =
            download_from_civitai(settings(), "https://civitai.com/models/45", folders());
        QCOMPARE(result.version.id, uint64_t(1002));
        QCOMPARE(sha256_file(result.path), sha256_hex(bytes_["1002"]));
    }

    void checkpoints_and_embeddings_land_in_their_folders() {
        const auto ckpt = download_from_civitai(settings("civ_secret"), "civitai:2001", folders());
        QCOMPARE(ckpt.path, (folders_root_ / "checkpoints" / "tiny_ckpt.safetensors").string());
        QCOMPARE(sha256_file(ckpt.path), sha256_hex(bytes_["2001"]));
        const auto emb = download_from_civitai(settings(), "civitai:3001", folders());
        QCOMPARE(emb.path, (folders_root_ / "embeddings" / "tiny_emb.safetensors").string());
        QCOMPARE(sha256_file(emb.path), sha256_hex(bytes_["3001"]));

        CivitaiFolders no_loras = folders();
        no_loras.loras.clear();
        const auto error =
            error_of([&] { download_from_civitai(settings(), "civitai:1001", no_loras); });
        QVERIFY2(contains(error, "no LoRA folder is set (--lora-dir"), error.c_str());
    }

    void reports_a_bad_or_unknown_id() {
        auto error = error_of([&] { download_from_civitai(settings(), "civitai:abc", folders()); });
        QVERIFY2(contains(error, "not a Civitai model-version id"), error.c_str());
        error = error_of([&] { download_from_civitai(settings(), "civitai:999", folders()); });
        QVERIFY2(contains(error, "not found (HTTP 404)"), error.c_str());
        QVERIFY2(contains(error, "/api/v1/model-versions/999"), error.c_str());
        QVERIFY2(contains(error, "no such model, model version or file on Civitai"), error.c_str());
        QVERIFY(!fs::exists(folders_root_));
    }

    void asks_for_an_api_key_and_names_a_refused_one() {
        auto error =
            error_of([&] { download_from_civitai(settings(), "civitai:2001", folders()); });
        QVERIFY2(contains(error, "HTTP 401"), error.c_str());
        QVERIFY2(contains(error, "needs a Civitai API key"), error.c_str());
        QVERIFY2(contains(error, "CIVITAI_API_KEY"), error.c_str());
        error = error_of(
            [&] { download_from_civitai(settings("civ_wrong"), "civitai:2001", folders()); });
        QVERIFY2(contains(error, "API key from $CIVITAI_API_KEY was refused"), error.c_str());
        QVERIFY(!fs::exists(folders_root_ / "checkpoints" / "tiny_ckpt.safetensors"));
    }

    void resumes_a_truncated_download() {
        hub_->set_faults(
            R"({"civitai/1001/tiny_lora.safetensors": {"drop_after": 70000, "drops": 2}})");
        // The first run gives up after one attempt and keeps what arrived ...
        const auto error =
            error_of([&] { download_from_civitai(settings(), "civitai:1001", folders(), {}, 1); });
        QVERIFY2(contains(error, "connection dropped 1 times"), error.c_str());
        const fs::path partial = folders_root_ / "loras" / "tiny_lora.safetensors.incomplete";
        QCOMPARE(fs::file_size(partial), uintmax_t(70000));
        // ... the next resumes there (cut once more, then retried) to the right sha256.
        const auto result = download_from_civitai(settings(), "civitai:1001", folders());
        QCOMPARE(sha256_file(result.path), sha256_hex(bytes_["1001"]));
        QVERIFY2(contains(log(), "\"range\": \"bytes=70000-\""), log().c_str());
        QVERIFY(!fs::exists(partial));
    }

    void deletes_and_reports_a_checksum_mismatch() {
        hub_->set_faults(R"({"civitai/3001/tiny_emb.safetensors": {"corrupt": true}})");
        const auto error =
            error_of([&] { download_from_civitai(settings(), "civitai:3001", folders()); });
        QVERIFY2(contains(error, "checksum mismatch"), error.c_str());
        QVERIFY2(contains(error, sha256_hex(bytes_["3001"])), error.c_str());
        const fs::path file = folders_root_ / "embeddings" / "tiny_emb.safetensors";
        QVERIFY(!fs::exists(file));
        QVERIFY(!fs::exists(file.string() + ".incomplete"));
    }

    void refuses_a_non_sdxl_base_model_before_downloading() {
        const auto error =
            error_of([&] { download_from_civitai(settings(), "civitai:4001", folders()); });
        QVERIFY2(contains(error, "is a LoRA for SD 1.5"), error.c_str());
        QVERIFY2(contains(error, "not for SDXL"), error.c_str());
        QVERIFY2(!contains(log(), "/api/download/"), log().c_str());
        QVERIFY(!fs::exists(folders_root_));
    }

    void refuses_to_start_without_enough_disk_space() {
        SmallDisk disk((folders_root_ / "loras").string(), 128 * 1024);
        if (!disk.mounted()) QSKIP("cannot mount a tmpfs here (needs root)");
        const auto error =
            error_of([&] { download_from_civitai(settings(), "civitai:1001", folders()); });
        QVERIFY2(contains(error, "not enough disk space"), error.c_str());
        QVERIFY2(contains(error, (folders_root_ / "loras").string()), error.c_str());
        QVERIFY2(!contains(log(), "/api/download/"), log().c_str());
        QVERIFY(fs::is_empty(folders_root_ / "loras"));
    }

    void command_line_takes_a_civitai_url() {
        const QString cli = QString::fromStdString(testing::cli_path());
        auto run = [&](const QStringList& args, int* status) {
            QProcess process;
            process.setProcessChannelMode(QProcess::MergedChannels);
            auto env = QProcessEnvironment::systemEnvironment();
            env.remove("CIVITAI_API_KEY");
            env.remove("CIVITAI_TOKEN");
            process.setProcessEnvironment(env);
            process.start(cli, args);
            if (!process.waitForFinished(120000)) return QString("did not finish");
            *status = process.exitCode();
            return QString::fromUtf8(process.readAll());
        };
        const QString loras = QString::fromStdString((folders_root_ / "loras").string());
        int status = -1;
        QString out = run(
            {"models", "download", "https://civitai.com/models/45/tiny?modelVersionId=1001",
             "--lora-dir", loras, "--civitai-endpoint", QString::fromStdString(hub_->endpoint())},
            &status);
        QVERIFY2(status == 0, qPrintable(out));
        QVERIFY2(out.contains("sha256 verified"), qPrintable(out));
        QVERIFY2(fs::exists(folders_root_ / "loras" / "tiny_lora.safetensors"), qPrintable(out));
        QCOMPARE(sha256_file((folders_root_ / "loras" / "tiny_lora.safetensors").string()),
                 sha256_hex(bytes_["1001"]));

        out = run({"models", "download", "https://civitai.com/images/5"}, &status);
        QVERIFY2(status != 0 && out.contains("civitai:VERSION_ID"), qPrintable(out));
        out = run({"models", "download", "civitai:1001", "--steps", "4"}, &status);
        QVERIFY2(status != 0 && out.contains("not a Civitai download"), qPrintable(out));
        out = run({"models", "list", "--lora-dir", loras}, &status);
        QVERIFY2(status != 0 && out.contains("applies to `models download` only"), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestHubCivitai)
#include "test_hub_civitai.moc"
