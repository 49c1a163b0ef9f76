// Where tests find the golden fixtures, real configs and the CLI (set by ctest's environment).
#pragma once
#include "core/util/cpu_backends.h"

#include <QtTest/QtTest>

#include <cstdlib>
#include <string>

namespace lightning::testing {

inline std::string env_path(const char* name, const char* fallback) {
    const char* value = std::getenv(name);
    return value && *value ? value : fallback;
}

inline std::string fixtures_dir() {
    return env_path("LIGHTNING_FIXTURES", "../shared/fixtures");
}
inline std::string golden_dir() {
    return fixtures_dir() + "/golden";
}
inline std::string configs_dir() {
    return env_path("LIGHTNING_CONFIGS", "../shared/configs");
}
inline std::string cli_path() {
    return env_path("LIGHTNING_CLI", "lightning");
}

// Every test process honours LIGHTNING_MKLDNN before its first tensor operation (the CI's
// restricted-ISA pass sets it; see core/util/cpu_backends.h).
inline const bool kCpuBackendsApplied = (apply_cpu_backend_environment(), true);

}  // namespace lightning::testing
