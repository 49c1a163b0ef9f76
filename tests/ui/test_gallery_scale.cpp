// A gallery of 5,000 images opens without blocking the GUI thread: the folder is read on a worker
// thread, thumbnails are decoded lazily for the cells painted. The PNGs are made here from four
// base images whose parameters chunk is rewritten per copy with the project's PNG text writer.
// Times (first paint, thumbnails, the longest gap of a 10 ms timer) and memory (RSS) are printed,
// never asserted; what is asserted is that opening returns before the folder is read, that the
// event loop runs while it is read, and that thumbnails are decoded only for what is seen.
#include "support/gallery_fixtures.h"
#include "ui/gallery_widget.h"

#include <QtTest/QtTest>

#include <optional>

#include <QLineEdit>
#include <QScrollBar>
#include <QTemporaryDir>

using namespace lightning::ui;
using lightning::testing::gallery_test_image;
using lightning::testing::gallery_test_item;

namespace {

constexpr int kImages = 5000;
constexpr int kBaseSize = 512;  // pixels of the base images (decode cost per thumbnail)
constexpr int kTimeoutMs = 240000;

const char* const kSubjects[] = {"a red fox",    "a lighthouse",    "a portrait of a cat",
                                 "a sports car", "a mountain lake", "an old library",
                                 "a robot",      "a bowl of ramen"};
const char* const kStyles[] = {"oil painting", "photograph", "watercolor", "pencil sketch",
                               "cinematic lighting"};
const int kSteps[] = {1, 2, 4, 8};

QString prompt_of(int n) {
    return QStringLiteral("%1, %2, variation %3")
        .arg(QString::fromUtf8(kSubjects[n % 8]), QString::fromUtf8(kStyles[(n / 8) % 5]))
        .arg(n);
}

long rss_kib() {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly)) return -1;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:")) return line.mid(6).trimmed().split(' ').first().toLong();
    return -1;
}

// Measures how regularly the GUI thread's event loop runs: a 10 ms timer's longest gap.
struct GapMeter {
    QTimer timer;
    QElapsedTimer clock;
    qint64 last = 0, worst = 0;
    int ticks = 0;
    int ticks_while = 0;  // ticks while `during` was true
    std::function<bool()> during = [] { return false; };

    GapMeter() {
        timer.setInterval(10);
        QObject::connect(&timer, &QTimer::timeout, [this] {
            const qint64 now = clock.elapsed();
            worst = std::max(worst, now - last);
            last = now;
            ++ticks;
            if (during()) ++ticks_while;
        });
    }
    void start() {
        clock.start();
        timer.start();
    }
    qint64 stop() {
        timer.stop();
        worst = std::max(worst, clock.elapsed() - last);
        return clock.elapsed();
    }
};

// Notes when the grid's viewport is first painted with images in the model.
class FirstPaint : public QObject {
public:
    FirstPaint(GalleryWidget* gallery, const QElapsedTimer* clock)
        : gallery_(gallery), clock_(clock) {
        gallery->view()->viewport()->installEventFilter(this);
    }
    qint64 at = -1;  // ms on the clock

protected:
    bool eventFilter(QObject*, QEvent* event) override {
        if (event->type() == QEvent::Paint && at < 0 && gallery_->filter_model()->rowCount() > 0)
            at = clock_->elapsed();
        return false;
    }

private:
    GalleryWidget* gallery_;
    const QElapsedTimer* clock_;
};

// Gallery rows of the cells inside the grid's viewport.
QList<int> visible_rows(GalleryWidget* gallery) {
    QList<int> rows;
    QListView* view = gallery->view();
    const QRect area = view->viewport()->rect();
    const QModelIndex first = view->indexAt(area.topLeft() + QPoint(2, 2));
    for (int row = first.isValid() ? first.row() : 0; row < gallery->filter_model()->rowCount();
         ++row) {
        const QRect cell = view->visualRect(gallery->filter_model()->index(row, 0));
        if (cell.top() > area.bottom()) break;
        if (cell.intersects(area)) rows << gallery->filter_model()->source_row(row);
    }
    return rows;
}

bool visible_thumbnails_ready(GalleryWidget* gallery) {
    const QList<int> rows = visible_rows(gallery);
    return !rows.isEmpty() && std::all_of(rows.begin(), rows.end(), [&](int row) {
        return gallery->model()->thumbnail_ready(row);
    });
}

}  // namespace

class TestGalleryScale : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void opening_5000_images_without_an_index_does_not_block_the_gui_thread();
    void opening_5000_images_with_the_index_does_not_block_the_gui_thread();
    void scrolling_through_5000_decodes_only_what_is_seen();
    void searching_5000_images();

private:
    struct Opened {
        qint64 first_paint_ms, thumbnails_ms, total_ms, worst_gap_ms;
        int ticks, ticks_while_loading;
        bool returned_loading;  // open_async() came back before the folder was read
    };
    // nullopt when the gallery did not paint or load its visible thumbnails in time.
    std::optional<Opened> open_and_measure(const char* label);

    QTemporaryDir root_;
    QString folder_;
    std::unique_ptr<GalleryWidget> gallery_;
};

void TestGalleryScale::initTestCase() {
    QVERIFY(root_.isValid());
    folder_ = root_.filePath(QStringLiteral("gallery"));
    QVERIFY(QDir().mkpath(folder_));
    const QString base_folder = root_.filePath(QStringLiteral("base"));
    std::vector<std::vector<unsigned char>> bases;
    for (int b = 0; b < 4; ++b) {
        const GalleryItem base =
            write_gallery_png(base_folder, gallery_test_image(kBaseSize, kBaseSize, b),
                              gallery_test_item(QStringLiteral("base"), 4, uint64_t(b)));
        bases.push_back(lightning::testing::read_bytes(base.file));
    }
    QElapsedTimer clock;
    clock.start();
    const QDateTime start(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC);
    for (int n = 0; n < kImages; ++n) {
        GalleryItem item = gallery_test_item(prompt_of(n), kSteps[n % 4], uint64_t(1000 + n),
                                             start.addSecs(60 * qint64(n)));
        item.favourite = n % 50 == 0;
        const QString name = QStringLiteral("lightning-%1.png").arg(n, 5, 10, QLatin1Char('0'));
        QVERIFY(
            !lightning::testing::write_gallery_copy(bases[n % 4], folder_, name, item).isEmpty());
    }
    qInfo("made %d gallery PNGs (%dx%d, %zu KB each) in %lld ms", kImages, kBaseSize, kBaseSize,
          bases[0].size() / 1024, clock.elapsed());
}

std::optional<TestGalleryScale::Opened> TestGalleryScale::open_and_measure(const char* label) {
    gallery_.reset();
    const long rss_before = rss_kib();
    GapMeter meter;
    Opened result{};
    meter.start();
    // As the window does: the panel is built and shown, the folder read in the background.
    gallery_ = std::make_unique<GalleryWidget>();
    gallery_->resize(1000, 800);
    FirstPaint first_paint(gallery_.get(), &meter.clock);
    meter.during = [this] { return gallery_ && gallery_->model()->loading(); };
    gallery_->model()->open_async(folder_);
    // Returned at once: nothing was read on this thread yet.
    result.returned_loading = gallery_->model()->loading() && gallery_->model()->rowCount() == 0;
    gallery_->show();
    if (!QTest::qWaitFor([&] { return first_paint.at >= 0; }, kTimeoutMs)) return std::nullopt;
    result.first_paint_ms = first_paint.at;
    if (!QTest::qWaitFor([&] { return visible_thumbnails_ready(gallery_.get()); }, kTimeoutMs))
        return std::nullopt;
    result.thumbnails_ms = meter.clock.elapsed();
    result.total_ms = meter.stop();
    result.worst_gap_ms = meter.worst;
    result.ticks = meter.ticks;
    result.ticks_while_loading = meter.ticks_while;
    qInfo(
        "%s: first paint with images %lld ms, visible thumbnails (%d) %lld ms; "
        "RSS %ld -> %ld MiB; %d timer ticks (%d while loading), longest gap %lld ms",
        label, result.first_paint_ms, int(visible_rows(gallery_.get()).size()),
        result.thumbnails_ms, rss_before / 1024, rss_kib() / 1024, result.ticks,
        result.ticks_while_loading, result.worst_gap_ms);
    return result;
}

void TestGalleryScale::opening_5000_images_without_an_index_does_not_block_the_gui_thread() {
    QFile::remove(QDir(folder_).filePath(kIndexFile));
    const auto measured = open_and_measure("5000 images, no index (rebuilt from the PNGs)");
    QVERIFY(measured);
    const Opened& opened = *measured;
    QCOMPARE(gallery_->model()->rowCount(), kImages);
    QCOMPARE(gallery_->model()->item(0).record.request.prompt,
             prompt_of(kImages - 1).toStdString());
    QVERIFY(gallery_->model()->item(49).favourite);  // n = 4950 (row 0 is n = 4999)
    QVERIFY(!gallery_->model()->item(50).favourite);
    // Not blocking, without a wall-clock bound: the call returned before reading, and the event
    // loop ran (timer ticks) while 5,000 PNGs were read, which takes a while on any machine.
    QVERIFY(opened.returned_loading);
    QVERIFY2(opened.ticks_while_loading > 0, "no event was handled while the folder was read");
    gallery_->model()->flush();  // the rebuilt index, for the next test
    QVERIFY(QFileInfo(QDir(folder_).filePath(kIndexFile)).size() > 0);
}

void TestGalleryScale::opening_5000_images_with_the_index_does_not_block_the_gui_thread() {
    QElapsedTimer clock;
    clock.start();
    const GalleryLoad loaded = load_gallery(folder_);
    qInfo("index read (on its thread): %lld ms for %d images, note '%s'", clock.elapsed(),
          int(loaded.items.size()), qPrintable(loaded.note));
    QVERIFY(loaded.note.isEmpty());  // every entry's stamp matched: no PNG was read

    const auto measured = open_and_measure("5000 images with index.json");
    QVERIFY(measured);
    const Opened& opened = *measured;
    QCOMPARE(gallery_->model()->rowCount(), kImages);
    QVERIFY(opened.returned_loading);
    QVERIFY2(opened.ticks_while_loading > 0, "no event was handled while the index was read");
    // Lazy: thumbnails asked for are a screenful or a few, not thousands.
    QVERIFY2(gallery_->model()->thumbnails_decoded() < 400,
             qPrintable(QString::number(gallery_->model()->thumbnails_decoded())));
}

void TestGalleryScale::scrolling_through_5000_decodes_only_what_is_seen() {
    if (!gallery_ || gallery_->model()->rowCount() != kImages) {
        QVERIFY(open_and_measure("5000 images"));
        QCOMPARE(gallery_->model()->rowCount(), kImages);
    }
    QScrollBar* bar = gallery_->view()->verticalScrollBar();
    QVERIFY(bar->maximum() > 0);
    GapMeter meter;
    meter.start();
    // A fling through the whole gallery, then a stop at the end.
    for (int i = 1; i <= 40; ++i) {
        bar->setValue(bar->maximum() * i / 40);
        QTest::qWait(15);
    }
    QVERIFY(gallery_->model()->thumbnails_waiting() <= ThumbnailLoader::kMaxWaiting);
    QTRY_VERIFY_WITH_TIMEOUT(visible_thumbnails_ready(gallery_.get()), kTimeoutMs);
    const qint64 total = meter.stop();
    const QList<int> rows = visible_rows(gallery_.get());
    QVERIFY(rows.contains(kImages - 1));  // the oldest image, at the end
    qInfo(
        "scrolled through %d images: visible thumbnails at the end after %lld ms; %d decoded "
        "in all, %d in the cache; longest gap %lld ms; RSS %ld MiB",
        kImages, total, gallery_->model()->thumbnails_decoded(),
        gallery_->model()->cached_thumbnails(), meter.worst, rss_kib() / 1024);
    QVERIFY2(gallery_->model()->thumbnails_decoded() < kImages / 2,
             "thumbnails were decoded for rows nobody saw");
}

void TestGalleryScale::searching_5000_images() {
    if (!gallery_) QVERIFY(open_and_measure("5000 images"));
    int expected = 0;
    for (int n = 0; n < kImages; ++n)
        if (prompt_of(n).contains(QLatin1String("lighthouse")) &&
            prompt_of(n).contains(QLatin1String("watercolor")))
            ++expected;
    QVERIFY(expected > 0);
    QElapsedTimer clock;
    clock.start();
    gallery_->search_field()->setText(QStringLiteral("watercolor lighthouse"));
    gallery_->apply_filter();
    qInfo("search over %d prompts: %lld ms, %d shown", kImages, clock.elapsed(), expected);
    QCOMPARE(gallery_->filter_model()->rowCount(), expected);
    clock.restart();
    GalleryFilter filter = gallery_->current_filter();
    filter.text.clear();
    filter.steps = 4;
    filter.favourites_only = true;
    gallery_->filter_model()->set_filter(filter);
    qInfo("steps + favourites filter: %lld ms", clock.elapsed());
    int starred_with_4 = 0;
    for (int n = 0; n < kImages; ++n) starred_with_4 += (n % 50 == 0 && kSteps[n % 4] == 4);
    QVERIFY(starred_with_4 > 0);
    QCOMPARE(gallery_->filter_model()->rowCount(), starred_with_4);
}

QTEST_MAIN(TestGalleryScale)
#include "test_gallery_scale.moc"
