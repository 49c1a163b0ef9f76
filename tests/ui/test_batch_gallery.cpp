// A `lightning batch` output folder opens as the app's gallery (File > Open folder as gallery):
// every image is an item with its prompt and seed, and the time and device the batch recorded
// in the PNG's lightning-studio chunk; results.jsonl is not mistaken for an image.
#include "support/fixtures.h"
#include "ui/gallery_store.h"
#include "ui/string_convert.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>

using namespace lightning::ui;

class TestBatchGallery : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void batchFolderOpensAsGallery() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString manifest = dir.filePath("m.jsonl");
        std::ofstream(manifest.toStdString()) << "{\"prompt\": \"first\", \"seed\": 5}\n"
                                                 "{\"prompt\": \"second\", \"seed\": 6}\n";
        const QString out = dir.filePath("out");
        QProcess cli;
        cli.start(QString::fromStdString(lightning::testing::cli_path()),
                  {"batch", manifest, "--out", out, "--model",
                   QString::fromStdString(lightning::testing::fixtures_dir() + "/tiny-sdxl"),
                   "--lightning",
                   QString::fromStdString(lightning::testing::fixtures_dir() + "/tiny-lightning"),
                   "--steps", "1", "--width", "64", "--height", "64", "--shard", "0/1",
                   "--log-level", "warn"});
        QVERIFY(cli.waitForFinished(300000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());

        GalleryStore store;
        store.open(out);
        QCOMPARE(store.items().size(), 2);
        QSet<QString> prompts;
        for (const GalleryItem& item : store.items()) {
            prompts.insert(to_qstring(item.record.request.prompt));
            QCOMPARE(item.device, QStringLiteral("cpu"));
            QVERIFY(item.seconds > 0);
            QVERIFY(item.created.isValid());
            QVERIFY(QFileInfo(item.file).fileName().startsWith(QStringLiteral("line00000")));
        }
        QCOMPARE(prompts, (QSet<QString>{QStringLiteral("first"), QStringLiteral("second")}));
    }
};

QTEST_GUILESS_MAIN(TestBatchGallery)
#include "test_batch_gallery.moc"
