#include "ui/device_choice.h"

#include "ui/string_convert.h"

#include <QComboBox>
#include <QObject>

#include <cmath>
#include <iterator>

namespace lightning::ui {
namespace {

// What one image costs on the CPU: `lightning bench --device cpu --dtype fp32 --steps 1,4 --runs 1
// --warmup 0 --no-previews` on the 2-core development machine (Intel Xeon with AVX-512), full-size
// random SDXL weights, medians of the 1- and 4-step runs (README, "CPU"). Sizes between the
// measured ones are interpolated in pixel count, others scaled from the nearest one; the work is
// assumed to spread evenly over libtorch's threads; with guidance above 1 every step runs the
// UNet twice.
struct CpuCost {
    int side;
    double encode_seconds;
    double unet_step_seconds;
    double vae_decode_seconds;
};
constexpr CpuCost kCpuCosts[] = {
    {512, 2.7, 13.9, 12.8},
    {768, 2.6, 31.1, 34.3},
    {1024, 3.3, 60.0, 68.0},
};
constexpr int kCpuCostThreads = 2;

double pixels(const CpuCost& cost) {
    return double(cost.side) * cost.side;
}

// The costs at `pixel_count`, interpolated (or scaled) from the measured sizes.
CpuCost cost_at(double pixel_count) {
    const auto scaled = [&](const CpuCost& c) {
        const double f = pixel_count / pixels(c);
        return CpuCost{0, c.encode_seconds, c.unet_step_seconds * f, c.vae_decode_seconds * f};
    };
    const size_t n = std::size(kCpuCosts);
    if (pixel_count <= pixels(kCpuCosts[0])) return scaled(kCpuCosts[0]);
    for (size_t i = 1; i < n; ++i) {
        const CpuCost& a = kCpuCosts[i - 1];
        const CpuCost& b = kCpuCosts[i];
        if (pixel_count > pixels(b)) continue;
        const double t = (pixel_count - pixels(a)) / (pixels(b) - pixels(a));
        const auto mix = [t](double x, double y) { return x + (y - x) * t; };
        return CpuCost{0, mix(a.encode_seconds, b.encode_seconds),
                       mix(a.unet_step_seconds, b.unet_step_seconds),
                       mix(a.vae_decode_seconds, b.vae_decode_seconds)};
    }
    return scaled(kCpuCosts[n - 1]);
}

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
    const CpuCost cost = cost_at(double(request.width) * request.height);
    const double thread_scale = double(kCpuCostThreads) / std::max(1, cpu_threads);
    const double unet_runs = request.steps * (request.uses_guidance() ? 2.0 : 1.0);
    const double per_image = unet_runs * cost.unet_step_seconds + cost.vae_decode_seconds;
    return (cost.encode_seconds + per_image) * thread_scale;  // one image (the notice says so)
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
