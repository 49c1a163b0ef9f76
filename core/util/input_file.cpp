#include "core/util/input_file.h"

#include "core/util/error.h"

#include <filesystem>

namespace lightning {

void require_regular_file(const std::string& path, const std::string& as) {
    namespace fs = std::filesystem;
    std::error_code error;
    const auto status = fs::status(path, error);
    switch (status.type()) {
        case fs::file_type::regular:
            return;
        case fs::file_type::not_found:
            throw Error(path, "file not found (given as " + as + ")");
        case fs::file_type::directory:
            throw Error(path, "is a folder, not a file (given as " + as + ")");
        case fs::file_type::none:
            throw Error(path, "cannot be read (given as " + as + "): " + error.message());
        default:
            throw Error(path, "is a device, pipe or socket, not a file (given as " + as + ")");
    }
}

}  // namespace lightning
