// The clocks and memory gauges of `lightning bench` (bench.cpp: the engine; bench_upscale.cpp:
// an ESRGAN upscaler): host time around calls that end synchronised, medians, peak memory.
#pragma once
#include <chrono>
#include <string>
#include <vector>

namespace lightning::cli {

using BenchClock = std::chrono::steady_clock;

double ms_since(BenchClock::time_point start);
double median(std::vector<double> values);
void synchronize(const std::string& device);     // waits for the device's work (no-op on the CPU)
double peak_gpu_gib(const std::string& device);  // peak allocated since reset_peak; 0 on the CPU
void reset_peak(const std::string& device);
double peak_host_rss_gib();                        // the process's peak resident set
std::string card_name(const std::string& device);  // "" unless CUDA
// Writes a report (--json FILE); throws lightning::Error naming the file when it cannot.
void write_report(const std::string& path, const std::string& json_text);

}  // namespace lightning::cli
