#include "core/pipeline/refine_pixels.h"

#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace lightning {
namespace {

// A plane of `channels` interleaved 8-bit channels; Image8 and Gray8 both convert to it.
struct Plane {
    int width = 0, height = 0, channels = 1;
    std::vector<uint8_t> data;

    uint8_t& at(int x, int y, int c) { return data[(size_t(y) * width + x) * channels + c]; }
    uint8_t at(int x, int y, int c) const { return data[(size_t(y) * width + x) * channels + c]; }
};

Plane plane_of(const Image8& image) {
    return {image.width, image.height, 3, image.rgb};
}
Plane plane_of(const Gray8& image) {
    return {image.width, image.height, 1, image.values};
}
Image8 rgb_of(Plane plane) {
    return {plane.width, plane.height, std::move(plane.data)};
}
Gray8 gray_of(Plane plane) {
    return {plane.width, plane.height, std::move(plane.data)};
}
Plane blank(int width, int height, int channels) {
    return {width, height, channels, std::vector<uint8_t>(size_t(width) * height * channels)};
}

// The resampling filters of PIL that diffusers' fitting uses.
struct Filter {
    double (*weight)(double x);
    double support;
};

double sinc(double t) {
    if (t == 0.0) return 1.0;
    t *= std::numbers::pi;
    return std::sin(t) / t;
}
// Lanczos with three lobes: VaeImageProcessor's resample.
constexpr Filter kLanczos{
    [](double x) { return (x >= -3.0 && x < 3.0) ? sinc(x) * sinc(x / 3.0) : 0.0; }, 3.0};
// Keys' cubic with a = -0.5: PIL's default for Image.resize, which diffusers' "fill" bands get.
constexpr Filter kBicubic{[](double x) {
                              constexpr double a = -0.5;
                              x = std::abs(x);
                              if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
                              if (x < 2.0) return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
                              return 0.0;
                          },
                          2.0};

// The taps of one output sample of a resampling from `in_size` to `out_size` samples: an
// antialiasing convolution whose support widens with the reduction, weights normalised to 1 and
// then held as 22-bit fixed point, as PIL computes them for 8-bit images (so results agree to
// the level).
struct Taps {
    int first = 0;
    std::vector<int32_t> weights;
};
constexpr int kWeightBits = 22;

// Taps of a resampling of the source span [in0, in1) (a zero-width span: the edge at in0, as PIL
// stretches one) to `out_size` samples of a source of `in_size`.
std::vector<Taps> filter_taps(const Filter& filter, int in_size, double in0, double in1,
                              int out_size) {
    const double scale = (in1 - in0) / out_size;
    const double stretch = std::max(scale, 1.0);
    const double support = filter.support * stretch;
    std::vector<Taps> all(out_size);
    for (int i = 0; i < out_size; ++i) {
        const double center = in0 + (i + 0.5) * scale;
        const int first = std::max(0, int(center - support + 0.5));
        const int end = std::min(in_size, int(center + support + 0.5));
        std::vector<double> w;
        double sum = 0;
        for (int x = first; x < end; ++x) {
            w.push_back(filter.weight((x - center + 0.5) / stretch));
            sum += w.back();
        }
        Taps& taps = all[i];
        taps.first = first;
        for (double v : w) {
            const double fixed = (sum != 0.0 ? v / sum : v) * (1 << kWeightBits);
            taps.weights.push_back(int32_t(fixed < 0 ? fixed - 0.5 : fixed + 0.5));
        }
    }
    return all;
}

uint8_t from_fixed(int64_t sum) {
    if (sum <= 0) return 0;
    return uint8_t(std::min<int64_t>(255, sum >> kWeightBits));
}

// One pass along x (horizontal) or y, of the source span [in0, in1) along that axis.
Plane resample_axis(const Plane& in, int out_size, bool horizontal, double in0, double in1,
                    const Filter& filter = kLanczos) {
    const int in_size = horizontal ? in.width : in.height;
    const auto taps = filter_taps(filter, in_size, in0, in1, out_size);
    Plane out = horizontal ? blank(out_size, in.height, in.channels)
                           : blank(in.width, out_size, in.channels);
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x)
            for (int c = 0; c < in.channels; ++c) {
                const Taps& t = taps[horizontal ? x : y];
                int64_t sum = int64_t(1) << (kWeightBits - 1);
                for (size_t k = 0; k < t.weights.size(); ++k) {
                    const int at = t.first + int(k);
                    sum += int64_t(horizontal ? in.at(at, y, c) : in.at(x, at, c)) * t.weights[k];
                }
                out.at(x, y, c) = from_fixed(sum);
            }
    return out;
}

Plane resize(const Plane& in, int width, int height) {
    if (in.width == width && in.height == height) return in;
    Plane out = in;
    if (width != in.width) out = resample_axis(out, width, /*horizontal=*/true, 0, in.width);
    if (height != in.height) out = resample_axis(out, height, /*horizontal=*/false, 0, in.height);
    return out;
}

// `image` placed at (left, top) of a width x height canvas (parts outside are cut); the rest of
// the canvas takes the nearest edge pixel of the placed image.
Plane place_with_edges(const Plane& image, int width, int height, int left, int top) {
    Plane out = blank(width, height, image.channels);
    for (int y = 0; y < height; ++y) {
        const int sy = std::clamp(y - top, 0, image.height - 1);
        for (int x = 0; x < width; ++x) {
            const int sx = std::clamp(x - left, 0, image.width - 1);
            for (int c = 0; c < image.channels; ++c) out.at(x, y, c) = image.at(sx, sy, c);
        }
    }
    return out;
}

// diffusers' "crop": scaled (integer arithmetic as it does) to cover the canvas, centred, cut.
Plane crop_to(const Plane& in, int width, int height) {
    const double ratio = double(width) / height, source_ratio = double(in.width) / in.height;
    const int w = ratio > source_ratio ? width : in.width * height / in.height;
    const int h = ratio <= source_ratio ? height : in.height * width / in.width;
    const Plane scaled = resize(in, std::max(1, w), std::max(1, h));
    return place_with_edges(scaled, width, height, width / 2 - scaled.width / 2,
                            height / 2 - scaled.height / 2);
}

// diffusers' "fill": scaled to fit inside, centred; the bands beside it are its edge line
// stretched across them (PIL's resize of a zero-height or zero-width box, with Image.resize's
// default filter, bicubic, since diffusers names none there: a blend of the two outermost rows
// or columns). As there, each band is as wide as the first one, so
// with an odd leftover the last row or column stays black.
Plane pad_to(const Plane& in, int width, int height) {
    const double ratio = double(width) / height, source_ratio = double(in.width) / in.height;
    const int w = ratio < source_ratio ? width : in.width * height / in.height;
    const int h = ratio >= source_ratio ? height : in.height * width / in.width;
    const Plane scaled = resize(in, std::max(1, w), std::max(1, h));
    const int left = width / 2 - scaled.width / 2, top = height / 2 - scaled.height / 2;
    Plane out = blank(width, height, in.channels);
    const auto paste = [&](const Plane& part, int x0, int y0, int bands_w, int bands_h) {
        for (int y = 0; y < bands_h; ++y)
            for (int x = 0; x < bands_w; ++x)
                for (int c = 0; c < in.channels; ++c)
                    if (x0 + x < width && y0 + y < height)
                        out.at(x0 + x, y0 + y, c) =
                            part.at(std::min(x, part.width - 1), std::min(y, part.height - 1), c);
    };
    paste(scaled, left, top, scaled.width, scaled.height);
    const bool bands_above = ratio < source_ratio;  // else left and right
    const int band = bands_above ? top : left;
    if (band <= 0) return out;
    const int extent = bands_above ? scaled.height : scaled.width;
    for (const int edge : {0, extent}) {
        const Plane line =
            resample_axis(scaled, 1, /*horizontal=*/!bands_above, edge, edge, kBicubic);
        const int at = edge == 0 ? 0 : band + extent;
        if (bands_above)
            paste(line, 0, at, width, band);
        else
            paste(line, at, 0, band, height);
    }
    return out;
}

Plane fit_plane(const Plane& in, int width, int height, ImageFit fit) {
    if (in.width == width && in.height == height) return in;
    switch (fit) {
        case ImageFit::Crop:
            return crop_to(in, width, height);
        case ImageFit::Pad:
            return pad_to(in, width, height);
        case ImageFit::Resize:
            break;
    }
    return resize(in, width, height);
}

// One horizontal pass of an extended box blur of radius `radius` (integer part r, fraction:
// weights 1 inside r and the fraction at r + 1, normalised by 2 * radius + 1), edges extended.
// In PIL's 24-bit fixed point, its weights computed from the float radius as it does, so that
// the 8-bit result agrees to the level.
Plane box_blur_rows(const Plane& in, float radius) {
    const int whole = int(radius);
    const auto inner = uint32_t(float(1u << 24) / (radius * 2 + 1));
    const uint32_t outer = ((1u << 24) - uint32_t(whole * 2 + 1) * inner) / 2;
    Plane out = blank(in.width, in.height, in.channels);
    for (int y = 0; y < in.height; ++y)
        for (int c = 0; c < in.channels; ++c) {
            const auto px = [&](int at) -> uint32_t {
                return in.at(std::clamp(at, 0, in.width - 1), y, c);
            };
            uint32_t window = 0;  // the 2 * whole + 1 pixels around x
            for (int k = -whole; k <= whole; ++k) window += px(k);
            for (int x = 0; x < in.width; ++x) {
                const uint32_t sum =
                    window * inner + (px(x - whole - 1) + px(x + whole + 1)) * outer;
                out.at(x, y, c) = uint8_t((sum + (1u << 23)) >> 24);
                window += px(x + whole + 1) - px(x - whole);
            }
        }
    return out;
}

Plane transpose(const Plane& in) {
    Plane out = blank(in.height, in.width, in.channels);
    for (int y = 0; y < in.height; ++y)
        for (int x = 0; x < in.width; ++x)
            for (int c = 0; c < in.channels; ++c) out.at(y, x, c) = in.at(x, y, c);
    return out;
}

// The box radius whose three passes have the variance of a Gaussian of `radius` (Gwosdek et
// al., "Theoretical foundations of Gaussian convolution by extended box filtering", 2011): an
// integer part and a fraction, in float as PIL's GaussianBlur sizes its boxes.
float extended_box_radius(float radius, int passes) {
    const float variance = radius * radius / float(passes);
    const float length = float(std::sqrt(12.0 * variance + 1.0));
    const float whole = float(std::floor((length - 1.0) / 2.0));
    float fraction = (2 * whole + 1) * (whole * (whole + 1) - 3 * variance);
    fraction /= 6 * (variance - (whole + 1) * (whole + 1));
    return whole + fraction;
}

Image8 read_checked(const ImageReader& read, const std::string& path, const char* what) {
    if (!read)
        throw Error(path, std::string("this build cannot read image files (it has no "
                                      "OpenImageIO), so it cannot use an ") +
                              what);
    Image8 image = read(path);
    if (image.width <= 0 || image.height <= 0 ||
        image.rgb.size() != size_t(image.width) * image.height * 3)
        throw Error(path, std::string("the ") + what + " has no pixels");
    return image;
}

}  // namespace

Image8 resize_lanczos(const Image8& image, int width, int height) {
    return rgb_of(resize(plane_of(image), width, height));
}
Gray8 resize_lanczos(const Gray8& image, int width, int height) {
    return gray_of(resize(plane_of(image), width, height));
}
Image8 fit_image(const Image8& image, int width, int height, ImageFit fit) {
    return rgb_of(fit_plane(plane_of(image), width, height, fit));
}
Gray8 fit_image(const Gray8& image, int width, int height, ImageFit fit) {
    return gray_of(fit_plane(plane_of(image), width, height, fit));
}

Gray8 to_gray(const Image8& image) {
    Gray8 gray{image.width, image.height, std::vector<uint8_t>(size_t(image.width) * image.height)};
    for (size_t i = 0; i < gray.values.size(); ++i) {
        const uint8_t* p = &image.rgb[i * 3];
        gray.values[i] = uint8_t((p[0] * 19595u + p[1] * 38470u + p[2] * 7471u + 0x8000u) >> 16);
    }
    return gray;
}

Gray8 gaussian_blur(const Gray8& image, double radius) {
    constexpr int kPasses = 3;
    if (radius <= 0) return image;
    const float box = extended_box_radius(float(radius), kPasses);
    Plane plane = plane_of(image);
    for (int i = 0; i < kPasses; ++i) plane = box_blur_rows(plane, box);
    plane = transpose(plane);
    for (int i = 0; i < kPasses; ++i) plane = box_blur_rows(plane, box);
    return gray_of(transpose(plane));
}

RefinePixels prepare_refine_pixels(const GenerationRequest& request, const ImageReader& read) {
    const RefineInput& in = request.input;
    const Margins& m = in.outpaint;
    const int inner_width = request.width - m.left - m.right;
    const int inner_height = request.height - m.top - m.bottom;
    if (inner_width < 1 || inner_height < 1)
        throw Error("outpaint", "the margins leave no room for the image");
    const Image8 fitted =
        fit_image(read_checked(read, in.image, "input image"), inner_width, inner_height, in.fit);
    RefinePixels pixels;
    pixels.image =
        rgb_of(place_with_edges(plane_of(fitted), request.width, request.height, m.left, m.top));
    if (in.mask.empty() && !m.any()) return pixels;
    // The user's mask (or none: keep the whole image) inside, the new margins white.
    Gray8 inner{inner_width, inner_height,
                std::vector<uint8_t>(size_t(inner_width) * inner_height, 0)};
    if (!in.mask.empty())
        inner = fit_image(to_gray(read_checked(read, in.mask, "mask")), inner_width, inner_height,
                          in.fit);
    Gray8 mask{request.width, request.height,
               std::vector<uint8_t>(size_t(request.width) * request.height, 255)};
    for (int y = 0; y < inner_height; ++y)
        std::copy_n(&inner.values[size_t(y) * inner_width], inner_width,
                    &mask.values[size_t(y + m.top) * request.width + m.left]);
    pixels.mask = in.mask_blur > 0 ? gaussian_blur(mask, in.mask_blur) : mask;
    return pixels;
}

}  // namespace lightning
