// The desktop app's way to a server: core/serve/remote_engine.h against a `lightning serve` this
// test starts on 127.0.0.1 (the tiny fixture model). The remote image is the one local generation
// makes for the same request, previews arrive for every step, a cancel stops the server's job,
// and a wrong key, a missing server or a server gone mid-job are errors that name the URL.
#include "core/image/png.h"
#include "core/serve/remote_engine.h"
#include "support/errors.h"
#include "support/fixtures.h"
#include "support/http_client.h"

#include <QTemporaryDir>

using namespace lightning;
using namespace lightning::testing;
using lightning::serve::RemoteEngine;
using lightning::serve::RemotePng;
using lightning::serve::RemoteServer;

namespace {

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

QStringList model_args() {
    return {"--model", q(fixtures_dir() + "/tiny-sdxl"), "--lightning",
            q(fixtures_dir() + "/tiny-lightning")};
}

GenerationRequest small_request(uint64_t seed) {
    GenerationRequest request;
    request.prompt = "a lighthouse at dusk";
    request.steps = 4;
    request.guidance = 0;
    request.width = request.height = 64;
    request.seed = seed;
    return request;
}

// Many steps to go when the first step is reported: a cancel or a kill lands in between.
GenerationRequest long_request() {
    GenerationRequest request = small_request(3);
    request.steps = 8;
    request.batch = 8;
    request.width = request.height = 256;
    return request;
}

// `lightning generate --from PNG` (the same request, run locally): its pixels.
Image8 generated_locally(const QTemporaryDir& dir, const std::vector<unsigned char>& png) {
    const QString from = dir.filePath("remote.png"), out = dir.filePath("local.png");
    QFile file(from);
    file.open(QIODevice::WriteOnly);
    file.write(reinterpret_cast<const char*>(png.data()), qint64(png.size()));
    file.close();
    QProcess process;
    process.start(q(cli_path()), QStringList{"generate", "--from", from} + model_args() +
                                     QStringList{"--out", out, "--log-level", "warn"});
    process.waitForFinished(300000);
    if (process.exitCode() != 0) qWarning() << process.readAllStandardError();
    return read_png(out.toStdString());
}

}  // namespace

class TestServeRemote : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    ServerProcess server_;

    RemoteEngine remote(const std::string& key = {}) {
        return RemoteEngine(RemoteServer{server_.url("").toStdString(), key});
    }
    nlohmann::json health() {
        return HttpCall(dir_.path(), "GET", server_.url("/health")).finish().json();
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QVERIFY2(server_.start(model_args()), qPrintable(server_.log()));
    }

    void remote_generate_gives_the_pixels_of_local_generate() {
        std::vector<RemotePng> pngs;
        std::vector<Image8> images;
        std::vector<ImageRecord> records;
        EngineCallbacks callbacks;
        callbacks.on_image = [&](const ImageEvent& event) {
            images.push_back(event.image->pixels);
            records.push_back(event.record);
        };
        const auto result = remote().generate(small_request(42), callbacks,
                                              [&](const RemotePng& png) { pngs.push_back(png); });
        QVERIFY(!result.run.cancelled);
        QCOMPARE(pngs.size(), size_t(1));
        QCOMPARE(images.size(), size_t(1));
        QCOMPARE(records.at(0).request.seed, uint64_t(42));
        // The PNG's own text is the server's parameters, byte for byte.
        PngText text;
        const QString saved = dir_.filePath("as-sent.png");
        QFile file(saved);
        file.open(QIODevice::WriteOnly);
        file.write(reinterpret_cast<const char*>(pngs[0].png.data()), qint64(pngs[0].png.size()));
        file.close();
        const Image8 in_file = read_png(saved.toStdString(), &text);
        QCOMPARE(text.entries.at("parameters"), pngs[0].parameters);
        QVERIFY(in_file.rgb == images[0].rgb);
        const Image8 local = generated_locally(dir_, pngs[0].png);
        QCOMPARE(local.width, images[0].width);
        QVERIFY(local.rgb == images[0].rgb);
    }

    void previews_arrive_for_every_step() {
        std::vector<int> steps;
        int previews = 0;
        EngineCallbacks callbacks;
        callbacks.on_step = [&](const StepEvent& step) {
            steps.push_back(step.step);
            QCOMPARE(step.total_steps, 4);
            previews += step.preview.width > 0 ? 1 : 0;
        };
        remote().generate(small_request(7), callbacks);
        QCOMPARE(steps, std::vector<int>({0, 1, 2, 3}));
        QCOMPARE(previews, 4);
    }

    void cancel_stops_the_server_job() {
        const int cancelled_before = health()["cancelled"].get<int>();
        int steps = 0, images = 0;
        EngineCallbacks callbacks;
        callbacks.on_step = [&](const StepEvent&) { ++steps; };
        callbacks.on_image = [&](const ImageEvent&) { ++images; };
        callbacks.should_cancel = [&] { return steps > 0; };
        const auto result = remote().generate(long_request(), callbacks);
        QVERIFY(result.run.cancelled);
        QVERIFY(images < 8);
        // The server's job ends as cancelled, not run to its end.
        nlohmann::json now;
        for (int polls = 0; polls < 6000; ++polls) {
            now = health();
            if (now["cancelled"].get<int>() > cancelled_before) break;
            QTest::qWait(50);
        }
        QCOMPARE(now["cancelled"].get<int>(), cancelled_before + 1);
    }

    void wrong_key_is_a_clear_error_and_the_right_key_works() {
        const QString key_file = dir_.filePath("key.txt");
        QFile file(key_file);
        file.open(QIODevice::WriteOnly);
        file.write("s3cr3t\n");
        file.close();
        ServerProcess keyed;
        QVERIFY2(keyed.start(model_args() + QStringList{"--api-key-file", key_file}),
                 qPrintable(keyed.log()));
        const std::string url = keyed.url("").toStdString();
        RemoteEngine wrong(RemoteServer{url, "wrong"});
        const std::string message = error_of([&] { wrong.generate(small_request(1), {}); });
        QVERIFY2(message.find(url) != std::string::npos, message.c_str());
        QVERIFY2(message.find("API key was refused") != std::string::npos, message.c_str());
        QVERIFY(error_of([&] { wrong.check(); }).find("API key was refused") != std::string::npos);
        RemoteEngine right(RemoteServer{url, "s3cr3t"});
        QCOMPARE(right.check()["status"].get<std::string>(), std::string("ok"));
        int images = 0;
        EngineCallbacks callbacks;
        callbacks.on_image = [&](const ImageEvent&) { ++images; };
        right.generate(small_request(1), callbacks);
        QCOMPARE(images, 1);
    }

    void no_server_there_is_an_error_naming_the_url() {
        ServerProcess gone;
        QVERIFY2(gone.start(model_args()), qPrintable(gone.log()));
        const std::string url = gone.url("").toStdString();
        QCOMPARE(gone.terminate(), 0);
        RemoteEngine engine(RemoteServer{url, ""});
        const std::string message = error_of([&] { engine.generate(small_request(1), {}); });
        QVERIFY2(message.find(url) != std::string::npos, message.c_str());
        QVERIFY2(message.find("cannot connect") != std::string::npos, message.c_str());
        QVERIFY(error_of([] {
                    RemoteEngine(RemoteServer{"https://x:1", ""});
                }).find("http://HOST:PORT") != std::string::npos);
    }

    void server_gone_mid_job_is_an_error_naming_the_url() {
        ServerProcess dying;
        QVERIFY2(dying.start(model_args()), qPrintable(dying.log()));
        const std::string url = dying.url("").toStdString();
        RemoteEngine engine(RemoteServer{url, "", 5, 10});
        EngineCallbacks callbacks;
        bool killed = false;
        callbacks.on_step = [&](const StepEvent&) {
            if (!killed) dying.signal(SIGKILL);
            killed = true;
        };
        const std::string message = error_of([&] { engine.generate(long_request(), callbacks); });
        QVERIFY(killed);
        QVERIFY2(message.find(url) != std::string::npos, message.c_str());
        QVERIFY2(message.find("stopped without an end") != std::string::npos, message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestServeRemote)
#include "test_serve_remote.moc"
