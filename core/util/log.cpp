#include "core/util/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>
#include <mutex>

namespace lightning {
namespace {

std::shared_ptr<spdlog::logger> make_logger() {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    auto logger = std::make_shared<spdlog::logger>("lightning", sink);
    logger->set_pattern("[%H:%M:%S.%e] [%^%l%$] %v");
    const char* env = std::getenv("LIGHTNING_LOG_LEVEL");
    logger->set_level(env ? spdlog::level::from_str(env) : spdlog::level::info);
    return logger;
}

std::shared_ptr<spdlog::logger>& shared_logger() {
    static std::shared_ptr<spdlog::logger> logger = make_logger();
    return logger;
}

}  // namespace

void init_logging(const std::string& flag_level) {
    auto& logger = shared_logger();
    if (!flag_level.empty()) {
        logger->set_level(spdlog::level::from_str(flag_level));
    } else if (const char* env = std::getenv("LIGHTNING_LOG_LEVEL")) {
        logger->set_level(spdlog::level::from_str(env));
    }
}

void add_log_sink(std::shared_ptr<spdlog::sinks::sink> sink) {
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    shared_logger()->sinks().push_back(std::move(sink));
}

spdlog::logger& log() {
    return *shared_logger();
}

}  // namespace lightning
