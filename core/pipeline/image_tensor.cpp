#include "core/pipeline/image_tensor.h"

#include <torch/torch.h>

namespace lightning {

at::Tensor unit_tensor(const uint8_t* data, int width, int height, int channels) {
    const auto bytes = torch::from_blob(const_cast<uint8_t*>(data), {height, width, channels},
                                        torch::TensorOptions().dtype(torch::kUInt8));
    return bytes.to(torch::kFloat).div(255.0).permute({2, 0, 1}).unsqueeze(0).contiguous();
}

Image8 to_image8(const at::Tensor& image) {
    const auto pixels = (image.to(torch::kFloat) * 255)
                            .round()
                            .to(torch::kUInt8)
                            .squeeze(0)
                            .permute({1, 2, 0})
                            .contiguous();
    at::Tensor host = pixels;
    if (pixels.is_cuda()) {  // through pinned memory: a pageable copy runs at a fraction of it
        host = at::empty(pixels.sizes(), pixels.options().device(at::kCPU).pinned_memory(true));
        host.copy_(pixels);
    }
    Image8 out;
    out.height = static_cast<int>(pixels.size(0));
    out.width = static_cast<int>(pixels.size(1));
    out.rgb.assign(host.data_ptr<uint8_t>(), host.data_ptr<uint8_t>() + host.numel());
    return out;
}

}  // namespace lightning
