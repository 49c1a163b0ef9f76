// The pixels a refining request (img2img, inpainting, outpainting) starts from, prepared as
// diffusers' image processors prepare them before the VAE sees them (VaeImageProcessor for the
// image, its mask processor for the mask), so that a request here and the reference pipeline get
// the same tensors:
//   fit      an input of another size than the canvas is resized with PIL's Lanczos filter
//            (resize), scaled to cover and centre-cropped (crop), or scaled to fit and the rest
//            filled from the image's edge rows or columns (pad: diffusers' "fill");
//   outpaint the fitted image is placed inside the margins, which are filled from its edges
//            and masked (white) for repainting;
//   mask     grayscale as PIL's convert("L"), fitted like the image, blurred with PIL's
//            GaussianBlur when asked; the pipeline binarises it at 0.5 as diffusers does.
// No torch: the pipeline turns these into tensors (core/pipeline/pipeline.cpp).
#pragma once
#include "core/request/image8.h"
#include "core/request/request.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lightning {

// One 8-bit channel, row-major.
struct Gray8 {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> values;
};

struct RefinePixels {
    Image8 image;               // the canvas: request width x height
    std::optional<Gray8> mask;  // same size; white = repaint. None: img2img
};

using ImageReader = std::function<Image8(const std::string& path)>;

// Reads and prepares the request's input image and mask (request.input). Throws lightning::Error
// naming the file for one that cannot be read, and the field for an impossible size.
RefinePixels prepare_refine_pixels(const GenerationRequest& request, const ImageReader& read);

// The building blocks, exposed for their tests.
// PIL's Image.resize(size, Image.LANCZOS) of 8-bit channels (separable, horizontal pass first,
// fixed-point weights as PIL rounds them).
Image8 resize_lanczos(const Image8& image, int width, int height);
Gray8 resize_lanczos(const Gray8& image, int width, int height);
// The image fitted to width x height as `fit` says (diffusers' resize modes).
Image8 fit_image(const Image8& image, int width, int height, ImageFit fit);
Gray8 fit_image(const Gray8& image, int width, int height, ImageFit fit);
// PIL's convert("L") of RGB: ITU-R 601-2 luma in 16-bit fixed point.
Gray8 to_gray(const Image8& image);
// PIL's ImageFilter.GaussianBlur(radius): three box blurs of extended radius.
Gray8 gaussian_blur(const Gray8& image, double radius);

}  // namespace lightning
