// Checks on a file the program is about to read, before any work starts: "not found" only when
// nothing is there; a folder, a device (/dev/zero), a pipe or socket is called what it is.
#pragma once
#include <string>

namespace lightning {

// Throws lightning::Error(path, reason) unless `path` is a regular file (or a link to one). `as`
// says what it was given as, for the message: "a UNet", "an embedding", ...
void require_regular_file(const std::string& path, const std::string& as);

}  // namespace lightning
