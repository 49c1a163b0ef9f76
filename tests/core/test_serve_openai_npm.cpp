// `lightning serve` with a client nobody here wrote: the official `openai` npm package
// (tests/clients/openai, pinned by its package-lock.json; scripts/bootstrap.sh installs Node.js
// and runs `npm ci` there) calls images.generate against a server this test starts on
// 127.0.0.1 with the tiny fixture model. A missing node or package is a failure, not a skip.
#include "core/image/png.h"
#include "core/request/parameters.h"
#include "support/fixtures.h"
#include "support/http_client.h"

#include <QStandardPaths>
#include <QTemporaryDir>

using namespace lightning;
using namespace lightning::testing;
using nlohmann::json;

class TestServeOpenaiNpm : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void images_generate_returns_pngs_of_the_asked_size_and_errors_reach_the_client() {
        const QString client = qEnvironmentVariable("LIGHTNING_TEST_CLIENTS") + "/openai";
        const QString node = QStandardPaths::findExecutable("node");
        QVERIFY2(!node.isEmpty(), "node (Node.js) not found: scripts/bootstrap.sh installs it");
        QVERIFY2(QFile::exists(client + "/node_modules/openai/package.json"),
                 qPrintable("the openai package is not installed: npm ci in " + client +
                            " (scripts/bootstrap.sh does)"));
        QTemporaryDir dir;
        ServerProcess server;
        QVERIFY2(server.start({"--model", QString::fromStdString(fixtures_dir() + "/tiny-sdxl"),
                               "--lightning",
                               QString::fromStdString(fixtures_dir() + "/tiny-lightning")}),
                 qPrintable(server.log()));
        QProcess process;
        process.start(node, {client + "/generate.mjs", server.url("/v1"), dir.path()});
        QVERIFY(process.waitForFinished(600000));
        const QByteArray out = process.readAllStandardOutput();
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
        const json result = json::parse(out.toStdString());
        QCOMPARE(result["images"].size(), size_t(2));
        for (size_t i = 0; i < 2; ++i) {
            PngText text;
            const Image8 image = read_png(result["images"][i].get<std::string>(), &text);
            QCOMPARE(image.width, 64);
            QCOMPARE(image.height, 64);
            const auto record = parse_parameters(text.entries.at("parameters"));
            QVERIFY(record && record->request.seed == 11 + i && record->request.steps == 2);
        }
        QCOMPARE(result["refused"]["status"].get<int>(), 400);
        QVERIFY2(
            result["refused"]["message"].get<std::string>().find("b64_json") != std::string::npos,
            out.constData());
    }
};

QTEST_GUILESS_MAIN(TestServeOpenaiNpm)
#include "test_serve_openai_npm.moc"
