// The mask painter: its model (ui/mask_model.h: strokes, eraser, invert, clear, undo/redo, as
// gray pixels) checked by what each operation must do to the pixels, and the dialog
// (ui/mask_painter.h) driven by the mouse and its buttons.
#include "ui/mask_model.h"
#include "ui/mask_painter.h"

#include <QtTest/QtTest>

#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>

#include <algorithm>
#include <cmath>

using namespace lightning::ui;

namespace {

size_t count_repaint(const MaskModel& model) {
    return size_t(std::count(model.values().begin(), model.values().end(), MaskModel::kRepaint));
}

bool all_keep(const MaskModel& model) {
    return count_repaint(model) == 0 && !model.any_repaint();
}

// Presses `button` at image point `from`, drags through `to` and releases there.
void drag(MaskCanvas* canvas, QPointF from, QPointF to, Qt::MouseButton button) {
    const QPointF a = canvas->to_widget(from), b = canvas->to_widget(to);
    QMouseEvent press(QEvent::MouseButtonPress, a, canvas->mapToGlobal(a), button, button,
                      Qt::NoModifier);
    QApplication::sendEvent(canvas, &press);
    const QPointF mid = (a + b) / 2;
    QMouseEvent move(QEvent::MouseMove, mid, canvas->mapToGlobal(mid), Qt::NoButton, button,
                     Qt::NoModifier);
    QApplication::sendEvent(canvas, &move);
    QMouseEvent release(QEvent::MouseButtonRelease, b, canvas->mapToGlobal(b), button, Qt::NoButton,
                        Qt::NoModifier);
    QApplication::sendEvent(canvas, &release);
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

QTEST_MAIN(TestMaskPainter)
#include "test_mask_painter.moc"
