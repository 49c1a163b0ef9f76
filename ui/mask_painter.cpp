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

MaskCanvas::MaskCanvas(const QImage& image, MaskModel* model, QWidget* parent)
    : QWidget(parent), image_(image), model_(model) {
    setObjectName(QStringLiteral("maskCanvas"));
    setMouseTracking(true);  // the brush outline follows the cursor
    setCursor(Qt::CrossCursor);
    setMinimumSize(200, 200);
}

QSize MaskCanvas::sizeHint() const {
    return image_.size().scaled(720, 720, Qt::KeepAspectRatio).expandedTo({200, 200});
}

void MaskCanvas::set_brush(double radius, bool erase) {
    radius_ = radius;
    erase_ = erase;
    update();
}

double MaskCanvas::scale() const {
    if (image_.isNull()) return 1;
    return std::min(width() / double(image_.width()), height() / double(image_.height()));
}

QRectF MaskCanvas::image_rect() const {
    const QSizeF shown = QSizeF(image_.size()) * scale();
    return {QPointF((width() - shown.width()) / 2, (height() - shown.height()) / 2), shown};
}

QPointF MaskCanvas::to_widget(QPointF image_point) const {
    return image_rect().topLeft() + image_point * scale();
}

QPointF MaskCanvas::to_image(QPointF widget_point) const {
    return (widget_point - image_rect().topLeft()) / scale();
}

void MaskCanvas::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Dark));
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    const QRectF target = image_rect();
    painter.drawImage(target, image_);
    // The mask unsmoothed: its pixels as they are (a hard brush; the request's blur softens).
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    painter.drawImage(target, tint_of(mask_image(*model_)));
    if (hover_.x() >= 0) {
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(erase_ ? Qt::white : QColor(kTint), 1.5));
        painter.setBrush(Qt::NoBrush);
        const double r = radius_ * scale();
        painter.drawEllipse(hover_, r, r);
    }
}

void MaskCanvas::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton && event->button() != Qt::RightButton) return;
    const QPointF at = to_image(event->position());
    // The right button erases whatever the tool is.
    model_->begin_stroke({at.x(), at.y()}, radius_, erase_ || event->button() == Qt::RightButton);
    update();
    Q_EMIT edited();
}

void MaskCanvas::mouseMoveEvent(QMouseEvent* event) {
    hover_ = event->position();
    if (model_->stroking()) {
        const QPointF at = to_image(event->position());
        model_->continue_stroke({at.x(), at.y()});
        Q_EMIT edited();
    }
    update();
}

void MaskCanvas::mouseReleaseEvent(QMouseEvent* event) {
    if (!model_->stroking()) return;
    const QPointF at = to_image(event->position());
    model_->continue_stroke({at.x(), at.y()});
    model_->end_stroke();
    update();
    Q_EMIT edited();
}

void MaskCanvas::leaveEvent(QEvent*) {
    hover_ = {-1, -1};
    update();
}

// ----------------------------------------------------------------------------------- dialog

MaskPainter::MaskPainter(const QImage& image, const QImage& mask, QWidget* parent)
    : QDialog(parent) {
    setObjectName(QStringLiteral("maskPainter"));
    setWindowTitle(tr("Paint mask"));
    resize(820, 760);
    model_ = std::make_unique<MaskModel>(
        mask.isNull() ? MaskModel(image.width(), image.height())
                      : mask_model_from(mask, image.width(), image.height()));
    canvas_ = new MaskCanvas(image, model_.get(), this);
    connect(canvas_, &MaskCanvas::edited, this, &MaskPainter::update_buttons);

    auto* tools = new QHBoxLayout;
    build_tools(tools);
    auto* hint = new QLabel(tr("Paint what to repaint (shown red); the rest of the image is kept. "
                               "Right button: erase. [ and ]: brush size."),
                            this);
    hint->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Use mask"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(tools);
    layout->addWidget(canvas_, 1);
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
    auto* slider = new QSlider(Qt::Horizontal, this);
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
}

}  // namespace lightning::ui
