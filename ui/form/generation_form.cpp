#include "ui/form/generation_form.h"

#include "core/request/limits.h"
#include "core/request/model_layout.h"
#include "core/request/parameters.h"
#include "core/request/wildcards.h"
#include "core/util/error.h"
#include "core/util/log.h"
#include "ui/form/lora_panel.h"
#include "ui/form/refine_panel.h"
#include "ui/form/upscale_panel.h"
#include "ui/job_queue.h"
#include "ui/mask_model.h"
#include "ui/prompt_box.h"
#include "ui/string_convert.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace lightning::ui {
namespace {

namespace limits = lightning::limits;

constexpr int kCustomSize = -1;

// Width and height as the engine accepts them: a multiple of 8 inside the limits table.
int round_to_valid_side(int value) {
    const int m = limits::kSideMultiple;
    return std::clamp((value + m / 2) / m * m, limits::kMinSide, limits::kMaxSide);
}

void add_seed_mode(QComboBox* combo, const QString& text, SeedMode mode, const QString& tip) {
    combo->addItem(text, int(mode));
    combo->setItemData(combo->count() - 1, tip, Qt::ToolTipRole);
}

}  // namespace

QLabel* buddy_label(const QString& text, QWidget* field, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    label->setBuddy(field);
    // Qt names line edits and combos after their buddy, not text edits: name those too.
    if (field->accessibleName().isEmpty()) field->setAccessibleName(QString(text).remove(u'&'));
    return label;
}

GenerationForm::GenerationForm(TokenCounter* counter, QWidget* parent)
    : QWidget(parent), counter_(counter) {
    setObjectName(QStringLiteral("generationForm"));
    build_prompt_fields();
    rows_ = new QFormLayout;
    rows_->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    rows_->addRow(tr("&Steps"), build_steps_combo());
    rows_->addRow(tr("&Guidance"), build_guidance_spin());
    QLayout* size_row = build_size_row();
    rows_->addRow(buddy_label(tr("Si&ze"), size_, this), size_row);
    QLayout* seed_row = build_seed_row();
    rows_->addRow(buddy_label(tr("S&eed"), seed_, this), seed_row);
    rows_->addRow(build_variation_row());
    rows_->addRow(tr("&Batch"), build_batch_spin());
    static_cast<QVBoxLayout*>(layout())->addLayout(rows_);
    lora_ = new LoraPanel(this);
    connect(lora_, &LoraPanel::changed, this, &GenerationForm::emit_changed);
    connect(lora_, &LoraPanel::libraryChanged, prompt_,
            [this] { prompt_->set_lora_names(lora_->names()); });
    static_cast<QVBoxLayout*>(layout())->addWidget(lora_);
    refine_ = new RefinePanel(this);
    refine_->set_steps(steps_->currentData(Qt::UserRole).toInt());
    upscale_ = new UpscalePanel(this);
    // The hires fix is text to image's: its rows are off while an input image is refined (set
    // before the form says it changed, so request() then has it).
    connect(refine_, &RefinePanel::changed, upscale_,
            [this] { upscale_->set_refining(refine_->has_image()); });
    connect(refine_, &RefinePanel::changed, this, &GenerationForm::emit_changed);
    connect(refine_, &RefinePanel::outpaintEdited, this, &GenerationForm::set_outpaint);
    connect(upscale_, &UpscalePanel::changed, this, &GenerationForm::emit_changed);
    static_cast<QVBoxLayout*>(layout())->addWidget(refine_);
    static_cast<QVBoxLayout*>(layout())->addWidget(upscale_);
    update_guidance_dependent();
    on_size_preset_changed();
}

void GenerationForm::build_prompt_fields() {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    prompt_ = new PromptBox(QStringLiteral("prompt"), tr("Describe the image…"), this);
    prompt_->set_counter(counter_);
    layout->addWidget(buddy_label(tr("&Prompt"), prompt_->editor(), this));
    prompt_->editor()->setAccessibleDescription(
        tr("What the image shows; (words:1.2) weights words, <lora:name:weight> adds a LoRA. "
           "Ctrl+Return generates"));
    layout->addWidget(prompt_, 3);
    resolved_ = new QLabel(this);
    resolved_->setObjectName(QStringLiteral("resolvedPrompt"));
    resolved_->setWordWrap(true);
    resolved_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    resolved_->setAccessibleName(tr("Resolved prompt"));
    resolved_->hide();
    layout->addWidget(resolved_);

    negative_ = new PromptBox(QStringLiteral("negative"), tr("What to avoid…"), this);
    negative_->set_counter(counter_);
    negative_hint_ = new QLabel(this);
    negative_hint_->setObjectName(QStringLiteral("negativeHint"));
    negative_hint_->setWordWrap(true);
    layout->addWidget(buddy_label(tr("Negative prompt"), negative_->editor(), this));
    negative_->editor()->setAccessibleDescription(tr("What the image should not show"));
    layout->addWidget(negative_, 2);
    layout->addWidget(negative_hint_);
    connect(prompt_, &PromptBox::textChanged, this, &GenerationForm::emit_changed);
    connect(negative_, &PromptBox::textChanged, this, &GenerationForm::emit_changed);
}

QComboBox* GenerationForm::build_steps_combo() {
    steps_ = new QComboBox(this);
    steps_->setObjectName(QStringLiteral("stepsCombo"));
    steps_model_ = new QStandardItemModel(steps_);
    for (int steps : lightning::kStepChoices) {
        auto* item = new QStandardItem(steps_text(steps));
        item->setData(steps, Qt::UserRole);
        steps_model_->appendRow(item);
    }
    steps_->setModel(steps_model_);
    steps_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    connect(steps_, &QComboBox::currentIndexChanged, this, &GenerationForm::on_steps_changed);
    return steps_;
}

QDoubleSpinBox* GenerationForm::build_guidance_spin() {
    guidance_ = new QDoubleSpinBox(this);
    guidance_->setObjectName(QStringLiteral("guidanceSpin"));
    guidance_->setRange(0, limits::kMaxGuidance);
    guidance_->setSingleStep(0.5);
    guidance_->setDecimals(1);
    guidance_->setSpecialValueText(tr("0 (off)"));
    guidance_->setToolTip(
        tr("Classifier-free guidance. SDXL-Lightning is distilled for 0 (off); above 1 every step "
           "runs the UNet twice and the negative prompt takes effect."));
    connect(guidance_, &QDoubleSpinBox::valueChanged, this, [this] {
        update_guidance_dependent();
        emit_changed();
    });
    return guidance_;
}

QLayout* GenerationForm::build_size_row() {
    size_ = new QComboBox(this);
    size_->setObjectName(QStringLiteral("sizeCombo"));
    for (const SizePreset& preset : kSizePresets)
        size_->addItem(QStringLiteral("%1 × %2").arg(preset.width).arg(preset.height),
                       QSize(preset.width, preset.height));
    size_->addItem(tr("Custom"), kCustomSize);
    size_->setToolTip(tr("Image size in pixels: a preset, or Custom for the width and height"));
    width_ = new QSpinBox(this);
    width_->setObjectName(QStringLiteral("widthSpin"));
    height_ = new QSpinBox(this);
    height_->setObjectName(QStringLiteral("heightSpin"));
    width_->setAccessibleName(tr("Width"));
    height_->setAccessibleName(tr("Height"));
    for (QSpinBox* spin : {width_, height_}) {
        spin->setRange(limits::kMinSide, limits::kMaxSide);
        spin->setSingleStep(limits::kSideMultiple);
        spin->setSuffix(QStringLiteral(" px"));
        spin->setToolTip(tr("Multiples of %1; SDXL works best near 1024×1024 pixels in total")
                             .arg(limits::kSideMultiple));
        connect(spin, &QSpinBox::editingFinished, this,
                [spin] { spin->setValue(round_to_valid_side(spin->value())); });
        connect(spin, &QSpinBox::valueChanged, this, &GenerationForm::emit_changed);
    }
    connect(size_, &QComboBox::currentIndexChanged, this, &GenerationForm::on_size_preset_changed);
    auto* row = new QHBoxLayout;
    row->addWidget(size_, 1);
    row->addWidget(width_);
    row->addWidget(new QLabel(QStringLiteral("×"), this));
    row->addWidget(height_);
    return row;
}

QLayout* GenerationForm::build_seed_row() {
    seed_ = new QLineEdit(this);
    seed_->setObjectName(QStringLiteral("seedEdit"));
    // Digits only; the range (up to 2^53 - 1) is checked with the rest of the request, with the
    // same message the CLI gives.
    const int max_digits = int(QString::number(limits::kMaxSeed).size());
    seed_->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("\\d{1,%1}").arg(max_digits)), seed_));
    seed_->setToolTip(tr("Image i of a batch uses seed + i"));
    auto* random = new QPushButton(tr("Random"), this);
    random->setObjectName(QStringLiteral("randomSeedButton"));
    random->setToolTip(tr("Pick a new random seed"));
    // The seed shown is the one that runs; the mode only says what is shown after a run.
    seed_mode_ = new QComboBox(this);
    seed_mode_->setObjectName(QStringLiteral("seedModeCombo"));
    add_seed_mode(seed_mode_, tr("then random"), SeedMode::Random,
                  tr("After each run, show a new random seed"));
    add_seed_mode(seed_mode_, tr("then same"), SeedMode::Fixed,
                  tr("Keep this seed for the next runs"));
    add_seed_mode(
        seed_mode_, tr("then +1"), SeedMode::Increment,
        tr("Step on to the next seed after each run (+1 per image, so batches never repeat one)"));
    seed_mode_->setToolTip(
        tr("The seed shown always runs next; this chooses the seed shown after a run: a random "
           "one, the same one, or the next one"));
    connect(random, &QPushButton::clicked, this, &GenerationForm::randomize_seed);
    // Typing a seed means wanting that seed, also for the runs after.
    connect(seed_, &QLineEdit::textEdited, this, [this] {
        if (seed_mode() == SeedMode::Random) set_seed_mode(SeedMode::Fixed);
    });
    connect(seed_, &QLineEdit::textChanged, this, &GenerationForm::emit_changed);
    auto* row = new QHBoxLayout;
    row->addWidget(seed_, 1);
    row->addWidget(random);
    row->addWidget(seed_mode_);
    return row;
}

QWidget* GenerationForm::build_variation_row() {
    variation_row_ = new QWidget(this);
    variation_row_->setObjectName(QStringLiteral("variationRow"));
    variation_label_ = new QLabel(variation_row_);
    variation_label_->setObjectName(QStringLiteral("variationLabel"));
    auto* clear = new QPushButton(tr("Clear"), variation_row_);
    clear->setObjectName(QStringLiteral("clearVariationButton"));
    clear->setToolTip(tr("Render the seed's own image again, without the variation seed"));
    connect(clear, &QPushButton::clicked, this, [this] {
        variation_ = {};
        show_variation();
        emit_changed();
    });
    auto* row = new QHBoxLayout(variation_row_);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(variation_label_, 1);
    row->addWidget(clear);
    show_variation();
    return variation_row_;
}

void GenerationForm::show_variation() {
    QStringList parts;
    if (variation_.blends())
        parts << tr("Variation seed %1 at strength %2")
                     .arg(variation_.seed)
                     .arg(to_qstring(lightning::format_number(variation_.strength)));
    if (variation_.resizes())
        parts << tr("seed resized from %1×%2")
                     .arg(variation_.resize_from_width)
                     .arg(variation_.resize_from_height);
    variation_label_->setText(parts.join(QStringLiteral(", ")));
    variation_row_->setVisible(variation_.on());
}

QSpinBox* GenerationForm::build_batch_spin() {
    batch_ = new QSpinBox(this);
    batch_->setObjectName(QStringLiteral("batchSpin"));
    batch_->setRange(1, limits::kMaxBatch);
    batch_->setToolTip(tr("Images per job, with seeds seed, seed+1, …"));
    connect(batch_, &QSpinBox::valueChanged, this, &GenerationForm::emit_changed);
    return batch_;
}

void GenerationForm::add_row(QWidget* label, QWidget* field) {
    rows_->addRow(label, field);
}

// ------------------------------------------------------------------------ form <-> request

lightning::GenerationRequest GenerationForm::request() const {
    lightning::GenerationRequest r;
    r.prompt = to_std(prompt_->text().trimmed());
    const QString negative = negative_->text().trimmed();
    if (!negative.isEmpty()) r.negative_prompt = to_std(negative);
    lightning::mark_prompt_templates(r);
    r.wildcards_dir = wildcards_dir_;
    r.steps = steps_->currentData(Qt::UserRole).toInt();
    r.guidance = guidance_->value();
    r.width = round_to_valid_side(width_->value());
    r.height = round_to_valid_side(height_->value());
    r.seed = seed_->text().toULongLong();  // 0 when empty (has_seed() tells)
    r.batch = batch_->value();
    r.loras = lora_->loras();
    r.input = refine_->input();
    r.hires = upscale_->hires();
    r.upscale = upscale_->upscale();
    r.variation = variation_;
    return r;
}

void GenerationForm::set_request(const lightning::GenerationRequest& request) {
    const bool was_filling = std::exchange(filling_, true);
    prompt_->set_text(
        to_qstring(request.prompt_template.empty() ? request.prompt : request.prompt_template));
    negative_->set_text(to_qstring(
        request.negative_template.value_or(request.negative_prompt.value_or(std::string()))));
    guidance_->setValue(request.guidance);
    if (steps_available(request.steps)) {
        select_steps(request.steps);
    } else {
        lightning::log().info("{} steps are not available here; keeping {}", request.steps,
                              steps_->currentData(Qt::UserRole).toInt());
    }
    select_size(request.width, request.height);
    seed_->setText(QString::number(request.seed));
    batch_->setValue(request.batch);
    lora_->set_loras(request.loras);
    refine_->set_input(request.input);
    upscale_->set_refining(refine_->has_image());
    upscale_->set_hires(request.hires);
    upscale_->set_upscale(request.upscale);
    variation_ = request.variation;
    show_variation();
    filling_ = was_filling;
    emit_changed();
}

// The input's size as the engine takes it: rounded down to a multiple of 8 (as diffusers and
// the CLI do), scaled down first when a side is beyond the limits, so the shape stays.
void GenerationForm::set_input_image(const QString& path, const QImage& pixels) {
    const bool was_filling = std::exchange(filling_, true);
    refine_->set_image(path, pixels);
    double width = pixels.width(), height = pixels.height();
    const double scale = std::min(1.0, limits::kMaxSide / std::max(width, height));
    const int m = limits::kSideMultiple;
    auto side = [m](double value) {
        return std::clamp(int(std::lround(value)) / m * m, limits::kMinSide, limits::kMaxSide);
    };
    if (!pixels.isNull()) select_size(side(width * scale), side(height * scale));
    filling_ = was_filling;
    emit_changed();
}

void GenerationForm::set_outpaint(const lightning::Margins& wanted) {
    const bool was_filling = std::exchange(filling_, true);
    const lightning::Margins from = refine_->outpaint();
    const int inner_width = width_->value() - from.left - from.right;
    const int inner_height = height_->value() - from.top - from.bottom;
    lightning::Margins to = from;
    // One side at a time, against the other as it stands (an edge drags one side of a pair).
    auto snap = [](int wanted_side, int& side, int inner, int opposite) {
        if (wanted_side != side) side = snap_margin(wanted_side, inner, opposite);
    };
    snap(wanted.left, to.left, inner_width, to.right);
    snap(wanted.right, to.right, inner_width, to.left);
    snap(wanted.top, to.top, inner_height, to.bottom);
    snap(wanted.bottom, to.bottom, inner_height, to.top);
    refine_->set_outpaint(to);
    select_size(inner_width + to.left + to.right, inner_height + to.top + to.bottom);
    filling_ = was_filling;
    emit_changed();
}

void GenerationForm::set_painted(const QString& mask, const lightning::Margins& margins) {
    const bool was_filling = std::exchange(filling_, true);
    refine_->set_mask(mask);
    set_outpaint(margins);
    filling_ = was_filling;
    emit_changed();
}

void GenerationForm::set_upscaler_models(const QStringList& files) {
    upscale_->set_upscaler_models(files);
}

bool GenerationForm::has_seed() const {
    bool ok = false;
    seed_->text().toULongLong(&ok);
    return ok;
}

void GenerationForm::randomize_seed() {
    // 32-bit seeds: short enough to read out and type, as other SD tools do.
    seed_->setText(QString::number(QRandomGenerator::global()->generate()));
}

SeedMode GenerationForm::seed_mode() const {
    return SeedMode(seed_mode_->currentData().toInt());
}

void GenerationForm::set_seed_mode(SeedMode mode) {
    seed_mode_->setCurrentIndex(seed_mode_->findData(int(mode)));
}

void GenerationForm::advance_seed(const lightning::GenerationRequest& ran) {
    seed_->setText(
        QString::number(next_seed(seed_mode(), ran, QRandomGenerator::global()->generate())));
}

FormSettings GenerationForm::settings() const {
    FormSettings form;
    form.request = request();
    form.seed_mode = seed_mode();
    form.size_preset =
        size_->currentData().toInt() == kCustomSize
            ? QStringLiteral("custom")
            : QStringLiteral("%1x%2").arg(form.request.width).arg(form.request.height);
    return form;
}

void GenerationForm::restore(const FormSettings& settings) {
    const bool was_filling = std::exchange(filling_, true);
    set_request(settings.request);
    if (settings.size_preset == QLatin1String("custom")) size_->setCurrentIndex(size_->count() - 1);
    set_seed_mode(settings.seed_mode);
    // Nothing stored yet (first start): a random seed, shown before it runs.
    if (settings.request.seed == 0 && settings.seed_mode == SeedMode::Random) randomize_seed();
    filling_ = was_filling;
    emit_changed();
}

void GenerationForm::emit_changed() {
    if (filling_) return;
    update_resolved_prompt();
    Q_EMIT changed();
}

void GenerationForm::set_wildcards_dir(const QString& dir) {
    wildcards_dir_ = to_std(dir);
    emit_changed();
}

QString GenerationForm::resolved_prompt_text() const {
    return resolved_->isHidden() ? QString() : resolved_->text();
}

// Dynamic prompts: what the seed shown makes of the templates (the core's resolution, the one
// the engine runs), or why it cannot, before anything is queued.
void GenerationForm::update_resolved_prompt() {
    lightning::GenerationRequest r = request();
    r.batch = 1;
    if (!r.has_template()) {
        resolved_->hide();
        return;
    }
    QString text;
    try {
        const lightning::GenerationRequest image = lightning::resolved_images(r).front();
        text = tr("Seed %1: %2").arg(image.seed).arg(to_qstring(image.prompt));
        if (r.negative_template)
            text += QStringLiteral("\n") +
                    tr("Negative: %1").arg(to_qstring(image.negative_prompt.value_or("")));
        resolved_->setStyleSheet(QString());
    } catch (const lightning::Error& e) {
        text = to_qstring(e.what());
        resolved_->setStyleSheet(QStringLiteral("color: #c0392b;"));
    }
    resolved_->setText(text);
    resolved_->show();
}

// ---------------------------------------------------------------------------------- controls

void GenerationForm::select_steps(int steps) {
    for (int row = 0; row < steps_model_->rowCount(); ++row)
        if (steps_model_->item(row)->data(Qt::UserRole).toInt() == steps) {
            steps_->setCurrentIndex(row);
            return;
        }
}

// A preset when one has this size, else Custom; the spin boxes hold the size either way.
void GenerationForm::select_size(int width, int height) {
    width = round_to_valid_side(width);
    height = round_to_valid_side(height);
    const int preset = size_->findData(QSize(width, height));
    const bool was_filling = std::exchange(filling_, true);
    size_->setCurrentIndex(preset >= 0 ? preset : size_->count() - 1);
    width_->setValue(width);
    height_->setValue(height);
    filling_ = was_filling;
    on_size_preset_changed();
}

void GenerationForm::on_size_preset_changed() {
    const QVariant data = size_->currentData();
    const bool custom = data.typeId() != QMetaType::QSize;
    width_->setEnabled(custom);
    height_->setEnabled(custom);
    if (!custom && !filling_) {
        const QSize size = data.toSize();
        width_->setValue(size.width());
        height_->setValue(size.height());
    }
}

void GenerationForm::update_guidance_dependent() {
    const bool cfg = guidance_->value() > 1.0;
    negative_->setEnabled(cfg);
    negative_hint_->setText(
        cfg ? tr("Guidance %1: each step runs the UNet twice (slower); the negative prompt "
                 "steers away.")
                  .arg(to_qstring(lightning::format_number(guidance_->value())))
            : tr("The negative prompt takes effect only with guidance above 1 (Lightning is "
                 "distilled for guidance 0)."));
}

void GenerationForm::on_steps_changed() {
    if (steps_->currentIndex() < 0) return;
    steps_->setToolTip(steps_model_->item(steps_->currentIndex())->toolTip());
    Q_EMIT stepsChanged(steps_->currentData(Qt::UserRole).toInt());
    if (refine_) refine_->set_steps(steps_->currentData(Qt::UserRole).toInt());
    emit_changed();
}

// The entries show the step count only; the file (or which file is missing where) is in the
// tooltip, so nothing is cut off in a narrow form.
void GenerationForm::update_step_choices(const std::string& dir) {
    const QString shown_dir =
        dir.empty() ? tr("(not set)") : QDir::toNativeSeparators(to_qstring(dir));
    for (int row = 0; row < steps_model_->rowCount(); ++row) {
        QStandardItem* item = steps_model_->item(row);
        const int steps = item->data(Qt::UserRole).toInt();
        const QString file = to_qstring(lightning::lightning_file(dir, steps));
        item->setEnabled(!file.isEmpty());
        if (file.isEmpty()) {
            item->setText(tr("%1 (file missing)").arg(steps_text(steps)));
            item->setToolTip(
                tr("No %1 in the SDXL-Lightning folder %2. Download it from %3 (Settings).")
                    .arg(to_qstring(lightning::published_lightning_file(steps)), shown_dir,
                         QString::fromLatin1(lightning::kLightningRepo)));
        } else {
            item->setText(steps_text(steps));
            item->setToolTip(tr("Uses %1 in %2").arg(QFileInfo(file).fileName(), shown_dir));
        }
    }
    // Keep the choice if possible; else prefer 4 steps, then any available.
    if (!steps_model_->item(steps_->currentIndex())->isEnabled()) {
        for (int preferred : {4, 8, 2, 1})
            if (steps_available(preferred)) {
                select_steps(preferred);
                break;
            }
    }
    steps_->setToolTip(steps_model_->item(steps_->currentIndex())->toolTip());
}

bool GenerationForm::steps_available(int steps) const {
    for (int row = 0; row < steps_model_->rowCount(); ++row) {
        const QStandardItem* item = steps_model_->item(row);
        if (item->data(Qt::UserRole).toInt() == steps) return item->isEnabled();
    }
    return false;
}

}  // namespace lightning::ui
