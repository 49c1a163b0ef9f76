// Crash safety of the gallery folder (issue #13): a writer killed with SIGKILL mid-image leaves
// no partial PNG under a final name and the index rebuilds on the next open; a full disk is a
// clear error with nothing left behind and the gallery keeps working (a real ENOSPC on a small
// tmpfs, and EFBIG from a file size limit); a read-only folder is
// reported (stars and deletions refused with a reason), not crashed on.
//
// The killed writer is a real child process: this executable started again with
// LIGHTNING_TEST_GALLERY_WRITER set, writing large images through write_gallery_png() (what the
// app's worker calls) until it is killed.
#include "core/image/png.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "support/file_size_limit.h"
#include "support/gallery_fixtures.h"
#include "support/small_disk.h"
#include "ui/gallery_model.h"

#include <QtTest/QtTest>

#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>

using namespace lightning::ui;
using lightning::testing::FileSizeLimit;
using lightning::testing::gallery_test_image;
using lightning::testing::gallery_test_item;
using lightning::testing::SmallDisk;

namespace {

constexpr const char* kWriterVariable = "LIGHTNING_TEST_GALLERY_WRITER";
constexpr int kCompleteBeforeKill = 2;  // images the child finishes before the one killed

// Noise compresses badly: a PNG of several MB, so the kill lands while it is written.
lightning::Image8 noise_image(int side, uint32_t seed) {
    lightning::Image8 image;
    image.width = side;
    image.height = side;
    image.rgb.resize(size_t(side) * side * 3);
    for (auto& value : image.rgb) {
        seed = seed * 1664525u + 1013904223u;
        value = uint8_t(seed >> 24);
    }
    return image;
}

// The child: writes gallery images into `folder` one after another until killed.
int write_until_killed(const QString& folder) {
    for (uint64_t n = 1;; ++n) {
        const GalleryItem item = gallery_test_item(QStringLiteral("written by the child"), 4, n);
        write_gallery_png(folder, noise_image(1024, uint32_t(n)), item);
    }
}

QStringList files(const QString& folder, const QString& pattern) {
    return QDir(folder).entryList({pattern}, QDir::Files, QDir::Name);
}

QByteArray read_bytes(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QStringList temporaries(const QString& folder) {
    QStringList found;
    for (const QString& name : QDir(folder).entryList(QDir::Files))
        if (lightning::is_atomic_temporary(name.toStdString())) found << name;
    return found;
}

// Waits (inotify) until the `count`-th AtomicFile temporary is created in the folder `watch`
// watches, i.e. until the child has begun writing image number `count`.
bool wait_for_temporary(int inotify_fd, int count) {
    alignas(inotify_event) char buffer[16384];
    int seen = 0;
    while (seen < count) {
        pollfd ready{inotify_fd, POLLIN, 0};
        if (::poll(&ready, 1, 120000) <= 0) return false;
        const ssize_t length = ::read(inotify_fd, buffer, sizeof buffer);
        for (ssize_t at = 0; at < length;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
            if (event->len > 0 && lightning::is_atomic_temporary(event->name)) ++seen;
            at += ssize_t(sizeof(inotify_event) + event->len);
        }
    }
    return true;
}

// The index's file names.
QStringList index_names(const QString& folder) {
    QFile file(QDir(folder).filePath(kIndexFile));
    if (!file.open(QIODevice::ReadOnly)) return {};
    QStringList names;
    for (const QJsonValue& value :
         QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("items")).toArray())
        names << value.toObject().value(QStringLiteral("file")).toString();
    names.sort();
    return names;
}

}  // namespace

class TestGalleryCrashSafety : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void writer_killed_mid_image_leaves_no_partial_png_and_the_index_rebuilds();
    void full_disk_gives_a_clear_error_and_the_gallery_keeps_working();
    void file_size_limit_gives_a_clear_error_and_the_gallery_keeps_working();
    void read_only_gallery_folder_is_reported_not_crashed_on();

private:
    QString make_gallery(const QString& name, int images);
    void check_full_disk(const QString& folder,
                         const std::function<std::shared_ptr<void>(qint64 bytes)>& full_disk,
                         int expected_errno);

    QTemporaryDir root_;
};

void TestGalleryCrashSafety::initTestCase() {
    QVERIFY(root_.isValid());
    // The desktop trash of this test, under the temporary folder.
    qputenv("XDG_DATA_HOME", root_.filePath(QStringLiteral("home/.local/share")).toUtf8());
    QDir().mkpath(root_.filePath(QStringLiteral("home/.local/share")));
}

QString TestGalleryCrashSafety::make_gallery(const QString& name, int images) {
    const QString folder = root_.filePath(name);
    for (int n = 1; n <= images; ++n)
        write_gallery_png(folder, gallery_test_image(64, 64, n),
                          gallery_test_item(QStringLiteral("image %1").arg(n), 4, uint64_t(n)));
    GalleryStore store;
    store.open(folder);  // writes index.json
    return folder;
}

void TestGalleryCrashSafety::
    writer_killed_mid_image_leaves_no_partial_png_and_the_index_rebuilds() {
    const QString folder = make_gallery(QStringLiteral("killed"), 3);
    QCOMPARE(index_names(folder).size(), 3);

    const int watch = ::inotify_init1(IN_CLOEXEC);
    QVERIFY(watch >= 0);
    QVERIFY(::inotify_add_watch(watch, QFile::encodeName(folder).constData(), IN_CREATE) >= 0);
    QProcess child;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QString::fromLatin1(kWriterVariable), folder);
    child.setProcessEnvironment(environment);
    child.start(QCoreApplication::applicationFilePath(), {});
    QVERIFY(child.waitForStarted());
    // SIGKILL as soon as the child creates the temporary of its third image: mid-write.
    const bool began = wait_for_temporary(watch, kCompleteBeforeKill + 1);
    ::kill(pid_t(child.processId()), SIGKILL);
    ::close(watch);
    QVERIFY(child.waitForFinished());
    QVERIFY(began);
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);

    // What the child was writing is only a temporary: no "*.png" name, so no reader sees it.
    const QStringList left = temporaries(folder);
    QCOMPARE(left.size(), 1);
    QVERIFY(!left[0].endsWith(QLatin1String(".png")));
    // Every PNG under its final name is complete: the 3 from before and the child's finished 2.
    const QStringList pngs = files(folder, QStringLiteral("*.png"));
    QCOMPARE(pngs.size(), 3 + kCompleteBeforeKill);
    for (const QString& name : pngs) {
        try {
            const lightning::Image8 image =
                lightning::read_png(QDir(folder).filePath(name).toStdString());
            QVERIFY(image.width > 0);
        } catch (const std::exception& error) {
            QFAIL(error.what());
        }
    }

    // Files of other programs that merely look like temporaries (of "pids" that do not run):
    // not ours, so they stay, also in the app's own gallery folder.
    const QStringList foreign = {QStringLiteral("notes.txt.tmp.99999.7"),
                                 QStringLiteral("report.tmp.424242.1"),
                                 QStringLiteral("x.png.tmp.1.2")};
    for (const QString& name : foreign) {
        QFile file(QDir(folder).filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("the user's");
    }

    // The next open (as the app does it) rebuilds the index from the PNGs and removes the
    // temporary of the killed writer, and nothing else.
    GalleryModel model;
    const QString note = model.open(folder);
    QVERIFY2(note.contains(QLatin1String("removed 1 unfinished file")), qPrintable(note));
    for (const QString& name : foreign)
        QVERIFY2(QFileInfo(QDir(folder).filePath(name)).size() > 0, qPrintable(name));
    QVERIFY2(note.contains(QLatin1String("2 new or changed images read")), qPrintable(note));
    QCOMPARE(model.rowCount(), 3 + kCompleteBeforeKill);
    int from_child = 0;
    for (const GalleryItem& item : model.items())
        from_child += item.record.request.prompt == "written by the child";
    QCOMPARE(from_child, kCompleteBeforeKill);
    QVERIFY(temporaries(folder).isEmpty());
    QCOMPARE(index_names(folder), pngs);

    // A torn index (as a writer without AtomicFile would leave it) is rebuilt from the PNGs.
    {
        QFile index(QDir(folder).filePath(kIndexFile));
        QVERIFY(index.open(QIODevice::ReadWrite));
        QVERIFY(index.resize(index.size() / 2));
    }
    GalleryModel reopened;
    QVERIFY(reopened.open(folder).startsWith(QLatin1String("Gallery index was unreadable")));
    QCOMPARE(reopened.rowCount(), 3 + kCompleteBeforeKill);
    QCOMPARE(index_names(folder), pngs);
}

// The gallery in `folder` (two images) on a disk that `full_disk(bytes)` fills: until the guard it
// returns is released, writing a file of `bytes` or more fails with `expected_errno`. A save and a
// star rewrite fail with a clear error that names the folder and says the disk is full; the images
// and the index stay as they were, nothing partial is left; with space again all works.
void TestGalleryCrashSafety::check_full_disk(
    const QString& folder, const std::function<std::shared_ptr<void>(qint64 bytes)>& full_disk,
    int expected_errno) {
    GalleryModel model;
    model.open(folder);
    QCOMPARE(model.rowCount(), 2);
    const QStringList before = files(folder, QStringLiteral("*"));
    const QByteArray index_before = read_bytes(QDir(folder).filePath(kIndexFile));
    QString error;
    {
        const auto full = full_disk(16 * 1024);
        try {
            write_gallery_png(folder, noise_image(256, 7),
                              gallery_test_item(QStringLiteral("too big"), 4, 7));
        } catch (const lightning::Error& failure) {
            error = QString::fromStdString(failure.what());
        }
    }
    qInfo("reported: %s", qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("could not be saved in the gallery")), qPrintable(error));
    QVERIFY2(error.contains(folder), qPrintable(error));
    QVERIFY2(error.contains(QString::fromLocal8Bit(std::strerror(expected_errno))),
             qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("Free some disk space")), qPrintable(error));
    QCOMPARE(files(folder, QStringLiteral("*")), before);  // nothing partial, no temporary

    // A star rewrite that hits the full disk leaves the PNG as it was and says why.
    const QString starred = model.item(0).file;
    const QByteArray original = read_bytes(starred);
    {
        const auto full = full_disk(original.size() / 2);  // the rewrite is at least as large
        QSignalSpy problems(&model, &GalleryModel::problemOccurred);
        model.set_favourite({0}, true);
        QVERIFY(problems.wait(10000));
        QVERIFY2(problems[0][0].toString().contains(QLatin1String("star could not be saved")),
                 qPrintable(problems[0][0].toString()));
    }
    QVERIFY(!model.item(0).favourite);
    QCOMPARE(read_bytes(starred), original);
    QCOMPARE(files(folder, QStringLiteral("*")), before);
    QCOMPARE(read_bytes(QDir(folder).filePath(kIndexFile)), index_before);
    GalleryModel reopened;
    QCOMPARE(reopened.open(folder), QString());  // the index was not torn
    QCOMPARE(reopened.rowCount(), 2);

    // With space again, the same gallery takes new images and stars.
    const GalleryItem saved = write_gallery_png(
        folder, noise_image(256, 7), gallery_test_item(QStringLiteral("fits now"), 4, 8));
    model.add(saved, QImage(16, 16, QImage::Format_RGB888));
    QCOMPARE(model.rowCount(), 3);
    model.set_favourite({0}, true);
    QTRY_VERIFY(model.item(0).favourite);
}

void TestGalleryCrashSafety::full_disk_gives_a_clear_error_and_the_gallery_keeps_working() {
    // A real full file system: a small tmpfs (support/small_disk.h) that a filler file fills.
    const QString disk = root_.filePath(QStringLiteral("small-disk"));
    SmallDisk small(disk.toStdString(), 1024 * 1024);
    if (!small.mounted()) QSKIP("cannot mount a tmpfs here (needs root)");
    const QString folder = make_gallery(QStringLiteral("small-disk/gallery"), 2);
    const std::string filler = QDir(disk).filePath(QStringLiteral("filler")).toStdString();
    check_full_disk(
        folder,
        [&](qint64) {
            SmallDisk::fill(filler);
            return std::shared_ptr<void>(nullptr, [filler](void*) { std::remove(filler.c_str()); });
        },
        ENOSPC);
}

void TestGalleryCrashSafety::file_size_limit_gives_a_clear_error_and_the_gallery_keeps_working() {
    // The same failure anywhere, simulated with RLIMIT_FSIZE (support/file_size_limit.h): writes
    // past the limit fail with EFBIG, "File too large".
    check_full_disk(
        make_gallery(QStringLiteral("file-size-limit"), 2),
        [](qint64 bytes) {
            auto limit = std::make_shared<FileSizeLimit>(rlim_t(bytes));
            if (!limit->active()) qWarning("RLIMIT_FSIZE could not be set");
            return std::shared_ptr<void>(limit);
        },
        EFBIG);
}

void TestGalleryCrashSafety::read_only_gallery_folder_is_reported_not_crashed_on() {
    if (::geteuid() == 0) QSKIP("root writes into read-only folders: run as another user");
    const QString folder = make_gallery(QStringLiteral("read-only"), 3);
    QVERIFY(QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::ExeOwner |
                                              QFileDevice::ReadGroup | QFileDevice::ExeGroup |
                                              QFileDevice::ReadOther | QFileDevice::ExeOther));
    auto restore = qScopeGuard([&] {
        QFile::setPermissions(
            folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    });
    const QStringList before = files(folder, QStringLiteral("*"));

    // Listed, with the reason new images cannot be saved.
    GalleryModel model;
    QSignalSpy problems(&model, &GalleryModel::problemOccurred);
    QSignalSpy opened(&model, &GalleryModel::opened);
    model.open_async(folder);
    QVERIFY(opened.wait(10000));
    QCOMPARE(model.rowCount(), 3);
    QVERIFY2(model.problem().contains(QLatin1String("cannot be written")),
             qPrintable(model.problem()));
    QVERIFY(model.problem().contains(QString::fromLocal8Bit(std::strerror(EACCES))));
    QCOMPARE(problems.count(), 1);

    // Saving, starring and deleting are refused with a reason; the files stay as they were.
    try {
        write_gallery_png(folder, gallery_test_image(64, 64, 9),
                          gallery_test_item(QStringLiteral("new"), 4, 9));
        QFAIL("an image was written into a read-only folder");
    } catch (const lightning::Error& error) {
        const QString text = QString::fromStdString(error.what());
        QVERIFY2(text.contains(QLatin1String("could not be saved")), error.what());
        QVERIFY2(text.contains(QLatin1String("Choose a gallery folder you can write to")),
                 error.what());
    }
    model.set_favourite({1}, true);
    QVERIFY(problems.wait(10000));
    QVERIFY2(problems.last()[0].toString().contains(QLatin1String("star could not be saved")),
             qPrintable(problems.last()[0].toString()));
    QVERIFY(!model.item(1).favourite);
    QStringList errors;
    const TrashBatch trashed = model.move_to_trash({2}, &errors);
    QVERIFY(trashed.files.isEmpty());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(files(folder, QStringLiteral("*")), before);
}

// The writer child runs before any Qt application object exists; the tests need a QApplication.
int main(int argc, char** argv) {
    if (const QByteArray folder = qgetenv(kWriterVariable); !folder.isEmpty())
        return write_until_killed(QFile::decodeName(folder));
    QApplication app(argc, argv);
    TestGalleryCrashSafety test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "test_gallery_crash_safety.moc"
