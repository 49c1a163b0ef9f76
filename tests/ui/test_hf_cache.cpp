// Hugging Face cache discovery and the model-setup checks as the app shows them, on fake cache
// trees: core/request/model_layout.h through the app's QString adapters (ui/model_setup.h).
#include "core/hub/hub_settings.h"
#include "ui/model_setup.h"
#include "ui/string_convert.h"

#include "support/fixtures.h"

#include <QtTest/QtTest>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <unistd.h>

using namespace lightning::ui;
using lightning::kBaseRepo;
using lightning::kLightningRepo;
using lightning::kStepChoices;

namespace {

// The core's std::string API in the test's QString terms.
QString hf_repo_folder(const QString& hub_dir, const char* repo_id) {
    return to_qstring(lightning::hf_repo_folder(to_std(hub_dir), repo_id));
}

struct Discovered {
    QString base_dir;
    QString lightning_dir;
    bool complete = false;
};

Discovered discover(const QString& hub_dir) {
    const auto found = lightning::discover_hf_models(to_std(hub_dir));
    return {to_qstring(found.base_dir), to_qstring(found.lightning_dir), found.complete()};
}

QStringList required_base_files(bool with_weights) {
    return to_qstring_list(lightning::required_base_files(with_weights));
}

QString published_lightning_file(int steps) {
    return to_qstring(lightning::published_lightning_file(steps));
}

lightning::ModelLocations locations(const QString& base, const QString& config_dir) {
    return {to_std(base), to_std(config_dir), {}};
}

void touch(const QString& path) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
    file.write("x");
}

// The HF cache stores files as symlinks into blobs/; a download in progress leaves them
// dangling.
void link_blob(const QString& repo_dir, const QString& snapshot, const QString& name,
               bool blob_exists = true) {
    const QString blob =
        QDir(repo_dir).filePath(QStringLiteral("blobs/") + QString::number(qHash(snapshot + name)));
    if (blob_exists) touch(blob);
    const QString link =
        QDir(repo_dir).filePath(QStringLiteral("snapshots/%1/%2").arg(snapshot, name));
    QDir().mkpath(QFileInfo(link).absolutePath());
    QVERIFY(QFile::link(blob, link));
}

void make_base_snapshot(const QString& repo_dir, const QString& snapshot, bool complete) {
    for (const QString& alternatives : required_base_files(true)) {
        const QString name = alternatives.split(u'|').first();
        const bool is_vae_weights = name.startsWith(QLatin1String("vae/diffusion_pytorch_model"));
        link_blob(repo_dir, snapshot, name, complete || !is_vae_weights);
    }
}

void set_ref(const QString& repo_dir, const QString& revision) {
    touch(QDir(repo_dir).filePath(QStringLiteral("refs/main")));
    QFile file(QDir(repo_dir).filePath(QStringLiteral("refs/main")));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(revision.toUtf8());
}

}  // namespace

class TestHfCache : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void hub_dir_follows_the_environment();
    void downloads_go_where_discovery_looks();
    void unreadable_cache_is_reported_not_empty();
    void finds_complete_snapshots();
    void skips_incomplete_snapshot_named_by_ref();
    void prefers_ref_over_newer_snapshot();
    void finds_nothing_in_empty_or_missing_hub();
    void names_each_missing_file();
    void single_file_needs_configs();
    void lightning_folder_check();
    void output_folder_check_creates_nothing();
    void help_names_repos_and_files();
};

void TestHfCache::hub_dir_follows_the_environment() {
    qunsetenv("HF_HUB_CACHE");
    qputenv("HF_HOME", "/data/hf");
    QCOMPARE(to_qstring(lightning::default_hf_hub_dir()), QStringLiteral("/data/hf/hub"));
    qputenv("HF_HUB_CACHE", "/fast/hub");
    QCOMPARE(to_qstring(lightning::default_hf_hub_dir()), QStringLiteral("/fast/hub"));
    qunsetenv("HF_HUB_CACHE");
    qunsetenv("HF_HOME");
    qunsetenv("XDG_CACHE_HOME");
    QCOMPARE(to_qstring(lightning::default_hf_hub_dir()),
             QDir::homePath() + QStringLiteral("/.cache/huggingface/hub"));
}

// Guards issue #25's note: with XDG_CACHE_HOME set (and HF_HOME not), the downloader wrote to
// $XDG_CACHE_HOME/huggingface/hub while discovery searched ~/.cache/huggingface/hub.
void TestHfCache::downloads_go_where_discovery_looks() {
    qunsetenv("HF_HUB_CACHE");
    qunsetenv("HF_HOME");
    qputenv("XDG_CACHE_HOME", "/xdg/cache");
    const std::string downloads = lightning::hub::hub_settings_from_environment().cache_dir;
    QCOMPARE(downloads, std::string("/xdg/cache/huggingface/hub"));
    QCOMPARE(lightning::default_hf_hub_dir(), downloads);
    for (const char* name : {"HF_HOME", "HF_HUB_CACHE"}) {
        qputenv(name, "/elsewhere");
        QCOMPARE(lightning::default_hf_hub_dir(),
                 lightning::hub::hub_settings_from_environment().cache_dir);
    }
    qunsetenv("HF_HUB_CACHE");
    qunsetenv("HF_HOME");
    qunsetenv("XDG_CACHE_HOME");
}

// Guards discovery on a cache it cannot read: it reported "no models" as for an empty cache.
// Tests run as root, who reads any folder, so a file where a folder must be stands in for a
// folder without permissions (that one is checked too when not root).
void TestHfCache::unreadable_cache_is_reported_not_empty() {
    QTemporaryDir root;
    const QString file = root.filePath(QStringLiteral("HF_HOME"));
    touch(file);
    const auto below_file = lightning::discover_hf_models(to_std(file + QStringLiteral("/hub")));
    QVERIFY2(below_file.problem.find(to_std(file + QStringLiteral("/hub"))) != std::string::npos,
             below_file.problem.c_str());
    QVERIFY2(below_file.problem.find("Not a directory") != std::string::npos,
             below_file.problem.c_str());
    const auto is_file = lightning::discover_hf_models(to_std(file));
    QVERIFY2(is_file.problem.find("is not a folder") != std::string::npos, is_file.problem.c_str());
    // A repository whose snapshots folder is a file.
    const QString hub = root.filePath(QStringLiteral("hub"));
    touch(hf_repo_folder(hub, kLightningRepo) + QStringLiteral("/snapshots"));
    QVERIFY(lightning::discover_hf_models(to_std(hub)).problem.find("snapshots") !=
            std::string::npos);
    // Missing or empty: nothing found, and nothing wrong.
    QVERIFY(lightning::discover_hf_models(to_std(root.filePath(QStringLiteral("none"))))
                .problem.empty());
    QVERIFY(lightning::discover_hf_models(to_std(root.path())).problem.empty());
    if (::geteuid() != 0) {
        const QString locked = root.filePath(QStringLiteral("locked"));
        QVERIFY(QDir().mkpath(locked));
        QFile::setPermissions(locked, QFileDevice::Permissions());
        const auto denied = lightning::discover_hf_models(to_std(locked));
        QFile::setPermissions(
            locked, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QVERIFY2(denied.problem.find("Permission denied") != std::string::npos,
                 denied.problem.c_str());
    }
}

void TestHfCache::finds_complete_snapshots() {
    QTemporaryDir hub;
    const QString base_repo = hf_repo_folder(hub.path(), kBaseRepo);
    QVERIFY(base_repo.endsWith(QLatin1String("models--stabilityai--stable-diffusion-xl-base-1.0")));
    const QString lightning_repo = hf_repo_folder(hub.path(), kLightningRepo);
    QVERIFY(lightning_repo.endsWith(QLatin1String("models--ByteDance--SDXL-Lightning")));
    make_base_snapshot(base_repo, QStringLiteral("462165984030d82259a11f4367a4eed129e94a7b"), true);
    link_blob(lightning_repo, QStringLiteral("c9a24f48e1c025556787b0c58dd67a091ece2e44"),
              QStringLiteral("sdxl_lightning_4step_unet.safetensors"));
    set_ref(base_repo, QStringLiteral("462165984030d82259a11f4367a4eed129e94a7b"));

    const Discovered found = discover(hub.path());
    QVERIFY(found.complete);
    QCOMPARE(found.base_dir,
             base_repo + QStringLiteral("/snapshots/462165984030d82259a11f4367a4eed129e94a7b"));
    QCOMPARE(
        found.lightning_dir,
        lightning_repo + QStringLiteral("/snapshots/c9a24f48e1c025556787b0c58dd67a091ece2e44"));
    QVERIFY(base_model_problems(found.base_dir, {}).isEmpty());
}

void TestHfCache::skips_incomplete_snapshot_named_by_ref() {
    QTemporaryDir hub;
    const QString base_repo = hf_repo_folder(hub.path(), kBaseRepo);
    make_base_snapshot(base_repo, QStringLiteral("downloading"), false);  // dangling VAE link
    make_base_snapshot(base_repo, QStringLiteral("older"), true);
    set_ref(base_repo, QStringLiteral("downloading"));
    QVERIFY(
        !base_model_problems(base_repo + QStringLiteral("/snapshots/downloading"), {}).isEmpty());
    const Discovered found = discover(hub.path());
    QCOMPARE(found.base_dir, base_repo + QStringLiteral("/snapshots/older"));
    QVERIFY(found.lightning_dir.isEmpty());
    QVERIFY(!found.complete);
}

void TestHfCache::prefers_ref_over_newer_snapshot() {
    QTemporaryDir hub;
    const QString lightning_repo = hf_repo_folder(hub.path(), kLightningRepo);
    link_blob(lightning_repo, QStringLiteral("pinned"),
              QStringLiteral("sdxl_lightning_2step_unet.safetensors"));
    QTest::qWait(20);
    link_blob(lightning_repo, QStringLiteral("newer"),
              QStringLiteral("sdxl_lightning_8step_unet.safetensors"));
    set_ref(lightning_repo, QStringLiteral("pinned"));
    QCOMPARE(discover(hub.path()).lightning_dir,
             lightning_repo + QStringLiteral("/snapshots/pinned"));
    // Without a usable ref, the most recently modified usable snapshot wins.
    set_ref(lightning_repo, QStringLiteral("gone"));
    QDir(lightning_repo).mkpath(QStringLiteral("snapshots/empty"));  // no UNet: not usable
    QCOMPARE(discover(hub.path()).lightning_dir,
             lightning_repo + QStringLiteral("/snapshots/newer"));
}

void TestHfCache::finds_nothing_in_empty_or_missing_hub() {
    QTemporaryDir hub;
    QVERIFY(!discover(hub.path()).complete);
    QVERIFY(discover(hub.path()).base_dir.isEmpty());
    QVERIFY(discover(hub.path() + QStringLiteral("/nope")).lightning_dir.isEmpty());
}

void TestHfCache::names_each_missing_file() {
    QTemporaryDir root;
    const QString base = root.filePath(QStringLiteral("sdxl"));
    for (const QString& alternatives : required_base_files(true)) {
        // Tokenizers as vocab.json + merges.txt; weights as their fp16 variants (fine too).
        const QStringList names = alternatives.split(u'|');
        const QString name =
            names.first().startsWith(QLatin1String("tokenizer")) ? names.first() : names.last();
        if (name.startsWith(QLatin1String("text_encoder_2/model"))) continue;
        if (name == QLatin1String("tokenizer/merges.txt")) continue;
        touch(QDir(base).filePath(name));
    }
    const QStringList problems = base_model_problems(base, {});
    QCOMPARE(problems.size(), 2);
    QCOMPARE(
        problems[0],
        QStringLiteral("Missing tokenizer/merges.txt or tokenizer/tokenizer.json in %1").arg(base));
    QCOMPARE(problems[1], QStringLiteral("Missing text_encoder_2/model.safetensors (or its .fp16 "
                                         "variant, or one .safetensors file) in %1")
                              .arg(base));
    QVERIFY(base_model_problems(root.filePath(QStringLiteral("absent")), {})
                .first()
                .endsWith(QLatin1String("does not exist")));
    QVERIFY(!base_model_problems(QString(), {}).isEmpty());
}

void TestHfCache::single_file_needs_configs() {
    QTemporaryDir root;
    const QString checkpoint = root.filePath(QStringLiteral("sdxl_lightning_4step.safetensors"));
    touch(checkpoint);
    QVERIFY(lightning::is_single_file(to_std(checkpoint)));
    QStringList problems = base_model_problems(checkpoint, {});
    QCOMPARE(problems.size(), 1);
    QVERIFY(problems[0].contains(QLatin1String("configs and tokenizers")));

    const QString configs = root.filePath(QStringLiteral("configs"));
    for (const QString& alternatives : required_base_files(false))
        touch(QDir(configs).filePath(alternatives.split(u'|').first()));
    QVERIFY(base_model_problems(checkpoint, configs).isEmpty());  // no weights needed there
    QFile::remove(QDir(configs).filePath(QStringLiteral("vae/config.json")));
    problems = base_model_problems(checkpoint, configs);
    QCOMPARE(problems, QStringList{QStringLiteral("Missing vae/config.json in %1").arg(configs)});
    QCOMPARE(tokenizer_root(locations(checkpoint, configs)), configs);
    QCOMPARE(tokenizer_root(locations(configs, QStringLiteral("ignored"))), configs);

    touch(root.filePath(QStringLiteral("model.ckpt")));
    QVERIFY(base_model_problems(root.filePath(QStringLiteral("model.ckpt")), configs)
                .first()
                .contains(QLatin1String("not a .safetensors")));
}

void TestHfCache::lightning_folder_check() {
    QTemporaryDir root;
    QVERIFY(!lightning_dir_problems(root.path()).isEmpty());
    QVERIFY(lightning_dir_problems(root.path())
                .first()
                .contains(QLatin1String("sdxl_lightning_1step_unet_x0.safetensors")));
    touch(root.filePath(QStringLiteral("sdxl_lightning_4step_lora.safetensors")));  // not a UNet
    QVERIFY(!lightning_dir_problems(root.path()).isEmpty());
    touch(root.filePath(QStringLiteral("sdxl_lightning_1step_unet_x0.safetensors")));
    QVERIFY(lightning_dir_problems(root.path()).isEmpty());
    QVERIFY(!lightning_dir_problems(QString()).isEmpty());
    // The fixture folders pass.
    const QString fixtures = QString::fromStdString(lightning::testing::fixtures_dir());
    QVERIFY(lightning_dir_problems(fixtures + QStringLiteral("/tiny-lightning")).isEmpty());
    const QStringList tiny_problems =
        base_model_problems(fixtures + QStringLiteral("/tiny-sdxl"), {});
    QVERIFY2(tiny_problems.isEmpty(), qPrintable(tiny_problems.join(u'\n')));
}

void TestHfCache::output_folder_check_creates_nothing() {
    QTemporaryDir root;
    const QString nested = root.filePath(QStringLiteral("a/b/c"));
    QVERIFY(output_dir_problems(nested).isEmpty());
    QVERIFY(!QFileInfo::exists(root.filePath(QStringLiteral("a"))));
    touch(root.filePath(QStringLiteral("file")));
    QVERIFY(!output_dir_problems(root.filePath(QStringLiteral("file"))).isEmpty());
    QVERIFY(!output_dir_problems(QString()).isEmpty());
}

void TestHfCache::help_names_repos_and_files() {
    const QString help = model_download_help_html();
    QVERIFY(help.contains(QLatin1String("stabilityai/stable-diffusion-xl-base-1.0")));
    QVERIFY(help.contains(QLatin1String("ByteDance/SDXL-Lightning")));
    for (int steps : kStepChoices) QVERIFY(help.contains(published_lightning_file(steps)));
    QVERIFY(help.contains(QLatin1String("text_encoder_2/model.safetensors")));
    QVERIFY(help.contains(QLatin1String("tokenizer/merges.txt")));
}

QTEST_MAIN(TestHfCache)
#include "test_hf_cache.moc"
