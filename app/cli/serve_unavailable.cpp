// `lightning serve` in builds without cpp-httplib or OpenImageIO (the headless GPU build):
// compiled instead of serve.cpp (app/CMakeLists.txt).
#include "app/cli/commands.h"

namespace lightning::cli {

int run_serve(const ServeArgs&) {
    throw UsageError(
        "serve: this build has no HTTP server (built without cpp-httplib or OpenImageIO; "
        "install libcpp-httplib-dev and rebuild)");
}

}  // namespace lightning::cli
