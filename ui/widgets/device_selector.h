// The device and precision selectors side by side: only devices present here, and for each only
// the precisions it computes (device_choice.h).
#pragma once
#include "core/request/request.h"

#include <QWidget>

class QComboBox;

namespace lightning::ui {

class DeviceSelector : public QWidget {
    Q_OBJECT
public:
    explicit DeviceSelector(QWidget* parent = nullptr);

    // Shows `device` and `precision` (the defaults where not offered); emits nothing.
    void set(const QString& device, lightning::Precision precision);
    QComboBox* device_combo() const { return device_; }

Q_SIGNALS:
    // The user picked a device or precision; a new device keeps the precision where it offers it.
    void chosen(QString device, lightning::Precision precision);

private:
    void on_device_activated();
    void emit_chosen();

    QComboBox* device_;
    QComboBox* precision_;
};

}  // namespace lightning::ui
