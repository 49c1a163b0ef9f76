#include "core/convert/lora_names.h"

#include <optional>
#include <set>
#include <tuple>

namespace lightning {
namespace {

enum class Factor { Down, Up, Alpha };

struct ParsedKey {
    LoraTarget target;
    std::string path;  // dotted (diffusers) or flattened (kohya)
    bool flattened;
    Factor factor;
};

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string flatten(std::string path) {
    for (char& c : path)
        if (c == '.') c = '_';
    return path;
}

// kohya: lora_<target>_<flattened path>.<factor>
std::optional<ParsedKey> parse_kohya(const std::string& key, std::string* reason) {
    static const std::pair<const char*, LoraTarget> prefixes[] = {
        {"lora_unet_", LoraTarget::UNet},
        {"lora_te1_", LoraTarget::TextEncoder1},
        {"lora_te2_", LoraTarget::TextEncoder2},
        {"lora_te_", LoraTarget::TextEncoder1},
    };
    for (const auto& [prefix, target] : prefixes) {
        if (!starts_with(key, prefix)) continue;
        const auto dot = key.find('.');
        if (dot == std::string::npos) {
            *reason = "no factor suffix (expected .lora_down.weight, .lora_up.weight or .alpha)";
            return std::nullopt;
        }
        const std::string suffix = key.substr(dot + 1);
        Factor factor;
        if (suffix == "lora_down.weight")
            factor = Factor::Down;
        else if (suffix == "lora_up.weight")
            factor = Factor::Up;
        else if (suffix == "alpha")
            factor = Factor::Alpha;
        else {
            *reason = "unsupported LoRA factor '" + suffix + "' (only plain LoRA is supported)";
            return std::nullopt;
        }
        return ParsedKey{target,
                         key.substr(std::string(prefix).size(), dot - std::string(prefix).size()),
                         true, factor};
    }
    return std::nullopt;
}

// diffusers / peft: [unet.|text_encoder.|text_encoder_2.]<dotted path>.<factor>
std::optional<ParsedKey> parse_diffusers(const std::string& key, std::string* reason) {
    static const std::pair<const char*, Factor> suffixes[] = {
        {".lora_A.weight", Factor::Down},    {".lora_B.weight", Factor::Up},
        {".lora.down.weight", Factor::Down}, {".lora.up.weight", Factor::Up},
        {".lora_down.weight", Factor::Down}, {".lora_up.weight", Factor::Up},
        {".alpha", Factor::Alpha},
    };
    std::string path;
    Factor factor = Factor::Alpha;
    bool found = false;
    for (const auto& [suffix, f] : suffixes) {
        if (ends_with(key, suffix)) {
            path = key.substr(0, key.size() - std::string(suffix).size());
            factor = f;
            found = true;
            break;
        }
    }
    if (!found) {
        *reason =
            "not a recognised LoRA key (kohya lora_unet_*/lora_te*_* or diffusers "
            "unet.*.lora_A/lora_B)";
        return std::nullopt;
    }
    LoraTarget target = LoraTarget::UNet;
    if (starts_with(path, "unet.")) {
        path = path.substr(5);
    } else if (starts_with(path, "text_encoder_2.")) {
        target = LoraTarget::TextEncoder2;
        path = path.substr(15);
    } else if (starts_with(path, "text_encoder.")) {
        target = LoraTarget::TextEncoder1;
        path = path.substr(13);
    }
    // Old diffusers attention-processor spelling: attn1.processor.to_q_lora -> attn1.to_q.
    if (const auto p = path.find(".processor."); p != std::string::npos) {
        std::string tail = path.substr(p + 11);
        if (ends_with(tail, "_lora")) tail.resize(tail.size() - 5);
        if (tail == "to_out") tail = "to_out.0";
        path = path.substr(0, p) + "." + tail;
    }
    return ParsedKey{target, path, false, factor};
}

// Resolves a parsed path against the target's real module names.
// The dotted spellings of a flattened ldm path: every '_' between two words may have been a '.'
// or a real '_'; next to a number it was always a '.' (module indices).
std::vector<std::string> dotted_spellings(const std::string& flat) {
    std::vector<std::string> tokens;
    size_t start = 0;
    for (size_t i = 0; i <= flat.size(); ++i)
        if (i == flat.size() || flat[i] == '_') {
            tokens.push_back(flat.substr(start, i - start));
            start = i + 1;
        }
    auto numeric = [](const std::string& t) {
        return !t.empty() && t.find_first_not_of("0123456789") == std::string::npos;
    };
    std::vector<size_t> free;  // boundaries after token i that may be '_' or '.'
    for (size_t i = 0; i + 1 < tokens.size(); ++i)
        if (!numeric(tokens[i]) && !numeric(tokens[i + 1])) free.push_back(i);
    std::vector<std::string> spellings;
    if (free.size() > 12) return spellings;  // not a module path we could resolve sensibly
    for (uint32_t mask = 0; mask < (1u << free.size()); ++mask) {
        std::string dotted = tokens[0];
        size_t f = 0;
        for (size_t i = 0; i + 1 < tokens.size(); ++i) {
            char sep = '.';
            if (f < free.size() && free[f] == i) sep = ((mask >> f++) & 1) ? '_' : '.';
            dotted += sep;
            dotted += tokens[i + 1];
        }
        spellings.push_back(std::move(dotted));
    }
    return spellings;
}

class ModuleResolver {
public:
    explicit ModuleResolver(const std::vector<std::string>& names, LdmToDiffusers ldm = {})
        : ldm_(std::move(ldm)) {
        for (const auto& name : names) {
            dotted_.insert(name);
            auto [it, inserted] = flattened_.emplace(flatten(name), name);
            if (!inserted && it->second != name) ambiguous_.insert(it->first);
        }
    }

    // Returns the module path, or nullopt with a reason.
    std::optional<std::string> resolve(const ParsedKey& key, std::string* reason) const {
        // Text encoders: files may or may not carry transformers' `text_model.` wrapper.
        std::vector<std::string> candidates{key.path};
        const std::string wrapper = key.flattened ? "text_model_" : "text_model.";
        if (key.target != LoraTarget::UNet) {
            if (starts_with(key.path, wrapper))
                candidates.push_back(key.path.substr(wrapper.size()));
            else
                candidates.push_back(wrapper + key.path);
        }
        for (const auto& candidate : candidates) {
            if (!key.flattened) {
                if (dotted_.count(candidate)) return candidate;
                continue;
            }
            if (ambiguous_.count(candidate)) {
                *reason = "ambiguous module name '" + candidate + "'";
                return std::nullopt;
            }
            if (auto it = flattened_.find(candidate); it != flattened_.end()) return it->second;
        }
        if (key.flattened && key.target == LoraTarget::UNet && ldm_)
            return resolve_ldm(key, reason);
        *reason = std::string("no module '") + key.path + "' in the " + to_string(key.target);
        return std::nullopt;
    }

private:
    // kohya keys with SGM/ldm module names: the spelling that maps to a real module wins.
    std::optional<std::string> resolve_ldm(const ParsedKey& key, std::string* reason) const {
        auto cached = ldm_cache_.find(key.path);
        if (cached == ldm_cache_.end()) {
            std::set<std::string> found;
            for (const auto& dotted : dotted_spellings(key.path)) {
                const auto name = ldm_(dotted + ".weight");
                if (!name || name->size() <= 7) continue;
                const auto module = name->substr(0, name->size() - 7);  // strip ".weight"
                if (dotted_.count(module)) found.insert(module);
            }
            cached = ldm_cache_.emplace(key.path, found).first;
        }
        if (cached->second.size() == 1) return *cached->second.begin();
        *reason = cached->second.empty()
                      ? "no module '" + key.path + "' in the UNet (diffusers or SGM names)"
                      : "ambiguous module name '" + key.path + "'";
        return std::nullopt;
    }

    LdmToDiffusers ldm_;
    mutable std::map<std::string, std::set<std::string>> ldm_cache_;
    std::set<std::string> dotted_;
    std::map<std::string, std::string> flattened_;
    std::set<std::string> ambiguous_;
};

}  // namespace

const char* to_string(LoraTarget target) {
    switch (target) {
        case LoraTarget::UNet:
            return "UNet";
        case LoraTarget::TextEncoder1:
            return "text encoder 1";
        case LoraTarget::TextEncoder2:
            return "text encoder 2";
    }
    return "?";
}

LoraKeyMapping map_lora_keys(const std::vector<std::string>& keys, const LoraModuleNames& modules,
                             const LdmToDiffusers& ldm_unet) {
    std::map<LoraTarget, ModuleResolver> resolvers;
    for (const auto& [target, names] : modules)
        resolvers.emplace(target,
                          ModuleResolver(names, target == LoraTarget::UNet ? ldm_unet : nullptr));

    LoraKeyMapping mapping;
    // (target, module) -> factor keys, in first-seen order.
    std::map<std::pair<LoraTarget, std::string>, size_t> index;
    for (const auto& key : keys) {
        std::string reason;
        auto parsed = parse_kohya(key, &reason);
        if (!parsed && reason.empty()) parsed = parse_diffusers(key, &reason);
        if (!parsed) {
            mapping.unmatched.push_back(key + ": " + reason);
            continue;
        }
        const auto resolver = resolvers.find(parsed->target);
        if (resolver == resolvers.end()) {
            mapping.unmatched.push_back(key + ": the model has no " +
                                        std::string(to_string(parsed->target)) + " to apply it to");
            continue;
        }
        const auto module = resolver->second.resolve(*parsed, &reason);
        if (!module) {
            mapping.unmatched.push_back(key + ": " + reason);
            continue;
        }
        auto [it, inserted] =
            index.emplace(std::make_pair(parsed->target, *module), mapping.modules.size());
        if (inserted)
            mapping.modules.push_back(LoraModuleKeys{parsed->target, *module, {}, {}, {}});
        auto& group = mapping.modules[it->second];
        std::string& slot = parsed->factor == Factor::Down ? group.down_key
                            : parsed->factor == Factor::Up ? group.up_key
                                                           : group.alpha_key;
        if (!slot.empty()) {
            mapping.unmatched.push_back(key + ": duplicate factor for module '" + *module +
                                        "' (also " + slot + ")");
            continue;
        }
        slot = key;
    }
    // A module needs both factors; a lone factor or alpha is reported, not silently dropped.
    std::vector<LoraModuleKeys> complete;
    for (auto& group : mapping.modules) {
        if (!group.down_key.empty() && !group.up_key.empty()) {
            complete.push_back(std::move(group));
            continue;
        }
        const std::string missing =
            group.down_key.empty() ? "down (lora_down/lora_A)" : "up (lora_up/lora_B)";
        for (const auto* key : {&group.down_key, &group.up_key, &group.alpha_key})
            if (!key->empty())
                mapping.unmatched.push_back(*key + ": module '" + group.module + "' has no " +
                                            missing + " factor");
    }
    mapping.modules = std::move(complete);
    return mapping;
}

}  // namespace lightning
