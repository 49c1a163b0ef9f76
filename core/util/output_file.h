// Checks on a file the program is about to create, made before any work starts, so a long
// generation never ends in "cannot write" and never replaces something it should not.
#pragma once
#include <cstdint>
#include <string>

namespace lightning {

// Throws lightning::Error(path, reason) when `path`:
//  - exists and is not a regular file (a directory, device, FIFO or socket);
//  - is a symbolic link (replacing or following it silently would surprise either way);
//  - exists and `overwrite` is false;
//  - lies in a folder that does not exist or cannot be written (probed by creating and removing
//    a temporary file there, which also catches read-only file systems);
//  - lies on a file system with less than `bytes_needed` free.
void check_output_file(const std::string& path, bool overwrite, uint64_t bytes_needed);

// Bytes an RGB PNG of this size may need at most (uncompressible content), with headers.
uint64_t png_size_bound(int width, int height);

}  // namespace lightning
