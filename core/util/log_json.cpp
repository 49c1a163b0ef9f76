#include "core/util/log_json.h"

#include "core/util/log.h"

#include <spdlog/formatter.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace lightning {
namespace {

std::atomic<bool> g_json{false};

std::string utc_time(std::chrono::system_clock::time_point time) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count() %
        1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, int(millis));
    return text;
}

std::string line_at(std::chrono::system_clock::time_point time, std::string_view level,
                    std::string_view message) {
    const nlohmann::ordered_json line = {
        {"time", utc_time(time)}, {"level", std::string(level)}, {"message", std::string(message)}};
    // Invalid UTF-8 (a prompt's bytes) becomes U+FFFD instead of throwing.
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

class JsonFormatter : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& out) override {
        const auto level = spdlog::level::to_string_view(message.level);
        const std::string line =
            line_at(message.time, std::string_view(level.data(), level.size()),
                    std::string_view(message.payload.data(), message.payload.size())) +
            "\n";
        out.append(line.data(), line.data() + line.size());
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<JsonFormatter>();
    }
};

}  // namespace

void use_json_log_lines() {
    g_json = true;
    log().set_formatter(std::make_unique<JsonFormatter>());
}

bool json_log_lines() {
    return g_json;
}

std::string json_log_line(std::string_view level, std::string_view message) {
    return line_at(std::chrono::system_clock::now(), level, message);
}

}  // namespace lightning
