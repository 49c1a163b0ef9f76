#include "ui/form/upscale_panel.h"

#include "core/request/limits.h"
#include "core/request/model_layout.h"
#include "core/util/log.h"
#include "ui/job_queue.h"
#include "ui/string_convert.h"
#include "ui/upscaler_files.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>

#include <cmath>
#include <utility>

namespace lightning::ui {
namespace {

namespace limits = lightning::limits;
using lightning::HiresUpscaler;

// Item data of the upscaler combos: the HiresUpscaler (the upscale combo's model entries use
// Model too) and the model file.
constexpr int kKindRole = Qt::UserRole;
constexpr int kFileRole = Qt::UserRole + 1;
constexpr int kHiresFixedEntries = 3;    // Latent, Latent (nearest), Lanczos
constexpr int kUpscaleFixedEntries = 1;  // Off

void add_entry(QComboBox* combo, const QString& text, int kind, const QString& file,
               const QString& tip) {
    combo->addItem(text);
    const int row = combo->count() - 1;
    combo->setItemData(row, kind, kKindRole);
    combo->setItemData(row, file, kFileRole);
    combo->setItemData(row, tip, Qt::ToolTipRole);
}

}  // namespace

UpscalePanel::UpscalePanel(QWidget* parent) : QGroupBox(tr("Hires fix and upscale"), parent) {
    setObjectName(QStringLiteral("upscalePanel"));
    auto* rows = new QFormLayout(this);
    rows->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    build_hires_rows();
    build_upscale_rows();
    rows->addRow(tr("&Hires fix"), hires_scale_);
    rows->addRow(tr("Hires stre&ngth"), hires_strength_);
    rows->addRow(tr("Hires ste&ps"), hires_steps_);
    rows->addRow(tr("Hires up&scaler"), hires_upscaler_);
    rows->addRow(QString(), hires_note_);
    rows->addRow(tr("&Upscale with"), upscale_model_);
    rows->addRow(tr("Upscale b&y"), upscale_scale_);
    update_enabled();
}

void UpscalePanel::build_hires_rows() {
    const lightning::HiresFix defaults;
    hires_scale_ = new QDoubleSpinBox(this);
    hires_scale_->setObjectName(QStringLiteral("hiresScaleSpin"));
    // The bottom of the range stands for "off" (scale 0): a scale must be above 1.
    hires_scale_->setRange(1.0, limits::kMaxHiresScale);
    hires_scale_->setSingleStep(0.25);
    hires_scale_->setDecimals(2);
    hires_scale_->setPrefix(QStringLiteral("×"));
    hires_scale_->setSpecialValueText(tr("Off"));
    hires_scale_->setToolTip(
        tr("A1111's hires fix: each image is made at the size above, enlarged by this factor and "
           "refined there in a second pass"));
    hires_strength_ = new QDoubleSpinBox(this);
    hires_strength_->setObjectName(QStringLiteral("hiresStrengthSpin"));
    hires_strength_->setRange(0.01, 1.0);
    hires_strength_->setSingleStep(0.05);
    hires_strength_->setDecimals(2);
    hires_strength_->setValue(defaults.strength);
    hires_strength_->setToolTip(
        tr("How much the second pass changes (its denoising strength): the last steps × "
           "strength steps of its schedule run"));
    hires_steps_ = new QComboBox(this);
    hires_steps_->setObjectName(QStringLiteral("hiresStepsCombo"));
    hires_steps_->addItem(tr("Same as the image"), 0);
    for (int steps : lightning::kStepChoices) hires_steps_->addItem(steps_text(steps), steps);
    hires_steps_->setToolTip(tr("The second pass's schedule, with its Lightning checkpoint"));
    hires_upscaler_ = new QComboBox(this);
    hires_upscaler_->setObjectName(QStringLiteral("hiresUpscalerCombo"));
    add_entry(hires_upscaler_, tr("Latent"), int(HiresUpscaler::Latent), {},
              tr("The first pass's latents, interpolated bilinearly"));
    add_entry(hires_upscaler_, tr("Latent (nearest)"), int(HiresUpscaler::LatentNearest), {},
              tr("The first pass's latents, each repeated"));
    add_entry(hires_upscaler_, tr("Lanczos"), int(HiresUpscaler::Lanczos), {},
              tr("The first pass's pixels, resized with Lanczos"));
    hires_upscaler_->setToolTip(tr("How the first pass is enlarged before the second"));
    hires_note_ = new QLabel(this);
    hires_note_->setObjectName(QStringLiteral("hiresNote"));
    hires_note_->setWordWrap(true);
    connect(hires_scale_, &QDoubleSpinBox::valueChanged, this, [this] {
        update_enabled();
        emit_changed();
    });
    connect(hires_strength_, &QDoubleSpinBox::valueChanged, this, &UpscalePanel::emit_changed);
    connect(hires_steps_, &QComboBox::currentIndexChanged, this, &UpscalePanel::emit_changed);
    connect(hires_upscaler_, &QComboBox::currentIndexChanged, this, &UpscalePanel::emit_changed);
}

void UpscalePanel::build_upscale_rows() {
    upscale_model_ = new QComboBox(this);
    upscale_model_->setObjectName(QStringLiteral("upscaleModelCombo"));
    add_entry(upscale_model_, tr("Off"), int(HiresUpscaler::Model), {},
              tr("The images stay at their size"));
    upscale_model_->setToolTip(
        tr("An upscaler model run over every finished image (after the hires fix)"));
    upscale_scale_ = new QSpinBox(this);
    upscale_scale_->setObjectName(QStringLiteral("upscaleScaleSpin"));
    upscale_scale_->setRange(0, limits::kMaxUpscaleScale);
    upscale_scale_->setPrefix(QStringLiteral("×"));
    upscale_scale_->setSpecialValueText(tr("the model's own"));
    upscale_scale_->setToolTip(
        tr("Below the model's own scale its result is resized down with Lanczos"));
    connect(upscale_model_, &QComboBox::currentIndexChanged, this, [this] {
        update_enabled();
        emit_changed();
    });
    connect(upscale_scale_, &QSpinBox::valueChanged, this, &UpscalePanel::emit_changed);
}

// ------------------------------------------------------------------------------ request

lightning::HiresFix UpscalePanel::hires() const {
    lightning::HiresFix hires;
    if (refining_ || hires_scale_->value() <= hires_scale_->minimum()) return hires;
    hires.scale = hires_scale_->value();
    hires.strength = hires_strength_->value();
    hires.steps = hires_steps_->currentData().toInt();
    hires.upscaler = HiresUpscaler(hires_upscaler_->currentData(kKindRole).toInt());
    hires.upscaler_model = to_std(hires_upscaler_->currentData(kFileRole).toString());
    return hires;
}

lightning::PostUpscale UpscalePanel::upscale() const {
    lightning::PostUpscale upscale;
    upscale.model = to_std(upscale_model_->currentData(kFileRole).toString());
    if (upscale.on()) upscale.scale = upscale_scale_->value();
    return upscale;
}

void UpscalePanel::set_hires(const lightning::HiresFix& hires) {
    const bool was_filling = std::exchange(filling_, true);
    if (!hires.on()) {
        hires_scale_->setValue(hires_scale_->minimum());
    } else {
        hires_scale_->setValue(hires.scale);
        hires_strength_->setValue(hires.strength);
        if (const int row = hires_steps_->findData(hires.steps); row >= 0)
            hires_steps_->setCurrentIndex(row);
        else
            lightning::log().info("Hires steps {} are not offered here; keeping {}", hires.steps,
                                  hires_steps_->currentData().toInt());
        select_model(hires_upscaler_, int(hires.upscaler), to_qstring(hires.upscaler_model));
    }
    filling_ = was_filling;
    update_enabled();
    emit_changed();
}

void UpscalePanel::set_upscale(const lightning::PostUpscale& upscale) {
    const bool was_filling = std::exchange(filling_, true);
    select_model(upscale_model_, int(HiresUpscaler::Model), to_qstring(upscale.model));
    if (upscale.on()) upscale_scale_->setValue(upscale.scale);
    filling_ = was_filling;
    update_enabled();
    emit_changed();
}

// ------------------------------------------------------------------------------ models

void UpscalePanel::set_upscaler_models(const QStringList& files) {
    models_ = files;
    const bool was_filling = std::exchange(filling_, true);
    fill_models(hires_upscaler_, kHiresFixedEntries, int(HiresUpscaler::Model));
    fill_models(upscale_model_, kUpscaleFixedEntries, int(HiresUpscaler::Model));
    filling_ = was_filling;
}

void UpscalePanel::fill_models(QComboBox* combo, int fixed, int kind) {
    const int chosen_kind = combo->currentData(kKindRole).toInt();
    const QString chosen_file = combo->currentData(kFileRole).toString();
    const QSignalBlocker quiet(combo);
    while (combo->count() > fixed) combo->removeItem(combo->count() - 1);
    for (const QString& file : models_)
        add_entry(combo, upscaler_display_name(file), kind, file, QDir::toNativeSeparators(file));
    select_model(combo, chosen_kind, chosen_file);
}

// The entry of `kind` and `file` ("" for the fixed entries); a file the folder does not hold
// gets an entry of its own.
void UpscalePanel::select_model(QComboBox* combo, int kind, const QString& file) {
    for (int row = 0; row < combo->count(); ++row)
        if (combo->itemData(row, kKindRole).toInt() == kind &&
            combo->itemData(row, kFileRole).toString() == file) {
            combo->setCurrentIndex(row);
            return;
        }
    add_entry(combo, tr("%1 (not in the upscaler folder)").arg(upscaler_display_name(file)), kind,
              file, QDir::toNativeSeparators(file));
    combo->setCurrentIndex(combo->count() - 1);
}

// ------------------------------------------------------------------------------ view

// Not a change of its own: the input image's section says the form changed.
void UpscalePanel::set_refining(bool refining) {
    refining_ = refining;
    update_enabled();
}

void UpscalePanel::update_enabled() {
    hires_scale_->setEnabled(!refining_);
    const bool hires_on = !refining_ && hires_scale_->value() > hires_scale_->minimum();
    for (QWidget* control :
         {static_cast<QWidget*>(hires_strength_), static_cast<QWidget*>(hires_steps_),
          static_cast<QWidget*>(hires_upscaler_)})
        control->setEnabled(hires_on);
    hires_note_->setText(refining_ ? tr("The hires fix applies to text to image; with an input "
                                        "image, set the larger size above instead.")
                                   : QString());
    hires_note_->setVisible(refining_);
    upscale_scale_->setEnabled(!upscale_model_->currentData(kFileRole).toString().isEmpty());
}

void UpscalePanel::emit_changed() {
    if (!filling_) Q_EMIT changed();
}

}  // namespace lightning::ui
