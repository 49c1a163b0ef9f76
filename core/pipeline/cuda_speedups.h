// Speed levers of the engine on CUDA, each with its measured effect in docs/performance.md
// ("Levers"). Those that paid are on by default; `lightning bench --without LEVER,...` turns
// them off to measure one. Plain data: the CLI parses it without torch.
#pragma once
#include <string>
#include <vector>

namespace lightning {

struct CudaSpeedups {
    bool unet_graphs = true;          // UNet forward replayed from a CUDA graph per shape
    bool text_encoder_graphs = true;  // both CLIP encoders likewise (77-token chunks)
    bool vae_graphs = true;           // untiled VAE decodes (final and preview) likewise
    // cuDNN timing its convolution algorithms once per shape: measured no gain (docs/
    // performance.md), and it makes the algorithm choice depend on timing noise. Off.
    bool cudnn_benchmark = false;
    bool wide_group_norm = true;  // GroupNorm statistics spread over the whole GPU
    // A request's images denoised together as one UNet batch instead of one after another.
    // Each image keeps its own seeded noise, so batch and single runs make the same picture;
    // on a GPU the last bits may differ, as batched kernels sum in another order.
    bool batch_images = true;

    bool operator==(const CudaSpeedups& o) const {
        return unet_graphs == o.unet_graphs && text_encoder_graphs == o.text_encoder_graphs &&
               vae_graphs == o.vae_graphs && cudnn_benchmark == o.cudnn_benchmark &&
               wide_group_norm == o.wide_group_norm && batch_images == o.batch_images;
    }
};

// The levers' names as `--with`/`--without` take them: unet-graphs, text-graphs, vae-graphs,
// cudnn-benchmark, group-norm, batch-images.
const std::vector<std::string>& cuda_speedup_names();
// Turns the named lever on or off; false for an unknown name.
bool set_speedup(CudaSpeedups& speedups, const std::string& name, bool on);

}  // namespace lightning
