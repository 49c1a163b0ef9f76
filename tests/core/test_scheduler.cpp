// Euler scheduler: exact float32 agreement with diffusers' EulerDiscreteScheduler goldens, plus
// the spacings and prediction types the goldens do not cover.
#include "core/io/config.h"
#include "core/io/safetensors.h"
#include "core/sched/euler.h"
#include "core/testing/golden_pipeline.h"
#include "core/util/error.h"
#include "support/fixtures.h"

#include <torch/torch.h>

#include <cmath>

using namespace lightning;

namespace {

SchedulerConfig tiny_config() {
    return read_scheduler_config(testing::fixtures_dir() +
                                 "/tiny-sdxl/scheduler/scheduler_config.json");
}

// Base sigmas from the golden alphas_cumprod, as diffusers computes them (float32).
at::Tensor golden_base_sigmas() {
    const auto golden = SafeTensorsFile::open(testing::golden_dir() + "/scheduler.safetensors");
    const auto ac = golden->load("alphas_cumprod");
    return torch::sqrt((1 - ac) / ac);
}

void verify_exact(const Comparison& c) {
    QVERIFY2(c.ok, c.message.c_str());
}

}  // namespace

class TestScheduler : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void goldens() {
        GoldenOptions options;
        options.fixtures_dir = testing::fixtures_dir();
        const auto report = check_scheduler_goldens(options);
        // betas + alphas_cumprod, then 7 checks for each of n = 1, 2, 3, 4, 6, 8.
        QCOMPARE(int(report.size()), 2 + 6 * 7);
        for (const auto& c : report) QVERIFY2(c.ok, c.message.c_str());
    }

    void trailingIsWhatLightningNeeds() {
        EulerDiscreteScheduler scheduler(tiny_config());
        scheduler.set_timesteps(4);
        const auto t = scheduler.timesteps();
        QCOMPARE(t.numel(), 4);
        QCOMPARE(t[0].item<float>(), 999.0f);
        QCOMPARE(t[3].item<float>(), 249.0f);
        QCOMPARE(scheduler.sigmas()[4].item<float>(), 0.0f);
        // trailing starts from sigma_max itself, not sqrt(sigma_max^2 + 1).
        QCOMPARE(scheduler.init_noise_sigma().item<float>(),
                 scheduler.sigmas().max().item<float>());
    }

    void leadingSpacingAsSdxlBase() {
        const auto config = read_scheduler_config(testing::configs_dir() +
                                                  "/sdxl-base/scheduler/scheduler_config.json");
        QVERIFY(config.timestep_spacing == TimestepSpacing::Leading);
        EulerDiscreteScheduler scheduler(config);
        scheduler.set_timesteps(4);
        // arange(4) * (1000 // 4), reversed, + steps_offset 1.
        verify_exact(compare_exact("leading timesteps", scheduler.timesteps(),
                                   torch::tensor({751.f, 501.f, 251.f, 1.f})));
        const auto base = golden_base_sigmas();
        const auto expected_sigmas = torch::cat(
            {base.index_select(0, torch::tensor({751, 501, 251, 1})), torch::zeros({1})});
        verify_exact(compare_exact("leading sigmas", scheduler.sigmas(), expected_sigmas));
        const auto max_sigma = expected_sigmas.max();
        verify_exact(compare_exact("leading init_noise_sigma", scheduler.init_noise_sigma(),
                                   torch::sqrt(max_sigma * max_sigma + 1)));
    }

    void linspaceInterpolatesBetweenTrainingSteps() {
        auto config = tiny_config();
        config.timestep_spacing = TimestepSpacing::Linspace;
        EulerDiscreteScheduler scheduler(config);
        scheduler.set_timesteps(3);
        verify_exact(compare_exact("linspace timesteps", scheduler.timesteps(),
                                   torch::tensor({999.f, 499.5f, 0.f})));
        const auto base = golden_base_sigmas();
        const double lo = base[499].item<float>(), hi = base[500].item<float>();
        const float mid = static_cast<float>((hi - lo) * 0.5 + lo);  // np.interp in float64
        verify_exact(compare_exact(
            "linspace sigmas", scheduler.sigmas(),
            torch::tensor({base[999].item<float>(), mid, base[0].item<float>(), 0.f})));
        // diffusers: "linspace" also starts from sigma_max.
        QCOMPARE(scheduler.init_noise_sigma().item<float>(), base[999].item<float>());
    }

    void stepFollowsThePredictionType() {
        auto config = tiny_config();
        torch::manual_seed(0);
        const auto sample = torch::randn({1, 4, 8, 8}) * 10;
        const auto output = torch::randn({1, 4, 8, 8});
        for (auto prediction :
             {PredictionType::Epsilon, PredictionType::Sample, PredictionType::VPrediction}) {
            config.prediction_type = prediction;
            EulerDiscreteScheduler scheduler(config);
            scheduler.set_timesteps(4);
            const auto sigma = scheduler.sigmas()[1];
            const auto next = scheduler.sigmas()[2];
            const auto step = scheduler.step(output, 1, sample);
            at::Tensor x0;
            if (prediction == PredictionType::Epsilon) x0 = sample - sigma * output;
            if (prediction == PredictionType::Sample) x0 = output;
            if (prediction == PredictionType::VPrediction)
                x0 = output * (-sigma / torch::sqrt(sigma * sigma + 1)) +
                     sample / (sigma * sigma + 1);
            verify_exact(compare_tensors(std::string("pred_x0 ") + to_string(prediction),
                                         step.pred_x0, x0, {1e-6, 1e-6}));
            verify_exact(
                compare_tensors(std::string("prev ") + to_string(prediction), step.prev_sample,
                                sample + (sample - x0) / sigma * (next - sigma), {1e-5, 1e-6}));
        }
        // The last step lands on sigma = 0, i.e. on pred_x0 up to rounding.
        config.prediction_type = PredictionType::Sample;
        EulerDiscreteScheduler one_step(config);
        one_step.set_timesteps(1);
        const auto last = one_step.step(output, 0, sample);
        QVERIFY(torch::allclose(last.prev_sample, output, 0, 1e-5));
        verify_exact(compare_exact("scale_model_input", one_step.scale_model_input(sample, 0),
                                   sample / one_step.input_divisor(0)));
    }

    void badInputIsAClearError() {
        EulerDiscreteScheduler scheduler(tiny_config());
        QVERIFY_THROWS_EXCEPTION(Error, scheduler.step(torch::zeros({1}), 0, torch::zeros({1})));
        QVERIFY_THROWS_EXCEPTION(Error, scheduler.set_timesteps(0));
        QVERIFY_THROWS_EXCEPTION(Error, scheduler.set_timesteps(1001));
        scheduler.set_timesteps(2);
        QVERIFY_THROWS_EXCEPTION(Error, scheduler.scale_model_input(torch::zeros({1}), 2));
        auto config = tiny_config();
        config.beta_schedule = "sigmoid";
        QVERIFY_THROWS_EXCEPTION(Error, EulerDiscreteScheduler{config});
        config = tiny_config();
        config.class_name = "DPMSolverMultistepScheduler";
        QVERIFY_THROWS_EXCEPTION(Error, make_scheduler(config));
        QVERIFY(make_scheduler(tiny_config()) != nullptr);
    }
};

QTEST_GUILESS_MAIN(TestScheduler)
#include "test_scheduler.moc"
