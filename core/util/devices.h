// What the machine offers: compute devices with their memory, host memory, and whether the CPU
// computes in bf16. Used by the engine's validation and memory budgets and by the app's device
// selector. Works with any libtorch; CUDA parts only in CUDA builds.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lightning {

struct DeviceInfo {
    std::string id;    // "cpu", "cuda:0", ...
    std::string name;  // "NVIDIA H200", "Intel(R) Xeon(R) ... (2 threads)"
    uint64_t total_bytes = 0;
    uint64_t free_bytes = 0;
};

// The CPU first, then every CUDA device libtorch can use.
std::vector<DeviceInfo> list_devices();

// Bytes free for tensors on `device` ("cpu": MemAvailable of the host).
uint64_t free_memory(const std::string& device);

// MemAvailable from /proc/meminfo (0 when unknown).
uint64_t host_available_memory();

// Resident set size of this process, in bytes (/proc/self/statm).
uint64_t process_rss();

// Number of open file descriptors of this process (/proc/self/fd).
int open_file_descriptors();

// Whether the CPU has bf16 arithmetic (AVX512_BF16 or AMX-BF16): only then is bf16 on the CPU
// both fast and accumulated in fp32 (oneDNN); elsewhere libtorch's own bf16 kernels are slower
// than fp32 and round every partial sum.
bool cpu_has_native_bf16();

// CUDA: bytes in tensors now, and held by the caching allocator; 0 on CPU or without CUDA.
uint64_t allocated_device_memory(const std::string& device);
uint64_t reserved_device_memory(const std::string& device);

// CUDA: peak bytes allocated since the last reset; 0 on CPU or without CUDA.
uint64_t peak_device_memory(const std::string& device);
void reset_peak_device_memory(const std::string& device);

// CUDA: caps this process's share of the device (the caching allocator then fails as if the
// card were that small); nullopt removes the cap. No effect on CPU.
void set_device_memory_limit(const std::string& device, std::optional<uint64_t> bytes);

// CUDA: returns cached, unused blocks to the driver (after an out-of-memory failure).
void release_cached_device_memory();

}  // namespace lightning
