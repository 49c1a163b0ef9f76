#include "ui/device_choice.h"

#include "ui/string_convert.h"

#include <QComboBox>
#include <QObject>

#include <cmath>

namespace lightning::ui {
namespace {

// What one image costs on the CPU, measured on the ordinary 2-core development machine with
// full-size SDXL weights in fp32 at 512 × 512. Rough on purpose (issue #9 point 5 refines these
// numbers): the estimate scales both parts with the pixel count and assumes the work spreads
// evenly over libtorch's threads; with guidance above 1 every step runs the UNet twice.
struct CpuCost {
    int reference_pixels;
    int reference_threads;
    double unet_step_seconds;
    double vae_decode_seconds;
};
constexpr CpuCost kCpuCost{512 * 512, 2, 50.0, 25.0};

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

}  // namespace

const std::vector<lightning::DeviceInfo>& available_devices() {
    static const std::vector<lightning::DeviceInfo> devices = lightning::list_devices();
    return devices;
}

bool is_cpu_device(const QString& id) {
    return id == QLatin1String("cpu");
}

QString default_device_id() {
    for (const auto& device : available_devices())
        if (device.id != "cpu") return to_qstring(device.id);
    return QStringLiteral("cpu");
}

bool is_available_device(const QString& id) {
    for (const auto& device : available_devices())
        if (to_qstring(device.id) == id) return true;
    return false;
}

QString device_label(const lightning::DeviceInfo& device) {
    if (device.id == "cpu") return QStringLiteral("CPU · %1").arg(to_qstring(device.name));
    return QStringLiteral("%1 · %2 GB")
        .arg(to_qstring(device.name))
        .arg(uint64_t(double(device.total_bytes) / kGiB));  // whole GB, rounded down
}

std::vector<lightning::Precision> precisions_for(const QString& device_id) {
    using lightning::Precision;
    if (!is_cpu_device(device_id)) return {Precision::FP16, Precision::BF16, Precision::FP32};
    if (lightning::cpu_has_native_bf16()) return {Precision::FP32, Precision::BF16};
    return {Precision::FP32};
}

bool offers_precision(const QString& device_id, lightning::Precision precision) {
    for (auto offered : precisions_for(device_id))
        if (offered == precision) return true;
    return false;
}

void fill_device_combo(QComboBox* combo, const QString& current_id) {
    combo->clear();
    for (const auto& device : available_devices()) {
        combo->addItem(device_label(device), to_qstring(device.id));
        combo->setItemData(combo->count() - 1,
                           QObject::tr("%1: %2 GB, %3 GB free when the app started")
                               .arg(to_qstring(device.id))
                               .arg(double(device.total_bytes) / kGiB, 0, 'f', 1)
                               .arg(double(device.free_bytes) / kGiB, 0, 'f', 1),
                           Qt::ToolTipRole);
    }
    const int current = combo->findData(current_id);
    combo->setCurrentIndex(current >= 0 ? current : combo->findData(default_device_id()));
    combo->setToolTip(QObject::tr("The devices found on this machine"));
}

void fill_precision_combo(QComboBox* combo, const QString& device_id,
                          lightning::Precision current) {
    combo->clear();
    for (auto precision : precisions_for(device_id))
        combo->addItem(QString::fromLatin1(lightning::to_string(precision)), int(precision));
    const int index = combo->findData(int(current));
    combo->setCurrentIndex(std::max(0, index));
    combo->setToolTip(is_cpu_device(device_id)
                          ? QObject::tr("fp32 on the CPU (bf16 only where the CPU computes it)")
                          : QObject::tr("fp16 halves GPU memory and is fastest; fp32 is exact"));
}

double estimated_cpu_seconds(const lightning::GenerationRequest& request, int cpu_threads) {
    const double pixel_scale =
        double(request.width) * request.height / double(kCpuCost.reference_pixels);
    const double thread_scale = double(kCpuCost.reference_threads) / std::max(1, cpu_threads);
    const double unet_runs = request.steps * (request.uses_guidance() ? 2.0 : 1.0);
    return (unet_runs * kCpuCost.unet_step_seconds + kCpuCost.vae_decode_seconds) * pixel_scale *
           thread_scale;
}

QString describe_duration(double seconds) {
    const long total = std::lround(std::max(0.0, seconds));
    if (total < 60) return QObject::tr("%1 s").arg(total);
    if (total < 3600)
        return total % 60 ? QObject::tr("%1 min %2 s").arg(total / 60).arg(total % 60)
                          : QObject::tr("%1 min").arg(total / 60);
    return QObject::tr("%1 h %2 min").arg(total / 3600).arg(total % 3600 / 60);
}

}  // namespace lightning::ui
