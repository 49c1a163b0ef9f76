#include "core/image/image_pixels.h"

#include "core/image/oiio_pixels.h"
#include "core/util/error.h"

#include <filesystem>

namespace lightning {

Image8 read_rgb8(OIIO::ImageInput& in, const std::string& path) {
    const OIIO::ImageSpec& spec = in.spec();
    // Gray (+ alpha) is read as one channel, colour as the first three.
    const int channels = spec.nchannels >= 3 ? 3 : 1;
    std::vector<uint8_t> raw(size_t(spec.width) * spec.height * channels);
    if (!in.read_image(0, 0, 0, channels, OIIO::TypeDesc::UINT8, raw.data()))
        throw Error(path, "cannot decode its pixels: " + in.geterror());
    Image8 image{spec.width, spec.height, {}};
    if (channels == 3) {
        image.rgb = std::move(raw);
        return image;
    }
    image.rgb.resize(raw.size() * 3);
    for (size_t i = 0; i < raw.size(); ++i)
        image.rgb[i * 3] = image.rgb[i * 3 + 1] = image.rgb[i * 3 + 2] = raw[i];
    return image;
}

Image8 read_image_pixels(const std::string& path) {
    if (!std::filesystem::is_regular_file(path)) throw Error(path, "no such image file");
    // OpenImageIO premultiplies colour by alpha unless told not to; PIL's convert("RGB") keeps
    // the colour as stored and drops the alpha.
    OIIO::ImageSpec config;
    config.attribute("oiio:UnassociatedAlpha", 1);
    auto in = OIIO::ImageInput::open(path, &config);
    if (!in) throw Error(path, "cannot be read as an image: " + OIIO::geterror());
    const OIIO::ImageSpec& spec = in->spec();
    const int channels = spec.nchannels;
    if (spec.width <= 0 || spec.height <= 0 || channels < 1) throw Error(path, "has no pixels");
    if (spec.width > kMaxInputSide || spec.height > kMaxInputSide)
        throw Error(path, std::to_string(spec.width) + "x" + std::to_string(spec.height) +
                              " is larger than " + std::to_string(kMaxInputSide) + "x" +
                              std::to_string(kMaxInputSide));
    Image8 image = read_rgb8(*in, path);
    in->close();
    return image;
}

}  // namespace lightning
