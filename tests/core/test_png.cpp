// PNG writing/reading: pixels, tEXt/iTXt/zTXt text with correct encodings, corrupt files and
// atomic writes.
#include "core/image/png.h"
#include "core/io/safetensors.h"
#include "core/util/error.h"
#include "support/errors.h"
#include "support/fixtures.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <functional>

using lightning::Error;
using lightning::Image8;
using lightning::PngText;
using lightning::testing::expect_error;

namespace {

Image8 gradient(int width, int height) {
    Image8 image;
    image.width = width;
    image.height = height;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            image.rgb.push_back(uint8_t(x * 7 + y));
            image.rgb.push_back(uint8_t(255 - x * 3));
            image.rgb.push_back(uint8_t((x * y) ^ 0x5a));
        }
    return image;
}

QByteArray read_bytes(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

uint32_t be32(const QByteArray& b, qsizetype at) {
    const auto* p = reinterpret_cast<const unsigned char*>(b.constData() + at);
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

struct RawChunk {
    QByteArray type;
    QByteArray data;
    bool crc_ok;
};

// Independent chunk walk over the file bytes.
QList<RawChunk> chunks_of(const QByteArray& bytes) {
    QList<RawChunk> chunks;
    for (qsizetype pos = 8; pos + 12 <= bytes.size();) {
        const uint32_t length = be32(bytes, pos);
        RawChunk chunk{bytes.mid(pos + 4, 4), bytes.mid(pos + 8, length), false};
        const uint32_t crc = uint32_t(
            ::crc32(0, reinterpret_cast<const Bytef*>(bytes.constData() + pos + 4), length + 4));
        chunk.crc_ok = crc == be32(bytes, pos + 8 + length);
        chunks << chunk;
        pos += 12 + length;
    }
    return chunks;
}

void append_chunk(QByteArray& out, const QByteArray& type, const QByteArray& data) {
    const uint32_t length = data.size();
    const char be[4] = {char(length >> 24), char(length >> 16), char(length >> 8), char(length)};
    out.append(be, 4);
    const QByteArray body = type + data;
    out.append(body);
    const uint32_t crc =
        uint32_t(::crc32(0, reinterpret_cast<const Bytef*>(body.constData()), body.size()));
    const char c[4] = {char(crc >> 24), char(crc >> 16), char(crc >> 8), char(crc)};
    out.append(c, 4);
}

// A PNG with a "parameters" tEXt and `count` zTXt chunks of other keywords, each inflating to
// 16 MiB (the most one chunk may) of zeros, which deflate 1000:1: `count` 120 makes a 2 MB file.
void write_png_with_compressed_chunks(const std::string& path, int count) {
    lightning::write_png(path, gradient(8, 8), {{{"parameters", "a cat\nSteps: 4, Seed: 1"}}});
    QByteArray bytes = read_bytes(QString::fromStdString(path));
    const QByteArray iend = bytes.right(12);
    bytes.chop(12);
    const QByteArray zeros = qCompress(QByteArray(16 << 20, '\0'), 9).mid(4);  // zlib stream
    for (int i = 0; i < count; ++i)
        append_chunk(bytes, "zTXt", "comment " + QByteArray::number(i) + '\0' + '\0' + zeros);
    bytes += iend;
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", path.c_str());
    file.write(bytes);
}

// Runs `action` in a child process; the growth of its peak resident memory in bytes (-1 when
// the action threw). Memory, not time: the same on a busy machine.
long peak_memory_growth(const std::function<void()>& action) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) qFatal("pipe failed");
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(pipe_fds[0]);
        rusage before{}, after{};
        ::getrusage(RUSAGE_SELF, &before);
        long growth = -1;
        try {
            action();
            ::getrusage(RUSAGE_SELF, &after);
            growth = (after.ru_maxrss - before.ru_maxrss) * 1024;  // ru_maxrss is in KiB
        } catch (...) {
        }
        const ssize_t written = ::write(pipe_fds[1], &growth, sizeof growth);
        ::_exit(written == sizeof growth ? 0 : 1);
    }
    ::close(pipe_fds[1]);
    long growth = -2;
    if (::read(pipe_fds[0], &growth, sizeof growth) != sizeof growth) growth = -2;
    ::close(pipe_fds[0]);
    ::waitpid(child, nullptr, 0);
    return growth;
}

}  // namespace

class TestPng : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void pixelRoundTrip();
    void asciiParametersInText();
    void nonLatin1GoesToITxt();
    void latin1GoesToTextAndRoundTrips();
    void readsZTxtAndCompressedITxt();
    void compressedChunksOfOtherKeysCostNoMemory();
    void inflatedTextHasOneBudgetPerFile();
    void goldenPngPixelsMatchGoldenTensor();
    void corruptFiles();
    void invalidInputs();
    void atomicWriteToMissingFolder();
    void overwriteLeavesOnlyTheFile();
};

void TestPng::pixelRoundTrip() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("a.png").toStdString();
    const Image8 image = gradient(37, 23);  // odd sizes
    lightning::write_png(path, image);
    PngText text;
    const Image8 back = lightning::read_png(path, &text);
    QCOMPARE(back.width, 37);
    QCOMPARE(back.height, 23);
    QVERIFY(back.rgb == image.rgb);
    QVERIFY(text.entries.empty());
    const auto chunks = chunks_of(read_bytes(QString::fromStdString(path)));
    QCOMPARE(chunks.first().type, QByteArray("IHDR"));
    QCOMPARE(chunks.last().type, QByteArray("IEND"));
    for (const auto& c : chunks) QVERIFY(c.crc_ok);
}

void TestPng::asciiParametersInText() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("p.png").toStdString();
    const std::string parameters =
        "a cat\nSteps: 4, Sampler: Euler, CFG scale: 0, Seed: 42, Size: 64x64";
    lightning::write_png(path, gradient(8, 8), {{{"parameters", parameters}}});
    const auto chunks = chunks_of(read_bytes(QString::fromStdString(path)));
    int text_chunks = 0;
    for (const auto& c : chunks) {
        QVERIFY(c.crc_ok);
        if (c.type == "tEXt") {
            QCOMPARE(c.data,
                     QByteArray("parameters") + '\0' + QByteArray::fromStdString(parameters));
            ++text_chunks;
        }
        QVERIFY(c.type != "iTXt" && c.type != "zTXt");
    }
    QCOMPARE(text_chunks, 1);
    QCOMPARE(chunks[chunks.size() - 2].type, QByteArray("tEXt"));  // just before IEND
    QCOMPARE(lightning::read_png_text(path).entries.at("parameters"), parameters);
}

void TestPng::nonLatin1GoesToITxt() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("cjk.png").toStdString();
    const std::string prompt = "\u732b\u306e\u5199\u771f \U0001F431 caf\u00e9";  // 猫の写真 🐱 café
    lightning::write_png(path, gradient(4, 4),
                         {{{"parameters", prompt}, {"Software", "Lightning"}}});
    const auto chunks = chunks_of(read_bytes(QString::fromStdString(path)));
    QByteArray itxt, text;
    for (const auto& c : chunks) {
        QVERIFY(c.crc_ok);
        if (c.type == "iTXt") itxt = c.data;
        if (c.type == "tEXt") text = c.data;
    }
    // keyword \0 flag 0, method 0, empty language \0, empty translated keyword \0, UTF-8 text.
    QCOMPARE(itxt,
             QByteArray("parameters") + QByteArray(5, '\0') + QByteArray::fromStdString(prompt));
    QCOMPARE(text, QByteArray("Software") + '\0' + "Lightning");
    PngText read;
    lightning::read_png(path, &read, lightning::TextKeys::every());
    QCOMPARE(read.entries.at("parameters"), prompt);
    QCOMPARE(read.entries.at("Software"), std::string("Lightning"));
}

void TestPng::latin1GoesToTextAndRoundTrips() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("e.png").toStdString();
    const std::string prompt = "caf\u00e9 na\u00efve \u00bd";  // café naïve ½ (all Latin-1)
    lightning::write_png(path, gradient(4, 4), {{{"parameters", prompt}}});
    QByteArray text;
    for (const auto& c : chunks_of(read_bytes(QString::fromStdString(path)))) {
        QVERIFY(c.type != "iTXt");
        if (c.type == "tEXt") text = c.data;
    }
    // Stored as Latin-1 bytes (é = 0xE9), not UTF-8.
    QCOMPARE(text, QByteArray("parameters") + '\0' + QByteArray("caf\xe9 na\xefve \xbd"));
    QCOMPARE(lightning::read_png_text(path).entries.at("parameters"), prompt);
}

void TestPng::readsZTxtAndCompressedITxt() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("z.png").toStdString();
    lightning::write_png(path, gradient(3, 3));
    QByteArray bytes = read_bytes(QString::fromStdString(path));
    const QByteArray iend = bytes.right(12);
    bytes.chop(12);
    const QByteArray latin1 = "r\xe9sum\xe9 long text long text long text";
    append_chunk(bytes, "zTXt", QByteArray("Comment") + '\0' + '\0' + qCompress(latin1).mid(4));
    const std::string utf8 = "\u732b compressed \u732b compressed";
    append_chunk(bytes, "iTXt",
                 QByteArray("Title") + '\0' + '\1' + '\0' + "ja" + '\0' + "\xe3\x82\xbf" + '\0' +
                     qCompress(QByteArray::fromStdString(utf8)).mid(4));
    bytes += iend;
    QFile file(QString::fromStdString(path));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
    file.close();
    const PngText text = lightning::read_png_text(path, lightning::TextKeys::every());
    QCOMPARE(text.entries.at("Comment"),
             std::string("r\u00e9sum\u00e9 long text long text long text"));
    QCOMPARE(text.entries.at("Title"), utf8);
}

// Guards issue #26 item 8: every zTXt/iTXt chunk was inflated (16 MiB each) and kept, so a
// 2 MB PNG of 120 such chunks took 2.2 GB to read its parameters. Only the entries the program
// reads are decoded now.
void TestPng::compressedChunksOfOtherKeysCostNoMemory() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("bomb.png").toStdString();
    write_png_with_compressed_chunks(path, 120);
    QVERIFY(QFileInfo(QString::fromStdString(path)).size() < 3'000'000);
    const long growth = peak_memory_growth([&] {
        const PngText text = lightning::read_png_text(path);
        if (text.entries.at("parameters") != "a cat\nSteps: 4, Seed: 1") throw Error("", "");
    });
    QVERIFY2(growth >= 0, "reading the parameters failed");
    QVERIFY2(growth < 100'000'000,
             qPrintable(QString("reading the parameters took %1 MB").arg(growth / 1'000'000)));
}

// All entries asked for: the chunks together may inflate to 16 MiB, beyond that the file is
// refused by name.
void TestPng::inflatedTextHasOneBudgetPerFile() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("two.png").toStdString();
    write_png_with_compressed_chunks(path, 2);  // 32 MiB in all
    const Error e =
        expect_error([&] { lightning::read_png_text(path, lightning::TextKeys::every()); });
    QVERIFY2(e.where().starts_with(path), e.what());
    QVERIFY2(e.message().find("16 MiB") != std::string::npos, e.what());
    // One such chunk fits.
    write_png_with_compressed_chunks(path, 1);
    QCOMPARE(lightning::read_png_text(path, lightning::TextKeys::every()).entries.size(),
             size_t(2));
}

void TestPng::goldenPngPixelsMatchGoldenTensor() {
    const std::string golden = lightning::testing::golden_dir() + "/pipelines/";
    const Image8 image = lightning::read_png(golden + "lightning_4step_w96_h64_seed42.png");
    QCOMPARE(image.width, 96);
    QCOMPARE(image.height, 64);
    const auto tensors =
        lightning::SafeTensorsFile::open(golden + "lightning_4step_w96_h64_seed42.safetensors");
    const at::Tensor expected = tensors->load("image_uint8").contiguous();  // 1xHxWx3
    QCOMPARE(expected.numel(), int64_t(image.rgb.size()));
    QVERIFY(std::memcmp(expected.data_ptr<uint8_t>(), image.rgb.data(), image.rgb.size()) == 0);

    // Writing them back and reading again is lossless.
    QTemporaryDir dir;
    const std::string path = dir.filePath("copy.png").toStdString();
    lightning::write_png(path, image);
    QVERIFY(lightning::read_png(path).rgb == image.rgb);
}

void TestPng::corruptFiles() {
    QTemporaryDir dir;
    const std::string good = dir.filePath("good.png").toStdString();
    lightning::write_png(good, gradient(16, 16), {{{"parameters", "x"}}});
    const QByteArray bytes = read_bytes(QString::fromStdString(good));

    struct Case {
        const char* name;
        QByteArray bytes;
        const char* message;
    };
    QByteArray bad_crc = bytes;
    bad_crc[bytes.indexOf("IDAT") + 6] = char(bad_crc[bytes.indexOf("IDAT") + 6] ^ 0x40);
    const std::vector<Case> cases{
        {"truncated", bytes.left(bytes.size() / 2), "truncated PNG"},
        {"no IEND", bytes.left(bytes.size() - 12), "truncated PNG"},
        {"not png", QByteArray("GIF89a......"), "not a PNG file"},
        {"empty", QByteArray(), "not a PNG file"},
        {"bad crc", bad_crc, "CRC mismatch in chunk 'IDAT'"},
    };
    for (const auto& c : cases) {
        const std::string path = dir.filePath(QString(c.name) + ".png").toStdString();
        QFile file(QString::fromStdString(path));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(c.bytes);
        file.close();
        for (int text_only = 0; text_only < 2; ++text_only) {
            const Error e = expect_error([&] {
                if (text_only)
                    lightning::read_png_text(path);
                else
                    lightning::read_png(path);
            });
            QCOMPARE(e.where(), path);
            QVERIFY2(e.message().find(c.message) != std::string::npos, e.what());
        }
    }
    const Error e = expect_error([] { lightning::read_png("/nonexistent/x.png"); });
    QCOMPARE(e.where(), std::string("/nonexistent/x.png"));
}

void TestPng::invalidInputs() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("bad.png").toStdString();
    Image8 wrong = gradient(4, 4);
    wrong.rgb.pop_back();
    Error e = expect_error([&] { lightning::write_png(path, wrong); });
    QVERIFY(e.message().find("expected width*height*3") != std::string::npos);
    expect_error([&] { lightning::write_png(path, Image8{}); });
    e = expect_error([&] {
        lightning::write_png(path, gradient(2, 2), {{{"parameters", "\xff\xfe"}}});
    });
    QVERIFY2(e.message().find("not valid UTF-8") != std::string::npos, e.what());
    e = expect_error([&] { lightning::write_png(path, gradient(2, 2), {{{"\u732b", "x"}}}); });
    QVERIFY2(e.message().find("keyword must be Latin-1") != std::string::npos, e.what());
    expect_error([&] { lightning::write_png(path, gradient(2, 2), {{{"", "x"}}}); });
    QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
}

void TestPng::atomicWriteToMissingFolder() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("missing/out.png").toStdString();
    const Error e = expect_error([&] { lightning::write_png(path, gradient(2, 2)); });
    QCOMPARE(e.where(), path);
    QVERIFY2(e.message().find("No such file or directory") != std::string::npos, e.what());
    QVERIFY(QDir(dir.path())
                .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)
                .isEmpty());
}

void TestPng::overwriteLeavesOnlyTheFile() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("o.png").toStdString();
    lightning::write_png(path, gradient(2, 2), {{{"parameters", "first"}}});
    lightning::write_png(path, gradient(3, 2), {{{"parameters", "second"}}});
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"o.png"});
    QCOMPARE(lightning::read_png_text(path).entries.at("parameters"), std::string("second"));
    QCOMPARE(lightning::read_png(path).width, 3);
}

QTEST_GUILESS_MAIN(TestPng)
#include "test_png.moc"
