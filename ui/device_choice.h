// The devices and precisions the app offers (from lightning::list_devices(): no free text, so
// only what is present can be chosen) and what running on the CPU costs.
#pragma once
#include "core/request/request.h"
#include "core/util/devices.h"

#include <QString>

#include <vector>

class QComboBox;

namespace lightning::ui {

// lightning::list_devices(), read once per process (device names and sizes do not change).
const std::vector<lightning::DeviceInfo>& available_devices();

// The first CUDA device when there is one, else "cpu".
QString default_device_id();
bool is_available_device(const QString& id);
bool is_cpu_device(const QString& id);

// "NVIDIA H200 · 139 GB" / "CPU · Intel(R) Xeon(R) … (2 threads)".
QString device_label(const lightning::DeviceInfo& device);

// What a device computes well: fp16/bf16/fp32 on CUDA; fp32 on the CPU, plus bf16 where the CPU
// has bf16 arithmetic (elsewhere libtorch's bf16 is slower than fp32 and less exact). The first
// entry is the default.
std::vector<lightning::Precision> precisions_for(const QString& device_id);
bool offers_precision(const QString& device_id, lightning::Precision precision);

// Fill the selectors; item data holds the device id / the precision as int. A current value
// that is not offered selects the default.
void fill_device_combo(QComboBox* combo, const QString& current_id);
void fill_precision_combo(QComboBox* combo, const QString& device_id, lightning::Precision current);

// Rough wall time of one image of `request` on the CPU (seconds), from kCpuCost.
double estimated_cpu_seconds(const lightning::GenerationRequest& request, int cpu_threads);
// "45 s", "3 min 20 s", "1 h 5 min".
QString describe_duration(double seconds);

}  // namespace lightning::ui
