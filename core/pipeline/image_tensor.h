// 8-bit pixels and float tensors, both ways, in one place for the refine input, the decoded image
// and the upscaler. Torch-light header, as pipeline.h.
#pragma once
#include "core/request/image8.h"

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace lightning {

// `channels` interleaved 8-bit samples of a width x height image (row-major, as Image8 and Gray8
// hold them) as a [1, channels, H, W] float32 tensor of value / 255: diffusers' pil_to_numpy +
// numpy_to_pt, numpy's astype(float32) / 255 (one float32 division per value).
at::Tensor unit_tensor(const uint8_t* data, int width, int height, int channels);

// A [1, 3, H, W] image with values in [0, 1] as 8-bit RGB: round half to even of x × 255 in
// float32, as numpy and PIL round. Converted on the image's device: from a GPU only the bytes
// travel (through pinned memory).
Image8 to_image8(const at::Tensor& image);

}  // namespace lightning
