#include "core/pipeline/variation_noise.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

namespace lightning {
namespace {

// torch.randn(shape, generator=torch.Generator("cpu").manual_seed(seed)), float32.
at::Tensor seeded_randn(uint64_t seed, at::IntArrayRef shape) {
    auto generator = at::detail::createCPUGenerator(seed);
    return torch::randn(shape, generator, torch::TensorOptions().dtype(torch::kFloat));
}

// Python's floor division, which A1111's centring uses (a negative odd difference rounds down).
int64_t floor_half(int64_t difference) {
    return difference >= 0 ? difference / 2 : -((-difference + 1) / 2);
}

// Where `from` (the resized noise's side) lands in `to` (the request's): the target offset, the
// source offset and the length copied, as ImageRNG.first computes them.
struct Span {
    int64_t target = 0, source = 0, length = 0;
};
Span centred(int64_t to, int64_t from) {
    const int64_t d = floor_half(to - from);
    return {std::max<int64_t>(d, 0), std::max<int64_t>(-d, 0), d >= 0 ? from : from + 2 * d};
}

}  // namespace

at::Tensor a1111_slerp(double val, const at::Tensor& low, const at::Tensor& high) {
    const auto low_norm = low / torch::norm(low, 2, {1}, /*keepdim=*/true);
    const auto high_norm = high / torch::norm(high, 2, {1}, /*keepdim=*/true);
    const auto dot = (low_norm * high_norm).sum(1);
    // A1111 falls back to this blend (with its weights as written) for nearly equal noises.
    if ((dot.mean() > 0.9995).item<bool>()) return low * val + high * (1 - val);
    const auto omega = torch::acos(dot);
    const auto so = torch::sin(omega);
    return (torch::sin((1.0 - val) * omega) / so).unsqueeze(1) * low +
           (torch::sin(val * omega) / so).unsqueeze(1) * high;
}

at::Tensor variation_noise(uint64_t seed, const SeedVariation& variation, int64_t channels,
                           int64_t latent_height, int64_t latent_width) {
    const std::vector<int64_t> shape{channels, latent_height, latent_width};
    std::vector<int64_t> noise_shape = shape;
    if (variation.resize_from_width > 0 && variation.resize_from_height > 0)
        noise_shape = {channels, variation.resize_from_height / 8, variation.resize_from_width / 8};
    auto noise = seeded_randn(seed, noise_shape);
    if (variation.blends())
        noise = a1111_slerp(variation.strength, noise, seeded_randn(variation.seed, noise_shape));
    if (noise_shape == shape) return noise;
    auto x = seeded_randn(seed, shape);
    const Span rows = centred(latent_height, noise_shape[1]);
    const Span cols = centred(latent_width, noise_shape[2]);
    x.narrow(1, rows.target, rows.length)
        .narrow(2, cols.target, cols.length)
        .copy_(noise.narrow(1, rows.source, rows.length).narrow(2, cols.source, cols.length));
    return x;
}

}  // namespace lightning
