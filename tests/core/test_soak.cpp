// 500 generations of the tiny model in one process through the engine, switching checkpoints
// and batch sizes as a long app session does: host memory and open files must stay flat.
#include "core/engine/engine.h"
#include "core/util/devices.h"
#include "support/fixtures.h"

#include <QtTest/QtTest>

using namespace lightning;

class TestSoak : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fiveHundredGenerationsKeepMemoryAndFilesFlat() {
        EngineOptions options;
        options.models.base = testing::fixtures_dir() + "/tiny-sdxl";
        options.models.lightning_dir = testing::fixtures_dir() + "/tiny-lightning";
        options.preview = PreviewMode::Reduced;
        const auto engine = Engine::load(options);
        constexpr int kWarmUp = 50, kTotal = 500;
        // Mostly short runs (this is about leaks, not speed), every checkpoint now and then.
        const int steps_cycle[] = {1, 2, 1, 2, 4, 1, 2, 1, 2, 8};
        uint64_t rss_after_warm_up = 0;
        int fds_after_warm_up = 0;
        size_t previews = 0, images = 0;
        EngineCallbacks callbacks;
        callbacks.on_step = [&](const StepEvent& event) { previews += !event.preview.rgb.empty(); };
        callbacks.on_image = [&](const ImageEvent&) { ++images; };
        for (int i = 0; i < kTotal; ++i) {
            GenerationRequest request;
            request.prompt = "soak " + std::to_string(i % 7);
            request.steps = steps_cycle[i % 10];
            request.width = 64;
            request.height = i % 3 == 0 ? 96 : 64;
            request.seed = uint64_t(i);
            engine->generate(request, callbacks);
            if (i + 1 == kWarmUp) {
                rss_after_warm_up = process_rss();
                fds_after_warm_up = open_file_descriptors();
            }
        }
        const uint64_t rss = process_rss();
        const int fds = open_file_descriptors();
        const double growth = double(rss) / double(rss_after_warm_up) - 1.0;
        qInfo(
            "RSS after %d: %.1f MB, after %d: %.1f MB (%+.2f %%); open files %d -> %d; "
            "%zu images, %zu previews",
            kWarmUp, rss_after_warm_up / 1e6, kTotal, rss / 1e6, 100 * growth, fds_after_warm_up,
            fds, images, previews);
        QCOMPARE(images, size_t(kTotal));
        QVERIFY(previews > 0);
        QVERIFY2(growth <= 0.01, "host memory grew by more than 1 % after warm-up");
        QCOMPARE(fds, fds_after_warm_up);
    }
};

QTEST_GUILESS_MAIN(TestSoak)
#include "test_soak.moc"
