// Shared building blocks (core/models/blocks.h): names, resampling geometry, meta construction.
// Their numerics are covered end to end by the UNet and VAE goldens.
#include "core/models/blocks.h"
#include "core/models/layers.h"

#include "core/util/error.h"

#include <torch/torch.h>
#include <QtTest/QtTest>

#include <cmath>
#include <set>
#include <string>

using namespace lightning;

namespace {

std::set<std::string> parameter_names(const torch::nn::Module& module) {
    std::set<std::string> names;
    for (const auto& item : module.named_parameters()) names.insert(item.key());
    return names;
}

// Makes a conv an exact identity (centre tap 1 on its own channel), so the resampling of
// Upsample2D/Downsample2D can be observed directly.
void make_identity(torch::nn::Module& module) {
    torch::NoGradGuard no_grad;
    for (auto& item : module.named_parameters()) {
        auto& p = item.value();
        if (item.key().ends_with("bias")) {
            p.zero_();
        } else {
            p.zero_();
            for (int64_t c = 0; c < p.size(0); ++c) p[c][c][p.size(2) / 2][p.size(3) / 2] = 1;
        }
    }
}

}  // namespace

class TestBlocks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void resnetNamesFollowDiffusers();
    void vaeResnetHasNoTimeProjection();
    void upsampleToSkipSizeUsesNearestIndices();
    void downsamplePaddingZeroPadsRightBottom();
    void metaConstructionAllocatesNothing();
    void badInputsThrow();
    void wideGroupNormMatchesAtGroupNorm();
};

void TestBlocks::resnetNamesFollowDiffusers() {
    c10::InferenceMode inference;
    ResnetBlock2D block(8, 16, 32, 4, 1e-5, torch::kFloat);
    const std::set<std::string> expected{
        "norm1.weight",         "norm1.bias",         "conv1.weight",         "conv1.bias",
        "time_emb_proj.weight", "time_emb_proj.bias", "norm2.weight",         "norm2.bias",
        "conv2.weight",         "conv2.bias",         "conv_shortcut.weight", "conv_shortcut.bias"};
    QCOMPARE(parameter_names(*block), expected);
    QCOMPARE(block->named_parameters()["conv_shortcut.weight"].sizes(),
             (at::IntArrayRef{16, 8, 1, 1}));
    QCOMPARE(block->named_parameters()["time_emb_proj.weight"].sizes(), (at::IntArrayRef{16, 32}));
}

void TestBlocks::vaeResnetHasNoTimeProjection() {
    ResnetBlock2D block(8, 8, 0, 4, 1e-6, torch::kFloat);
    const auto names = parameter_names(*block);
    QVERIFY(!names.count("time_emb_proj.weight"));
    QVERIFY(!names.count("conv_shortcut.weight"));
    QCOMPARE(names.size(), size_t{8});
}

void TestBlocks::upsampleToSkipSizeUsesNearestIndices() {
    Upsample2D up(2, 2, torch::kFloat);
    make_identity(*up);
    auto x = torch::arange(2 * 3 * 4, torch::kFloat).view({1, 2, 3, 4});
    // Doubling: every source pixel becomes a 2x2 block.
    auto doubled = up->forward(x);
    QCOMPARE(doubled.sizes(), (at::IntArrayRef{1, 2, 6, 8}));
    QVERIFY(torch::equal(doubled, x.repeat_interleave(2, 2).repeat_interleave(2, 3)));
    // Explicit size (a skip of odd size): source index floor(dst * in / out), as torch's
    // nearest mode (diffusers' upsample_size path).
    auto resized = up->forward(x, {5, 7});
    QCOMPARE(resized.sizes(), (at::IntArrayRef{1, 2, 5, 7}));
    for (int64_t i = 0; i < 5; ++i)
        for (int64_t j = 0; j < 7; ++j) {
            const int64_t si = i * 3 / 5, sj = j * 4 / 7;
            QCOMPARE(resized[0][1][i][j].item<float>(), x[0][1][si][sj].item<float>());
        }
}

void TestBlocks::downsamplePaddingZeroPadsRightBottom() {
    Downsample2D down(1, 1, /*padding=*/0, torch::kFloat);
    {
        torch::NoGradGuard no_grad;
        down->named_parameters()["conv.weight"].fill_(1);
        down->named_parameters()["conv.bias"].zero_();
    }
    // Window sums over a 4x4 block of ones padded only at the right and bottom.
    auto y = down->forward(torch::ones({1, 1, 4, 4}));
    QVERIFY(torch::equal(y, torch::tensor({9.f, 6.f, 6.f, 4.f}).view({1, 1, 2, 2})));

    Downsample2D symmetric(1, 1, /*padding=*/1, torch::kFloat);
    {
        torch::NoGradGuard no_grad;
        symmetric->named_parameters()["conv.weight"].fill_(1);
        symmetric->named_parameters()["conv.bias"].zero_();
    }
    auto z = symmetric->forward(torch::ones({1, 1, 4, 4}));
    QVERIFY(torch::equal(z, torch::tensor({4.f, 6.f, 6.f, 9.f}).view({1, 1, 2, 2})));
}

void TestBlocks::metaConstructionAllocatesNothing() {
    // 40960 x 40960 fp32 would be 6.7 GB if it were allocated.
    Linear huge(40960, 40960, true, torch::TensorOptions().device(torch::kMeta));
    QCOMPARE(parameter_count(*huge), int64_t{40960} * 40960 + 40960);
    QVERIFY(huge->weight.is_meta());
}

void TestBlocks::badInputsThrow() {
    QVERIFY_THROWS_EXCEPTION(Error, ResnetBlock2D(8, 8, 0, 3, 1e-5, torch::kFloat));
    ResnetBlock2D block(8, 8, 16, 4, 1e-5, torch::kFloat);
    QVERIFY_THROWS_EXCEPTION(Error, block->forward(torch::zeros({1, 4, 2, 2})));
    QVERIFY_THROWS_EXCEPTION(Error, block->forward(torch::zeros({1, 8, 2, 2})));  // no temb
}

// The CUDA GroupNorm path (statistics by general reductions) against at::group_norm, here on the
// CPU. In fp32 they may differ by the order of fp32 sums (relative ~ 2^-24 * sqrt(values per
// group), far below 1e-5 here); in bf16 the output must be the exact normalisation rounded once
// (within one rounding step, 2^-8 relative). The input has a large mean (5 vs a
// spread of 3), where a careless E[x^2] - E[x]^2 would lose digits.
void TestBlocks::wideGroupNormMatchesAtGroupNorm() {
    c10::InferenceMode inference;
    torch::manual_seed(3);
    const auto x = torch::randn({2, 64, 24, 20}) * 3 + 5;
    const auto weight = torch::randn({64}), bias = torch::randn({64});
    const auto expected = at::group_norm(x, 32, weight, bias, 1e-6);
    const auto got = wide_group_norm(x, 32, weight, bias, 1e-6);
    QCOMPARE(got.sizes(), x.sizes());
    QVERIFY2((got - expected).abs().max().item<double>() < 1e-5, "fp32");

    // bf16: the exact (fp32) normalisation of the bf16 values, rounded once.
    const auto xb = x.to(torch::kBFloat16);
    const auto wb = weight.to(torch::kBFloat16), bb = bias.to(torch::kBFloat16);
    const auto exact =
        at::group_norm(xb.to(torch::kFloat), 32, wb.to(torch::kFloat), bb.to(torch::kFloat), 1e-6);
    const auto got_bf16 = wide_group_norm(xb, 32, wb, bb, 1e-6);
    QCOMPARE(got_bf16.scalar_type(), torch::kBFloat16);
    const auto a = got_bf16.to(torch::kFloat), b = exact;
    const auto step = b.abs() * std::ldexp(1.0, -8) + 1e-6;
    QVERIFY2(((a - b).abs() <= step).all().item<bool>(), "bf16: more than one rounding step");
}

QTEST_GUILESS_MAIN(TestBlocks)
#include "test_blocks.moc"
