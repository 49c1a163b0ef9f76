#include "ui/form/lora_panel.h"

#include "core/engine/engine.h"
#include "core/request/limits.h"
#include "core/util/error.h"
#include "core/util/log.h"
#include "ui/string_convert.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <utility>

namespace lightning::ui {
namespace {

// The slider covers the weights people use (-2..2) in hundredths; the spin box the limits'.
constexpr int kSliderSteps = 100;
constexpr double kSliderRange = 2.0;

int slider_value(double weight) {
    const double clamped = std::clamp(weight, -kSliderRange, kSliderRange);
    return int(std::lround(clamped * kSliderSteps));
}

}  // namespace

LoraPanel::LoraPanel(QWidget* parent) : QGroupBox(tr("LoRAs"), parent) {
    setObjectName(QStringLiteral("loraPanel"));
    auto* layout = new QVBoxLayout(this);
    auto* pick_row = new QHBoxLayout;
    picker_ = new QComboBox(this);
    picker_->setObjectName(QStringLiteral("loraPicker"));
    picker_->setToolTip(
        tr("The LoRA files of the LoRA folder (Settings) and the Hugging Face "
           "cache; in the prompt, <lora:name:weight> adds one too"));
    picker_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    picker_->setMinimumContentsLength(12);
    add_button_ = new QPushButton(tr("&Add LoRA"), this);
    add_button_->setObjectName(QStringLiteral("loraAddButton"));
    add_button_->setToolTip(tr("Add the LoRA chosen on the left to the image's LoRAs"));
    refresh_button_ = new QPushButton(QStringLiteral("⟳"), this);
    refresh_button_->setObjectName(QStringLiteral("loraRefreshButton"));
    refresh_button_->setToolTip(tr("List the LoRA files again"));
    pick_row->addWidget(picker_, 1);
    pick_row->addWidget(add_button_);
    pick_row->addWidget(refresh_button_);
    layout->addLayout(pick_row);
    rows_layout_ = new QVBoxLayout;
    layout->addLayout(rows_layout_);
    message_ = new QLabel(this);
    message_->setObjectName(QStringLiteral("loraMessage"));
    message_->setWordWrap(true);
    message_->hide();
    layout->addWidget(message_);
    connect(add_button_, &QPushButton::clicked, this, [this] {
        if (picker_->currentIndex() >= 0) add(picker_->currentText());
    });
    connect(refresh_button_, &QPushButton::clicked, this, &LoraPanel::refresh);
    add_button_->setEnabled(false);
}

void LoraPanel::set_sources(const QStringList& folders, const QString& hub_cache) {
    folders_ = folders;
    hub_cache_ = hub_cache;
    refresh();
}

void LoraPanel::refresh() {
    std::vector<std::string> folders;
    for (const QString& folder : folders_)
        if (!folder.trimmed().isEmpty()) folders.push_back(to_std(folder.trimmed()));
    std::vector<lightning::LoraFile> files;
    try {
        files = lightning::lora_files_in(folders);
        if (!hub_cache_.isEmpty()) {
            auto cached = lightning::hub_cache_lora_files(to_std(hub_cache_));
            files.insert(files.end(), cached.begin(), cached.end());
        }
        message_->hide();
    } catch (const lightning::Error& error) {
        show_message(to_qstring(error.what()));
    }
    library_ = std::move(files);
    picker_->clear();
    for (const auto& file : library_) {
        picker_->addItem(to_qstring(file.name), to_qstring(file.path));
        picker_->setItemData(picker_->count() - 1, to_qstring(file.path), Qt::ToolTipRole);
    }
    add_button_->setEnabled(!library_.empty());
    Q_EMIT libraryChanged();
}

QStringList LoraPanel::names() const {
    QStringList names;
    for (const auto& file : library_)
        if (!names.contains(to_qstring(file.name))) names << to_qstring(file.name);
    return names;
}

std::string LoraPanel::searched() const {
    std::vector<std::string> folders;
    for (const QString& folder : folders_)
        if (!folder.trimmed().isEmpty()) folders.push_back(to_std(folder.trimmed()));
    if (!hub_cache_.isEmpty()) folders.push_back(to_std(hub_cache_));
    return lightning::lora_folders_text(folders, "set one in Settings");
}

bool LoraPanel::add(const QString& name, double weight) {
    const auto found = std::find_if(library_.begin(), library_.end(),
                                    [&](const auto& f) { return to_qstring(f.name) == name; });
    if (found == library_.end()) {
        show_message(tr("No LoRA named '%1' in %2").arg(name, to_qstring(searched())));
        return false;
    }
    return add_file(to_qstring(found->path), weight);
}

bool LoraPanel::add_file(const QString& path, double weight) {
    if (count() >= lightning::limits::kMaxLoras) {
        show_message(tr("At most %1 LoRAs at once").arg(lightning::limits::kMaxLoras));
        return false;
    }
    // The engine's own file check (a LoRA at all, made for SDXL), before the form changes.
    lightning::GenerationRequest probe;
    probe.loras = {{to_std(path), weight}};
    try {
        lightning::check_request_files(probe);
    } catch (const lightning::Error& error) {
        show_message(to_qstring(error.what()));
        return false;
    }
    message_->hide();
    add_row(to_std(path), QFileInfo(path).completeBaseName(), weight);
    emit_changed();
    return true;
}

void LoraPanel::add_row(const std::string& path, const QString& label, double weight) {
    Row row;
    row.path = path;
    row.widget = new QWidget(this);
    row.widget->setObjectName(QStringLiteral("loraRow"));
    auto* layout = new QHBoxLayout(row.widget);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* name = new QLabel(label, row.widget);
    name->setToolTip(to_qstring(path));
    row.slider = new QSlider(Qt::Horizontal, row.widget);
    row.slider->setObjectName(QStringLiteral("loraWeightSlider"));
    row.slider->setRange(-int(kSliderRange * kSliderSteps), int(kSliderRange * kSliderSteps));
    row.slider->setValue(slider_value(weight));
    row.slider->setAccessibleName(tr("Weight of %1").arg(label));
    row.spin = new QDoubleSpinBox(row.widget);
    row.spin->setObjectName(QStringLiteral("loraWeightSpin"));
    row.spin->setRange(-lightning::limits::kMaxLoraScale, lightning::limits::kMaxLoraScale);
    row.spin->setDecimals(2);
    row.spin->setSingleStep(0.05);
    row.spin->setValue(weight);
    row.spin->setAccessibleName(tr("Weight of %1").arg(label));
    auto* remove = new QPushButton(tr("Remove"), row.widget);
    remove->setObjectName(QStringLiteral("loraRemoveButton"));
    remove->setToolTip(tr("Remove %1").arg(label));
    layout->addWidget(name, 1);
    layout->addWidget(row.slider, 2);
    layout->addWidget(row.spin);
    layout->addWidget(remove);
    QSlider* slider = row.slider;
    QDoubleSpinBox* spin = row.spin;
    // One weight, two controls: the spin box holds it, the slider follows within its range.
    connect(slider, &QSlider::valueChanged, this, [spin](int value) {
        if (slider_value(spin->value()) != value) spin->setValue(double(value) / kSliderSteps);
    });
    connect(spin, &QDoubleSpinBox::valueChanged, this, [this, slider](double value) {
        const QSignalBlocker block(slider);
        slider->setValue(slider_value(value));
        emit_changed();
    });
    QWidget* widget = row.widget;
    connect(remove, &QPushButton::clicked, this, [this, widget] {
        for (int i = 0; i < count(); ++i)
            if (rows_[size_t(i)].widget == widget) return this->remove(i);
    });
    rows_layout_->addWidget(row.widget);
    rows_.push_back(row);
}

void LoraPanel::remove(int row) {
    if (row < 0 || row >= count()) return;
    QWidget* widget = rows_[size_t(row)].widget;
    rows_layout_->removeWidget(widget);
    // Out of the panel now (its remove button may be the sender still running: deleted later).
    widget->hide();
    widget->setParent(nullptr);
    widget->deleteLater();
    rows_.erase(rows_.begin() + row);
    emit_changed();
}

void LoraPanel::set_weight(int row, double weight) {
    if (row >= 0 && row < count()) rows_[size_t(row)].spin->setValue(weight);
}

QString LoraPanel::message() const {
    return message_->isHidden() ? QString() : message_->text();
}

std::vector<lightning::LoraSpec> LoraPanel::loras() const {
    std::vector<lightning::LoraSpec> loras;
    for (const auto& row : rows_) loras.push_back({row.path, row.spin->value()});
    return loras;
}

void LoraPanel::set_loras(const std::vector<lightning::LoraSpec>& loras) {
    const bool was_filling = std::exchange(filling_, true);
    while (count() > 0) remove(count() - 1);
    for (const auto& lora : loras) {
        std::string path = lora.path;
        QString label = QFileInfo(to_qstring(path)).completeBaseName();
        if (!QFileInfo(to_qstring(path)).isFile()) {
            const auto found = std::find_if(library_.begin(), library_.end(),
                                            [&](const auto& f) { return f.name == lora.path; });
            if (found != library_.end())
                path = found->path;
            else
                label = tr("%1 (not found)").arg(to_qstring(lora.path));
        }
        add_row(path, label, lora.scale);
    }
    filling_ = was_filling;
}

void LoraPanel::show_message(const QString& text) {
    message_->setText(text);
    message_->show();
    lightning::log().info("LoRAs: {}", to_std(text));
}

void LoraPanel::emit_changed() {
    if (!filling_) Q_EMIT changed();
}

}  // namespace lightning::ui
