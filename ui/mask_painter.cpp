#include "ui/mask_painter.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QShortcut>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cstring>

namespace lightning::ui {
namespace {

constexpr QRgb kTint = qRgba(255, 40, 40, 140);  // the repainted part: translucent red
constexpr int kMaxBrushSize = 512;               // pixels of the image, across
constexpr int kDefaultBrushSize = 32;

// The mask's values as a tint: transparent where kept, kTint where repainted (in between for
// the grays of a loaded mask).
QImage tint_of(const QImage& gray) {
    QImage tint(gray.size(), QImage::Format_ARGB32_Premultiplied);
    const QColor colour = QColor::fromRgba(kTint);
    for (int y = 0; y < gray.height(); ++y) {
        const uchar* in = gray.constScanLine(y);
        auto* out = reinterpret_cast<QRgb*>(tint.scanLine(y));
        for (int x = 0; x < gray.width(); ++x) {
            const int alpha = colour.alpha() * in[x] / 255;
            out[x] = qPremultiply(qRgba(colour.red(), colour.green(), colour.blue(), alpha));
        }
    }
    return tint;
}

}  // namespace

QImage mask_overlay(const QImage& image, const QImage& mask) {
    QImage gray = mask.convertToFormat(QImage::Format_Grayscale8);
    if (gray.size() != image.size())
        gray = gray.scaled(image.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    QImage shown = image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&shown);
    painter.drawImage(0, 0, tint_of(gray));
    return shown;
}

QImage mask_image(const MaskModel& model) {
    QImage gray(model.width(), model.height(), QImage::Format_Grayscale8);
    for (int y = 0; y < model.height(); ++y)
        std::memcpy(gray.scanLine(y), model.values().data() + size_t(y) * model.width(),
                    size_t(model.width()));
    return gray;
}

MaskModel mask_model_from(const QImage& mask, int width, int height) {
    QImage gray = mask.convertToFormat(QImage::Format_Grayscale8);
    if (gray.width() != width || gray.height() != height)
        gray = gray.scaled(width, height, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    std::vector<uint8_t> values(size_t(width) * height);
    for (int y = 0; y < height; ++y)
        std::memcpy(values.data() + size_t(y) * width, gray.constScanLine(y), size_t(width));
    return MaskModel(width, height, std::move(values));
}

// ----------------------------------------------------------------------------------- canvas

namespace {

constexpr double kRoomAround = 0.15;  // of the canvas's longer side: room to drag the edges out
constexpr double kGripOutside = 12;   // widget pixels beyond an edge that still grab it
constexpr double kGripInside = 3;     // and within it (more would take strokes at the border)

// The image as the engine fits it to the inner area (core/pipeline/refine_pixels.h), near
// enough for a preview: stretched (resize), covering and cut (crop), or inside (pad).
QImage fitted_image(const QImage& image, QSize inner, lightning::ImageFit fit) {
    if (image.size() == inner) return image;
    if (fit == lightning::ImageFit::Resize)
        return image.scaled(inner, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    const bool cover = fit == lightning::ImageFit::Crop;
    const QImage scaled =
        image.scaled(inner, cover ? Qt::KeepAspectRatioByExpanding : Qt::KeepAspectRatio,
                     Qt::SmoothTransformation);
    QImage out(inner, QImage::Format_RGB32);
    const QRectF placed(
        QPointF((inner.width() - scaled.width()) / 2.0, (inner.height() - scaled.height()) / 2.0),
        scaled.size());
    QPainter painter(&out);
    // Pad's bands: the edge rows or columns stretched across them.
    const int w = scaled.width(), h = scaled.height();
    painter.drawImage(QRectF(0, 0, placed.left(), inner.height()), scaled, QRectF(0, 0, 1, h));
    painter.drawImage(QRectF(placed.right(), 0, inner.width() - placed.right(), inner.height()),
                      scaled, QRectF(w - 1, 0, 1, h));
    painter.drawImage(QRectF(0, 0, inner.width(), placed.top()), scaled, QRectF(0, 0, w, 1));
    painter.drawImage(QRectF(0, placed.bottom(), inner.width(), inner.height() - placed.bottom()),
                      scaled, QRectF(0, h - 1, w, 1));
    painter.drawImage(placed, scaled);
    return out;
}

Qt::CursorShape cursor_for(Qt::Edges edges) {
    const bool horizontal = edges & (Qt::LeftEdge | Qt::RightEdge);
    const bool vertical = edges & (Qt::TopEdge | Qt::BottomEdge);
    if (horizontal && vertical)
        return (edges == (Qt::LeftEdge | Qt::TopEdge) || edges == (Qt::RightEdge | Qt::BottomEdge))
                   ? Qt::SizeFDiagCursor
                   : Qt::SizeBDiagCursor;
    if (horizontal) return Qt::SizeHorCursor;
    if (vertical) return Qt::SizeVerCursor;
    return Qt::CrossCursor;
}

}  // namespace

MaskCanvas::MaskCanvas(const QImage& image, MaskModel* model, const PaintCanvas& canvas,
                       QWidget* parent)
    : QWidget(parent),
      image_(image),
      model_(model),
      inner_(canvas.inner.isEmpty() ? image.size() : canvas.inner),
      fit_(canvas.fit),
      fitted_(image.isNull() ? image : fitted_image(image, inner_, canvas.fit)) {
    setObjectName(QStringLiteral("maskCanvas"));
    setMouseTracking(true);  // the brush outline follows the cursor
    setCursor(Qt::CrossCursor);
    setMinimumSize(200, 200);
}

QSize MaskCanvas::sizeHint() const {
    return canvas_rect()
        .size()
        .toSize()
        .scaled(720, 720, Qt::KeepAspectRatio)
        .expandedTo({200, 200});
}

void MaskCanvas::set_brush(double radius, bool erase) {
    radius_ = radius;
    erase_ = erase;
    update();
}

QRectF MaskCanvas::canvas_rect() const {
    const lightning::Margins& m = model_->margins();
    return {QPointF(-m.left, -m.top),
            QSizeF(inner_.width() + m.left + m.right, inner_.height() + m.top + m.bottom)};
}

// The grown canvas with room around it, scaled to fit and centred.
MaskCanvas::Layout MaskCanvas::layout() const {
    if (frozen_) return *frozen_;
    const QRectF canvas = canvas_rect();
    const double room = kRoomAround * std::max(canvas.width(), canvas.height());
    const QRectF shown = canvas.adjusted(-room, -room, room, room);
    Layout layout;
    layout.scale = std::min(width() / shown.width(), height() / shown.height());
    layout.origin = QPointF(width() / 2.0, height() / 2.0) - shown.center() * layout.scale;
    return layout;
}

QRectF MaskCanvas::image_in_canvas() const {
    if (fit_ == lightning::ImageFit::Resize || image_.isNull()) return {QPointF(0, 0), inner_};
    const QSizeF size =
        QSizeF(image_.size())
            .scaled(inner_, fit_ == lightning::ImageFit::Crop ? Qt::KeepAspectRatioByExpanding
                                                              : Qt::KeepAspectRatio);
    return {QPointF((inner_.width() - size.width()) / 2, (inner_.height() - size.height()) / 2),
            size};
}

QPointF MaskCanvas::canvas_to_widget(QPointF canvas_point) const {
    const Layout at = layout();
    return at.origin + canvas_point * at.scale;
}

QPointF MaskCanvas::to_widget(QPointF image_point) const {
    const QRectF placed = image_in_canvas();
    return canvas_to_widget(placed.topLeft() +
                            QPointF(image_point.x() * placed.width() / image_.width(),
                                    image_point.y() * placed.height() / image_.height()));
}

QPointF MaskCanvas::to_image(QPointF widget_point) const {
    const Layout at = layout();
    const QRectF placed = image_in_canvas();
    const QPointF canvas = (widget_point - at.origin) / at.scale - placed.topLeft();
    return {canvas.x() * image_.width() / placed.width(),
            canvas.y() * image_.height() / placed.height()};
}

Qt::Edges MaskCanvas::edges_at(QPointF point) const {
    const QRectF outer(canvas_to_widget(canvas_rect().topLeft()),
                       canvas_to_widget(canvas_rect().bottomRight()));
    // Along an edge (corners included) and within the grip band across it.
    auto near = [](double at, double edge, double outward) {
        const double beyond = (at - edge) * outward;
        return beyond >= -kGripInside && beyond <= kGripOutside;
    };
    auto within = [](double at, double low, double high) {
        return at >= low - kGripOutside && at <= high + kGripOutside;
    };
    Qt::Edges edges;
    if (within(point.y(), outer.top(), outer.bottom())) {
        if (near(point.x(), outer.left(), -1)) edges |= Qt::LeftEdge;
        if (near(point.x(), outer.right(), 1)) edges |= Qt::RightEdge;
    }
    if (within(point.x(), outer.left(), outer.right())) {
        if (near(point.y(), outer.top(), -1)) edges |= Qt::TopEdge;
        if (near(point.y(), outer.bottom(), 1)) edges |= Qt::BottomEdge;
    }
    return edges;
}

// The margins where the dragged edges are now: each moved by the mouse, snapped.
void MaskCanvas::drag_edges_to(QPointF widget_point) {
    const QPointF moved = (widget_point - drag_start_) / layout().scale;
    const lightning::Margins& from = drag_from_;
    lightning::Margins to = from;
    if (drag_edges_ & Qt::LeftEdge)
        to.left = snap_margin(from.left - moved.x(), inner_.width(), from.right);
    if (drag_edges_ & Qt::RightEdge)
        to.right = snap_margin(from.right + moved.x(), inner_.width(), from.left);
    if (drag_edges_ & Qt::TopEdge)
        to.top = snap_margin(from.top - moved.y(), inner_.height(), from.bottom);
    if (drag_edges_ & Qt::BottomEdge)
        to.bottom = snap_margin(from.bottom + moved.y(), inner_.height(), from.top);
    model_->drag_margins(to);
}

// The margins first (the nearest edge pixel stretched across them, as the engine fills them,
// and tinted: they are repainted), then the fitted image with the mask over it.
void MaskCanvas::draw_canvas(QPainter& painter) const {
    const Layout at = layout();
    const QRectF inner(canvas_to_widget({0, 0}), QSizeF(inner_) * at.scale);
    const QRectF outer(canvas_to_widget(canvas_rect().topLeft()), canvas_rect().size() * at.scale);
    const int w = fitted_.width(), h = fitted_.height();
    if (!fitted_.isNull() && outer != inner) {
        const double xs[] = {outer.left(), inner.left(), inner.right(), outer.right()};
        const double ys[] = {outer.top(), inner.top(), inner.bottom(), outer.bottom()};
        const int sx[] = {0, 0, w - 1}, sw[] = {1, w, 1}, sy[] = {0, 0, h - 1}, sh[] = {1, h, 1};
        for (int row = 0; row < 3; ++row)
            for (int col = 0; col < 3; ++col) {
                if (row == 1 && col == 1) continue;  // the image itself
                const QRectF band(QPointF(xs[col], ys[row]), QPointF(xs[col + 1], ys[row + 1]));
                if (band.isEmpty()) continue;
                painter.drawImage(band, fitted_, QRectF(sx[col], sy[row], sw[col], sh[row]));
                painter.fillRect(band, QColor::fromRgba(kTint));
            }
    }
    painter.save();
    painter.setClipRect(inner);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.drawImage(inner, fitted_);
    // The mask unsmoothed: its pixels as they are (a hard brush; the request's blur softens).
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    const QRectF placed = image_in_canvas();
    painter.drawImage(QRectF(canvas_to_widget(placed.topLeft()), placed.size() * at.scale),
                      tint_of(mask_image(*model_)));
    painter.restore();
    painter.setPen(QPen(palette().color(QPalette::Highlight), 1, Qt::DashLine));
    painter.drawRect(inner);
    painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
    painter.drawRect(outer);
}

void MaskCanvas::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Dark));
    draw_canvas(painter);
    if (hover_.x() >= 0 && !frozen_ && edges_at(hover_) == Qt::Edges()) {
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(erase_ ? Qt::white : QColor(kTint), 1.5));
        painter.setBrush(Qt::NoBrush);
        const double r = radius_ * (to_widget({1, 0}).x() - to_widget({0, 0}).x());
        painter.drawEllipse(hover_, r, r);
    }
}

void MaskCanvas::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton && event->button() != Qt::RightButton) return;
    if (event->button() == Qt::LeftButton) {
        if (const Qt::Edges edges = edges_at(event->position()); edges != Qt::Edges()) {
            frozen_ = layout();
            drag_edges_ = edges;
            drag_start_ = event->position();
            drag_from_ = model_->margins();
            model_->drag_margins(drag_from_);
            return;
        }
    }
    const QPointF at = to_image(event->position());
    // The right button erases whatever the tool is.
    model_->begin_stroke({at.x(), at.y()}, radius_, erase_ || event->button() == Qt::RightButton);
    update();
    Q_EMIT edited();
}

void MaskCanvas::mouseMoveEvent(QMouseEvent* event) {
    hover_ = event->position();
    if (model_->dragging_margins()) {
        drag_edges_to(event->position());
        Q_EMIT edited();
    } else if (model_->stroking()) {
        const QPointF at = to_image(event->position());
        model_->continue_stroke({at.x(), at.y()});
        Q_EMIT edited();
    } else {
        setCursor(cursor_for(edges_at(hover_)));
    }
    update();
}

void MaskCanvas::mouseReleaseEvent(QMouseEvent* event) {
    // An undo (Ctrl+Z) while the mouse was down has ended the stroke or drag already.
    const bool step = model_->dragging_margins() || model_->stroking();
    if (model_->dragging_margins()) {
        drag_edges_to(event->position());
        model_->end_margin_drag();
    } else if (model_->stroking()) {
        const QPointF at = to_image(event->position());
        model_->continue_stroke({at.x(), at.y()});
        model_->end_stroke();
    }
    frozen_.reset();
    update();
    if (!step) return;
    Q_EMIT edited();
    Q_EMIT stepDone();
}

void MaskCanvas::leaveEvent(QEvent*) {
    hover_ = {-1, -1};
    update();
}

// ----------------------------------------------------------------------------------- dialog

MaskPainter::MaskPainter(const QImage& image, const QImage& mask, QWidget* parent,
                         const PaintCanvas& canvas)
    : QDialog(parent) {
    setObjectName(QStringLiteral("maskPainter"));
    setWindowTitle(tr("Paint mask"));
    resize(820, 760);
    model_ = std::make_unique<MaskModel>(
        mask.isNull() ? MaskModel(image.width(), image.height())
                      : mask_model_from(mask, image.width(), image.height()));
    model_->start_margins(canvas.margins);
    canvas_ = new MaskCanvas(image, model_.get(), canvas, this);
    connect(canvas_, &MaskCanvas::edited, this, &MaskPainter::update_buttons);
    connect(canvas_, &MaskCanvas::stepDone, this, &MaskPainter::stepDone);

    auto* tools = new QHBoxLayout;
    build_tools(tools);
    auto* hint = new QLabel(tr("Paint what to repaint (shown red); the rest of the image is kept. "
                               "Right button: erase. [ and ]: brush size. Drag an edge or corner "
                               "of the canvas outward to outpaint there."),
                            this);
    hint->setWordWrap(true);
    canvas_label_ = new QLabel(this);
    canvas_label_->setObjectName(QStringLiteral("maskCanvasLabel"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Use mask"));
    buttons->button(QDialogButtonBox::Ok)->setToolTip(tr("Repaint the painted parts"));
    buttons->button(QDialogButtonBox::Cancel)->setToolTip(tr("Close without changing the mask"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(tools);
    layout->addWidget(canvas_, 1);
    layout->addWidget(canvas_label_);
    layout->addWidget(hint);
    layout->addWidget(buttons);
    set_erase(false);
    update_buttons();
}

MaskPainter::~MaskPainter() = default;

void MaskPainter::build_tools(QHBoxLayout* row) {
    auto tool = [this](const QString& text, const char* name, const QString& tip) {
        auto* button = new QToolButton(this);
        button->setText(text);
        button->setObjectName(QString::fromLatin1(name));
        button->setToolTip(tip);
        button->setCheckable(true);
        button->setAutoExclusive(true);
        return button;
    };
    brush_ = tool(tr("Brush"), "maskBrushButton", tr("Paint the parts to repaint (B)"));
    eraser_ = tool(tr("Eraser"), "maskEraserButton", tr("Erase: keep these parts (E)"));
    connect(brush_, &QToolButton::clicked, this, [this] { set_erase(false); });
    connect(eraser_, &QToolButton::clicked, this, [this] { set_erase(true); });
    size_ = new QSpinBox(this);
    size_->setObjectName(QStringLiteral("maskBrushSize"));
    size_->setRange(1, kMaxBrushSize);
    size_->setValue(kDefaultBrushSize);
    size_->setSuffix(QStringLiteral(" px"));
    size_->setToolTip(tr("Brush size in pixels of the image ([ smaller, ] larger)"));
    size_->setAccessibleName(tr("Brush size"));
    auto* slider = new QSlider(Qt::Horizontal, this);
    slider->setAccessibleName(size_->accessibleName());
    slider->setToolTip(size_->toolTip());
    slider->setRange(1, kMaxBrushSize);
    slider->setValue(kDefaultBrushSize);
    slider->setMinimumWidth(120);
    connect(slider, &QSlider::valueChanged, size_, &QSpinBox::setValue);
    connect(size_, &QSpinBox::valueChanged, slider, &QSlider::setValue);
    connect(size_, &QSpinBox::valueChanged, this, [this] { set_erase(canvas_->erasing()); });

    auto button = [this](const QString& text, const char* name, const QKeySequence& keys,
                         auto handler) {
        auto* created = new QPushButton(text, this);
        created->setObjectName(QString::fromLatin1(name));
        created->setAutoDefault(false);  // Enter accepts the dialog, not the last button used
        created->setToolTip(QStringLiteral("%1 (%2)").arg(text, keys.toString()));
        connect(created, &QPushButton::clicked, this, handler);
        connect(new QShortcut(keys, this), &QShortcut::activated, created, &QPushButton::click);
        return created;
    };
    auto edit = [this](void (MaskModel::*change)()) {
        return [this, change] {
            ((*model_).*change)();
            canvas_->update();
            update_buttons();
            Q_EMIT stepDone();
        };
    };
    undo_ = button(tr("Undo"), "maskUndoButton", QKeySequence::Undo, edit(&MaskModel::undo));
    redo_ = button(tr("Redo"), "maskRedoButton", QKeySequence::Redo, edit(&MaskModel::redo));
    auto* invert = button(tr("Invert"), "maskInvertButton", QKeySequence(Qt::CTRL | Qt::Key_I),
                          edit(&MaskModel::invert));
    auto* clear = button(tr("Clear"), "maskClearButton", QKeySequence(Qt::CTRL | Qt::Key_Delete),
                         edit(&MaskModel::clear));
    auto key = [this](Qt::Key pressed, auto handler) {
        connect(new QShortcut(QKeySequence(pressed), this), &QShortcut::activated, this, handler);
    };
    key(Qt::Key_B, [this] { brush_->click(); });
    key(Qt::Key_E, [this] { eraser_->click(); });
    key(Qt::Key_BracketLeft, [this] { size_->stepBy(-4); });
    key(Qt::Key_BracketRight, [this] { size_->stepBy(4); });

    row->addWidget(brush_);
    row->addWidget(eraser_);
    row->addWidget(new QLabel(tr("Size"), this));
    row->addWidget(slider, 1);
    row->addWidget(size_);
    row->addWidget(undo_);
    row->addWidget(redo_);
    row->addWidget(invert);
    row->addWidget(clear);
}

void MaskPainter::set_erase(bool erase) {
    (erase ? eraser_ : brush_)->setChecked(true);
    canvas_->set_brush(size_->value() / 2.0, erase);
}

void MaskPainter::update_buttons() {
    undo_->setEnabled(model_->can_undo());
    redo_->setEnabled(model_->can_redo());
    update_canvas_label();
}

void MaskPainter::update_canvas_label() {
    const lightning::Margins& m = model_->margins();
    const QSize inner = canvas_->inner_size();
    const QString size = tr("Canvas %1 × %2 px")
                             .arg(inner.width() + m.left + m.right)
                             .arg(inner.height() + m.top + m.bottom);
    canvas_label_->setText(m.any() ? tr("%1; outpainting left %2, top %3, right %4, bottom %5 px")
                                         .arg(size)
                                         .arg(m.left)
                                         .arg(m.top)
                                         .arg(m.right)
                                         .arg(m.bottom)
                                   : size);
}

}  // namespace lightning::ui
