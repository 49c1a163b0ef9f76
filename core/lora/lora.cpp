#include "core/lora/lora.h"

#include "core/convert/single_file.h"
#include "core/util/error.h"
#include "core/util/log.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace lightning {
namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
    std::ostringstream out;
    out << '[';
    for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
    out << ']';
    return out.str();
}

// Parameters named "<module>.weight" per target.
struct TargetWeights {
    std::map<LoraTarget, std::map<std::string, at::Tensor>> weights;
    LoraModuleNames names;
};

TargetWeights collect_weights(const LoraTargets& targets) {
    TargetWeights result;
    const std::pair<LoraTarget, torch::nn::Module*> models[] = {
        {LoraTarget::UNet, targets.unet},
        {LoraTarget::TextEncoder1, targets.text_encoder},
        {LoraTarget::TextEncoder2, targets.text_encoder_2},
    };
    const std::string suffix = ".weight";
    for (const auto& [target, module] : models) {
        if (!module) continue;
        auto& weights = result.weights[target];
        auto& names = result.names[target];
        for (const auto& item : module->named_parameters(/*recurse=*/true)) {
            const std::string& name = item.key();
            if (name.size() <= suffix.size() ||
                name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
                continue;
            const std::string module_name = name.substr(0, name.size() - suffix.size());
            weights.emplace(module_name, item.value());
            names.push_back(module_name);
        }
    }
    return result;
}

struct PlannedUpdate {
    const LoraModuleKeys* keys;
    at::Tensor weight;
};

// Checks the factor shapes against the weight; returns "" when they fit.
std::string shape_problem(const TensorSource& lora, const LoraModuleKeys& keys,
                          const at::Tensor& weight) {
    const auto down = lora.shape(keys.down_key);
    const auto up = lora.shape(keys.up_key);
    const auto w = weight.sizes().vec();
    auto describe = [&] {
        return "down " + shape_text(down) + ", up " + shape_text(up) + " do not fit weight " +
               shape_text(w) + " of '" + keys.module + "'";
    };
    if (down.size() < 2 || up.size() < 2 || w.size() < 2) return describe();
    if (up[1] != down[0] || up[0] != w[0]) return describe();
    for (size_t d = 2; d < up.size(); ++d)
        if (up[d] != 1) return describe();  // an up factor with a spatial kernel is not LoRA
    int64_t down_cols = 1, weight_cols = 1;
    for (size_t d = 1; d < down.size(); ++d) down_cols *= down[d];
    for (size_t d = 1; d < w.size(); ++d) weight_cols *= w[d];
    if (down_cols != weight_cols) return describe();
    if (!keys.alpha_key.empty()) {
        int64_t numel = 1;
        for (auto s : lora.shape(keys.alpha_key)) numel *= s;
        if (numel != 1)
            return "alpha " + keys.alpha_key + " must hold one value, has shape " +
                   shape_text(lora.shape(keys.alpha_key));
    }
    return {};
}

// One line (the CLI prints one): keys grouped by reason, the first few of each named; the log
// gets every key at debug level.
std::string describe_problems(const std::vector<UnmatchedLoraKey>& problems,
                              const LoraKeyMapping& mapping) {
    for (const auto& p : problems) log().debug("LoRA key {}: {}", p.key, p.reason);
    size_t not_lora = 0;
    for (const auto& p : problems) not_lora += p.reason == kNotALoraKey;
    if (mapping.modules.empty() && not_lora == problems.size())
        return "not a LoRA file: none of its " + std::to_string(problems.size()) +
               " tensors has a LoRA key name (e.g. '" + problems.front().key + "')";
    std::vector<std::pair<std::string, std::vector<std::string>>> by_reason;
    for (const auto& p : problems) {
        auto it = std::find_if(by_reason.begin(), by_reason.end(),
                               [&](const auto& group) { return group.first == p.reason; });
        if (it == by_reason.end()) it = by_reason.insert(by_reason.end(), {p.reason, {}});
        it->second.push_back(p.key);
    }
    constexpr size_t kKeysPerReason = 6, kReasons = 8;
    std::string message = std::to_string(problems.size()) +
                          " LoRA key(s) match no module of the model or do not fit: ";
    for (size_t r = 0; r < by_reason.size() && r < kReasons; ++r) {
        const auto& [reason, keys] = by_reason[r];
        message += (r ? "; " : "") + reason + ": ";
        for (size_t k = 0; k < keys.size() && k < kKeysPerReason; ++k)
            message += (k ? ", " : "") + keys[k];
        if (keys.size() > kKeysPerReason)
            message += " (+" + std::to_string(keys.size() - kKeysPerReason) + " more)";
    }
    if (by_reason.size() > kReasons)
        message +=
            "; ... " + std::to_string(by_reason.size() - kReasons) + " more kinds of problem";
    return message;
}

// Values that would turn the model's weights into NaN or infinity (a black image at best):
// an empty rank, a non-finite alpha or factor. Returns "" when the module's factors are usable.
std::string value_problem(const TensorSource& lora, const LoraModuleKeys& keys) {
    const auto down_shape = lora.shape(keys.down_key);
    if (down_shape.empty() || down_shape[0] == 0)
        return "rank 0 (empty factors) for '" + keys.module + "'";
    if (!keys.alpha_key.empty()) {
        const double alpha = lora.load(keys.alpha_key, torch::kDouble).item<double>();
        if (!std::isfinite(alpha))
            return "alpha " + keys.alpha_key + " is " + std::to_string(alpha);
    }
    for (const auto* key : {&keys.down_key, &keys.up_key})
        if (!at::isfinite(lora.load(*key, torch::kFloat)).all().item<bool>())
            return *key + " contains NaN or infinite values";
    return {};
}

}  // namespace

void LoraFuser::fuse(const TensorSource& lora, float scale, const LoraTargets& targets) {
    const auto weights = collect_weights(targets);
    LdmToDiffusers ldm_names;
    if (targets.unet && targets.unet_config) {
        auto names = std::make_shared<LdmUNetNames>(*targets.unet_config);
        ldm_names = [names](const std::string& ldm) { return names->to_diffusers(ldm); };
    }
    const auto mapping = map_lora_keys(lora.names(), weights.names, ldm_names);

    std::vector<UnmatchedLoraKey> problems = mapping.unmatched;
    std::vector<PlannedUpdate> plan;
    for (const auto& keys : mapping.modules) {
        const auto& weight = weights.weights.at(keys.target).at(keys.module);
        if (auto problem = shape_problem(lora, keys, weight); !problem.empty()) {
            problems.push_back({keys.down_key, problem});
            continue;
        }
        if (auto problem = value_problem(lora, keys); !problem.empty()) {
            problems.push_back({keys.down_key, problem});
            continue;
        }
        plan.push_back({&keys, weight});
    }
    if (!problems.empty()) throw Error(lora.describe(), describe_problems(problems, mapping));
    if (plan.empty()) throw Error(lora.describe(), "file holds no LoRA weights");

    torch::NoGradGuard no_grad;
    for (const auto& update : plan) {
        const auto& keys = *update.keys;
        at::Tensor weight = update.weight;
        const auto device = weight.device();
        const auto down = lora.load(keys.down_key, torch::kFloat, device);
        const auto up = lora.load(keys.up_key, torch::kFloat, device);
        const double rank = static_cast<double>(down.size(0));
        const double alpha = keys.alpha_key.empty()
                                 ? rank
                                 : lora.load(keys.alpha_key, torch::kDouble).item<double>();
        const double factor = static_cast<double>(scale) * (alpha / rank);

        bool seen = false;
        for (const auto& s : saved_)
            if (s.weight.is_same(weight)) seen = true;
        // Originals live on the CPU so a GPU model does not pay for them in device memory.
        if (!seen)
            saved_.push_back({weight, weight.detach().to(torch::kCPU, /*non_blocking=*/false,
                                                         /*copy=*/true)});

        const auto delta =
            torch::matmul(up.flatten(1), down.flatten(1)).view(weight.sizes()) * factor;
        weight.copy_((weight.to(torch::kFloat) + delta).to(weight.scalar_type()));
    }
    fused_.push_back({lora.describe(), scale, plan.size()});
    log().info("LoRA {}: fused {} weights at scale {}", lora.describe(), plan.size(), scale);
}

void LoraFuser::unfuse() {
    torch::NoGradGuard no_grad;
    for (auto& s : saved_) s.weight.copy_(s.original);
    if (!saved_.empty()) log().info("LoRA: restored {} original weights", saved_.size());
    forget();
}

void LoraFuser::forget() {
    saved_.clear();
    fused_.clear();
}

}  // namespace lightning
