// The gallery on disk: PNGs with parameters chunks, index.json, rebuild, reconcile, export.
#include "core/image/png.h"
#include "ui/gallery_store.h"
#include "ui/image_convert.h"
#include "ui/string_convert.h"

#include <QtTest/QtTest>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <QTemporaryDir>
#include <nlohmann/json.hpp>

using namespace lightning::ui;

namespace {

lightning::Image8 test_image(int width, int height, int salt) {
    lightning::Image8 image;
    image.width = width;
    image.height = height;
    image.rgb.resize(size_t(width) * height * 3);
    for (size_t i = 0; i < image.rgb.size(); ++i) image.rgb[i] = uint8_t((i * 7 + salt * 31) % 256);
    return image;
}

// A record as the engine describes an image, in the form a PNG keeps it (the default schedule
// spelled out, a negative prompt only where guidance gave it effect).
GalleryItem test_item(int n) {
    GalleryItem item;
    lightning::GenerationRequest& r = item.record.request;
    r.prompt = to_std(QStringLiteral("prompt %1, with commas: and <html> & \"quotes\" 猫").arg(n));
    r.guidance = n % 2 ? 2.5 : 0;
    if (n % 2) r.negative_prompt = to_std(QStringLiteral("negative %1").arg(n));
    r.steps = (n % 4) == 0 ? 1 : 4;
    r.width = 64;
    r.height = 96;
    r.seed = 1000 + uint64_t(n);
    r.timestep_spacing = lightning::TimestepSpacing::Trailing;
    item.record.model = {"tiny-sdxl", "0123456789"};
    item.record.unet = {r.steps == 1 ? "sdxl_lightning_1step_unet_x0" : "sdxl_lightning_4step_unet",
                        "abcdef0123"};
    item.record.version = "Lightning Studio 0.2.0";
    item.seconds = 0.25 * n;
    item.device = QStringLiteral("cpu");
    item.created = QDateTime(QDate(2024, 5, 1), QTime(12, 0, n), Qt::UTC);
    return item;
}

void expect_same(const GalleryItem& actual, const GalleryItem& expected) {
    QCOMPARE(actual.record, expected.record);
    QCOMPARE(actual.seconds, expected.seconds);
    QCOMPARE(actual.created, expected.created);
    QCOMPARE(actual.device, expected.device);
    QCOMPARE(QFileInfo(actual.file).fileName(), QFileInfo(expected.file).fileName());
}

QByteArray read_all(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

}  // namespace

class TestGalleryStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void png_carries_pixels_and_parameters();
    void index_lists_newest_first_and_reloads();
    void rebuilds_corrupt_or_missing_index();
    void reconciles_with_files_changed_outside();
    void skips_pngs_without_parameters_and_broken_files();
    void index_numbers_that_are_no_integers_invalidate_the_entry();
    void rejects_index_entries_outside_the_folder();
    void remove_deletes_the_file();
    void export_writes_pngs_json_and_html();
    void image_conversion_round_trips();
};

void TestGalleryStore::png_carries_pixels_and_parameters() {
    QTemporaryDir dir;
    const lightning::Image8 image = test_image(64, 96, 1);
    const GalleryItem item = write_gallery_png(dir.path(), image, test_item(1));
    QVERIFY(QFileInfo(item.file).isFile());
    QVERIFY(item.file.endsWith(QLatin1String("-1001.png")));

    lightning::PngText text;
    const lightning::Image8 read = lightning::read_png(item.file.toStdString(), &text);
    QCOMPARE(read.width, 64);
    QCOMPARE(read.height, 96);
    QVERIFY(read.rgb == image.rgb);
    QCOMPARE(text.entries.at("parameters"), lightning::format_parameters(test_item(1).record));
    const auto parsed = read_gallery_png(item.file);
    QVERIFY(parsed);
    expect_same(*parsed, item);

    // Same second, same seed: a second file, not an overwrite.
    const GalleryItem again = write_gallery_png(dir.path(), image, test_item(1));
    QVERIFY(again.file != item.file);
    QVERIFY(QFileInfo(again.file).isFile());
}

void TestGalleryStore::index_lists_newest_first_and_reloads() {
    QTemporaryDir dir;
    GalleryStore store;
    QCOMPARE(store.open(dir.path()), QStringLiteral("Gallery index created from 0 images"));
    QVERIFY(QFileInfo(store.index_path()).isFile());
    for (int n : {1, 3, 2})
        store.add(write_gallery_png(dir.path(), test_image(64, 96, n), test_item(n)));
    QCOMPARE(store.items().size(), 3);
    QCOMPARE(store.items()[0].record.request.seed, uint64_t(1002));  // added last = on top

    GalleryStore reopened;
    QCOMPARE(reopened.open(dir.path()), QString());  // valid index: nothing to report
    QCOMPARE(reopened.items().size(), 3);
    // On reopening the order is by creation time: 3, 2, 1.
    QCOMPARE(reopened.items()[0].record.request.seed, uint64_t(1003));
    QCOMPARE(reopened.items()[2].record.request.seed, uint64_t(1001));
    for (const GalleryItem& item : reopened.items())
        expect_same(item, store.items()[store.index_of(item.file)]);
}

void TestGalleryStore::rebuilds_corrupt_or_missing_index() {
    QTemporaryDir dir;
    GalleryStore store;
    store.open(dir.path());
    for (int n = 1; n <= 4; ++n)
        store.add(write_gallery_png(dir.path(), test_image(64, 96, n), test_item(n)));
    const QList<GalleryItem> original = store.items();

    for (const QByteArray& garbage :
         {QByteArray("{ this is not json"), QByteArray("[]"), QByteArray("{\"items\": 5}"),
          QByteArray("{\"items\": [{\"file\": \"x.png\"}]}")}) {
        {
            QFile index(store.index_path());
            QVERIFY(index.open(QIODevice::WriteOnly | QIODevice::Truncate));
            index.write(garbage);
        }
        GalleryStore rebuilt;
        QCOMPARE(rebuilt.open(dir.path()),
                 QStringLiteral("Gallery index was unreadable; rebuilt it from 4 images"));
        QCOMPARE(rebuilt.items().size(), 4);
        for (int i = 0; i < 4; ++i) expect_same(rebuilt.items()[i], original[i]);
        // The rebuilt index is valid again.
        GalleryStore again;
        QCOMPARE(again.open(dir.path()), QString());
    }

    QVERIFY(QFile::remove(store.index_path()));
    GalleryStore rebuilt;
    QCOMPARE(rebuilt.open(dir.path()), QStringLiteral("Gallery index created from 4 images"));
    QCOMPARE(rebuilt.items().size(), 4);
    QCOMPARE(rebuilt.items().first().record, test_item(4).record);
}

void TestGalleryStore::reconciles_with_files_changed_outside() {
    QTemporaryDir dir, other;
    GalleryStore store;
    store.open(dir.path());
    const GalleryItem a = write_gallery_png(dir.path(), test_image(64, 96, 1), test_item(1));
    const GalleryItem b = write_gallery_png(dir.path(), test_image(64, 96, 2), test_item(2));
    store.add(a);
    store.add(b);
    QVERIFY(QFile::remove(a.file));
    const GalleryItem c = write_gallery_png(other.path(), test_image(64, 96, 5), test_item(5));
    QVERIFY(QFile::copy(c.file, QDir(dir.path()).filePath(QFileInfo(c.file).fileName())));

    GalleryStore reopened;
    reopened.open(dir.path());
    QCOMPARE(reopened.items().size(), 2);
    QCOMPARE(reopened.items()[0].record, test_item(5).record);
    QCOMPARE(reopened.items()[1].record, test_item(2).record);
    const auto index = QJsonDocument::fromJson(read_all(reopened.index_path()));
    QCOMPARE(index.object().value(QStringLiteral("items")).toArray().size(), 2);
}

void TestGalleryStore::skips_pngs_without_parameters_and_broken_files() {
    QTemporaryDir dir;
    lightning::write_png(QDir(dir.path()).filePath(QStringLiteral("plain.png")).toStdString(),
                         test_image(8, 8, 0));
    {
        QFile fake(QDir(dir.path()).filePath(QStringLiteral("fake.png")));
        QVERIFY(fake.open(QIODevice::WriteOnly));
        fake.write("not a png at all");
    }
    write_gallery_png(dir.path(), test_image(64, 96, 1), test_item(1));
    QStringList skipped;
    const QList<GalleryItem> items = scan_gallery_pngs(dir.path(), &skipped);
    QCOMPARE(items.size(), 1);
    QCOMPARE(skipped.size(), 1);
    QVERIFY2(skipped.first().contains(QLatin1String("fake.png")), qPrintable(skipped.first()));
    GalleryStore store;
    QVERIFY(store.open(dir.path()).contains(QLatin1String("fake.png")));
    QCOMPARE(store.items().size(), 1);
}

void TestGalleryStore::rejects_index_entries_outside_the_folder() {
    QTemporaryDir dir;
    GalleryStore store;
    store.open(dir.path());
    store.add(write_gallery_png(dir.path(), test_image(64, 96, 1), test_item(1)));
    nlohmann::json entry = item_to_json(store.items().first(), QStringLiteral("../../etc/x.png"));
    QVERIFY(!item_from_json(entry, dir.path()));
    entry = item_to_json(store.items().first(), QFileInfo(store.items().first().file).fileName());
    const auto back = item_from_json(entry, dir.path());
    QVERIFY(back);
    expect_same(*back, store.items().first());
}

// Guards the index's integer fields (fuzz/reproducers/gallery_index): "mtime": 1.8e32 went
// through nlohmann's get<qint64>(), undefined behaviour for a float out of range (UBSan abort
// under the fuzzer, a garbage stamp otherwise); such an entry now invalidates the index.
void TestGalleryStore::index_numbers_that_are_no_integers_invalidate_the_entry() {
    QTemporaryDir dir;
    GalleryStore store;
    store.open(dir.path());
    store.add(write_gallery_png(dir.path(), test_image(64, 96, 1), test_item(1)));
    const QString name = QFileInfo(store.items().first().file).fileName();
    for (const char* key : {"mtime", "size"}) {
        for (const nlohmann::json& bad : {nlohmann::json(1.8e32), nlohmann::json(12.5),
                                          nlohmann::json(uint64_t(1) << 63), nlohmann::json("7")}) {
            nlohmann::json entry = item_to_json(store.items().first(), name);
            entry[key] = bad;
            QVERIFY2(!item_from_json(entry, dir.path()),
                     (std::string(key) + " " + bad.dump()).c_str());
        }
    }
    nlohmann::json entry = item_to_json(store.items().first(), name);
    entry.erase("mtime");
    QCOMPARE(item_from_json(entry, dir.path())->modified_ms, qint64(-1));
}

void TestGalleryStore::remove_deletes_the_file() {
    QTemporaryDir dir;
    GalleryStore store;
    store.open(dir.path());
    const GalleryItem item = write_gallery_png(dir.path(), test_image(64, 96, 1), test_item(1));
    store.add(item);
    QVERIFY(store.remove(item.file));
    QVERIFY(!QFileInfo::exists(item.file));
    QVERIFY(store.items().isEmpty());
    QVERIFY(!store.remove(item.file));
    GalleryStore reopened;
    reopened.open(dir.path());
    QVERIFY(reopened.items().isEmpty());
}

void TestGalleryStore::export_writes_pngs_json_and_html() {
    QTemporaryDir dir, target;
    GalleryStore store;
    store.open(dir.path());
    for (int n = 1; n <= 3; ++n)
        store.add(write_gallery_png(dir.path(), test_image(64, 96, n), test_item(n)));
    const QList<GalleryItem> chosen = {store.items()[0], store.items()[2]};
    const QString out = target.filePath(QStringLiteral("export"));
    const QStringList written = export_gallery(chosen, out);
    QCOMPARE(written.size(), 4);
    for (const GalleryItem& item : chosen) {
        const QString copy = QDir(out).filePath(QFileInfo(item.file).fileName());
        QCOMPARE(read_all(copy), read_all(item.file));
        const auto text = lightning::read_png_text(copy.toStdString());
        const auto record = lightning::parse_parameters(text.entries.at("parameters"));
        QVERIFY(record);
        QCOMPARE(*record, item.record);
    }
    const auto json =
        QJsonDocument::fromJson(read_all(QDir(out).filePath(QStringLiteral("gallery.json"))));
    const QJsonArray items = json.object().value(QStringLiteral("items")).toArray();
    QCOMPARE(items.size(), 2);
    // Each image's record in the one JSON form (`lightning info --json`'s).
    const auto record = [&](int i) {
        return items[i].toObject().value(QStringLiteral("record")).toObject();
    };
    QCOMPARE(items[0].toObject().value(QStringLiteral("file")).toString(),
             QFileInfo(chosen[0].file).fileName());
    QCOMPARE(record(0).value(QStringLiteral("seed")).toInteger(), 1003);
    QCOMPARE(record(0).value(QStringLiteral("prompt")).toString(),
             to_qstring(test_item(3).record.request.prompt));
    QCOMPARE(
        record(0).value(QStringLiteral("unet")).toObject().value(QStringLiteral("name")).toString(),
        QStringLiteral("sdxl_lightning_4step_unet"));
    QCOMPARE(record(1).value(QStringLiteral("steps")).toInt(), 4);
    const QString html =
        QString::fromUtf8(read_all(QDir(out).filePath(QStringLiteral("index.html"))));
    QVERIFY(html.contains(
        QStringLiteral("prompt 3, with commas: and &lt;html&gt; &amp; &quot;quotes&quot; 猫")));
    QVERIFY(html.contains(QFileInfo(chosen[1].file).fileName()));
    QVERIFY(!html.contains(QStringLiteral("prompt 2,")));
    // Exporting into the gallery folder itself must not destroy the originals.
    export_gallery(chosen, dir.path());
    QVERIFY(QFileInfo(chosen[0].file).size() > 0);
}

void TestGalleryStore::image_conversion_round_trips() {
    const lightning::Image8 image = test_image(13, 7, 3);  // odd width: QImage rows are padded
    const QImage qimage = to_qimage(image);
    QCOMPARE(qimage.size(), QSize(13, 7));
    QCOMPARE(qimage.pixelColor(2, 1),
             QColor(image.rgb[(1 * 13 + 2) * 3], image.rgb[(1 * 13 + 2) * 3 + 1],
                    image.rgb[(1 * 13 + 2) * 3 + 2]));
    QVERIFY(to_image8(qimage).rgb == image.rgb);
    QVERIFY(to_qimage(lightning::Image8{}).isNull());
}

QTEST_MAIN(TestGalleryStore)
#include "test_gallery_store.moc"
