#include "core/models/rrdbnet.h"

#include "core/io/state_dict.h"
#include "core/util/error.h"

#include <torch/torch.h>

namespace lightning {
namespace {

constexpr double kSlope = 0.2;          // LeakyReLU's negative slope
constexpr double kResidualScale = 0.2;  // of every dense block's and RRDB's residual

}  // namespace

namespace rrdb_detail {
namespace {

using Options = c10::TensorOptions;

Conv2d conv3x3(int64_t in, int64_t out, const Options& o) {
    return Conv2d(in, out, 3, 1, 1, o);
}

// Five 3×3 convs, each seeing the input and every earlier conv's output (conv1..conv5).
class ResidualDenseBlock : public torch::nn::Module {
public:
    ResidualDenseBlock(int64_t feat, int64_t grow, const Options& o) {
        for (int64_t i = 0; i < 5; ++i)
            convs_.push_back(register_module("conv" + std::to_string(i + 1),
                                             conv3x3(feat + i * grow, i < 4 ? grow : feat, o)));
    }

    at::Tensor forward(const at::Tensor& x) {
        std::vector<at::Tensor> seen = {x};
        for (size_t i = 0; i < 4; ++i)
            seen.push_back(at::leaky_relu(convs_[i]->forward(at::cat(seen, 1)), kSlope));
        return convs_[4]->forward(at::cat(seen, 1)).mul_(kResidualScale).add_(x);
    }

private:
    std::vector<std::shared_ptr<Conv2dImpl>> convs_;
};

}  // namespace

class ResidualInResidualDenseBlock : public torch::nn::Module {
public:
    ResidualInResidualDenseBlock(int64_t feat, int64_t grow, const Options& o) {
        for (int i = 1; i <= 3; ++i)
            blocks_.push_back(register_module("rdb" + std::to_string(i),
                                              std::make_shared<ResidualDenseBlock>(feat, grow, o)));
    }

    at::Tensor forward(const at::Tensor& x) {
        at::Tensor out = x;
        for (auto& block : blocks_) out = block->forward(out);
        return out.mul_(kResidualScale).add_(x);
    }

private:
    std::vector<std::shared_ptr<ResidualDenseBlock>> blocks_;
};

}  // namespace rrdb_detail

namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string out = "[";
    for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
    return out + "]";
}

// The [out, in, 3, 3] shape of a conv weight (or a bias's [out]); Error naming it otherwise.
std::vector<int64_t> conv_shape(const TensorSource& weights, const std::string& name) {
    if (!weights.contains(name))
        throw Error(weights.describe(), "no tensor '" + name + "', which an RRDBNet has");
    auto shape = weights.shape(name);
    if (shape.size() != 4 || shape[2] != 3 || shape[3] != 3 || shape[0] < 1 || shape[1] < 1)
        throw Error(weights.describe() + " [" + name + "]",
                    "expected a 3x3 conv weight [out, in, 3, 3], got " + shape_text(shape));
    return shape;
}

int64_t count_numbered(const TensorSource& weights, const std::string& before,
                       const std::string& after, int64_t first) {
    int64_t n = first;
    while (weights.contains(before + std::to_string(n) + after)) ++n;
    return n - first;
}

}  // namespace

RrdbNetConfig infer_rrdbnet_config(const TensorSource& weights) {
    RrdbNetConfig c;
    const auto first = conv_shape(weights, "conv_first.weight");
    const auto last = conv_shape(weights, "conv_last.weight");
    const auto grow = conv_shape(weights, "body.0.rdb1.conv1.weight");
    c.num_feat = first[0];
    c.out_channels = last[0];
    c.num_grow_ch = grow[0];
    c.num_block = count_numbered(weights, "body.", ".rdb1.conv1.weight", 0);
    c.upsample_stages = count_numbered(weights, "conv_up", ".weight", 1);
    const int64_t in_total = first[1];
    c.unshuffle = in_total == 16 * c.out_channels ? 4 : in_total == 4 * c.out_channels ? 2 : 1;
    c.in_channels = in_total / (c.unshuffle * c.unshuffle);
    if (c.upsample_stages > 4)
        throw Error(weights.describe(), std::to_string(c.upsample_stages) +
                                            " upsampling convs (conv_up1...): at most 4 are read");
    if ((int64_t{1} << c.upsample_stages) < c.unshuffle)
        throw Error(weights.describe(),
                    "conv_first takes " + std::to_string(in_total) +
                        " channels (a pixel-unshuffled input) but the network upsamples by only " +
                        std::to_string(int64_t{1} << c.upsample_stages));
    return c;
}

RrdbNet::RrdbNet(const RrdbNetConfig& config, c10::TensorOptions o) : config_(config) {
    const auto& c = config_;
    const int64_t feat = c.num_feat;
    conv_first_ = register_module(
        "conv_first", rrdb_detail::conv3x3(c.in_channels * c.unshuffle * c.unshuffle, feat, o));
    auto body = register_module("body", torch::nn::ModuleList());
    for (int64_t i = 0; i < c.num_block; ++i) {
        body_.push_back(
            std::make_shared<rrdb_detail::ResidualInResidualDenseBlock>(feat, c.num_grow_ch, o));
        body->push_back(body_.back());
    }
    conv_body_ = register_module("conv_body", rrdb_detail::conv3x3(feat, feat, o));
    for (int64_t i = 1; i <= c.upsample_stages; ++i)
        conv_up_.push_back(
            register_module("conv_up" + std::to_string(i), rrdb_detail::conv3x3(feat, feat, o)));
    conv_hr_ = register_module("conv_hr", rrdb_detail::conv3x3(feat, feat, o));
    conv_last_ = register_module("conv_last", rrdb_detail::conv3x3(feat, c.out_channels, o));
}

c10::Device RrdbNet::device() const {
    return conv_first_->weight.device();
}

c10::ScalarType RrdbNet::dtype() const {
    return conv_first_->weight.scalar_type();
}

at::Tensor RrdbNet::forward(const at::Tensor& input) {
    torch::NoGradGuard no_grad;
    const auto& c = config_;
    if (!input.defined() || input.dim() != 4 || input.size(1) != c.in_channels ||
        input.size(2) % c.unshuffle || input.size(3) % c.unshuffle)
        throw Error("RrdbNet::forward",
                    "expected [batch, " + std::to_string(c.in_channels) +
                        ", height, width] with height and width multiples of " +
                        std::to_string(c.unshuffle) + ", got " +
                        (input.defined() ? shape_text(input.sizes().vec()) : "undefined"));
    at::Tensor x = input.to(device(), dtype());
    if (c.unshuffle > 1) x = at::pixel_unshuffle(x, c.unshuffle);
    at::Tensor feat = conv_first_->forward(x);
    at::Tensor trunk = feat;
    for (auto& block : body_) trunk = block->forward(trunk);
    feat = conv_body_->forward(trunk).add_(feat);
    for (auto& conv : conv_up_) {
        const auto h = feat.size(2), w = feat.size(3);
        feat = at::upsample_nearest2d(feat, {2 * h, 2 * w}, 2.0, 2.0);
        feat = conv->forward(feat);
        at::leaky_relu_(feat, kSlope);
    }
    feat = conv_hr_->forward(feat);
    at::leaky_relu_(feat, kSlope);
    return conv_last_->forward(feat);
}

std::shared_ptr<RrdbNet> load_rrdbnet(const TensorSource& weights, c10::Device device,
                                      c10::ScalarType dtype) {
    const auto config = infer_rrdbnet_config(weights);
    auto net = std::make_shared<RrdbNet>(config, c10::TensorOptions().device(device).dtype(dtype));
    net->eval();
    load_state_dict(*net, weights);
    return net;
}

}  // namespace lightning
