// The mask the mask painter edits (ui/mask_painter.h), without any widget: one 8-bit value per
// pixel of the input image, white (255) = repaint, black (0) = keep (diffusers' convention),
// and the outpaint margins (the request's input.outpaint: how far the canvas grows on each side,
// all of it repainted). Brush and eraser strokes, invert, clear and each drag of the canvas
// edges, each one undo step. Plain C++, so that the drawing logic is tested without a screen.
#pragma once
#include "core/request/request.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lightning::ui {

// One side's outpaint margin as the app sets it: the nearest to `wanted` (canvas pixels) that
// makes the grown side (`inner` + `opposite` margin + this one) a multiple of
// limits::kSideMultiple, not below 0, the grown side at most limits::kMaxSide.
int snap_margin(double wanted, int inner, int opposite);

struct MaskPoint {
    double x = 0, y = 0;  // image pixels; pixel (i, j) covers [i, i+1) x [j, j+1)
};

class MaskModel {
public:
    static constexpr uint8_t kRepaint = 255;
    static constexpr uint8_t kKeep = 0;
    static constexpr size_t kMaxUndoSteps = 100;

    MaskModel(int width, int height);
    // A mask of this size with `values` (width x height, row-major) as its start; no undo step.
    MaskModel(int width, int height, std::vector<uint8_t> values);

    int width() const { return width_; }
    int height() const { return height_; }
    const std::vector<uint8_t>& values() const { return values_; }
    uint8_t at(int x, int y) const { return values_[size_t(y) * width_ + x]; }
    // True when some pixel is to be repainted (an all-black mask is no inpainting at all).
    bool any_repaint() const;

    // A stroke: a round brush of `radius` pixels dragged through the points. Painting sets the
    // pixels it covers to kRepaint, erasing to kKeep. The pixels change as points arrive (the
    // painter shows them); end_stroke() makes the whole stroke one undo step.
    void begin_stroke(MaskPoint at, double radius, bool erase);
    void continue_stroke(MaskPoint to);
    void end_stroke();
    bool stroking() const { return stroking_; }

    void invert();
    void clear();  // all kKeep

    // Outpainting. start_margins() sets where editing starts (no undo step). A drag of the
    // canvas edges sets the margins as the mouse moves (drag_margins) and is one undo step when
    // it ends (end_margin_drag), as a stroke is. The margins are the caller's to snap.
    const lightning::Margins& margins() const { return margins_; }
    void start_margins(const lightning::Margins& margins);
    void drag_margins(const lightning::Margins& margins);
    void end_margin_drag();
    bool dragging_margins() const { return dragging_; }

    bool can_undo() const { return done_ > 0; }
    bool can_redo() const { return done_ < history_.size(); }
    void undo();
    void redo();

private:
    // One undo step: the rectangle it changed with its values before and after (empty for a
    // drag of the edges), and the margins before and after.
    struct Change {
        int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // [x0, x1) x [y0, y1)
        std::vector<uint8_t> before, after;
        lightning::Margins margins_before, margins_after;
    };
    void end_edits();  // ends a stroke or a drag of the edges that is under way
    void stamp_segment(MaskPoint from, MaskPoint to);
    void record(Change change);
    void record_whole(std::vector<uint8_t> before);
    void write(const Change& change, const std::vector<uint8_t>& values);

    int width_;
    int height_;
    std::vector<uint8_t> values_;
    std::vector<Change> history_;
    size_t done_ = 0;  // history_[0, done_) is applied; the rest can be redone

    bool stroking_ = false;
    double radius_ = 0;
    uint8_t value_ = kRepaint;
    MaskPoint last_;
    std::vector<uint8_t> stroke_before_;  // the mask when the stroke began
    int dirty_x0_ = 0, dirty_y0_ = 0, dirty_x1_ = 0, dirty_y1_ = 0;  // what it touched

    lightning::Margins margins_;
    bool dragging_ = false;
    lightning::Margins drag_before_;  // the margins when the drag began
};

}  // namespace lightning::ui
