#include "core/testing/golden_upscale.h"

#include "core/io/safetensors.h"
#include "core/pipeline/upscale.h"
#include "core/testing/golden_pipeline.h"
#include "core/testing/reduced_precision.h"
#include "core/util/error.h"
#include "core/util/file_text.h"

#include <nlohmann/json.hpp>

namespace lightning {
namespace {

using Json = nlohmann::json;

Comparison failure(const std::string& message) {
    Comparison c;
    c.message = message;
    return c;
}

// The run's output against the golden: the case's fp32 tolerance, or the dtype's bound.
Comparison compare_raw(const std::string& name, const at::Tensor& actual, const at::Tensor& golden,
                       const GoldenOptions& options, double raw_atol) {
    if (options.dtype == c10::kFloat) return compare_tensors(name, actual, golden, {raw_atol, 0});
    return compare_reduced(name, actual, golden, options.dtype, ReducedStage::Upscaler);
}

class CaseCheck {
public:
    CaseCheck(const Json& c, const std::string& dir, const GoldenOptions& options)
        : case_(c), dir_(dir), options_(options) {
        id_ = c.at("id").get<std::string>();
        golden_ = SafeTensorsFile::open(path(c.at("files").at("golden")))->load("raw");
        input_ = image_to_tensor(read(c.at("input")));
        atol_ = c.at("tolerance").at("raw_atol").get<double>();
    }

    void run(GoldenReport& report) const {
        bool first = true;
        for (const auto& file : case_.at("model_files")) {
            const auto upscaler = Upscaler::open(path(file), options_.device, options_.dtype);
            const std::string what = id_ + " from " + file.get<std::string>() + " [" +
                                     options_.device.str() + " " + c10::toString(options_.dtype) +
                                     "]";
            const at::Tensor raw = upscaler->run(input_);
            report.push_back(compare_raw(what, raw, golden_, options_, atol_));
            if (options_.dtype == c10::kFloat) {
                const auto png = image8_to_tensor(read(case_.at("files").at("png")));
                report.push_back(compare_uint8_images(
                    what + " png", image8_to_tensor(tensor_to_image(raw)), png, 1, 0.001));
            }
            if (first)  // the tiled runs (the same network in every file) from the first file
                for (const auto& t : case_.at("tiles"))
                    report.push_back(compare_raw(
                        what + " tile " + t.at("tile").dump() + " overlap " +
                            t.at("overlap").dump(),
                        upscaler->run(
                            input_, {t.at("tile").get<int64_t>(), t.at("overlap").get<int64_t>()}),
                        golden_, options_, atol_));
            first = false;
        }
    }

private:
    std::string path(const Json& name) const { return dir_ + "/" + name.get<std::string>(); }
    Image8 read(const Json& name) const {
        if (!options_.read_image)
            throw Error(path(name), "this build reads no images (the goldens' inputs are PNG)");
        return options_.read_image(path(name));
    }

    const Json& case_;
    std::string dir_;
    const GoldenOptions& options_;
    std::string id_;
    at::Tensor golden_, input_;
    double atol_ = 0;
};

}  // namespace

GoldenReport check_upscale_goldens(const GoldenOptions& options, const std::string& esrgan_dir) {
    GoldenReport report;
    Json manifest;
    try {
        manifest = read_json_file(esrgan_dir + "/manifest.json");
    } catch (const std::exception& e) {
        report.push_back(failure(std::string("upscale goldens: ") + e.what()));
        return report;
    }
    for (const auto& c : manifest.value("cases", Json::array())) {
        try {
            CaseCheck(c, esrgan_dir, options).run(report);
        } catch (const std::exception& e) {
            report.push_back(failure(c.value("id", std::string("a case")) + ": " + e.what()));
        }
    }
    if (report.empty()) report.push_back(failure(esrgan_dir + "/manifest.json: no cases"));
    return report;
}

}  // namespace lightning
