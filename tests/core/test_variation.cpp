// Variation seeds (core/pipeline/variation_noise.h): the start noise equals what AUTOMATIC1111's
// own modules/rng.py draws (tests/data/variation, made by bench/reference/a1111_variation_noise.py
// with "RNG source: CPU"), for a blend, its ends, "Resize seed from" smaller and larger, and a
// batch; the request's batch seeds follow A1111's rule; bad values are refused by name.
#include "core/pipeline/variation_noise.h"
#include "core/request/limits.h"
#include "core/request/request.h"
#include "support/errors.h"
#include "support/variation_goldens.h"

#include <torch/torch.h>

#include <QtTest/QtTest>

#include <cmath>
#include <string>

using namespace lightning;

namespace {

using testing::variation_tolerance;
using GoldenCase = testing::VariationGolden;

// Our noise for every image of the request, stacked as A1111 stacks its batch.
at::Tensor our_noise(const GenerationRequest& request) {
    std::vector<at::Tensor> images;
    for (int i = 0; i < request.batch; ++i) {
        const GenerationRequest one = request.single_image(i);
        images.push_back(
            variation_noise(one.seed, one.variation, 4, request.height / 8, request.width / 8));
    }
    return torch::stack(images);
}

double max_difference(const at::Tensor& a, const at::Tensor& b) {
    return (a - b).abs().max().item<double>();
}

const GoldenCase& find_case(const std::vector<GoldenCase>& cases, const std::string& name) {
    for (const auto& c : cases)
        if (c.name == name) return c;
    qFatal("no case %s in tests/data/variation/index.json", name.c_str());
}

}  // namespace

class TestVariation : public QObject {
    Q_OBJECT
    std::vector<GoldenCase> cases_;

private Q_SLOTS:
    void initTestCase() {
        cases_ = testing::variation_goldens();
        QVERIFY(cases_.size() >= 8);
    }

    // Every case of A1111's ImageRNG: ours within the float32 bound of its values; without a
    // blend (plain, resize only, batch without variation) bit for bit.
    void noiseEqualsA1111ReferenceValues() {
        for (const auto& c : cases_) {
            const auto ours = our_noise(c.request);
            QCOMPARE(ours.sizes().vec(), c.noise.sizes().vec());
            const double diff = max_difference(ours, c.noise);
            qInfo("%s: max |ours - A1111| = %g (bound %g)", c.name.c_str(), diff,
                  variation_tolerance(c.noise));
            QVERIFY2(diff <= variation_tolerance(c.noise),
                     qPrintable(QString("%1: %2 > %3")
                                    .arg(c.name.c_str())
                                    .arg(diff)
                                    .arg(variation_tolerance(c.noise))));
            if (!c.request.variation.blends()) QVERIFY2(diff == 0, c.name.c_str());
        }
    }

    // Seeded faults the comparison catches: a linear blend in place of the slerp, and a batch
    // whose second image reuses the first variation seed (or steps the seed instead).
    void seededFaultsAreCaught() {
        const auto& blend = find_case(cases_, "strength_0_3");
        const GenerationRequest& r = blend.request;
        const auto seed_noise = variation_noise(r.seed, {}, 4, r.height / 8, r.width / 8);
        const auto sub_noise = variation_noise(r.variation.seed, {}, 4, r.height / 8, r.width / 8);
        const double s = r.variation.strength;
        const auto linear = (seed_noise * (1 - s) + sub_noise * s).unsqueeze(0);
        QVERIFY(max_difference(linear, blend.noise) > 100 * variation_tolerance(blend.noise));

        const auto& batch = find_case(cases_, "batch_2");
        const GenerationRequest& b = batch.request;
        const auto second = batch.noise[1];
        SeedVariation same_subseed = b.variation;  // image 1 with image 0's variation seed
        QVERIFY(max_difference(variation_noise(b.seed, same_subseed, 4, 8, 8), second) >
                100 * variation_tolerance(batch.noise));
        // image 1 with seed + 1, as without a variation
        QVERIFY(max_difference(variation_noise(b.seed + 1, b.single_image(1).variation, 4, 8, 8),
                               second) > 100 * variation_tolerance(batch.noise));
    }

    // Strength 0 is the seed's own noise, strength 1 the variation seed's, exactly (A1111's
    // slerp gives sin(omega)/sin(omega) = 1 and sin(0) = 0 there).
    void strengthEndsAreTheTwoSeedsOwnNoise() {
        const auto own = variation_noise(11, {}, 4, 8, 12);
        QVERIFY(torch::equal(variation_noise(11, {99, 0.0}, 4, 8, 12), own));
        QVERIFY(torch::equal(variation_noise(11, {99, 1.0}, 4, 8, 12),
                             variation_noise(99, {}, 4, 8, 12)));
        QVERIFY(!torch::equal(variation_noise(11, {99, 0.5}, 4, 8, 12), own));
        // The noise at the request's own size is the plain draw, whatever the resize says.
        QVERIFY(torch::equal(variation_noise(11, {0, 0.0, 96, 64}, 4, 8, 12), own));
    }

    // A1111's process_images_inner: with a strength every image keeps the seed and image i uses
    // variation seed + i; without one the seed steps as before.
    void batchSeedsFollowA1111() {
        GenerationRequest r;
        r.seed = 100, r.batch = 3, r.variation = {500, 0.25};
        QCOMPARE(r.single_image(2).seed, uint64_t(100));
        QCOMPARE(r.single_image(2).variation.seed, uint64_t(502));
        r.variation.strength = 0;
        QCOMPARE(r.single_image(2).seed, uint64_t(102));
        QCOMPARE(r.single_image(2).variation.seed, uint64_t(500));
    }

    // Out-of-range values are refused, naming the field.
    void badValuesAreRefusedByName() {
        GenerationRequest r;
        r.width = r.height = 64;
        for (double strength : {-0.1, 1.5, std::nan("")}) {
            r.variation = {1, strength};
            QCOMPARE(testing::expect_error([&] { limits::validate(r); }).where(),
                     std::string("variation strength"));
        }
        r.variation = {limits::kMaxSeed, 0.5};
        r.batch = 2;
        QCOMPARE(testing::expect_error([&] { limits::validate(r); }).where(),
                 std::string("variation seed"));
        r.batch = 1;
        limits::validate(r);
        r.variation = {1, 0.5, 60, 64};
        QCOMPARE(testing::expect_error([&] { limits::validate(r); }).where(),
                 std::string("seed resize from width"));
        r.variation = {1, 0.5, 64, 100};
        QCOMPARE(testing::expect_error([&] { limits::validate(r); }).where(),
                 std::string("seed resize from height"));
        r.variation = {1, 0.5, 64, 0};
        QCOMPARE(testing::expect_error([&] { limits::validate(r); }).where(),
                 std::string("seed resize from height"));
        r.variation = {1, 0.5, 64, 72};
        limits::validate(r);
        r.input.image = "in.png";
        const auto refine = testing::expect_error([&] { limits::validate(r); });
        QCOMPARE(refine.where(), std::string("variation strength"));
        QVERIFY2(std::string(refine.what()).find("text to image") != std::string::npos,
                 refine.what());
    }
};

QTEST_GUILESS_MAIN(TestVariation)
#include "test_variation.moc"
