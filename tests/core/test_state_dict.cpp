// Strict state-dict loading: missing / unexpected / mis-shaped keys reported by name, exact
// dtype conversion, prefixes, and no change to the module when the check fails.
#include "core/io/safetensors.h"
#include "core/io/state_dict.h"
#include "core/util/error.h"
#include "support/fixtures.h"

#include <QTemporaryDir>

#include <cmath>

using lightning::Error;
using lightning::TensorMapSource;

namespace {

// A small module tree: parameters at two depths, a disabled bias and a buffer.
struct BlockImpl : torch::nn::Module {
    BlockImpl() {
        proj = register_module("proj", torch::nn::Linear(4, 3));
        norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({3})));
        conv = register_module("conv",
                               torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 2, 1).bias(false)));
        scale = register_buffer("scale", torch::ones({2}));
    }
    torch::nn::Linear proj{nullptr};
    torch::nn::LayerNorm norm{nullptr};
    torch::nn::Conv2d conv{nullptr};
    at::Tensor scale;
};
TORCH_MODULE(Block);

struct NetImpl : torch::nn::Module {
    NetImpl() {
        embed = register_parameter("embed", torch::zeros({5, 4}));
        blocks = register_module("blocks", torch::nn::ModuleList(Block(), Block()));
    }
    at::Tensor embed;
    torch::nn::ModuleList blocks{nullptr};
};
TORCH_MODULE(Net);

const std::vector<std::string> kNames{
    "embed",
    "blocks.0.proj.weight",
    "blocks.0.proj.bias",
    "blocks.0.norm.weight",
    "blocks.0.norm.bias",
    "blocks.0.conv.weight",
    "blocks.0.scale",
    "blocks.1.proj.weight",
    "blocks.1.proj.bias",
    "blocks.1.norm.weight",
    "blocks.1.norm.bias",
    "blocks.1.conv.weight",
    "blocks.1.scale",
};

// A full state dict for Net with distinct values per tensor (fp16-exact), in `dtype`.
std::vector<std::pair<std::string, at::Tensor>> state_for(const Net& net, at::ScalarType dtype,
                                                          const std::string& prefix = {}) {
    std::vector<std::pair<std::string, at::Tensor>> result;
    std::map<std::string, at::Tensor> shapes;
    for (const auto& p : net->named_parameters()) shapes[p.key()] = p.value();
    for (const auto& b : net->named_buffers()) shapes[b.key()] = b.value();
    double offset = 1;
    for (const auto& name : kNames) {
        const at::Tensor& like = shapes.at(name);
        // Multiples of 1/64 in a small range: exactly representable in fp16.
        at::Tensor value =
            (at::arange(like.numel(), at::kDouble).reshape(like.sizes()) + offset) / 64.0;
        result.emplace_back(prefix + name, value.to(dtype));
        offset += 100;
    }
    return result;
}

std::vector<at::Tensor> snapshot(const Net& net) {
    std::vector<at::Tensor> values;
    for (const auto& p : net->named_parameters()) values.push_back(p.value().detach().clone());
    for (const auto& b : net->named_buffers()) values.push_back(b.value().detach().clone());
    return values;
}

bool unchanged(const Net& net, const std::vector<at::Tensor>& before) {
    const auto after = snapshot(net);
    if (after.size() != before.size()) return false;
    for (size_t i = 0; i < after.size(); ++i)
        if (!at::equal(after[i], before[i])) return false;
    return true;
}

Error load_error(Net& net, const lightning::TensorSource& source) {
    try {
        lightning::load_state_dict(*net, source);
    } catch (const Error& e) {
        return e;
    }
    qFatal("expected lightning::Error");
}

}  // namespace

class TestStateDict : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { at::set_num_threads(2); }
    void moduleNamesAreAsExpected();
    void loadsExactly();
    void fp16FileIntoFp32ModuleIsExact();
    void missingKeys();
    void unexpectedKeys();
    void misShapedKeys();
    void allProblemsTogether();
    void prefixSelectsComponent();
    void largeReportIsReadable();
    void allFiniteIsExact();
};

void TestStateDict::moduleNamesAreAsExpected() {
    Net net;
    std::vector<std::string> names;
    for (const auto& p : net->named_parameters()) names.push_back(p.key());
    for (const auto& b : net->named_buffers()) names.push_back(b.key());
    std::sort(names.begin(), names.end());
    auto expected = kNames;
    std::sort(expected.begin(), expected.end());
    QCOMPARE(names, expected);  // the disabled conv bias is not a key
}

void TestStateDict::loadsExactly() {
    Net net;
    const auto state = state_for(net, at::kFloat);
    TensorMapSource source(state, "weights");
    QVERIFY(lightning::check_state_dict(*net, source).ok());
    lightning::load_state_dict(*net, source);
    std::map<std::string, at::Tensor> loaded;
    for (const auto& p : net->named_parameters()) loaded[p.key()] = p.value();
    for (const auto& b : net->named_buffers()) loaded[b.key()] = b.value();
    for (const auto& [name, value] : state)
        QVERIFY2(at::equal(loaded.at(name), value), name.c_str());
    QVERIFY(net->embed.requires_grad());  // still a trainable parameter, same object
    QVERIFY(at::equal(net->blocks[0]->as<BlockImpl>()->scale, state[6].second));
}

void TestStateDict::fp16FileIntoFp32ModuleIsExact() {
    Net net;
    const auto state = state_for(net, at::kHalf);
    QTemporaryDir dir;
    const std::string path = dir.filePath("net.safetensors").toStdString();
    lightning::save_safetensors(path, state);
    const auto file = lightning::SafeTensorsFile::open(path);
    lightning::load_state_dict(*net, *file);
    for (const auto& p : net->named_parameters()) {
        QCOMPARE(p.value().scalar_type(), at::kFloat);
        const at::Tensor expected = file->load(p.key()).to(at::kFloat);
        QVERIFY2(at::equal(p.value(), expected), p.key().c_str());
    }
    // Also against the double values the file was made from (all fp16-exact).
    QVERIFY(at::equal(net->embed,
                      ((at::arange(20, at::kDouble) + 1) / 64.0).reshape({5, 4}).to(at::kFloat)));

    // And fp32 into a double module.
    Net wide;
    wide->to(at::kDouble);
    lightning::load_state_dict(*wide, *file);
    QCOMPARE(wide->embed.scalar_type(), at::kDouble);
    QVERIFY(at::equal(wide->embed, net->embed.to(at::kDouble)));
}

void TestStateDict::missingKeys() {
    Net net;
    auto state = state_for(net, at::kFloat);
    state.erase(state.begin() + 2);  // blocks.0.proj.bias
    state.erase(state.begin());      // embed
    TensorMapSource source(state, "weights.safetensors");
    const auto before = snapshot(net);
    const auto report = lightning::check_state_dict(*net, source);
    QCOMPARE(report.missing, (std::vector<std::string>{"embed", "blocks.0.proj.bias"}));
    QVERIFY(report.unexpected.empty() && report.mis_shaped.empty());
    const Error e = load_error(net, source);
    QCOMPARE(e.where(), std::string("weights.safetensors"));
    const std::string what = e.what();
    QVERIFY2(what.find("2 missing, 0 unexpected, 0 mis-shaped") != std::string::npos, e.what());
    QVERIFY2(what.find("missing from the file: embed [") != std::string::npos, e.what());
    QVERIFY(what.find("embed") != std::string::npos);
    QVERIFY(what.find("blocks.0.proj.bias") != std::string::npos);
    QVERIFY(what.find("unexpected in the file") == std::string::npos);
    QVERIFY(unchanged(net, before));
}

void TestStateDict::unexpectedKeys() {
    Net net;
    auto state = state_for(net, at::kFloat);
    state.emplace_back("blocks.0.conv.bias", at::zeros({2}));
    state.emplace_back("extra", at::zeros({1}));
    TensorMapSource source(state, "weights.safetensors");
    const auto before = snapshot(net);
    const auto report = lightning::check_state_dict(*net, source);
    QCOMPARE(report.unexpected, (std::vector<std::string>{"blocks.0.conv.bias", "extra"}));
    QVERIFY(report.missing.empty() && report.mis_shaped.empty());
    const std::string what = load_error(net, source).what();
    QVERIFY2(what.find("0 missing, 2 unexpected, 0 mis-shaped") != std::string::npos, what.c_str());
    QVERIFY2(
        what.find("unexpected in the file: blocks.0.conv.bias [2], extra [1]") != std::string::npos,
        what.c_str());
    QVERIFY(what.find("blocks.0.conv.bias") != std::string::npos);
    QVERIFY(what.find("extra") != std::string::npos);
    QVERIFY(unchanged(net, before));
}

void TestStateDict::misShapedKeys() {
    Net net;
    auto state = state_for(net, at::kFloat);
    state[1].second = at::zeros({4, 3});  // blocks.0.proj.weight is [3, 4]
    TensorMapSource source(state, "weights.safetensors");
    const auto before = snapshot(net);
    const auto report = lightning::check_state_dict(*net, source);
    QCOMPARE(report.mis_shaped,
             (std::vector<std::string>{"blocks.0.proj.weight: file [4, 3] vs module [3, 4]"}));
    QVERIFY(report.missing.empty() && report.unexpected.empty());
    const std::string what = load_error(net, source).what();
    QVERIFY2(what.find("0 missing, 0 unexpected, 1 mis-shaped") != std::string::npos, what.c_str());
    QVERIFY(what.find("blocks.0.proj.weight: file [4, 3] vs module [3, 4]") != std::string::npos);
    QVERIFY(unchanged(net, before));
}

void TestStateDict::allProblemsTogether() {
    Net net;
    auto state = state_for(net, at::kFloat);
    state[0].second = at::zeros({4, 5});                   // embed mis-shaped
    state.erase(state.begin() + 12);                       // blocks.1.scale missing
    state.emplace_back("blocks.1.extra", at::zeros({1}));  // unexpected
    TensorMapSource source(state, "w");
    const auto before = snapshot(net);
    const auto report = lightning::check_state_dict(*net, source);
    QCOMPARE(report.missing, std::vector<std::string>{"blocks.1.scale"});
    QCOMPARE(report.unexpected, std::vector<std::string>{"blocks.1.extra"});
    QCOMPARE(report.mis_shaped.size(), size_t(1));
    QVERIFY(!report.ok());
    const std::string summary = report.summary();
    QVERIFY(summary.find("1 missing, 1 unexpected, 1 mis-shaped") != std::string::npos);
    load_error(net, source);
    QVERIFY(unchanged(net, before));
}

void TestStateDict::prefixSelectsComponent() {
    Net net;
    auto state = state_for(net, at::kFloat, "model.diffusion_model.");
    state.emplace_back("first_stage_model.other", at::zeros({3}));  // another component: ignored
    TensorMapSource source(state, "single.safetensors");
    QVERIFY(lightning::check_state_dict(*net, source, "model.diffusion_model.").ok());
    lightning::load_state_dict(*net, source, "model.diffusion_model.");
    QVERIFY(at::equal(net->embed, state[0].second));

    state.emplace_back("model.diffusion_model.stray", at::zeros({3}));
    TensorMapSource with_stray(state, "single.safetensors");
    const auto report = lightning::check_state_dict(*net, with_stray, "model.diffusion_model.");
    QCOMPARE(report.unexpected, std::vector<std::string>{"model.diffusion_model.stray"});
    // Without the prefix every module key is missing.
    QCOMPARE(lightning::check_state_dict(*net, source).missing.size(), kNames.size());
}

void TestStateDict::largeReportIsReadable() {
    // Hundreds of keys: one line with the counts and the first 10 names with their shapes, so
    // the message stays readable in a dialog and a terminal.
    Net net;
    std::vector<std::pair<std::string, at::Tensor>> state = state_for(net, at::kFloat);
    for (int i = 0; i < 300; ++i) {
        const std::string parent = "up_blocks." + std::to_string(i / 3) + ".resnets.0.conv";
        state.emplace_back(parent + std::to_string(i % 3) + ".weight", at::zeros({2, 3}));
        state.emplace_back(parent + std::to_string(i % 3) + ".bias", at::zeros({1}));
    }
    TensorMapSource source(state, "big");
    const auto report = lightning::check_state_dict(*net, source);
    QCOMPARE(report.unexpected.size(), size_t(600));
    const std::string summary = report.summary();
    QVERIFY2(summary.find("0 missing, 600 unexpected, 0 mis-shaped") != std::string::npos,
             summary.c_str());
    for (size_t i = 0; i < 10; ++i)
        QVERIFY2(summary.find(report.unexpected[i] + " [") != std::string::npos, summary.c_str());
    QVERIFY(summary.find(report.unexpected[10] + " [") == std::string::npos);
    QVERIFY(summary.find("[2, 3]") != std::string::npos);
    QVERIFY(summary.find("and 590 more") != std::string::npos);
    QCOMPARE(std::count(summary.begin(), summary.end(), '\n'), 0);
}

QTEST_GUILESS_MAIN(TestStateDict)
// The load check (a sum, re-checked element by element when the sum is not finite): finite
// values whose sum overflows are finite; any NaN or infinity is not, in every float dtype.
void TestStateDict::allFiniteIsExact() {
    using lightning::all_finite;
    const float big = 3e38f;
    QVERIFY(all_finite(at::full({4}, big)));                 // the float sum overflows to inf
    QVERIFY(all_finite(at::full({4}, 60000.0, at::kHalf)));  // overflows fp16's range
    QVERIFY(all_finite(at::zeros({0})));
    QVERIFY(all_finite(at::arange(10, at::kLong)));
    for (const auto dtype : {at::kFloat, at::kHalf, at::kBFloat16, at::kDouble}) {
        for (const double bad : {std::nan(""), double(INFINITY), -double(INFINITY)}) {
            at::Tensor t = at::ones({3, 5}, dtype);
            t[2][4] = bad;
            QVERIFY2(!all_finite(t), c10::toString(dtype));
        }
        at::Tensor both = at::ones({2}, dtype);
        both[0] = INFINITY;
        both[1] = -INFINITY;
        QVERIFY(!all_finite(both));
    }
}

#include "test_state_dict.moc"
