#include "core/util/app_cache.h"

#include <cstdlib>
#include <filesystem>

namespace lightning {

std::string app_cache_dir() {
    namespace fs = std::filesystem;
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    const fs::path base = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : "/tmp") / ".cache";
    return (base / "lightning-studio").string();
}

}  // namespace lightning
