// The single-file checkpoint converter (core/convert/single_file.cpp) on arbitrary tensor sets:
// the names and shapes of a file downloaded as "an SDXL checkpoint", one `name:d0,d1,...` per
// line (the tensors hold zeros; the converter decides from names and shapes before any data is
// read). Against the tiny fixture's configs it must either throw lightning::Error or give
// diffusers-named parts whose every tensor loads with the shape it announces, and whose layout
// back to single-file names (single_file_layout) gives the input's own names and shapes (VAE
// attention weights as 1x1 convolutions).
// The UNet-alone and VAE-alone readers (unet/vae_weights_any_layout) get the same set.
#include "core/convert/single_file.h"
#include "core/io/config.h"
#include "core/util/error.h"
#include "fuzz_support.h"

#include <ATen/ATen.h>

#include <charconv>
#include <map>

namespace {

constexpr size_t kMaxTensors = 4096;
constexpr int kMaxRank = 4;
constexpr int64_t kMaxDim = 1 << 16;
constexpr int64_t kMaxLoadedElements = 1 << 16;  // larger tensors: shapes only

// Zeros with the input's names and shapes, in the input's order.
class ShapeSource final : public lightning::TensorSource {
public:
    std::vector<std::string> order;
    std::map<std::string, std::vector<int64_t>> shapes;

    std::vector<std::string> names() const override { return order; }
    bool contains(const std::string& name) const override { return shapes.count(name) > 0; }
    std::vector<int64_t> shape(const std::string& name) const override {
        const auto it = shapes.find(name);
        if (it == shapes.end()) throw lightning::Error("fuzz input", "no tensor " + name);
        return it->second;
    }
    at::Tensor load(const std::string& name, std::optional<c10::ScalarType> dtype,
                    c10::Device) const override {
        return at::zeros(shape(name), at::TensorOptions().dtype(dtype.value_or(at::kFloat)));
    }
    std::string describe() const override { return "fuzz input"; }
};

std::optional<std::vector<int64_t>> parse_shape(std::string_view text) {
    std::vector<int64_t> shape;
    while (!text.empty()) {
        int64_t d = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), d);
        if (error != std::errc() || d < 0 || d > kMaxDim || int(shape.size()) == kMaxRank)
            return std::nullopt;
        shape.push_back(d);
        text.remove_prefix(size_t(end - text.data()));
        if (!text.empty() && text.front() != ',') return std::nullopt;
        if (!text.empty()) text.remove_prefix(1);
    }
    return shape;
}

// Lines that do not parse are left out: the target is the converter, not this format.
std::shared_ptr<ShapeSource> parse_input(std::string_view text) {
    auto source = std::make_shared<ShapeSource>();
    while (!text.empty() && source->order.size() < kMaxTensors) {
        const size_t end = std::min(text.find('\n'), text.size());
        const std::string_view line = text.substr(0, end);
        text.remove_prefix(std::min(end + 1, text.size()));
        const size_t colon = line.rfind(':');
        if (colon == std::string_view::npos || colon == 0) continue;
        auto shape = parse_shape(line.substr(colon + 1));
        const std::string name(line.substr(0, colon));
        if (!shape || source->shapes.count(name)) continue;
        source->order.push_back(name);
        source->shapes.emplace(name, std::move(*shape));
    }
    return source;
}

int64_t elements(const std::vector<int64_t>& shape) {
    int64_t n = 1;
    for (const int64_t d : shape) n *= d;  // each d <= 2^16, rank <= 4: no overflow
    return n;
}

// Tensors converted by more than a new name (core/convert/single_file.h): VAE attention 1x1
// convolutions, OpenCLIP's fused in_proj, text_projection.
bool converted_by_value(const std::string& name) {
    for (const char* piece : {"attentions.", "_proj", "text_projection"})
        if (name.find(piece) != std::string::npos) return true;
    return false;
}

// Every name is unique, contained, and loads with the shape it announces: all tensors that are
// converted by value, every 16th of the renamed ones (an input loads at most ~1 s under ASan).
void check_part(const lightning::TensorSource& part) {
    const auto names = part.names();
    std::map<std::string, int> seen;
    for (size_t i = 0; i < names.size(); ++i) {
        const std::string& name = names[i];
        fuzz::require(++seen[name] == 1, "each converted name once");
        fuzz::require(part.contains(name), "a listed name is contained");
        const auto shape = part.shape(name);
        if (elements(shape) > kMaxLoadedElements || (!converted_by_value(name) && i % 16 != 0))
            continue;
        fuzz::require(part.load(name).sizes().vec() == shape, "loads with the announced shape");
    }
}

struct Configs {
    lightning::UNetConfig unet;
    lightning::VaeConfig vae;
    lightning::ClipTextConfig text_encoder_2;
};

const Configs& tiny_configs() {
    static const Configs configs = [] {
        const std::string model = fuzz::fixtures_dir() + "/tiny-sdxl/";
        return Configs{lightning::read_unet_config(model + "unet/config.json"),
                       lightning::read_vae_config(model + "vae/config.json"),
                       lightning::read_clip_text_config(model + "text_encoder_2/config.json")};
    }();
    return configs;
}

// The layout's shape of an input tensor: the input's own, except that a VAE attention weight a
// file stores as a Linear [C, C] is written back as the 1x1 convolution [C, C, 1, 1] of the
// original layout (core/convert/single_file.h), as the first 10-minute run pointed out.
bool restored(const std::string& name, const std::vector<int64_t>& layout,
              const std::vector<int64_t>& input) {
    if (layout == input) return true;
    return name.find(".mid.attn_1.") != std::string::npos && input.size() == 2 &&
           layout == std::vector<int64_t>{input[0], input[1], 1, 1};
}

void convert_whole_file(const std::shared_ptr<ShapeSource>& input, const Configs& c) {
    lightning::SingleFileParts parts;
    try {
        parts = lightning::open_single_file(input, c.unet, c.vae, c.text_encoder_2);
    } catch (const lightning::Error&) {
        return;
    }
    fuzz::require(parts.unet != nullptr, "an accepted file has a UNet");
    for (const auto& part : {parts.unet, parts.vae, parts.text_encoder, parts.text_encoder_2})
        if (part) check_part(*part);
    if (!parts.vae || !parts.text_encoder || !parts.text_encoder_2) return;
    std::shared_ptr<lightning::TensorSource> back;
    try {
        back = lightning::single_file_layout(parts, c.unet, c.vae, c.text_encoder_2);
    } catch (const lightning::Error&) {
        return;  // a part without a tensor the layout needs (fused q/k/v incomplete, ...)
    }
    for (const auto& name : back->names()) {
        if (input->contains(name) && restored(name, back->shape(name), input->shape(name)))
            continue;
        std::fprintf(stderr, "fuzz: %s: %s\n", name.c_str(),
                     input->contains(name) ? "shape not restored" : "not in the input");
        fuzz::require(false, "the layout gives the input's names and shapes");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto input = parse_input({reinterpret_cast<const char*>(data), size});
    const Configs& configs = tiny_configs();
    try {
        (void)lightning::is_sdxl_single_file(*input);
        convert_whole_file(input, configs);
        if (auto unet = lightning::unet_weights_any_layout(input, configs.unet)) check_part(*unet);
        if (auto vae = lightning::vae_weights_any_layout(input, configs.vae)) check_part(*vae);
    } catch (const lightning::Error&) {
    }
    return 0;
}
