#include "ui/form/refine_panel.h"

#include "core/request/enums.h"
#include "core/request/limits.h"
#include "core/util/error.h"
#include "ui/mask_painter.h"
#include "ui/refine_files.h"
#include "ui/string_convert.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace lightning::ui {
namespace {

namespace limits = lightning::limits;

// Strength is a fraction in (0, 1] (limits::validate refuses anything else); the controls step
// in hundredths, so their smallest value is one hundredth.
constexpr int kStrengthScale = 100;
constexpr int kThumbnailSide = 96;

QString fit_tip(lightning::ImageFit fit) {
    switch (fit) {
        case lightning::ImageFit::Resize:
            return QObject::tr("Stretch the input to the size set above");
        case lightning::ImageFit::Crop:
            return QObject::tr("Scale the input to cover the size, cutting off what sticks out");
        case lightning::ImageFit::Pad:
            return QObject::tr(
                "Scale the input to fit inside the size, filling the rest from its "
                "edges");
    }
    return {};
}

}  // namespace

RefinePanel::RefinePanel(QWidget* parent) : QGroupBox(tr("Input image"), parent) {
    setObjectName(QStringLiteral("refinePanel"));
    auto* layout = new QVBoxLayout(this);
    empty_hint_ =
        new QLabel(tr("None: the prompt alone makes the image. Drop an image on the window, use "
                      "\"Use as input\" on a gallery image, or open a file to refine it."),
                   this);
    empty_hint_->setObjectName(QStringLiteral("refineEmptyHint"));
    empty_hint_->setWordWrap(true);
    layout->addWidget(empty_hint_);
    auto* open = new QPushButton(tr("Open…"), this);
    open->setObjectName(QStringLiteral("refineOpenButton"));
    open->setToolTip(tr("Choose an image file to refine"));
    connect(open, &QPushButton::clicked, this, &RefinePanel::openRequested);
    layout->addWidget(open, 0, Qt::AlignLeft);
    layout->addWidget(build_image_row());
    layout->addWidget(build_settings());
    update_view();
}

QWidget* RefinePanel::build_image_row() {
    image_row_ = new QWidget(this);
    thumbnail_ = new QLabel(image_row_);
    thumbnail_->setObjectName(QStringLiteral("refineThumbnail"));
    thumbnail_->setFixedSize(kThumbnailSide, kThumbnailSide);
    thumbnail_->setAlignment(Qt::AlignCenter);
    file_label_ = new QLabel(image_row_);
    file_label_->setObjectName(QStringLiteral("refineFileLabel"));
    file_label_->setWordWrap(true);
    mask_label_ = new QLabel(image_row_);
    mask_label_->setObjectName(QStringLiteral("refineMaskLabel"));
    mask_label_->setWordWrap(true);
    auto button = [this](const QString& text, const char* name, const QString& tip) {
        auto* created = new QPushButton(text, image_row_);
        created->setObjectName(QString::fromLatin1(name));
        created->setToolTip(tip);
        return created;
    };
    auto* clear = button(tr("Clear"), "refineClearButton", tr("Back to text to image"));
    paint_mask_ = button(tr("Paint mask…"), "paintMaskButton",
                         tr("Paint the part to repaint (inpainting); the rest is kept"));
    clear_mask_ =
        button(tr("Clear mask"), "clearMaskButton", tr("Repaint the whole image again (img2img)"));
    connect(clear, &QPushButton::clicked, this, &RefinePanel::clear_image);
    connect(paint_mask_, &QPushButton::clicked, this, &RefinePanel::paintMaskRequested);
    connect(clear_mask_, &QPushButton::clicked, this, [this] { set_mask({}); });

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(paint_mask_);
    buttons->addWidget(clear_mask_);
    buttons->addWidget(clear);
    auto* text = new QVBoxLayout;
    text->addWidget(file_label_);
    text->addWidget(mask_label_);
    text->addStretch();
    text->addLayout(buttons);
    auto* row = new QHBoxLayout(image_row_);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(thumbnail_);
    row->addLayout(text, 1);
    return image_row_;
}

QWidget* RefinePanel::build_settings() {
    settings_ = new QWidget(this);
    auto* rows = new QFormLayout(settings_);
    rows->setContentsMargins(0, 0, 0, 0);
    build_strength(settings_);
    auto* strength_row = new QHBoxLayout;
    strength_row->addWidget(strength_slider_, 1);
    strength_row->addWidget(strength_);
    auto* strength_label = new QLabel(tr("S&trength"), settings_);
    strength_label->setBuddy(strength_);  // a layout row gets no buddy by itself
    rows->addRow(strength_label, strength_row);
    rows->addRow(QString(), strength_hint_);

    fit_ = new QComboBox(settings_);
    fit_->setObjectName(QStringLiteral("fitCombo"));
    for (const auto& [fit, name] : lightning::EnumNames<lightning::ImageFit>::table) {
        fit_->addItem(QString::fromLatin1(name.data(), int(name.size())), int(fit));
        fit_->setItemData(fit_->count() - 1, fit_tip(fit), Qt::ToolTipRole);
    }
    fit_->setToolTip(tr("How an input of another size than the one set above is fitted"));
    connect(fit_, &QComboBox::currentIndexChanged, this, &RefinePanel::emit_changed);
    rows->addRow(tr("F&it"), fit_);

    mask_blur_ = new QSpinBox(settings_);
    mask_blur_->setObjectName(QStringLiteral("maskBlurSpin"));
    mask_blur_->setRange(0, limits::kMaxMaskBlur);
    mask_blur_->setSuffix(QStringLiteral(" px"));
    mask_blur_->setToolTip(tr("Softens the mask's edge (a Gaussian blur of this radius)"));
    connect(mask_blur_, &QSpinBox::valueChanged, this, &RefinePanel::emit_changed);
    rows->addRow(tr("Mask bl&ur"), mask_blur_);

    keep_unmasked_ = new QCheckBox(tr("Keep u&nmasked pixels"), settings_);
    keep_unmasked_->setObjectName(QStringLiteral("keepUnmaskedCheck"));
    keep_unmasked_->setChecked(true);  // the app's default (the CLI's is diffusers' output)
    keep_unmasked_->setToolTip(
        tr("Paste the input's pixels outside the mask back over the result, so that nothing "
           "outside the mask shifts"));
    connect(keep_unmasked_, &QCheckBox::toggled, this, &RefinePanel::emit_changed);
    rows->addRow(QString(), keep_unmasked_);
    QLayout* outpaint = build_outpaint(settings_);
    auto* outpaint_label = new QLabel(tr("&Outpaint"), settings_);
    outpaint_label->setBuddy(outpaint_spins_[0]);
    rows->addRow(outpaint_label, outpaint);
    return settings_;
}

// Left, top, right, bottom: numbers for what dragging the canvas edges in the mask painter
// sets, for the keyboard (the form snaps them as the drag does).
QLayout* RefinePanel::build_outpaint(QWidget* parent) {
    const struct {
        const char* name;
        QString side;
    } sides[] = {{"outpaintLeftSpin", tr("left")},
                 {"outpaintTopSpin", tr("top")},
                 {"outpaintRightSpin", tr("right")},
                 {"outpaintBottomSpin", tr("bottom")}};
    auto* row = new QHBoxLayout;
    for (int i = 0; i < 4; ++i) {
        auto* spin = new QSpinBox(parent);
        spin->setObjectName(QString::fromLatin1(sides[i].name));
        spin->setRange(0, limits::kMaxSide);
        spin->setSingleStep(limits::kSideMultiple);
        spin->setKeyboardTracking(false);  // a typed number counts when complete
        spin->setAccessibleName(tr("Outpaint %1").arg(sides[i].side));
        spin->setToolTip(tr("Grow the canvas on the %1 by this many pixels (repainted); the size "
                            "above grows with it. Or drag the canvas edges in Paint mask…")
                             .arg(sides[i].side));
        connect(spin, &QSpinBox::valueChanged, this, [this] {
            if (filling_) return;
            lightning::Margins wanted;
            int* values[] = {&wanted.left, &wanted.top, &wanted.right, &wanted.bottom};
            for (int j = 0; j < 4; ++j) *values[j] = outpaint_spins_[j]->value();
            Q_EMIT outpaintEdited(wanted);
        });
        outpaint_spins_[i] = spin;
        row->addWidget(spin);
    }
    return row;
}

void RefinePanel::build_strength(QWidget* parent) {
    const double default_strength = lightning::RefineInput{}.strength;
    strength_slider_ = new QSlider(Qt::Horizontal, parent);
    strength_slider_->setObjectName(QStringLiteral("strengthSlider"));
    strength_slider_->setRange(1, kStrengthScale);
    strength_ = new QDoubleSpinBox(parent);
    strength_->setObjectName(QStringLiteral("strengthSpin"));
    strength_->setRange(1.0 / kStrengthScale, 1.0);
    strength_->setDecimals(2);
    strength_->setSingleStep(0.05);
    const QString tip = tr("How much changes: near 0 the input stays, 1 repaints it from noise");
    strength_slider_->setToolTip(tip);
    strength_->setToolTip(tip);
    strength_hint_ = new QLabel(parent);
    strength_hint_->setObjectName(QStringLiteral("strengthHint"));
    connect(strength_slider_, &QSlider::valueChanged, this, [this](int value) {
        if (std::lround(strength_->value() * kStrengthScale) != value)
            strength_->setValue(double(value) / kStrengthScale);
    });
    connect(strength_, &QDoubleSpinBox::valueChanged, this, [this](double value) {
        strength_slider_->setValue(int(std::lround(value * kStrengthScale)));
        update_hint();
        emit_changed();
    });
    strength_->setValue(default_strength);
}

// ------------------------------------------------------------------------------ request

lightning::RefineInput RefinePanel::input() const {
    lightning::RefineInput in;
    if (!has_image()) return in;
    in.image = to_std(image_path_);
    in.mask = to_std(mask_path_);
    in.strength = strength_->value();
    in.fit = lightning::ImageFit(fit_->currentData().toInt());
    in.mask_blur = mask_blur_->value();
    in.keep_unmasked = keep_unmasked_->isChecked();
    in.outpaint = outpaint_;
    return in;
}

void RefinePanel::set_input(const lightning::RefineInput& input) {
    const bool was_filling = std::exchange(filling_, true);
    if (input.image.empty()) {
        clear_image();
    } else {
        strength_->setValue(input.strength);
        fit_->setCurrentIndex(fit_->findData(int(input.fit)));
        mask_blur_->setValue(input.mask_blur);
        keep_unmasked_->setChecked(input.keep_unmasked);
        image_path_ = to_qstring(input.image);
        image_problem_.clear();
        try {
            pixels_ = read_refine_image(image_path_);
        } catch (const lightning::Error& error) {
            pixels_ = {};
            image_problem_ = to_qstring(error.message());
        }
        mask_path_ = to_qstring(input.mask);
        outpaint_ = input.outpaint;
        update_view();
    }
    filling_ = was_filling;
    emit_changed();
}

void RefinePanel::set_image(const QString& path, const QImage& pixels) {
    image_path_ = path;
    pixels_ = pixels;
    image_problem_.clear();
    mask_path_.clear();  // a mask belongs to the image it was painted on
    outpaint_ = {};
    update_view();
    emit_changed();
}

void RefinePanel::set_mask(const QString& path) {
    mask_path_ = path;
    update_view();
    emit_changed();
}

void RefinePanel::set_outpaint(const lightning::Margins& margins) {
    const bool changed = margins != outpaint_;
    outpaint_ = margins;
    update_view();  // also when unchanged: a spin box may show a number that snapped back
    if (changed) emit_changed();
}

void RefinePanel::clear_image() {
    image_path_.clear();
    mask_path_.clear();
    pixels_ = {};
    image_problem_.clear();
    outpaint_ = {};
    update_view();
    emit_changed();
}

void RefinePanel::set_steps(int steps) {
    steps_ = steps;
    update_hint();
}

// ------------------------------------------------------------------------------ view

void RefinePanel::update_view() {
    const bool image = has_image();
    empty_hint_->setVisible(!image);
    image_row_->setVisible(image);
    settings_->setVisible(image);
    const bool inpaints = image && (!mask_path_.isEmpty() || outpaint_.any());
    // Blur and keeping the unmasked pixels act on a mask only; shown, so they can be set first.
    mask_blur_->setEnabled(inpaints);
    keep_unmasked_->setEnabled(inpaints);
    clear_mask_->setEnabled(!mask_path_.isEmpty());
    paint_mask_->setEnabled(!pixels_.isNull());
    paint_mask_->setText(mask_path_.isEmpty() ? tr("Paint mask…") : tr("Edit mask…"));
    const bool was_filling = std::exchange(filling_, true);  // shown, not edited
    const int values[] = {outpaint_.left, outpaint_.top, outpaint_.right, outpaint_.bottom};
    for (int i = 0; i < 4; ++i) outpaint_spins_[i]->setValue(values[i]);
    filling_ = was_filling;
    if (!image) return;
    const QFileInfo file(image_path_);
    file_label_->setText(
        image_problem_.isEmpty()
            ? tr("%1\n%2 × %3 px").arg(file.fileName()).arg(pixels_.width()).arg(pixels_.height())
            : tr("%1: %2").arg(file.fileName(), image_problem_));
    file_label_->setToolTip(QDir::toNativeSeparators(image_path_));
    mask_label_->setText(
        mask_path_.isEmpty()
            ? tr("No mask: the whole image is repainted")
            : tr("Mask %1: white parts are repainted").arg(QFileInfo(mask_path_).fileName()));
    mask_label_->setToolTip(QDir::toNativeSeparators(mask_path_));
    update_thumbnail();
    update_hint();
}

void RefinePanel::update_thumbnail() {
    if (pixels_.isNull()) {
        thumbnail_->setPixmap({});
        thumbnail_->setText(tr("?"));
        return;
    }
    QImage shown = pixels_;
    if (!mask_path_.isEmpty()) {
        try {
            shown = mask_overlay(pixels_, read_refine_image(mask_path_));
        } catch (const lightning::Error& error) {
            mask_label_->setText(
                tr("Mask %1: %2")
                    .arg(QFileInfo(mask_path_).fileName(), to_qstring(error.message())));
        }
    }
    thumbnail_->setPixmap(QPixmap::fromImage(shown.scaled(
        thumbnail_->size() * devicePixelRatioF(), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

void RefinePanel::update_hint() {
    lightning::GenerationRequest request;
    request.steps = steps_;
    request.input.image = "input";
    request.input.strength = strength_->value();
    const int runs = request.denoising_steps();
    strength_hint_->setText(runs > 0 ? tr("Runs the last %1 of %2 steps").arg(runs).arg(steps_)
                                     : tr("Too low for %1 steps: no step would run").arg(steps_));
}

void RefinePanel::emit_changed() {
    if (!filling_) Q_EMIT changed();
}

}  // namespace lightning::ui
