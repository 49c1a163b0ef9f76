// A1111's start noise for variation seeds (tests/data/variation, made by
// bench/reference/a1111_variation_noise.py running the webui's modules/rng.py): each case's
// request (size, seed, batch, variation) and the noise A1111's ImageRNG drew for it.
#pragma once
#include "core/request/request.h"
#include "support/fixtures.h"

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

#include <cfloat>
#include <fstream>
#include <string>
#include <vector>

namespace lightning::testing {

struct VariationGolden {
    std::string name;
    GenerationRequest request;  // size, seed, batch and variation as A1111 was given them
    at::Tensor noise;           // [batch, 4, height / 8, width / 8]
};

inline at::Tensor read_f32_file(const std::string& path, const std::vector<int64_t>& shape) {
    std::ifstream in(path, std::ios::binary);
    if (!in) qFatal("cannot read %s", path.c_str());
    auto t = torch::empty(shape, torch::kFloat);
    const auto bytes = std::streamsize(t.numel() * sizeof(float));
    in.read(reinterpret_cast<char*>(t.data_ptr<float>()), bytes);
    if (in.gcount() != bytes || in.peek() != EOF)
        qFatal("%s is not %lld floats", path.c_str(), (long long)t.numel());
    return t;
}

inline std::vector<VariationGolden> variation_goldens() {
    const std::string dir = test_data_dir() + "/variation";
    std::ifstream in(dir + "/index.json");
    if (!in) qFatal("cannot read %s/index.json", dir.c_str());
    const auto index = nlohmann::json::parse(in);
    std::vector<VariationGolden> cases;
    for (const auto& c : index.at("cases")) {
        VariationGolden g;
        g.name = c.at("name");
        GenerationRequest& r = g.request;
        r.width = c.at("width"), r.height = c.at("height"), r.batch = c.at("batch");
        r.seed = c.at("seed");
        r.variation.seed = c.at("variation_seed");
        r.variation.strength = c.at("variation_strength");
        if (!c.at("seed_resize_from").is_null()) {
            r.variation.resize_from_width = c.at("seed_resize_from")[0];
            r.variation.resize_from_height = c.at("seed_resize_from")[1];
        }
        g.noise = read_f32_file(dir + "/" + c.at("file").get<std::string>(),
                                c.at("shape").get<std::vector<int64_t>>());
        cases.push_back(std::move(g));
    }
    return cases;
}

inline VariationGolden variation_golden(const std::string& name) {
    for (auto& c : variation_goldens())
        if (c.name == name) return c;
    qFatal("no case %s in tests/data/variation/index.json", name.c_str());
}

// How far our noise may be from A1111's values. The draws are bit-identical (torch's CPU
// generator in both); the slerp is ~10 float32 operations per element on values up to
// max|noise|, plus norms and a dot product summed over the H rows of a column (the summation
// order may differ between torch builds) and acos/sin (vectorised and scalar versions agree
// within 1-2 ulp): (10 + 2 x H) ulp of max|noise| bounds it with room. A linear blend or
// another seed's noise is off by tenths.
inline double variation_tolerance(const at::Tensor& golden) {
    const int64_t rows = golden.size(-2);
    return double(10 + 2 * rows) * FLT_EPSILON * golden.abs().max().item<double>();
}

}  // namespace lightning::testing
