#include "ui/widgets/device_selector.h"

#include "ui/device_choice.h"

#include <QComboBox>
#include <QHBoxLayout>

namespace lightning::ui {

DeviceSelector::DeviceSelector(QWidget* parent) : QWidget(parent) {
    device_ = new QComboBox(this);
    device_->setObjectName(QStringLiteral("deviceCombo"));
    device_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    device_->setMinimumContentsLength(12);
    precision_ = new QComboBox(this);
    precision_->setObjectName(QStringLiteral("precisionCombo"));
    connect(device_, &QComboBox::activated, this, &DeviceSelector::on_device_activated);
    connect(precision_, &QComboBox::activated, this, &DeviceSelector::emit_chosen);
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(device_, 3);
    row->addWidget(precision_, 1);
}

void DeviceSelector::set(const QString& device, lightning::Precision precision) {
    fill_device_combo(device_, device);
    fill_precision_combo(precision_, device, precision);
}

// Each device offers its own precisions (fp16 only on GPUs); the choice stays where offered.
void DeviceSelector::on_device_activated() {
    fill_precision_combo(precision_, device_->currentData().toString(),
                         lightning::Precision(precision_->currentData().toInt()));
    emit_chosen();
}

void DeviceSelector::emit_chosen() {
    Q_EMIT chosen(device_->currentData().toString(),
                  lightning::Precision(precision_->currentData().toInt()));
}

}  // namespace lightning::ui
