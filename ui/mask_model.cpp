#include "ui/mask_model.h"

#include "core/request/limits.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lightning::ui {
namespace {

// Squared distance from (px, py) to the segment a-b.
double distance2_to_segment(double px, double py, MaskPoint a, MaskPoint b) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double length2 = dx * dx + dy * dy;
    double t = length2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / length2 : 0;
    t = std::clamp(t, 0.0, 1.0);
    const double ex = px - (a.x + t * dx), ey = py - (a.y + t * dy);
    return ex * ex + ey * ey;
}

}  // namespace

int snap_margin(double wanted, int inner, int opposite) {
    constexpr int m = lightning::limits::kSideMultiple;
    const int base = inner + opposite;
    const int low = (base + m - 1) / m * m;  // the smallest grown side: this margin about 0
    const int high = std::max(low, lightning::limits::kMaxSide / m * m);
    const double grown = std::round((std::max(wanted, 0.0) + base) / m) * m;
    return int(std::clamp(grown, double(low), double(high))) - base;
}

MaskModel::MaskModel(int width, int height)
    : MaskModel(
          width, height,
          std::vector<uint8_t>(size_t(std::max(width, 0)) * size_t(std::max(height, 0)), kKeep)) {}

MaskModel::MaskModel(int width, int height, std::vector<uint8_t> values)
    : width_(width), height_(height), values_(std::move(values)) {
    if (width <= 0 || height <= 0 || values_.size() != size_t(width) * size_t(height))
        throw std::invalid_argument("MaskModel: values do not match the size");
}

bool MaskModel::any_repaint() const {
    return std::any_of(values_.begin(), values_.end(), [](uint8_t v) { return v != kKeep; });
}

// ------------------------------------------------------------------------------------ strokes

void MaskModel::begin_stroke(MaskPoint at, double radius, bool erase) {
    end_edits();
    stroking_ = true;
    radius_ = std::max(radius, 0.5);  // at least the pixel under the cursor
    value_ = erase ? kKeep : kRepaint;
    stroke_before_ = values_;
    dirty_x0_ = width_, dirty_y0_ = height_, dirty_x1_ = 0, dirty_y1_ = 0;
    last_ = at;
    stamp_segment(at, at);
}

void MaskModel::continue_stroke(MaskPoint to) {
    if (!stroking_) return;
    stamp_segment(last_, to);
    last_ = to;
}

void MaskModel::end_stroke() {
    if (!stroking_) return;
    stroking_ = false;
    if (dirty_x0_ >= dirty_x1_ || dirty_y0_ >= dirty_y1_) return;  // all outside the image
    Change change{dirty_x0_, dirty_y0_, dirty_x1_, dirty_y1_, {}, {}, margins_, margins_};
    for (int y = dirty_y0_; y < dirty_y1_; ++y) {
        const size_t row = size_t(y) * width_;
        change.before.insert(change.before.end(), stroke_before_.begin() + row + dirty_x0_,
                             stroke_before_.begin() + row + dirty_x1_);
        change.after.insert(change.after.end(), values_.begin() + row + dirty_x0_,
                            values_.begin() + row + dirty_x1_);
    }
    stroke_before_.clear();
    if (change.before != change.after) record(std::move(change));
}

// Every pixel whose centre lies within the brush radius of the segment takes the stroke's
// value: a hard round brush (the request's mask blur softens the edge).
void MaskModel::stamp_segment(MaskPoint a, MaskPoint b) {
    const int x0 = std::max(0, int(std::floor(std::min(a.x, b.x) - radius_)));
    const int y0 = std::max(0, int(std::floor(std::min(a.y, b.y) - radius_)));
    const int x1 = std::min(width_, int(std::ceil(std::max(a.x, b.x) + radius_)) + 1);
    const int y1 = std::min(height_, int(std::ceil(std::max(a.y, b.y) + radius_)) + 1);
    if (x0 >= x1 || y0 >= y1) return;
    const double r2 = radius_ * radius_;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x)
            if (distance2_to_segment(x + 0.5, y + 0.5, a, b) <= r2)
                values_[size_t(y) * width_ + x] = value_;
    dirty_x0_ = std::min(dirty_x0_, x0), dirty_y0_ = std::min(dirty_y0_, y0);
    dirty_x1_ = std::max(dirty_x1_, x1), dirty_y1_ = std::max(dirty_y1_, y1);
}

// ------------------------------------------------------------------------- whole-mask changes

void MaskModel::invert() {
    end_edits();
    std::vector<uint8_t> before = values_;
    for (uint8_t& v : values_) v = uint8_t(255 - v);
    record_whole(std::move(before));
}

void MaskModel::clear() {
    end_edits();
    if (!any_repaint()) return;  // nothing to undo
    std::vector<uint8_t> before = values_;
    std::fill(values_.begin(), values_.end(), kKeep);
    record_whole(std::move(before));
}

void MaskModel::record_whole(std::vector<uint8_t> before) {
    record(Change{0, 0, width_, height_, std::move(before), values_, margins_, margins_});
}

void MaskModel::end_edits() {
    end_stroke();
    end_margin_drag();
}

// ----------------------------------------------------------------------------- outpainting

void MaskModel::start_margins(const lightning::Margins& margins) {
    end_edits();
    margins_ = margins;
}

void MaskModel::drag_margins(const lightning::Margins& margins) {
    if (stroking_) end_stroke();
    if (!dragging_) drag_before_ = margins_;
    dragging_ = true;
    margins_ = margins;
}

void MaskModel::end_margin_drag() {
    if (!dragging_) return;
    dragging_ = false;
    if (margins_ != drag_before_) record(Change{0, 0, 0, 0, {}, {}, drag_before_, margins_});
}

// --------------------------------------------------------------------------------- undo/redo

void MaskModel::record(Change change) {
    history_.resize(done_);  // a new step drops what could have been redone
    history_.push_back(std::move(change));
    // Bounded: a step can hold two copies of the whole mask (invert, clear).
    if (history_.size() > kMaxUndoSteps) history_.erase(history_.begin());
    done_ = history_.size();
}

void MaskModel::write(const Change& change, const std::vector<uint8_t>& values) {
    const int w = change.x1 - change.x0;
    for (int y = change.y0; y < change.y1; ++y)
        std::copy_n(values.begin() + size_t(y - change.y0) * w, w,
                    values_.begin() + size_t(y) * width_ + change.x0);
}

void MaskModel::undo() {
    end_edits();
    if (!can_undo()) return;
    --done_;
    write(history_[done_], history_[done_].before);
    margins_ = history_[done_].margins_before;
}

void MaskModel::redo() {
    if (stroking_ || dragging_ || !can_redo()) return;
    write(history_[done_], history_[done_].after);
    margins_ = history_[done_].margins_after;
    ++done_;
}

}  // namespace lightning::ui
