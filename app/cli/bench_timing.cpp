#include "app/cli/bench_timing.h"
#include "core/util/error.h"

#include <sys/resource.h>

#ifdef LIGHTNING_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

#include <algorithm>
#include <fstream>

namespace lightning::cli {
namespace {

bool is_cuda(const std::string& device) {
    return device.rfind("cuda", 0) == 0;
}

}  // namespace

double ms_since(BenchClock::time_point start) {
    return std::chrono::duration<double, std::milli>(BenchClock::now() - start).count();
}

double median(std::vector<double> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto n = values.size();
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

void synchronize(const std::string& device) {
#ifdef LIGHTNING_WITH_CUDA
    if (is_cuda(device)) c10::cuda::device_synchronize();
#endif
    (void)device;
}

double peak_gpu_gib(const std::string& device) {
#ifdef LIGHTNING_WITH_CUDA
    if (is_cuda(device)) {
        const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(
            static_cast<c10::DeviceIndex>(c10::cuda::current_device()));
        const auto aggregate = static_cast<size_t>(c10::CachingAllocator::StatType::AGGREGATE);
        return static_cast<double>(stats.allocated_bytes[aggregate].peak) / (1 << 30);
    }
#endif
    (void)device;
    return 0;
}

void reset_peak(const std::string& device) {
#ifdef LIGHTNING_WITH_CUDA
    if (is_cuda(device))
        c10::cuda::CUDACachingAllocator::resetPeakStats(
            static_cast<c10::DeviceIndex>(c10::cuda::current_device()));
#endif
    (void)device;
}

double peak_host_rss_gib() {
    struct rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) * 1024 / double(1 << 30);  // kilobytes on Linux
}

std::string card_name(const std::string& device) {
#ifdef LIGHTNING_WITH_CUDA
    if (is_cuda(device)) return at::cuda::getCurrentDeviceProperties()->name;
#endif
    (void)device;
    return "";
}

void write_report(const std::string& path, const std::string& json_text) {
    std::ofstream out(path);
    out << json_text << '\n';
    if (!out) throw Error(path, "cannot write the benchmark report");
}

}  // namespace lightning::cli
