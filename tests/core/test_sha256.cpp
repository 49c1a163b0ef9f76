// SHA-256 against coreutils' sha256sum (an independent implementation) on inputs around every
// padding boundary, multi-chunk files and a fixture model file.
#include "core/util/error.h"
#include "core/util/sha256.h"
#include "support/fixtures.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>
#include <random>

using lightning::Sha256;

namespace {

std::string reference_sha256(const QString& path) {
    QProcess process;
    process.start("sha256sum", {path});
    if (!process.waitForFinished(60000) || process.exitCode() != 0) return "sha256sum failed";
    return process.readAllStandardOutput().left(64).toStdString();
}

std::string random_bytes(size_t size, uint32_t seed) {
    std::mt19937 generator(seed);
    std::string bytes(size, '\0');
    for (auto& c : bytes) c = char(generator());
    return bytes;
}

}  // namespace

class TestSha256 : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matches_sha256sum_around_block_boundaries() {
        QTemporaryDir dir;
        const QString path = dir.filePath("data");
        for (size_t size : {0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000}) {
            const auto bytes = random_bytes(size, uint32_t(size));
            std::ofstream(path.toStdString(), std::ios::binary).write(bytes.data(), bytes.size());
            QCOMPARE(lightning::sha256_hex(bytes), reference_sha256(path));
            QCOMPARE(lightning::sha256_file(path.toStdString()), reference_sha256(path));
        }
    }

    void split_updates_equal_one_update() {
        const auto bytes = random_bytes(5000, 7);
        Sha256 pieces;
        for (size_t at = 0, step = 1; at < bytes.size(); at += step, step = step * 3 % 97 + 1)
            pieces.update(bytes.data() + at, std::min(step, bytes.size() - at));
        QCOMPARE(pieces.finish_hex(), lightning::sha256_hex(bytes));
    }

    void file_larger_than_one_read_chunk() {
        QTemporaryDir dir;
        const QString path = dir.filePath("big");
        const auto bytes = random_bytes((8 << 20) + 12345, 11);
        std::ofstream(path.toStdString(), std::ios::binary).write(bytes.data(), bytes.size());
        uint64_t last_done = 0, last_total = 0;
        const auto hex =
            lightning::sha256_file(path.toStdString(), [&](uint64_t done, uint64_t total) {
                last_done = done;
                last_total = total;
                return true;
            });
        QCOMPARE(hex, reference_sha256(path));
        QCOMPARE(last_done, uint64_t(bytes.size()));
        QCOMPARE(last_total, uint64_t(bytes.size()));
    }

    void fixture_model_file() {
        const auto path = lightning::testing::fixtures_dir() +
                          "/tiny-lightning/sdxl_lightning_4step_lora.safetensors";
        QCOMPARE(lightning::sha256_file(path), reference_sha256(QString::fromStdString(path)));
    }

    void missing_file_and_cancel_are_reported() {
        try {
            lightning::sha256_file("/nonexistent/file");
            QFAIL("no error");
        } catch (const lightning::Error& e) {
            QVERIFY(std::string(e.what()).find("/nonexistent/file") != std::string::npos);
        }
        QTemporaryDir dir;
        const QString path = dir.filePath("data");
        std::ofstream(path.toStdString()) << "x";
        QVERIFY_THROWS_EXCEPTION(
            lightning::Cancelled,
            lightning::sha256_file(path.toStdString(), [](uint64_t, uint64_t) { return false; }));
    }
};

QTEST_GUILESS_MAIN(TestSha256)
#include "test_sha256.moc"
