#include "core/util/devices.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#ifdef LIGHTNING_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#endif

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace lightning {
namespace {

std::string cpu_model_name() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos)
                return line.substr(line.find_first_not_of(' ', colon + 1));
        }
    return "CPU";
}

uint64_t meminfo_field(const std::string& field) {
    std::ifstream in("/proc/meminfo");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(field + ":", 0) == 0) {
            std::istringstream values(line.substr(field.size() + 1));
            uint64_t kib = 0;
            values >> kib;
            return kib * 1024;
        }
    return 0;
}

#ifdef LIGHTNING_WITH_CUDA
c10::DeviceIndex cuda_index(const std::string& device) {
    if (device == "cuda") return 0;
    return static_cast<c10::DeviceIndex>(std::stoi(device.substr(5)));
}
bool is_cuda(const std::string& device) {
    return device.rfind("cuda", 0) == 0 && torch::cuda::is_available();
}
// The caching allocator's statistics; nullopt before it has allocated anything (it refuses
// questions about a device it has not been initialised for).
std::optional<c10::cuda::CUDACachingAllocator::DeviceStats> allocator_stats(
    const std::string& device) {
    try {
        return c10::cuda::CUDACachingAllocator::getDeviceStats(cuda_index(device));
    } catch (const c10::Error&) {
        return std::nullopt;
    }
}
#endif

}  // namespace

std::vector<DeviceInfo> list_devices() {
    std::vector<DeviceInfo> devices;
    DeviceInfo cpu;
    cpu.id = "cpu";
    cpu.name = cpu_model_name() + " (" + std::to_string(at::get_num_threads()) + " threads)";
    cpu.total_bytes = meminfo_field("MemTotal");
    cpu.free_bytes = host_available_memory();
    devices.push_back(cpu);
#ifdef LIGHTNING_WITH_CUDA
    if (torch::cuda::is_available()) {
        for (int i = 0; i < int(torch::cuda::device_count()); ++i) {
            DeviceInfo gpu;
            gpu.id = "cuda:" + std::to_string(i);
            const auto* properties = at::cuda::getDeviceProperties(i);
            gpu.name = properties->name;
            gpu.total_bytes = properties->totalGlobalMem;
            gpu.free_bytes = free_memory(gpu.id);
            devices.push_back(gpu);
        }
    }
#endif
    return devices;
}

uint64_t host_available_memory() {
    return meminfo_field("MemAvailable");
}

uint64_t free_memory(const std::string& device) {
#ifdef LIGHTNING_WITH_CUDA
    if (is_cuda(device)) {
        c10::cuda::CUDAGuard guard(cuda_index(device));
        size_t free = 0, total = 0;
        if (cudaMemGetInfo(&free, &total) != cudaSuccess) return 0;
        // Blocks the caching allocator holds but does not use are free for our tensors too.
        const auto stats = allocator_stats(device);
        if (!stats) return free;
        const auto reserved = stats->reserved_bytes[0].current;
        const auto allocated = stats->allocated_bytes[0].current;
        return free + uint64_t(std::max<int64_t>(0, reserved - allocated));
    }
#endif
    (void)device;
    return host_available_memory();
}

uint64_t process_rss() {
    std::ifstream in("/proc/self/statm");
    uint64_t size = 0, resident = 0;
    in >> size >> resident;
    return resident * uint64_t(::sysconf(_SC_PAGESIZE));
}

int open_file_descriptors() {
    int count = 0;
    std::error_code error;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", error);
         it != std::filesystem::directory_iterator(); it.increment(error))
        ++count;
    return count - 1;  // the iterator's own descriptor
}

bool cpu_has_native_bf16() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("flags", 0) == 0)
            return line.find(" avx512_bf16") != std::string::npos ||
                   line.find(" amx_bf16") != std::string::npos;
    return false;
}

uint64_t allocated_device_memory(const std::string& device) {
#ifdef LIGHTNING_WITH_CUDA
    if (is_cuda(device)) {
        const auto stats = allocator_stats(device);
        return stats ? uint64_t(stats->allocated_bytes[0].current) : 0;
    }
#endif
    (void)device;
    return 0;
}

uint64_t reserved_device_memory(const std::string& device) {
#ifdef LIGHTNING_WITH_CUDA
    if (is_cuda(device)) {
        const auto stats = allocator_stats(device);
        return stats ? uint64_t(stats->reserved_bytes[0].current) : 0;
    }
#endif
    (void)device;
    return 0;
}

uint64_t peak_device_memory(const std::string& device) {
#ifdef LIGHTNING_WITH_CUDA
    if (is_cuda(device)) {
        const auto stats = allocator_stats(device);
        return stats ? uint64_t(stats->allocated_bytes[0].peak) : 0;
    }
#endif
    (void)device;
    return 0;
}

void reset_peak_device_memory(const std::string& device) {
#ifdef LIGHTNING_WITH_CUDA
    if (is_cuda(device) && allocator_stats(device))
        c10::cuda::CUDACachingAllocator::resetPeakStats(cuda_index(device));
#endif
    (void)device;
}

void set_device_memory_limit(const std::string& device, std::optional<uint64_t> bytes) {
#ifdef LIGHTNING_WITH_CUDA
    if (is_cuda(device)) {
        const auto* properties = at::cuda::getDeviceProperties(cuda_index(device));
        const double fraction =
            bytes ? std::min(1.0, double(*bytes) / double(properties->totalGlobalMem)) : 1.0;
        // The allocator must exist before it takes a limit: one small allocation creates it.
        if (!allocator_stats(device))
            at::empty(
                {1}, at::TensorOptions().device(c10::Device(device == "cuda" ? "cuda:0" : device)));
        c10::cuda::CUDACachingAllocator::setMemoryFraction(fraction, cuda_index(device));
    }
#endif
    (void)device;
    (void)bytes;
}

void release_cached_device_memory() {
#ifdef LIGHTNING_WITH_CUDA
    if (torch::cuda::is_available()) c10::cuda::CUDACachingAllocator::emptyCache();
#endif
}

}  // namespace lightning
