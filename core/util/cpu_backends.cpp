#include "core/util/cpu_backends.h"

#include <ATen/Context.h>

#include <cstdlib>
#include <mutex>
#include <string>

namespace lightning {

void apply_cpu_backend_environment() {
    static std::once_flag once;
    std::call_once(once, [] {
        const char* value = std::getenv("LIGHTNING_MKLDNN");
        if (!value) return;
        const std::string text = value;
        if (text == "0" || text == "off" || text == "false")
            at::globalContext().setUserEnabledMkldnn(false);
    });
}

bool mkldnn_enabled() {
    return at::globalContext().userEnabledMkldnn();
}

}  // namespace lightning
