// check_scheduler_goldens (declared in golden_pipeline.h): kept apart from the pipeline checks so
// the scheduler's golden check does not pull in the models.
#include "core/io/config.h"
#include "core/io/safetensors.h"
#include "core/sched/euler.h"
#include "core/testing/golden_pipeline.h"
#include "core/util/error.h"
#include "core/util/file_text.h"

#include <nlohmann/json.hpp>

namespace lightning {
namespace {

at::Tensor float_tensor(const std::vector<double>& values) {
    return torch::tensor(values, torch::kDouble).to(torch::kFloat);
}

}  // namespace

GoldenReport check_scheduler_goldens(const GoldenOptions& options) {
    GoldenReport report;
    const std::string golden = options.fixtures_dir + "/golden";
    try {
        const auto config = read_scheduler_config(options.fixtures_dir +
                                                  "/tiny-sdxl/scheduler/scheduler_config.json");
        const auto cases = read_json_file(golden + "/scheduler.json");
        const auto tensors = SafeTensorsFile::open(golden + "/scheduler.safetensors");
        EulerDiscreteScheduler scheduler(config);
        report.push_back(
            compare_exact("scheduler.betas", scheduler.betas(), tensors->load("betas")));
        report.push_back(compare_exact("scheduler.alphas_cumprod", scheduler.alphas_cumprod(),
                                       tensors->load("alphas_cumprod")));
        for (const auto& entry : cases.at("cases")) {
            const int n = entry.at("num_inference_steps").get<int>();
            const std::string tag = "scheduler.n" + std::to_string(n);
            const std::string file_tag = "steps" + std::to_string(n);
            scheduler.set_timesteps(n);
            std::vector<at::Tensor> divisors;
            for (int i = 0; i < scheduler.num_steps(); ++i)
                divisors.push_back(scheduler.input_divisor(i));
            const auto init_sigma = scheduler.init_noise_sigma().reshape({1});
            report.push_back(compare_exact(tag + ".timesteps", scheduler.timesteps(),
                                           float_tensor(entry.at("timesteps"))));
            report.push_back(compare_exact(tag + ".sigmas", scheduler.sigmas(),
                                           float_tensor(entry.at("sigmas"))));
            report.push_back(
                compare_exact(tag + ".init_noise_sigma", init_sigma,
                              float_tensor({entry.at("init_noise_sigma").get<double>()})));
            report.push_back(compare_exact(tag + ".scale_model_input_divisor",
                                           torch::stack(divisors),
                                           float_tensor(entry.at("scale_model_input_divisor"))));
            report.push_back(compare_exact(tag + ".timesteps (safetensors)", scheduler.timesteps(),
                                           tensors->load(file_tag + ".timesteps")));
            report.push_back(compare_exact(tag + ".sigmas (safetensors)", scheduler.sigmas(),
                                           tensors->load(file_tag + ".sigmas")));
            report.push_back(compare_exact(tag + ".init_noise_sigma (safetensors)", init_sigma,
                                           tensors->load(file_tag + ".init_noise_sigma")));
        }
    } catch (const std::exception& e) {
        Comparison failed;
        failed.message = std::string("scheduler: ") + e.what();
        report.push_back(failed);
    }
    return report;
}

}  // namespace lightning
