// The mask painter: its model (ui/mask_model.h: strokes, eraser, invert, clear, undo/redo, as
// gray pixels) checked by what each operation must do to the pixels, and the dialog
// (ui/mask_painter.h) driven by the mouse and its buttons; outpainting by dragging the canvas
// edges (margins snapped to the limits, undone as strokes are).
#include "core/request/limits.h"
#include "ui/mask_model.h"
#include "ui/mask_painter.h"

#include "support/mask_driving.h"

#include <QtTest/QtTest>

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QToolButton>

#include <algorithm>
#include <cmath>

using namespace lightning::ui;
using lightning::testing::canvas_scale;
using lightning::testing::drag_canvas;

namespace {

size_t count_repaint(const MaskModel& model) {
    return size_t(std::count(model.values().begin(), model.values().end(), MaskModel::kRepaint));
}

bool all_keep(const MaskModel& model) {
    return count_repaint(model) == 0 && !model.any_repaint();
}

// Presses `button` at image point `from`, drags through `to` and releases there.
void drag(MaskCanvas* canvas, QPointF from, QPointF to, Qt::MouseButton button) {
    lightning::testing::mouse_drag(canvas, canvas->to_widget(from), canvas->to_widget(to), button);
}

void release_at(MaskCanvas* canvas, QPointF at) {
    QMouseEvent release(QEvent::MouseButtonRelease, at, canvas->mapToGlobal(at), Qt::LeftButton,
                        Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(canvas, &release);
}

// The margin snapping rule, as the tests state it: the grown side a multiple of 8, within
// the limits, and the margin the nearest such to what was wanted.
bool snapped(int margin, double wanted, int inner, int opposite) {
    const int m = lightning::limits::kSideMultiple;
    const int grown = inner + opposite + margin;
    if (margin < 0 || grown % m || grown > lightning::limits::kMaxSide) return false;
    // At an end of the range: what was wanted is below the least margin (not below 0) or
    // beyond the largest side.
    const bool limited = (margin < m && wanted < margin) ||
                         (grown + m > lightning::limits::kMaxSide && wanted > margin);
    return limited || std::abs(margin - wanted) <= m / 2.0;
}

uchar gray_at(const QImage& image, int x, int y) {
    return image.constScanLine(y)[x];
}

}  // namespace

class TestMaskPainter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void a_stroke_repaints_what_the_brush_covers();
    void the_eraser_keeps_and_each_stroke_is_one_undo_step();
    void invert_and_clear_are_undoable();
    void a_new_stroke_after_undo_drops_the_redo_and_history_is_bounded();
    void mask_images_are_gray_and_scaled_to_the_input();
    void the_dialog_paints_erases_and_undoes_with_the_mouse_and_buttons();
    void margins_snap_to_a_multiple_of_8_within_the_limits();
    void margin_drags_are_undo_steps_among_strokes();
    void dragging_the_canvas_edges_outpaints_and_undo_restores();
};

void TestMaskPainter::a_stroke_repaints_what_the_brush_covers() {
    MaskModel model(64, 32);
    QVERIFY(all_keep(model));
    model.begin_stroke({10, 10}, 5, false);
    QCOMPARE(model.at(10, 10), MaskModel::kRepaint);  // while the stroke runs, too
    model.continue_stroke({50, 10});
    model.end_stroke();
    // Along the path and within the radius: repaint; beyond it: kept.
    for (int x = 10; x <= 50; x += 5) QCOMPARE(model.at(x, 10), MaskModel::kRepaint);
    QCOMPARE(model.at(30, 13), MaskModel::kRepaint);
    QCOMPARE(model.at(30, 20), MaskModel::kKeep);
    QCOMPARE(model.at(60, 10), MaskModel::kKeep);
    QCOMPARE(model.at(0, 0), MaskModel::kKeep);
    // The painted area is the stroke's: a 40 x 10 band with round caps (400 + pi 25 pixels).
    const double area = 40 * 10 + M_PI * 25;
    QVERIFY2(std::abs(double(count_repaint(model)) - area) < 0.1 * area,
             qPrintable(QString::number(count_repaint(model))));
    // Only the two values: the mask blur softens edges, not the brush.
    for (uint8_t v : model.values()) QVERIFY(v == MaskModel::kKeep || v == MaskModel::kRepaint);
    QVERIFY(model.can_undo());
    // A stroke wholly outside the image changes nothing and is no step.
    model.begin_stroke({-100, -100}, 3, false);
    model.continue_stroke({-50, -100});
    model.end_stroke();
    model.undo();
    QVERIFY(all_keep(model));
    QVERIFY(!model.can_undo());
}

void TestMaskPainter::the_eraser_keeps_and_each_stroke_is_one_undo_step() {
    MaskModel model(64, 32);
    model.begin_stroke({5, 16}, 4, false);
    for (int x = 6; x <= 60; ++x) model.continue_stroke({double(x), 16});  // many points
    model.end_stroke();
    const std::vector<uint8_t> painted = model.values();
    model.begin_stroke({30, 0}, 3, /*erase=*/true);
    model.continue_stroke({30, 31});
    model.end_stroke();
    QCOMPARE(model.at(30, 16), MaskModel::kKeep);     // erased
    QCOMPARE(model.at(15, 16), MaskModel::kRepaint);  // painted, away from the eraser
    QCOMPARE(model.at(30, 5), MaskModel::kKeep);      // erasing kept pixels keeps them

    model.undo();  // the eraser stroke, whole
    QVERIFY(model.values() == painted);
    model.undo();  // the brush stroke of 56 points, whole
    QVERIFY(all_keep(model));
    QVERIFY(!model.can_undo());
    model.redo();
    QVERIFY(model.values() == painted);
    model.redo();
    QCOMPARE(model.at(30, 16), MaskModel::kKeep);
    QCOMPARE(model.at(15, 16), MaskModel::kRepaint);
    QVERIFY(!model.can_redo());
}

void TestMaskPainter::invert_and_clear_are_undoable() {
    MaskModel model(16, 8);
    model.begin_stroke({2, 2}, 1, false);
    model.end_stroke();
    const std::vector<uint8_t> painted = model.values();
    model.invert();
    for (size_t i = 0; i < painted.size(); ++i) QCOMPARE(int(model.values()[i]), 255 - painted[i]);
    model.clear();
    QVERIFY(all_keep(model));
    model.clear();  // nothing to clear: no step
    model.undo();
    for (size_t i = 0; i < painted.size(); ++i) QCOMPARE(int(model.values()[i]), 255 - painted[i]);
    model.undo();
    QVERIFY(model.values() == painted);
}

void TestMaskPainter::a_new_stroke_after_undo_drops_the_redo_and_history_is_bounded() {
    MaskModel model(16, 8);
    model.begin_stroke({2, 2}, 1, false);
    model.end_stroke();
    model.undo();
    QVERIFY(model.can_redo());
    model.begin_stroke({12, 5}, 1, false);
    model.end_stroke();
    QVERIFY(!model.can_redo());
    QCOMPARE(model.at(2, 2), MaskModel::kKeep);
    QCOMPARE(model.at(12, 5), MaskModel::kRepaint);

    MaskModel bounded(4, 4);
    for (size_t i = 0; i < MaskModel::kMaxUndoSteps + 5; ++i) bounded.invert();
    size_t undone = 0;
    while (bounded.can_undo()) {
        bounded.undo();
        ++undone;
    }
    QCOMPARE(undone, MaskModel::kMaxUndoSteps);
}

void TestMaskPainter::mask_images_are_gray_and_scaled_to_the_input() {
    MaskModel model(20, 10);
    model.begin_stroke({3, 3}, 2, false);
    model.end_stroke();
    const QImage gray = mask_image(model);
    QCOMPARE(gray.format(), QImage::Format_Grayscale8);
    QCOMPARE(gray.size(), QSize(20, 10));
    for (int y = 0; y < 10; ++y)
        for (int x = 0; x < 20; ++x) QCOMPARE(gray_at(gray, x, y), model.at(x, y));
    // A mask of another size (say, painted elsewhere) is scaled to the input's.
    QImage half(10, 5, QImage::Format_Grayscale8);
    half.fill(0);
    half.setPixel(9, 4, qRgb(255, 255, 255));
    const MaskModel scaled = mask_model_from(half, 20, 10);
    QCOMPARE(scaled.width(), 20);
    QCOMPARE(scaled.height(), 10);
    QVERIFY(scaled.at(19, 9) > 128);
    QCOMPARE(scaled.at(0, 0), MaskModel::kKeep);
    QVERIFY(!scaled.can_undo());  // where painting starts, not a step
}

void TestMaskPainter::the_dialog_paints_erases_and_undoes_with_the_mouse_and_buttons() {
    QImage input(96, 64, QImage::Format_RGB32);
    input.fill(Qt::darkGreen);
    MaskPainter painter(input, {});
    painter.resize(500, 400);
    painter.show();
    QVERIFY(QTest::qWaitForWindowExposed(&painter));
    MaskCanvas* canvas = painter.canvas();
    painter.findChild<QSpinBox*>(QStringLiteral("maskBrushSize"))->setValue(10);
    QCOMPARE(canvas->brush_radius(), 5.0);

    drag(canvas, {10, 32}, {80, 32}, Qt::LeftButton);
    QImage mask = painter.mask();
    QCOMPARE(mask.size(), input.size());
    QCOMPARE(mask.format(), QImage::Format_Grayscale8);
    QCOMPARE(gray_at(mask, 45, 32), uchar(255));  // under the stroke
    QCOMPARE(gray_at(mask, 45, 5), uchar(0));     // far from it

    drag(canvas, {45, 0}, {45, 63}, Qt::RightButton);  // the right button erases
    QCOMPARE(gray_at(painter.mask(), 45, 32), uchar(0));
    QCOMPARE(gray_at(painter.mask(), 20, 32), uchar(255));

    auto* undo = painter.findChild<QPushButton*>(QStringLiteral("maskUndoButton"));
    auto* redo = painter.findChild<QPushButton*>(QStringLiteral("maskRedoButton"));
    QVERIFY(!redo->isEnabled());
    undo->click();
    QCOMPARE(gray_at(painter.mask(), 45, 32), uchar(255));
    QVERIFY(redo->isEnabled());
    undo->click();
    QVERIFY(all_keep(painter.model()));
    QVERIFY(!undo->isEnabled());
    redo->click();
    QCOMPARE(gray_at(painter.mask(), 45, 32), uchar(255));

    painter.findChild<QPushButton*>(QStringLiteral("maskInvertButton"))->click();
    QCOMPARE(gray_at(painter.mask(), 45, 32), uchar(0));
    QCOMPARE(gray_at(painter.mask(), 45, 5), uchar(255));
    painter.findChild<QPushButton*>(QStringLiteral("maskClearButton"))->click();
    QVERIFY(all_keep(painter.model()));

    // The eraser tool erases with the left button.
    redo->click();  // nothing to redo after a new step: stays clear
    QVERIFY(all_keep(painter.model()));
    undo->click();  // the inverted mask again
    painter.findChild<QToolButton*>(QStringLiteral("maskEraserButton"))->click();
    QVERIFY(canvas->erasing());
    drag(canvas, {5, 5}, {5, 5}, Qt::LeftButton);
    QCOMPARE(gray_at(painter.mask(), 5, 5), uchar(0));
    QCOMPARE(gray_at(painter.mask(), 45, 5), uchar(255));
}

void TestMaskPainter::margins_snap_to_a_multiple_of_8_within_the_limits() {
    const int max = lightning::limits::kMaxSide;
    for (const int inner : {64, 96, 100, 1021})
        for (const int opposite : {0, 8, 3, 24})
            for (const double wanted : {-40.0, 0.0, 0.4, 3.0, 4.5, 21.0, 100.0, 1e5}) {
                const int margin = snap_margin(wanted, inner, opposite);
                QVERIFY2(snapped(margin, wanted, inner, opposite),
                         qPrintable(QStringLiteral("inner %1, opposite %2, wanted %3: %4")
                                        .arg(inner)
                                        .arg(opposite)
                                        .arg(wanted)
                                        .arg(margin)));
            }
    // Shrinking stops at the image; growing at the largest side the engine takes.
    QCOMPARE(snap_margin(-40, 96, 8), 0);
    QCOMPARE(96 + 8 + snap_margin(1e5, 96, 8), max);
    // An image side that is no multiple of 8 (a record made elsewhere) gets the least margin
    // that makes the canvas one.
    QCOMPARE((100 + snap_margin(0, 100, 0)) % lightning::limits::kSideMultiple, 0);
    QVERIFY(snap_margin(0, 100, 0) < lightning::limits::kSideMultiple);
}

void TestMaskPainter::margin_drags_are_undo_steps_among_strokes() {
    MaskModel model(32, 32);
    model.start_margins({8, 0, 0, 0});
    QVERIFY(!model.can_undo());  // where editing starts, not a step
    model.begin_stroke({10, 10}, 3, false);
    model.end_stroke();
    model.drag_margins({8, 0, 16, 0});
    model.drag_margins({8, 0, 24, 0});  // as the mouse moves: one step in the end
    QVERIFY(model.dragging_margins());
    model.end_margin_drag();
    model.begin_stroke({20, 20}, 3, false);
    model.end_stroke();
    const lightning::Margins grown{8, 0, 24, 0};
    QCOMPARE(model.margins(), grown);
    model.undo();  // the second stroke
    QCOMPARE(model.at(20, 20), MaskModel::kKeep);
    QCOMPARE(model.margins(), grown);
    model.undo();  // the drag, whole
    QCOMPARE(model.margins(), (lightning::Margins{8, 0, 0, 0}));
    QCOMPARE(model.at(10, 10), MaskModel::kRepaint);
    model.redo();
    QCOMPARE(model.margins(), grown);
    model.undo();
    model.undo();  // the first stroke: the margins as they started
    QVERIFY(!model.any_repaint());
    QCOMPARE(model.margins(), (lightning::Margins{8, 0, 0, 0}));
    // A drag that ends where it began is no step.
    model.drag_margins({8, 0, 8, 0});
    model.drag_margins({8, 0, 0, 0});
    model.end_margin_drag();
    QVERIFY(model.can_redo());  // the redo history stands
}

void TestMaskPainter::dragging_the_canvas_edges_outpaints_and_undo_restores() {
    QImage input(96, 64, QImage::Format_RGB32);
    input.fill(Qt::darkGreen);
    MaskPainter painter(input, {}, nullptr, PaintCanvas{QSize(96, 64), {}, {}});
    painter.resize(600, 500);
    painter.show();
    QVERIFY(QTest::qWaitForWindowExposed(&painter));
    MaskCanvas* canvas = painter.canvas();
    QSignalSpy steps(&painter, &MaskPainter::stepDone);
    const lightning::Margins none;

    // The right edge dragged out by 21 pixels: snapped, one step when the mouse is released.
    const QPointF right_edge = canvas->canvas_to_widget({96, 32});
    QCOMPARE(canvas->edges_at(right_edge), Qt::Edges(Qt::RightEdge));
    const double scale = canvas_scale(canvas);
    lightning::testing::mouse_drag(canvas, right_edge, right_edge + QPointF(21 * scale, 0),
                                   Qt::LeftButton, /*release=*/false);
    QCOMPARE(steps.count(), 0);  // moving is no step
    QVERIFY(painter.margins().right > 0);
    release_at(canvas, right_edge + QPointF(21 * scale, 0));
    QCOMPARE(steps.count(), 1);
    const lightning::Margins right{0, 0, painter.margins().right, 0};
    QCOMPARE(painter.margins(), right);
    QVERIFY(snapped(right.right, 21, 96, 0));
    QVERIFY(!painter.model().any_repaint());  // the mask is the image's; the margins are apart
    QVERIFY(painter.findChild<QLabel*>(QStringLiteral("maskCanvasLabel"))
                ->text()
                .contains(QStringLiteral("%1 × 64").arg(96 + right.right)));

    // The top-left corner drags two sides at once.
    QCOMPARE(canvas->edges_at(canvas->canvas_to_widget({0, 0})),
             Qt::Edges(Qt::LeftEdge | Qt::TopEdge));
    drag_canvas(canvas, {0, 0}, {-17, -9});
    const lightning::Margins corner = painter.margins();
    QVERIFY(snapped(corner.left, 17, 96, right.right));
    QVERIFY(snapped(corner.top, 9, 64, 0));
    QCOMPARE(corner.right, right.right);
    QCOMPARE(corner.bottom, 0);

    // Painting still paints the image's pixels where they are shown.
    painter.findChild<QSpinBox*>(QStringLiteral("maskBrushSize"))->setValue(4);
    QCOMPARE(canvas->edges_at(canvas->to_widget({48, 32})), Qt::Edges());
    drag(canvas, {48, 32}, {48, 32}, Qt::LeftButton);
    QCOMPARE(gray_at(painter.mask(), 48, 32), uchar(255));
    QCOMPARE(gray_at(painter.mask(), 10, 10), uchar(0));
    QCOMPARE(painter.mask().size(), input.size());

    // Inward past the image: not below 0. Far out: the largest side the engine takes.
    drag_canvas(canvas, {96.0 + corner.right, 32}, {-200, 0});
    QCOMPARE(painter.margins().right, 0);
    drag_canvas(canvas, {48, 64}, {0, 1e5});
    QCOMPARE(64 + corner.top + painter.margins().bottom, lightning::limits::kMaxSide);

    // Undo goes back through the drags and the stroke, redo forward again.
    auto* undo = painter.findChild<QPushButton*>(QStringLiteral("maskUndoButton"));
    auto* redo = painter.findChild<QPushButton*>(QStringLiteral("maskRedoButton"));
    const int before_undo = int(steps.count());
    undo->click();
    QCOMPARE(painter.margins().bottom, 0);
    QCOMPARE(steps.count(), before_undo + 1);  // an undone step is a step for the form too
    undo->click();
    QCOMPARE(painter.margins(), corner);
    undo->click();  // the stroke
    QCOMPARE(gray_at(painter.mask(), 48, 32), uchar(0));
    QCOMPARE(painter.margins(), corner);
    undo->click();
    QCOMPARE(painter.margins(), right);
    undo->click();
    QCOMPARE(painter.margins(), none);
    QVERIFY(!undo->isEnabled());
    redo->click();
    QCOMPARE(painter.margins(), right);
}

QTEST_MAIN(TestMaskPainter)
#include "test_mask_painter.moc"
