// `--log-format json` (lightning serve): every line of the shared logger (core/util/log.h) one
// JSON object, {"time": "2026-12-07T23:59:01.123Z", "level": "info", "message": "..."}, as
// journald, `docker logs` and Kubernetes log collectors take them.
#pragma once
#include <string>
#include <string_view>

namespace lightning {

// From now on, on every sink the logger has.
void use_json_log_lines();
bool json_log_lines();  // whether use_json_log_lines() was called

// One such line (no newline), time now: for what a command writes to stderr itself.
std::string json_log_line(std::string_view level, std::string_view message);

}  // namespace lightning
