// Editing a PNG's text chunks in place (a gallery star), reading only the text chunks of large
// files, and recognising the temporaries of AtomicFile writers that were killed mid-write.
#include "core/image/png.h"
#include "core/image/png_text_edit.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "support/errors.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <sys/wait.h>
#include <unistd.h>

using lightning::Error;
using lightning::Image8;
using lightning::PngText;

namespace {

Image8 noise(int side) {
    Image8 image;
    image.width = side;
    image.height = side;
    uint32_t state = 12345;
    for (int i = 0; i < side * side * 3; ++i) {
        state = state * 1664525u + 1013904223u;
        image.rgb.push_back(uint8_t(state >> 24));
    }
    return image;
}

std::vector<unsigned char> file_bytes(const std::string& path) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly)) qFatal("cannot read %s", path.c_str());
    const QByteArray bytes = file.readAll();
    return {bytes.begin(), bytes.end()};
}

void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", path.c_str());
    file.write(reinterpret_cast<const char*>(bytes.data()), qint64(bytes.size()));
}

// Every chunk that is not text, header and data bytes as stored.
std::vector<std::vector<unsigned char>> other_chunks(const std::vector<unsigned char>& bytes) {
    std::vector<std::vector<unsigned char>> kept;
    for (const lightning::PngChunk& chunk : lightning::parse_png_chunks(bytes, "<test>"))
        if (!lightning::is_png_text_chunk(chunk.type))
            kept.emplace_back(bytes.begin() + chunk.data_offset - 8,
                              bytes.begin() + chunk.data_offset + chunk.length + 4);
    return kept;
}

// testing::error_of as a QString, for QString's contains().
QString error_of(const std::function<void()>& action) {
    return QString::fromStdString(lightning::testing::error_of(action));
}

}  // namespace

class TestPngTextEdit : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void replace_changes_only_the_named_entries();
    void rewrite_is_atomic_and_reads_back();
    void fast_reader_matches_the_full_reader();
    void fast_reader_rejects_broken_files();
    void refusing_commit_keeps_a_file_written_meanwhile();
    void refusing_png_writer_keeps_a_file_written_meanwhile();
    void recognises_atomic_temporaries();
    void removes_only_its_own_temporaries_of_dead_writers();
};

void TestPngTextEdit::replace_changes_only_the_named_entries() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("a.png").toStdString();
    lightning::write_png(
        path, noise(32),
        {{{"parameters", "a cat\nSteps: 4"}, {"other", "kept 猫"}, {"gone", "x"}}});
    const std::vector<unsigned char> before = file_bytes(path);
    PngText updates;
    updates.entries["parameters"] = "a dog\nSteps: 2";
    updates.entries["lightning-studio"] = R"({"favourite":true})";
    updates.entries["gone"] = "";  // empty: removed
    const std::vector<unsigned char> after = lightning::replace_png_text(before, updates, path);

    QVERIFY(other_chunks(after) == other_chunks(before));  // IHDR, IDAT, IEND byte for byte
    const PngText text = lightning::parse_png_text(after, path, lightning::TextKeys::every());
    QCOMPARE(text.entries.size(), size_t(3));
    QCOMPARE(text.entries.at("parameters"), std::string("a dog\nSteps: 2"));
    QCOMPARE(text.entries.at("other"), std::string("kept 猫"));
    QCOMPARE(text.entries.at("lightning-studio"), std::string(R"({"favourite":true})"));
    // A valid PNG for other readers too (the pixel decoder checks the framing and CRCs).
    const std::string edited = dir.filePath("edited.png").toStdString();
    write_bytes(edited, after);
    QVERIFY(lightning::read_png(edited).rgb == noise(32).rgb);
}

void TestPngTextEdit::rewrite_is_atomic_and_reads_back() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("b.png").toStdString();
    const Image8 image = noise(16);
    lightning::write_png(path, image, {{{"parameters", "one"}}});
    lightning::rewrite_png_text(path, {{{"parameters", "two"}}});
    PngText text;
    QVERIFY(lightning::read_png(path, &text).rgb == image.rgb);
    QCOMPARE(text.entries.at("parameters"), std::string("two"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("b.png")});

    // A missing file is an error naming it; nothing is created.
    const std::string missing = dir.filePath("missing.png").toStdString();
    QVERIFY(error_of([&] {
                lightning::rewrite_png_text(missing, {{{"parameters", "x"}}});
            }).contains(QLatin1String("missing.png")));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
}

void TestPngTextEdit::fast_reader_matches_the_full_reader() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("c.png").toStdString();
    // Latin-1 goes to tEXt, other text to iTXt: both kinds are read.
    lightning::write_png(path, noise(256),
                         {{{"parameters", "café"}, {"lightning-studio", "猫 {}"}}});
    const PngText fast = lightning::read_png_text_fast(path);
    QCOMPARE(fast.entries.size(), size_t(2));
    QCOMPARE(fast.entries, lightning::read_png_text(path).entries);
}

void TestPngTextEdit::fast_reader_rejects_broken_files() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("d.png").toStdString();
    lightning::write_png(path, noise(64), {{{"parameters", "p"}}});
    const std::vector<unsigned char> good = file_bytes(path);

    // Cut short, as a writer without AtomicFile killed mid-write would leave it.
    const std::string cut = dir.filePath("cut.png").toStdString();
    write_bytes(cut, {good.begin(), good.begin() + good.size() / 2});
    QVERIFY(
        error_of([&] { lightning::read_png_text_fast(cut); }).contains(QLatin1String("truncated")));

    // A damaged text chunk (its CRC no longer matches).
    std::vector<unsigned char> damaged = good;
    for (const auto& chunk : lightning::parse_png_chunks(good, path))
        if (lightning::is_png_text_chunk(chunk.type)) damaged[chunk.data_offset] ^= 0x20;
    const std::string bad = dir.filePath("bad.png").toStdString();
    write_bytes(bad, damaged);
    QVERIFY(!error_of([&] { lightning::read_png_text_fast(bad); }).isEmpty());

    const std::string text = dir.filePath("text.png").toStdString();
    write_bytes(text, {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!'});
    QVERIFY(error_of([&] {
                lightning::read_png_text_fast(text);
            }).contains(QLatin1String("not a PNG")));
}

// Guards issue #26 item 2: an output checked to be free before a long generation was replaced
// by rename() when another process wrote it meanwhile, and both reported success.
void TestPngTextEdit::refusing_commit_keeps_a_file_written_meanwhile() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("race.png").toStdString();
    lightning::AtomicFile file(path, lightning::IfExists::Refuse);
    file.write("mine", 4);
    write_bytes(path,
                {'t', 'h', 'e', 'i', 'r', 's'});  // the other process, between open and commit
    bool refused = false;
    try {
        file.commit();
    } catch (const lightning::TargetExists& e) {
        refused = true;
        QCOMPARE(e.where(), path);
        QVERIFY2(std::string(e.what()).find("not replaced") != std::string::npos, e.what());
    }
    QVERIFY(refused);
    QVERIFY((file_bytes(path) == std::vector<unsigned char>{'t', 'h', 'e', 'i', 'r', 's'}));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"race.png"});

    // A free name is taken as usual; Replace (the default) still replaces.
    const std::string free = dir.filePath("free.png").toStdString();
    lightning::AtomicFile first(free, lightning::IfExists::Refuse);
    first.write("one", 3);
    first.commit();
    QVERIFY((file_bytes(free) == std::vector<unsigned char>{'o', 'n', 'e'}));
    lightning::AtomicFile second(free);
    second.write("two", 3);
    second.commit();
    QVERIFY((file_bytes(free) == std::vector<unsigned char>{'t', 'w', 'o'}));
}

void TestPngTextEdit::refusing_png_writer_keeps_a_file_written_meanwhile() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("taken.png").toStdString();
    lightning::write_png(path, noise(8), {{{"parameters", "first"}}});
    const std::vector<unsigned char> before = file_bytes(path);
    QVERIFY(error_of([&] {
                lightning::write_png(path, noise(16), {{{"parameters", "second"}}},
                                     lightning::IfExists::Refuse);
            }).contains(QLatin1String("taken.png: exists")));
    QVERIFY(file_bytes(path) == before);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"taken.png"});
}

void TestPngTextEdit::recognises_atomic_temporaries() {
    long pid = 0;
    QVERIFY(lightning::is_atomic_temporary("image.png.tmp.lightning-4242-7", &pid));
    QCOMPARE(pid, 4242L);
    QVERIFY(lightning::is_atomic_temporary("index.json.tmp.lightning-1-0"));
    QCOMPARE(lightning::atomic_temporary_name("/a/b.png", 12, 3),
             std::string("/a/b.png.tmp.lightning-12-3"));
    QVERIFY(lightning::is_atomic_temporary(lightning::atomic_temporary_name("b.png", 12, 3)));
    QVERIFY(!lightning::is_atomic_temporary("image.png"));
    QVERIFY(!lightning::is_atomic_temporary("image.png.tmp.lightning-42"));    // no counter
    QVERIFY(!lightning::is_atomic_temporary("image.png.tmp.lightning-x2-7"));  // pid not a number
    QVERIFY(!lightning::is_atomic_temporary("image.tmp.lightning-4-7.png"));   // a PNG's own name
    QVERIFY(!lightning::is_atomic_temporary(".tmp.lightning-1-2"));            // no NAME
    // Other programs' temporaries, even of the old "NAME.tmp.PID.N" form, are not ours.
    QVERIFY(!lightning::is_atomic_temporary("image.png.tmp.4242.7"));
    QVERIFY(!lightning::is_atomic_temporary("notes.txt.tmp.99999.7"));
    QVERIFY(!lightning::is_atomic_temporary("report.tmp.424242.1"));
    QVERIFY(!lightning::is_atomic_temporary("image.png.temp.4242.7"));
}

void TestPngTextEdit::removes_only_its_own_temporaries_of_dead_writers() {
    // A process that has exited: its pid names no running process (until reused, which takes
    // the kernel a full cycle of pids).
    const pid_t dead = ::fork();
    if (dead == 0) ::_exit(0);
    QVERIFY(dead > 0);
    ::waitpid(dead, nullptr, 0);

    QTemporaryDir dir;
    const auto temporary = [](const char* name, long pid) {
        return QString::fromStdString(lightning::atomic_temporary_name(name, pid, 0));
    };
    const QString abandoned = temporary("a.png", dead);
    const QString ours = temporary("b.png", ::getpid());
    // Files of the user's that look like temporaries of other programs, of dead "pids".
    const QStringList foreign = {QStringLiteral("notes.txt.tmp.%1.7").arg(dead),
                                 QStringLiteral("report.tmp.%1.1").arg(dead),
                                 QStringLiteral("x.tmp.1.2")};
    for (const QString& name : QStringList{abandoned, ours, QStringLiteral("c.png")} + foreign) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    // A folder with our form is not a file: left alone.
    QVERIFY(QDir(dir.path()).mkdir(temporary("d.png", dead)));
    const auto removed = lightning::remove_abandoned_temporaries(dir.path().toStdString());
    QCOMPARE(removed, std::vector<std::string>{abandoned.toStdString()});
    QStringList left = QDir(dir.path()).entryList(QDir::Files);
    left.sort();
    QStringList expected = QStringList{ours, QStringLiteral("c.png")} + foreign;
    expected.sort();
    QCOMPARE(left, expected);
    QVERIFY(QFileInfo(dir.filePath(temporary("d.png", dead))).isDir());
}

QTEST_GUILESS_MAIN(TestPngTextEdit)
#include "test_png_text_edit.moc"
