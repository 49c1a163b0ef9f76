// The pending-job queue: order, removal, reordering, and the model signals views rely on.
#include "ui/job_queue.h"

#include <QtTest/QtTest>

#include <QAbstractItemModelTester>

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

QTEST_MAIN(TestJobQueue)
#include "test_job_queue.moc"
