// Where tests find the golden fixtures, real configs and the CLI (set by ctest's environment).
#pragma once
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

}  // namespace lightning::testing
