// The pending-job queue: order, removal, reordering, and the model signals views rely on; and
// jobs queued back to back through the app's controller and worker (tiny fixture model, CPU)
// regenerate bit-exactly from their PNGs' records, as `lightning generate --from` does.
#include "ui/job_queue.h"

#include "core/engine/engine.h"
#include "core/image/png.h"
#include "core/request/parameters.h"
#include "ui/generation_controller.h"
#include "ui/string_convert.h"

#include "support/fixtures.h"

#include <QtTest/QtTest>

#include <QAbstractItemModelTester>
#include <QTemporaryDir>

using namespace lightning::ui;

namespace {

GenerationJob job(int id) {
    GenerationJob job;
    job.id = id;
    job.request.prompt =
        QStringLiteral(
            "job %1 with a rather long prompt that goes on and on and on until it is cut")
            .arg(id)
            .toStdString();
    job.request.seed = 100 + id;
    job.request.batch = id;
    return job;
}

QList<int> ids(const JobQueue& queue) {
    QList<int> result;
    for (int row = 0; row < queue.count(); ++row) result << queue.at(row).id;
    return result;
}

}  // namespace

class TestJobQueue : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keeps_fifo_order();
    void removes_and_moves();
    void describes_jobs();
    void queued_jobs_regenerate_bit_exactly_from_their_records();
};

void TestJobQueue::keeps_fifo_order() {
    JobQueue queue;
    QAbstractItemModelTester tester(&queue, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int id = 1; id <= 3; ++id) queue.append(job(id));
    QCOMPARE(queue.rowCount(), 3);
    QCOMPARE(queue.take_first()->id, 1);
    QCOMPARE(queue.take_first()->id, 2);
    QCOMPARE(queue.take_first()->id, 3);
    QVERIFY(!queue.take_first());
}

void TestJobQueue::removes_and_moves() {
    JobQueue queue;
    QAbstractItemModelTester tester(&queue, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int id = 1; id <= 5; ++id) queue.append(job(id));
    QSignalSpy moved(&queue, &QAbstractItemModel::rowsMoved);
    QVERIFY(queue.move(0, 3));
    QCOMPARE(ids(queue), (QList<int>{2, 3, 4, 1, 5}));
    QVERIFY(queue.move(4, 0));
    QCOMPARE(ids(queue), (QList<int>{5, 2, 3, 4, 1}));
    QVERIFY(queue.move(2, 1));
    QCOMPARE(ids(queue), (QList<int>{5, 3, 2, 4, 1}));
    QCOMPARE(moved.count(), 3);
    QVERIFY(!queue.move(0, 0));
    QVERIFY(!queue.move(-1, 0));
    QVERIFY(!queue.move(0, 5));
    QVERIFY(queue.remove(2));
    QCOMPARE(ids(queue), (QList<int>{5, 3, 4, 1}));
    QVERIFY(!queue.remove(4));
    queue.clear();
    QCOMPARE(queue.count(), 0);
}

void TestJobQueue::describes_jobs() {
    JobQueue queue;
    queue.append(job(2));
    const QString text = queue.data(queue.index(0), Qt::DisplayRole).toString();
    QVERIFY2(text.startsWith(QStringLiteral("#2  4 steps · 1024×1024 · ×2 · seed 102 — job 2")),
             qPrintable(text));
    QVERIFY(text.endsWith(QChar(0x2026)));
    QCOMPARE(queue.data(queue.index(0), JobQueue::JobIdRole).toInt(), 2);
    QVERIFY(queue.data(queue.index(0), Qt::ToolTipRole)
                .toString()
                .contains(QLatin1String("Seed: 102")));
}

namespace {

std::string fixture(const char* name) {
    return lightning::testing::fixtures_dir() + "/" + name;
}

// The tiny fixture model on the CPU with the app's default previews.
EngineSettings tiny_engine(const QString& gallery) {
    EngineSettings engine;
    engine.models.base = fixture("tiny-sdxl");
    engine.models.lightning_dir = fixture("tiny-lightning");
    engine.output_dir = gallery;
    engine.device = QStringLiteral("cpu");
    engine.precision = lightning::Precision::FP32;
    engine.preview = lightning::PreviewMode::Reduced;
    return engine;
}

// What `lightning generate --from PNG` renders: the PNG's recorded request on a fresh engine
// with previews off, on the calling thread.
std::vector<uint8_t> regenerate(lightning::Engine& engine, const QString& png) {
    const auto text = lightning::read_png_text(to_std(png)).entries.at("parameters");
    const auto record = lightning::parse_parameters(text);
    if (!record) return {};
    return engine.generate(record->request).run.images.at(0).pixels.rgb;
}

}  // namespace

// The app's own job path (controller, queue, worker thread, previews on) against the CLI's
// engine: 20 jobs queued at once, so each starts the moment the one before it ends. The worker
// thread and this (GUI) thread start with different torch thread counts here; at 256² the tiny
// model's image depends on that count (at 64² it does not).
void TestJobQueue::queued_jobs_regenerate_bit_exactly_from_their_records() {
    QTemporaryDir gallery;
    QVERIFY(gallery.isValid());
    GenerationController controller;
    QSignalSpy saved(&controller, &GenerationController::imageSaved);
    QSignalSpy finished(&controller, &GenerationController::jobFinished);
    controller.set_engine(tiny_engine(gallery.path()));
    constexpr int kJobs = 20;
    for (int i = 0; i < kJobs; ++i) {
        GenerationJob job;
        job.request.prompt = "a lighthouse at dusk, study " + std::to_string(i);
        job.request.steps = 4;
        job.request.width = 256;
        job.request.height = 256;
        job.request.seed = 1000 + uint64_t(i);
        job.output_dir = gallery.path();
        controller.submit(job);
    }
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), kJobs, 600000);
    QCOMPARE(saved.count(), kJobs);
    for (const auto& job : finished)
        QVERIFY2(job[2].toString().isEmpty(), qPrintable(job[2].toString()));

    lightning::EngineOptions cli;
    cli.models.base = fixture("tiny-sdxl");
    cli.models.lightning_dir = fixture("tiny-lightning");
    cli.preview = lightning::PreviewMode::Off;
    const auto engine = lightning::Engine::load(cli);
    QStringList differing;
    for (const auto& signal : saved) {
        const auto item = signal[0].value<GalleryItem>();
        if (regenerate(*engine, item.file) != lightning::read_png(to_std(item.file)).rgb)
            differing << QFileInfo(item.file).fileName();
    }
    QVERIFY2(differing.isEmpty(),
             qPrintable(QStringLiteral("%1 of %2 differ from their re-render: %3")
                            .arg(differing.size())
                            .arg(kJobs)
                            .arg(differing.join(QStringLiteral(", ")))));
}

QTEST_MAIN(TestJobQueue)
#include "test_job_queue.moc"
