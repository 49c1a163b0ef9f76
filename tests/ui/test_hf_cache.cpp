// Hugging Face cache discovery and model-setup checks, on fake cache trees.
#include "ui/hf_cache.h"
#include "ui/model_setup.h"

#include "support/fixtures.h"

#include <QtTest/QtTest>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

using namespace lightning::ui;

namespace {

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
    QCOMPARE(default_hf_hub_dir(), QStringLiteral("/data/hf/hub"));
    qputenv("HF_HUB_CACHE", "/fast/hub");
    QCOMPARE(default_hf_hub_dir(), QStringLiteral("/fast/hub"));
    qunsetenv("HF_HUB_CACHE");
    qunsetenv("HF_HOME");
    QCOMPARE(default_hf_hub_dir(), QDir::homePath() + QStringLiteral("/.cache/huggingface/hub"));
}

void TestHfCache::finds_complete_snapshots() {
    QTemporaryDir hub;
    const QString base_repo = hf_repo_folder(hub.path(), QString::fromLatin1(kBaseRepo));
    QVERIFY(base_repo.endsWith(QLatin1String("models--stabilityai--stable-diffusion-xl-base-1.0")));
    const QString lightning_repo = hf_repo_folder(hub.path(), QString::fromLatin1(kLightningRepo));
    QVERIFY(lightning_repo.endsWith(QLatin1String("models--ByteDance--SDXL-Lightning")));
    make_base_snapshot(base_repo, QStringLiteral("462165984030d82259a11f4367a4eed129e94a7b"), true);
    link_blob(lightning_repo, QStringLiteral("c9a24f48e1c025556787b0c58dd67a091ece2e44"),
              QStringLiteral("sdxl_lightning_4step_unet.safetensors"));
    set_ref(base_repo, QStringLiteral("462165984030d82259a11f4367a4eed129e94a7b"));

    const DiscoveredModels found = discover_hf_models(hub.path());
    QVERIFY(found.complete());
    QCOMPARE(found.base_dir,
             base_repo + QStringLiteral("/snapshots/462165984030d82259a11f4367a4eed129e94a7b"));
    QCOMPARE(
        found.lightning_dir,
        lightning_repo + QStringLiteral("/snapshots/c9a24f48e1c025556787b0c58dd67a091ece2e44"));
    QVERIFY(check_base_model(found.base_dir, {}).ok());
}

void TestHfCache::skips_incomplete_snapshot_named_by_ref() {
    QTemporaryDir hub;
    const QString base_repo = hf_repo_folder(hub.path(), QString::fromLatin1(kBaseRepo));
    make_base_snapshot(base_repo, QStringLiteral("downloading"), false);  // dangling VAE link
    make_base_snapshot(base_repo, QStringLiteral("older"), true);
    set_ref(base_repo, QStringLiteral("downloading"));
    QVERIFY(!check_base_model(base_repo + QStringLiteral("/snapshots/downloading"), {}).ok());
    const DiscoveredModels found = discover_hf_models(hub.path());
    QCOMPARE(found.base_dir, base_repo + QStringLiteral("/snapshots/older"));
    QVERIFY(found.lightning_dir.isEmpty());
    QVERIFY(!found.complete());
}

void TestHfCache::prefers_ref_over_newer_snapshot() {
    QTemporaryDir hub;
    const QString lightning_repo = hf_repo_folder(hub.path(), QString::fromLatin1(kLightningRepo));
    link_blob(lightning_repo, QStringLiteral("pinned"),
              QStringLiteral("sdxl_lightning_2step_unet.safetensors"));
    QTest::qWait(20);
    link_blob(lightning_repo, QStringLiteral("newer"),
              QStringLiteral("sdxl_lightning_8step_unet.safetensors"));
    set_ref(lightning_repo, QStringLiteral("pinned"));
    QCOMPARE(discover_hf_models(hub.path()).lightning_dir,
             lightning_repo + QStringLiteral("/snapshots/pinned"));
    // Without a usable ref, the most recently modified usable snapshot wins.
    set_ref(lightning_repo, QStringLiteral("gone"));
    QDir(lightning_repo).mkpath(QStringLiteral("snapshots/empty"));  // no UNet: not usable
    QCOMPARE(discover_hf_models(hub.path()).lightning_dir,
             lightning_repo + QStringLiteral("/snapshots/newer"));
}

void TestHfCache::finds_nothing_in_empty_or_missing_hub() {
    QTemporaryDir hub;
    QVERIFY(!discover_hf_models(hub.path()).complete());
    QVERIFY(discover_hf_models(hub.path()).base_dir.isEmpty());
    QVERIFY(discover_hf_models(hub.path() + QStringLiteral("/nope")).lightning_dir.isEmpty());
}

void TestHfCache::names_each_missing_file() {
    QTemporaryDir root;
    const QString base = root.filePath(QStringLiteral("sdxl"));
    for (const QString& alternatives : required_base_files(true)) {
        const QString name = alternatives.split(u'|').last();  // the fp16 variants are fine too
        if (name.startsWith(QLatin1String("text_encoder_2/model"))) continue;
        if (name == QLatin1String("tokenizer/merges.txt")) continue;
        touch(QDir(base).filePath(name));
    }
    const SetupCheck check = check_base_model(base, {});
    QCOMPARE(check.problems.size(), 2);
    QCOMPARE(check.problems[0], QStringLiteral("Missing tokenizer/merges.txt in %1").arg(base));
    QCOMPARE(check.problems[1], QStringLiteral("Missing text_encoder_2/model.safetensors or "
                                               "text_encoder_2/model.fp16.safetensors in %1")
                                    .arg(base));
    QVERIFY(check_base_model(root.filePath(QStringLiteral("absent")), {})
                .problems.first()
                .endsWith(QLatin1String("does not exist")));
    QVERIFY(!check_base_model(QString(), {}).ok());
}

void TestHfCache::single_file_needs_configs() {
    QTemporaryDir root;
    const QString checkpoint = root.filePath(QStringLiteral("sdxl_lightning_4step.safetensors"));
    touch(checkpoint);
    QVERIFY(is_single_file(checkpoint));
    SetupCheck check = check_base_model(checkpoint, {});
    QCOMPARE(check.problems.size(), 1);
    QVERIFY(check.problems[0].contains(QLatin1String("configs and tokenizers")));

    const QString configs = root.filePath(QStringLiteral("configs"));
    for (const QString& name : required_base_files(false)) touch(QDir(configs).filePath(name));
    QVERIFY(check_base_model(checkpoint, configs).ok());  // no weights needed there
    QFile::remove(QDir(configs).filePath(QStringLiteral("vae/config.json")));
    check = check_base_model(checkpoint, configs);
    QCOMPARE(check.problems,
             QStringList{QStringLiteral("Missing vae/config.json in %1").arg(configs)});
    QCOMPARE(tokenizer_root({checkpoint, configs, {}}), configs);
    QCOMPARE(tokenizer_root({configs, QStringLiteral("ignored"), {}}), configs);

    touch(root.filePath(QStringLiteral("model.ckpt")));
    QVERIFY(check_base_model(root.filePath(QStringLiteral("model.ckpt")), configs)
                .problems.first()
                .contains(QLatin1String("not a .safetensors")));
}

void TestHfCache::lightning_folder_check() {
    QTemporaryDir root;
    QVERIFY(!check_lightning_dir(root.path()).ok());
    QVERIFY(check_lightning_dir(root.path())
                .problems.first()
                .contains(QLatin1String("sdxl_lightning_1step_unet_x0.safetensors")));
    touch(root.filePath(QStringLiteral("sdxl_lightning_4step_lora.safetensors")));  // not a UNet
    QVERIFY(!check_lightning_dir(root.path()).ok());
    touch(root.filePath(QStringLiteral("sdxl_lightning_1step_unet_x0.safetensors")));
    QVERIFY(check_lightning_dir(root.path()).ok());
    QVERIFY(!check_lightning_dir(QString()).ok());
    // The fixture folders pass.
    const QString fixtures = QString::fromStdString(lightning::testing::fixtures_dir());
    QVERIFY(check_lightning_dir(fixtures + QStringLiteral("/tiny-lightning")).ok());
    QVERIFY2(
        check_base_model(fixtures + QStringLiteral("/tiny-sdxl"), {}).ok(),
        qPrintable(
            check_base_model(fixtures + QStringLiteral("/tiny-sdxl"), {}).problems.join(u'\n')));
}

void TestHfCache::output_folder_check_creates_nothing() {
    QTemporaryDir root;
    const QString nested = root.filePath(QStringLiteral("a/b/c"));
    QVERIFY(check_output_dir(nested).ok());
    QVERIFY(!QFileInfo::exists(root.filePath(QStringLiteral("a"))));
    touch(root.filePath(QStringLiteral("file")));
    QVERIFY(!check_output_dir(root.filePath(QStringLiteral("file"))).ok());
    QVERIFY(!check_output_dir(QString()).ok());
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
