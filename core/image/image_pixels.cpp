#include "core/image/image_pixels.h"

#include "core/util/error.h"

#include <OpenImageIO/imageio.h>

#include <filesystem>

namespace lightning {

Image8 read_image_pixels(const std::string& path) {
    if (!std::filesystem::is_regular_file(path)) throw Error(path, "no such image file");
    auto in = OIIO::ImageInput::open(path);
    if (!in) throw Error(path, "cannot be read as an image: " + OIIO::geterror());
    const OIIO::ImageSpec& spec = in->spec();
    const int channels = spec.nchannels;
    if (spec.width <= 0 || spec.height <= 0 || channels < 1) throw Error(path, "has no pixels");
    if (spec.width > kMaxInputSide || spec.height > kMaxInputSide)
        throw Error(path, std::to_string(spec.width) + "x" + std::to_string(spec.height) +
                              " is larger than " + std::to_string(kMaxInputSide) + "x" +
                              std::to_string(kMaxInputSide));
    // Gray (+ alpha) is read as one channel, colour as the first three.
    const int read_channels = channels >= 3 ? 3 : 1;
    std::vector<uint8_t> raw(size_t(spec.width) * spec.height * read_channels);
    if (!in->read_image(0, 0, 0, read_channels, OIIO::TypeDesc::UINT8, raw.data()))
        throw Error(path, "cannot decode its pixels: " + in->geterror());
    in->close();
    Image8 image{spec.width, spec.height, {}};
    if (read_channels == 3) {
        image.rgb = std::move(raw);
        return image;
    }
    image.rgb.resize(raw.size() * 3);
    for (size_t i = 0; i < raw.size(); ++i)
        image.rgb[i * 3] = image.rgb[i * 3 + 1] = image.rgb[i * 3 + 2] = raw[i];
    return image;
}

}  // namespace lightning
