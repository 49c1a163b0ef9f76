// Driving the mask painter's canvas (ui/mask_painter.h) with the mouse in ui tests: dragging it
// by canvas pixels (its edges, for outpainting).
#pragma once
#include "support/window_driving.h"
#include "ui/mask_painter.h"

namespace lightning::testing {

// Widget pixels per canvas pixel as the canvas shows it now.
inline double canvas_scale(const ui::MaskCanvas* canvas) {
    return canvas->canvas_to_widget({1, 0}).x() - canvas->canvas_to_widget({0, 0}).x();
}

// Drags the canvas from canvas point `from` by `by` canvas pixels with the left button.
inline void drag_canvas(ui::MaskCanvas* canvas, QPointF from, QPointF by) {
    const QPointF at = canvas->canvas_to_widget(from);
    mouse_drag(canvas, at, at + by * canvas_scale(canvas));
}

}  // namespace lightning::testing
