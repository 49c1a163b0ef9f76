// The comparison functions behind every golden check (core/testing/compare.h,
// reduced_precision.h, golden_pipeline.h) fed values they must reject: one element past its
// tolerance, NaN and infinities on either side, other shapes, missing tensors, other dtypes.
// A comparison that accepts any of these would let every golden test pass on a broken model.
#include "core/testing/compare.h"
#include "core/testing/golden_pipeline.h"
#include "core/testing/reduced_precision.h"

#include <torch/torch.h>
#include <QtTest/QtTest>

#include <cmath>
#include <limits>

using namespace lightning;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

at::Tensor ramp() {
    return torch::linspace(-2.0, 2.0, 24, torch::kFloat).reshape({2, 3, 4});
}

at::Tensor with_value(const at::Tensor& t, int64_t flat, double value) {
    auto copy = t.clone();
    copy.view(-1)[flat] = value;
    return copy;
}

Comparison within_1e5(const at::Tensor& actual, const at::Tensor& expected) {
    return compare_tensors("t", actual, expected, Tolerance{1e-5, 0});
}

}  // namespace

class TestCompare : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void equal_tensors_pass() {
        const auto c = within_1e5(ramp(), ramp());
        QVERIFY2(c.ok, c.message.c_str());
        QCOMPARE(c.max_abs, 0.0);
        QVERIFY(compare_exact("ids", torch::arange(77), torch::arange(77)).ok);
    }

    // Just inside atol + rtol |e| passes, just beyond fails, and the
    // message names the worst element's index.
    void one_element_past_its_tolerance_fails() {
        const auto e = ramp().to(torch::kDouble);
        const Tolerance tolerance{1e-5, 1e-3};
        const double allowed = 1e-5 + 1e-3 * std::abs(e.view(-1)[13].item<double>());
        QVERIFY(compare_tensors("t",
                                with_value(e, 13, e.view(-1)[13].item<double>() + 0.99 * allowed),
                                e, tolerance)
                    .ok);
        const auto c = compare_tensors(
            "t", with_value(e, 13, e.view(-1)[13].item<double>() + 1.01 * allowed), e, tolerance);
        QVERIFY(!c.ok);
        QVERIFY2(c.message.find("at [1, 0, 1]") != std::string::npos, c.message.c_str());
        QVERIFY2(c.message.find("EXCEEDS") != std::string::npos, c.message.c_str());
    }

    void one_unit_in_the_last_place_fails_an_exact_comparison() {
        const auto e = torch::arange(1, 65, torch::kFloat);
        const auto a = with_value(e, 40, std::nextafter(41.0f, 42.0f));
        QVERIFY(!compare_exact("t", a, e).ok);
        QVERIFY(
            !compare_exact("ids", torch::arange(5) + (torch::arange(5) == 4), torch::arange(5)).ok);
    }

    void nan_on_either_side_fails() {
        const auto e = ramp();
        QVERIFY(!within_1e5(with_value(e, 5, kNaN), e).ok);
        QVERIFY(!within_1e5(e, with_value(e, 5, kNaN)).ok);
        const auto all_nan = torch::full_like(e, kNaN);
        QVERIFY(!within_1e5(all_nan, e).ok);
        QVERIFY(!compare_tensors("t", all_nan, e, Tolerance{kInf, 0}).ok);
        // NaN where NaN was recorded is the same result.
        QVERIFY(within_1e5(with_value(e, 5, kNaN), with_value(e, 5, kNaN)).ok);
    }

    void infinities_match_only_themselves() {
        const auto e = with_value(ramp(), 7, kInf);
        QVERIFY2(within_1e5(e, e).ok, within_1e5(e, e).message.c_str());
        QVERIFY2(compare_tensors("t", e, e, Tolerance{1e-5, 1e-3}).ok, "rtol with inf");
        QVERIFY(!within_1e5(with_value(e, 7, -kInf), e).ok);
        QVERIFY(!within_1e5(with_value(e, 7, 1e30), e).ok);
        QVERIFY(!compare_tensors("t", with_value(e, 7, 1e30), e, Tolerance{1e-5, 1e-3}).ok);
        QVERIFY(!within_1e5(ramp(), e).ok);
        QVERIFY(!within_1e5(e, ramp()).ok);
    }

    void other_shapes_fail_even_with_equal_values() {
        const auto e = ramp();
        const auto c = within_1e5(e.reshape({6, 4}), e);
        QVERIFY(!c.ok);
        QVERIFY2(c.message.find("shape") != std::string::npos, c.message.c_str());
        QVERIFY(!within_1e5(e.reshape({1, 2, 3, 4}), e).ok);
        QVERIFY(!within_1e5(e.transpose(1, 2), e).ok);
        QVERIFY(!within_1e5(torch::zeros({}), torch::zeros({1})).ok);
        QVERIFY(!within_1e5(e.narrow(2, 0, 3), e).ok);
    }

    void a_missing_tensor_fails() {
        QVERIFY(!within_1e5(at::Tensor(), ramp()).ok);
        QVERIFY(!within_1e5(ramp(), at::Tensor()).ok);
        QVERIFY(!compare_uint8_images("img", at::Tensor(),
                                      torch::zeros({1, 2, 2, 3}, torch::kUInt8), 1, 0.001)
                     .ok);
    }

    // The relative rms error, which the reduced-precision bound uses, measures the whole tensor:
    // a zero output scores 1 and a negated one 2.
    void relative_rms_is_the_norm_ratio() {
        const auto e = ramp().to(torch::kDouble);
        QCOMPARE(compare_tensors("t", torch::zeros_like(e), e, Tolerance{kInf, 0}).rel_rms, 1.0);
        QCOMPARE(compare_tensors("t", -e, e, Tolerance{kInf, 0}).rel_rms, 2.0);
        const auto c = compare_tensors("t", e * 1.01, e, Tolerance{kInf, 0});
        QVERIFY(std::abs(c.rel_rms - 0.01) < 1e-12);
    }

    void uint8_images_allow_one_level_on_few_values() {
        const auto e =
            (torch::arange(0, 64 * 64 * 3) % 251).to(torch::kUInt8).reshape({1, 64, 64, 3});
        QVERIFY(compare_uint8_images("img", e, e, 1, 0.001).ok);
        auto one_off = e.clone();
        one_off.view(-1)[100] += 1;  // 1 of 12288 values: 0.008 %
        QVERIFY(compare_uint8_images("img", one_off, e, 1, 0.001).ok);
        auto two_levels = e.clone();
        two_levels.view(-1)[100] += 2;
        QVERIFY(!compare_uint8_images("img", two_levels, e, 1, 0.001).ok);
        auto many = e.clone();
        many.view(-1).narrow(0, 0, 13) += 1;  // 0.106 %
        QVERIFY(!compare_uint8_images("img", many, e, 1, 0.001).ok);
        QVERIFY(!compare_uint8_images("img", e.flip(2), e, 1, 0.001).ok);
        QVERIFY(!compare_uint8_images("img", e.reshape({1, 64, 192, 1}), e, 1, 0.001).ok);
    }

    // A float image is not a PNG's pixels: a 0..1 image truncated to 0/1 must not pass as
    // "within one level" of a dark golden.
    void uint8_comparison_needs_uint8_values() {
        const auto e = torch::zeros({1, 4, 4, 3}, torch::kUInt8);
        const auto c = compare_uint8_images("img", torch::full({1, 4, 4, 3}, 0.9f), e, 1, 0.001);
        QVERIFY(!c.ok);
        QVERIFY2(c.message.find("uint8") != std::string::npos, c.message.c_str());
    }

    void reduced_precision_rejects_nan_shape_and_excess() {
        const auto e = ramp();
        const auto stage = ReducedStage::UNetCall;  // bound 48 * 2^-8 = 0.1875
        QVERIFY(compare_reduced("t", e * 1.01, e, torch::kBFloat16, stage).ok);
        QVERIFY(!compare_reduced("t", e * 1.25, e, torch::kBFloat16, stage).ok);
        QVERIFY(!compare_reduced("t", with_value(e, 3, kNaN), e, torch::kBFloat16, stage).ok);
        QVERIFY(!compare_reduced("t", with_value(e, 3, kInf), e, torch::kBFloat16, stage).ok);
        QVERIFY(!compare_reduced("t", e.reshape({4, 6}), e, torch::kBFloat16, stage).ok);
        QVERIFY(!compare_reduced("t", at::Tensor(), e, torch::kBFloat16, stage).ok);
    }
};

QTEST_GUILESS_MAIN(TestCompare)
#include "test_compare.moc"
