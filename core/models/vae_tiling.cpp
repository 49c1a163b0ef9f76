#include "core/models/vae_tiling.h"

#include "core/models/vae.h"
#include "core/util/error.h"

#include <torch/torch.h>

#include <unistd.h>

#include <algorithm>
#include <limits>

#ifdef LIGHTNING_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#endif

namespace lightning {
namespace {

// blend_v / blend_h: the first `extent` rows (columns) of b fade in from the last ones of a.
void blend(const at::Tensor& a, at::Tensor& b, int64_t extent, int64_t dim) {
    extent = std::min({a.size(dim), b.size(dim), extent});
    for (int64_t y = 0; y < extent; ++y) {
        const double t = double(y) / double(extent);
        b.select(dim, y).copy_(a.select(dim, a.size(dim) - extent + y) * (1 - t) +
                               b.select(dim, y) * t);
    }
}

}  // namespace

VaeTileSettings default_tile_settings(const VaeConfig& config) {
    VaeTileSettings s;
    s.sample_size = config.sample_size;
    s.latent_size = int64_t(double(config.sample_size) /
                            double(int64_t{1} << (config.block_out_channels.size() - 1)));
    return s;
}

at::Tensor tiled_decode(AutoencoderKL& vae, const at::Tensor& z, const VaeTileSettings& tiles) {
    if (tiles.latent_size < 1 || tiles.sample_size < 1 ||
        !(tiles.overlap >= 0 && tiles.overlap < 1))
        throw Error("vae tiling", "tile sizes must be positive and the overlap in [0, 1)");
    if (z.size(-1) <= tiles.latent_size && z.size(-2) <= tiles.latent_size) return vae.decode(z);
    const auto overlap_size = int64_t(double(tiles.latent_size) * (1 - tiles.overlap));
    const auto blend_extent = int64_t(double(tiles.sample_size) * tiles.overlap);
    const int64_t row_limit = tiles.sample_size - blend_extent;
    if (overlap_size < 1) throw Error("vae tiling", "the overlap leaves no step between tiles");
    std::vector<std::vector<at::Tensor>> rows;
    for (int64_t i = 0; i < z.size(2); i += overlap_size) {
        std::vector<at::Tensor> row;
        for (int64_t j = 0; j < z.size(3); j += overlap_size) {
            const auto tile =
                z.slice(2, i, i + tiles.latent_size).slice(3, j, j + tiles.latent_size);
            row.push_back(vae.decode(tile));
        }
        rows.push_back(std::move(row));
    }
    std::vector<at::Tensor> result_rows;
    for (size_t i = 0; i < rows.size(); ++i) {
        std::vector<at::Tensor> result_row;
        for (size_t j = 0; j < rows[i].size(); ++j) {
            auto& tile = rows[i][j];
            if (i > 0) blend(rows[i - 1][j], tile, blend_extent, 2);
            if (j > 0) blend(rows[i][j - 1], tile, blend_extent, 3);
            result_row.push_back(tile.slice(2, 0, row_limit).slice(3, 0, row_limit));
        }
        result_rows.push_back(torch::cat(result_row, 3));
    }
    return torch::cat(result_rows, 2);
}

int64_t untiled_decode_bytes(const VaeConfig& config, int64_t latent_h, int64_t latent_w,
                             int64_t element_bytes) {
    // In double: a huge request must give a huge estimate, not an overflowed one.
    const auto& channels = config.block_out_channels;
    const double widest_full = channels.size() > 1 ? channels[1] : channels[0];
    const double tokens = double(latent_h) * double(latent_w);
    const double pixels = tokens * double(int64_t{1} << (2 * (channels.size() - 1)));
    const double activations = pixels * (6 * channels[0] + 3 * widest_full);
    const double bytes = double(element_bytes) * (activations + tokens * tokens);
    return bytes >= 9.0e18 ? std::numeric_limits<int64_t>::max() : int64_t(bytes);
}

int64_t free_device_bytes(const c10::Device& device) {
#ifdef LIGHTNING_WITH_CUDA
    if (device.is_cuda()) {
        c10::cuda::CUDAGuard guard(device.index());
        size_t free = 0, total = 0;
        if (cudaMemGetInfo(&free, &total) != cudaSuccess) return 0;
        return int64_t(free);
    }
#endif
    (void)device;
    return int64_t(sysconf(_SC_AVPHYS_PAGES)) * int64_t(sysconf(_SC_PAGESIZE));
}

bool use_vae_tiling(VaeTiling mode, const VaeConfig& config, int64_t latent_h, int64_t latent_w,
                    int64_t element_bytes, const c10::Device& device) {
    if (mode != VaeTiling::Auto) return mode == VaeTiling::On;
    return untiled_decode_bytes(config, latent_h, latent_w, element_bytes) >
           free_device_bytes(device);
}

}  // namespace lightning
