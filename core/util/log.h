// One logger setup shared by core, CLI and app.
#pragma once
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace lightning {

// Level from `flag_level` when non-empty, else $LIGHTNING_LOG_LEVEL, else "info".
// Accepts spdlog names: trace, debug, info, warn, error, critical, off.
void init_logging(const std::string& flag_level = {});

// Adds a sink (e.g. the app's log view) to the shared logger.
void add_log_sink(std::shared_ptr<spdlog::sinks::sink> sink);

// The shared logger ("lightning"); init_logging() need not have been called.
spdlog::logger& log();

}  // namespace lightning
