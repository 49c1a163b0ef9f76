// Golden check of the ESRGAN-family upscalers (core/pipeline/upscale) against spandrel's own
// RRDBNet on tiny random weights: the cases of tests/data/esrgan/manifest.json (made by
// bench/reference/esrgan_goldens.py). Shared by tests/core/test_upscale (CPU, and CUDA where
// there is one) and `lightning verify --upscale DIR` (the GPU machine, which has no Qt).
#pragma once
#include "core/testing/golden.h"

#include <string>

namespace lightning {

// Every case of DIR/manifest.json, from every model file of the case (each layout), untiled,
// and from its first file with each of the case's tile settings, on options.device in
// options.dtype. The unclamped output is compared with the golden `raw`: in fp32 at the case's
// raw_atol, in fp16/bf16 by the relative rms bound of ReducedStage::Upscaler
// (core/testing/reduced_precision.h); in fp32 the 8-bit output also with the golden PNG (at most
// 1 level on at most 0.1 % of the values). Input and golden PNGs are read with
// options.read_image. A case that cannot run (a missing file, no image reader) is one failed
// comparison naming it; a manifest that cannot be read is one too.
GoldenReport check_upscale_goldens(const GoldenOptions& options, const std::string& esrgan_dir);

}  // namespace lightning
