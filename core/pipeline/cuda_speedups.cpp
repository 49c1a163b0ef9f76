#include "core/pipeline/cuda_speedups.h"

namespace lightning {

const std::vector<std::string>& cuda_speedup_names() {
    static const std::vector<std::string> names = {"unet-graphs", "text-graphs",
                                                   "vae-graphs",  "cudnn-benchmark",
                                                   "group-norm",  "batch-images"};
    return names;
}

bool set_speedup(CudaSpeedups& speedups, const std::string& name, bool on) {
    bool* levers[] = {&speedups.unet_graphs,     &speedups.text_encoder_graphs,
                      &speedups.vae_graphs,      &speedups.cudnn_benchmark,
                      &speedups.wide_group_norm, &speedups.batch_images};
    const auto& names = cuda_speedup_names();
    for (size_t i = 0; i < names.size(); ++i) {
        if (names[i] != name) continue;
        *levers[i] = on;
        return true;
    }
    return false;
}

}  // namespace lightning
