// read_image_pixels in builds without OpenImageIO (the headless GPU build): PNG files only, through
// png_pixels.h, so that refining requests and `lightning verify`'s refine goldens run there too.
#include "core/image/image_pixels.h"
#include "core/image/png_pixels.h"
#include "core/util/error.h"

#include <filesystem>

namespace lightning {

Image8 read_image_pixels(const std::string& path) {
    if (!std::filesystem::is_regular_file(path)) throw Error(path, "no such image file");
    return read_png_pixels(path);
}

}  // namespace lightning
