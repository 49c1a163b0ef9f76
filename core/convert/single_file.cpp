#include "core/convert/single_file.h"

#include "core/io/safetensors.h"
#include "core/util/error.h"
#include "core/util/log.h"

#include <torch/torch.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <unordered_set>

namespace lightning {
namespace {

constexpr const char* kUNetPrefix = "model.diffusion_model.";
constexpr const char* kVaePrefix = "first_stage_model.";
constexpr const char* kTextEncoderPrefix = "conditioner.embedders.0.transformer.";
constexpr const char* kTextEncoder2Prefix = "conditioner.embedders.1.model.";

bool starts_with(const std::string& text, const std::string& prefix) {
    return text.compare(0, prefix.size(), prefix) == 0;
}

std::string shape_string(const std::vector<int64_t>& shape) {
    std::ostringstream out;
    out << at::IntArrayRef(shape);
    return out.str();
}

// What loading a converted tensor does beyond renaming it.
enum class Transform {
    None,
    Conv1x1ToLinear,  // [C_out, C_in, 1, 1] -> [C_out, C_in] (linear weights pass unchanged)
    Transpose,        // [a, b] -> [b, a]
    SplitQKV,         // rows [3n, ...] = cat(q, k, v): one third each
};

struct Rule {
    std::string target;  // diffusers prefix; for SplitQKV a name with "{qkv}" for q|k|v
    Transform transform = Transform::None;
};

// Longest rule key that is the whole name or a prefix of it ending at a '.'.
template <typename Value>
const std::pair<const std::string, Value>* longest_match(
    const std::unordered_map<std::string, Value>& table, const std::string& name) {
    if (auto it = table.find(name); it != table.end()) return &*it;
    for (auto dot = name.rfind('.'); dot != std::string::npos;
         dot = dot == 0 ? std::string::npos : name.rfind('.', dot - 1)) {
        if (auto it = table.find(name.substr(0, dot + 1)); it != table.end()) return &*it;
    }
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Name tables. Each maps ldm prefixes (or whole names) to diffusers prefixes (or names).

using PrefixMap = std::unordered_map<std::string, std::string>;
using RuleTable = std::unordered_map<std::string, Rule>;

bool has_cross_attention(const std::string& block_type) {
    return starts_with(block_type, "CrossAttn");
}

void validate_unet_config(const UNetConfig& c) {
    auto fail = [](const std::string& key, const std::string& message) {
        throw Error("UNet config " + key, message);
    };
    const auto levels = c.block_out_channels.size();
    if (levels == 0) fail("block_out_channels", "is empty");
    if (c.down_block_types.size() != levels || c.up_block_types.size() != levels)
        fail("down_block_types/up_block_types",
             "need one entry per block_out_channels level (" + std::to_string(levels) + ")");
    for (const auto& type : c.down_block_types)
        if (type != "DownBlock2D" && type != "CrossAttnDownBlock2D")
            fail("down_block_types", "unsupported block type '" + type + "'");
    for (const auto& type : c.up_block_types)
        if (type != "UpBlock2D" && type != "CrossAttnUpBlock2D")
            fail("up_block_types", "unsupported block type '" + type + "'");
    if (c.mid_block_type != "UNetMidBlock2DCrossAttn")
        fail("mid_block_type", "unsupported mid block type '" + c.mid_block_type + "'");
    if (c.layers_per_block < 1) fail("layers_per_block", "must be at least 1");
}

// ldm UNet layout (openaimodel.py): input_blocks[0] is conv_in, then per level
// layers_per_block (resnet[, attention]) entries and one downsampler entry; output_blocks hold
// layers_per_block + 1 entries per level, the last of a level also carrying the upsampler.
PrefixMap unet_prefixes(const UNetConfig& c) {
    validate_unet_config(c);
    PrefixMap map;
    auto resnet = [&map](const std::string& ldm, const std::string& hf) {
        static const std::pair<const char*, const char*> kInner[] = {
            {"in_layers.0.", "norm1."},          {"in_layers.2.", "conv1."},
            {"emb_layers.1.", "time_emb_proj."}, {"out_layers.0.", "norm2."},
            {"out_layers.3.", "conv2."},         {"skip_connection.", "conv_shortcut."},
        };
        for (const auto& [from, to] : kInner) map[ldm + from] = hf + to;
    };
    auto at = [](const std::string& list, int64_t index, int64_t slot) {
        return list + "." + std::to_string(index) + "." + std::to_string(slot) + ".";
    };

    map["time_embed.0."] = "time_embedding.linear_1.";
    map["time_embed.2."] = "time_embedding.linear_2.";
    if (c.addition_embed_type == "text_time") {
        map["label_emb.0.0."] = "add_embedding.linear_1.";
        map["label_emb.0.2."] = "add_embedding.linear_2.";
    }
    map["input_blocks.0.0."] = "conv_in.";
    map["out.0."] = "conv_norm_out.";
    map["out.2."] = "conv_out.";

    const int64_t levels = static_cast<int64_t>(c.block_out_channels.size());
    const int64_t layers = c.layers_per_block;
    for (int64_t i = 0; i < levels; ++i) {
        const std::string block = "down_blocks." + std::to_string(i) + ".";
        for (int64_t j = 0; j < layers; ++j) {
            const int64_t entry = (layers + 1) * i + j + 1;
            resnet(at("input_blocks", entry, 0), block + "resnets." + std::to_string(j) + ".");
            if (has_cross_attention(c.down_block_types[i]))
                map[at("input_blocks", entry, 1)] = block + "attentions." + std::to_string(j) + ".";
        }
        if (i + 1 < levels)
            map[at("input_blocks", (layers + 1) * (i + 1), 0) + "op."] =
                block + "downsamplers.0.conv.";
    }

    resnet("middle_block.0.", "mid_block.resnets.0.");
    map["middle_block.1."] = "mid_block.attentions.0.";
    resnet("middle_block.2.", "mid_block.resnets.1.");

    for (int64_t i = 0; i < levels; ++i) {
        const std::string block = "up_blocks." + std::to_string(i) + ".";
        const bool attention = has_cross_attention(c.up_block_types[i]);
        for (int64_t j = 0; j <= layers; ++j) {
            const int64_t entry = (layers + 1) * i + j;
            resnet(at("output_blocks", entry, 0), block + "resnets." + std::to_string(j) + ".");
            if (attention)
                map[at("output_blocks", entry, 1)] =
                    block + "attentions." + std::to_string(j) + ".";
        }
        if (i + 1 < levels)
            map[at("output_blocks", (layers + 1) * i + layers, attention ? 2 : 1) + "conv."] =
                block + "upsamplers.0.conv.";
    }
    return map;
}

void validate_vae_config(const VaeConfig& c) {
    if (c.block_out_channels.empty()) throw Error("VAE config block_out_channels", "is empty");
    if (c.layers_per_block < 1) throw Error("VAE config layers_per_block", "must be at least 1");
}

// ldm VAE layout (autoencoder's Encoder/Decoder): down.N.block.M, up.N.block.M with up levels
// numbered from the full-resolution end (diffusers' up_blocks run the other way), mid.block_1,
// mid.attn_1 (1x1 convs), mid.block_2, norm_out.
RuleTable vae_rules(const VaeConfig& c) {
    validate_vae_config(c);
    RuleTable rules;
    auto same = [&rules](const std::string& prefix) { rules[prefix] = {prefix}; };
    auto resnet = [&rules](const std::string& ldm, const std::string& hf) {
        for (const char* inner : {"norm1.", "conv1.", "norm2.", "conv2."})
            rules[ldm + inner] = {hf + inner};
        rules[ldm + "nin_shortcut."] = {hf + "conv_shortcut."};
    };
    const int64_t levels = static_cast<int64_t>(c.block_out_channels.size());
    const int64_t layers = c.layers_per_block;

    for (const std::string side : {"encoder.", "decoder."}) {
        same(side + "conv_in.");
        same(side + "conv_out.");
        rules[side + "norm_out."] = {side + "conv_norm_out."};
        resnet(side + "mid.block_1.", side + "mid_block.resnets.0.");
        resnet(side + "mid.block_2.", side + "mid_block.resnets.1.");
        if (c.mid_block_add_attention) {
            const std::string ldm = side + "mid.attn_1.";
            const std::string hf = side + "mid_block.attentions.0.";
            rules[ldm + "norm."] = {hf + "group_norm."};
            rules[ldm + "q."] = {hf + "to_q.", Transform::Conv1x1ToLinear};
            rules[ldm + "k."] = {hf + "to_k.", Transform::Conv1x1ToLinear};
            rules[ldm + "v."] = {hf + "to_v.", Transform::Conv1x1ToLinear};
            rules[ldm + "proj_out."] = {hf + "to_out.0.", Transform::Conv1x1ToLinear};
        }
    }
    for (int64_t i = 0; i < levels; ++i) {
        const std::string ldm = "encoder.down." + std::to_string(i) + ".";
        const std::string hf = "encoder.down_blocks." + std::to_string(i) + ".";
        for (int64_t j = 0; j < layers; ++j)
            resnet(ldm + "block." + std::to_string(j) + ".",
                   hf + "resnets." + std::to_string(j) + ".");
        if (i + 1 < levels) rules[ldm + "downsample.conv."] = {hf + "downsamplers.0.conv."};
    }
    for (int64_t i = 0; i < levels; ++i) {
        const std::string ldm = "decoder.up." + std::to_string(levels - 1 - i) + ".";
        const std::string hf = "decoder.up_blocks." + std::to_string(i) + ".";
        for (int64_t j = 0; j <= layers; ++j)
            resnet(ldm + "block." + std::to_string(j) + ".",
                   hf + "resnets." + std::to_string(j) + ".");
        if (i + 1 < levels) rules[ldm + "upsample.conv."] = {hf + "upsamplers.0.conv."};
    }
    if (c.use_quant_conv) same("quant_conv.");
    if (c.use_post_quant_conv) same("post_quant_conv.");
    return rules;
}

// CLIP-L is stored with Hugging Face names already.
RuleTable text_encoder_rules() {
    return {{"text_model.", {"text_model."}}};
}

// OpenCLIP text tower (open_clip's TextTransformer) -> transformers CLIPTextModelWithProjection.
RuleTable text_encoder_2_rules(const ClipTextConfig& c) {
    if (c.num_hidden_layers < 1)
        throw Error("text_encoder_2 config num_hidden_layers", "must be at least 1");
    RuleTable rules;
    rules["token_embedding.weight"] = {"text_model.embeddings.token_embedding.weight"};
    rules["positional_embedding"] = {"text_model.embeddings.position_embedding.weight"};
    rules["ln_final."] = {"text_model.final_layer_norm."};
    // open_clip computes x @ text_projection, so the stored matrix is the Linear's transpose.
    rules["text_projection"] = {"text_projection.weight", Transform::Transpose};
    for (int layer = 0; layer < c.num_hidden_layers; ++layer) {
        const std::string ldm = "transformer.resblocks." + std::to_string(layer) + ".";
        const std::string hf = "text_model.encoder.layers." + std::to_string(layer) + ".";
        rules[ldm + "ln_1."] = {hf + "layer_norm1."};
        rules[ldm + "ln_2."] = {hf + "layer_norm2."};
        rules[ldm + "attn.out_proj."] = {hf + "self_attn.out_proj."};
        rules[ldm + "mlp.c_fc."] = {hf + "mlp.fc1."};
        rules[ldm + "mlp.c_proj."] = {hf + "mlp.fc2."};
        rules[ldm + "attn.in_proj_weight"] = {hf + "self_attn.{qkv}_proj.weight",
                                              Transform::SplitQKV};
        rules[ldm + "attn.in_proj_bias"] = {hf + "self_attn.{qkv}_proj.bias", Transform::SplitQKV};
    }
    return rules;
}

RuleTable unet_rules(const UNetConfig& c) {
    RuleTable rules;
    for (auto& [ldm, hf] : unet_prefixes(c)) rules[ldm] = {hf};
    return rules;
}

// The four parts of a single file: where each sits in the file, its table, the file names it
// ignores, and its place in SingleFileParts. Reading (open_single_file) and writing
// (single_file_layout) both go through this list.
struct PartTable {
    const char* file_prefix;
    const char* part;
    std::shared_ptr<TensorSource> SingleFileParts::*member;
    RuleTable rules;
    std::unordered_set<std::string> ignored;
};

std::vector<PartTable> part_tables(const UNetConfig& unet, const VaeConfig& vae,
                                   const ClipTextConfig& text_encoder_2) {
    std::vector<PartTable> tables;
    tables.push_back({kUNetPrefix, "UNet", &SingleFileParts::unet, unet_rules(unet), {}});
    tables.push_back({kVaePrefix, "VAE", &SingleFileParts::vae, vae_rules(vae), {}});
    // position_ids is a buffer transformers no longer stores; logit_scale belongs to CLIP's
    // image-text contrastive head, which a text encoder does not have.
    tables.push_back({kTextEncoderPrefix,
                      "text_encoder",
                      &SingleFileParts::text_encoder,
                      text_encoder_rules(),
                      {"text_model.embeddings.position_ids"}});
    tables.push_back({kTextEncoder2Prefix,
                      "text_encoder_2",
                      &SingleFileParts::text_encoder_2,
                      text_encoder_2_rules(text_encoder_2),
                      {"logit_scale"}});
    return tables;
}

// ---------------------------------------------------------------------------------------------
// The converting source.

struct Entry {
    std::string source;  // full name in the file
    Transform transform = Transform::None;
    int chunk = 0;  // SplitQKV: 0 = q, 1 = k, 2 = v
    std::vector<int64_t> shape;
};

// A TensorSource over a table of entries (name -> how to make that tensor): the names, the
// shapes and the lookup; the subclass says how an entry loads.
template <typename EntryType>
class EntryTableSource : public TensorSource {
public:
    EntryTableSource(std::string description, std::map<std::string, EntryType> entries)
        : description_(std::move(description)), entries_(std::move(entries)) {}

    std::vector<std::string> names() const override {
        std::vector<std::string> names;
        names.reserve(entries_.size());
        for (const auto& [name, entry] : entries_) names.push_back(name);
        return names;
    }

    bool contains(const std::string& name) const override { return entries_.count(name) != 0; }

    std::vector<int64_t> shape(const std::string& name) const override { return find(name).shape; }

    std::string describe() const override { return description_; }

protected:
    const EntryType& find(const std::string& name) const {
        auto it = entries_.find(name);
        if (it == entries_.end()) throw Error(description_, "no tensor named '" + name + "'");
        return it->second;
    }

private:
    std::string description_;
    std::map<std::string, EntryType> entries_;
};

class ConvertedSource final : public EntryTableSource<Entry> {
public:
    ConvertedSource(std::shared_ptr<const TensorSource> file, std::string description,
                    std::map<std::string, Entry> entries)
        : EntryTableSource(std::move(description), std::move(entries)), file_(std::move(file)) {}

    at::Tensor load(const std::string& name, std::optional<c10::ScalarType> dtype,
                    c10::Device device) const override {
        const Entry& entry = find(name);
        at::Tensor tensor = file_->load(entry.source, dtype, device);
        switch (entry.transform) {
            case Transform::None:
                return tensor;
            case Transform::Conv1x1ToLinear:
                return tensor.dim() == 4 ? tensor.reshape({tensor.size(0), tensor.size(1)})
                                         : tensor;
            case Transform::Transpose:
                return tensor.t().contiguous();
            case Transform::SplitQKV: {
                const int64_t rows = tensor.size(0) / 3;
                // clone: the slice must not keep the whole fused matrix alive.
                return tensor.narrow(0, entry.chunk * rows, rows).clone();
            }
        }
        throw Error(describe(), "unknown conversion of tensor '" + name + "'");
    }

private:
    std::shared_ptr<const TensorSource> file_;
};

std::vector<int64_t> converted_shape(const TensorSource& file, const std::string& key,
                                     const std::vector<int64_t>& shape, Transform transform) {
    auto bad = [&](const std::string& expected) {
        return Error(file.describe(), "tensor '" + key + "' has shape " + shape_string(shape) +
                                          ", expected " + expected);
    };
    switch (transform) {
        case Transform::None:
            return shape;
        case Transform::Conv1x1ToLinear:
            if (shape.size() == 4) {
                if (shape[2] != 1 || shape[3] != 1) throw bad("a 1x1 convolution weight");
                return {shape[0], shape[1]};
            }
            if (shape.size() > 2) throw bad("a 1x1 convolution or linear weight");
            return shape;
        case Transform::Transpose:
            if (shape.size() != 2) throw bad("a matrix");
            return {shape[1], shape[0]};
        case Transform::SplitQKV: {
            if (shape.empty() || shape[0] % 3 != 0) throw bad("fused q, k, v rows (3n)");
            auto third = shape;
            third[0] /= 3;
            return third;
        }
    }
    return shape;
}

// One part: every file tensor under `file_prefix` (minus `ignored` names) must match a rule.
std::shared_ptr<TensorSource> convert_part(const std::shared_ptr<const TensorSource>& file,
                                           const std::vector<std::string>& names,
                                           const std::string& file_prefix, const std::string& part,
                                           const RuleTable& rules,
                                           const std::unordered_set<std::string>& ignored) {
    std::map<std::string, Entry> entries;
    auto add = [&](const std::string& target, const Entry& entry) {
        auto [it, inserted] = entries.emplace(target, entry);
        if (!inserted)
            throw Error(file->describe(), "tensors '" + it->second.source + "' and '" +
                                              entry.source + "' both convert to " + part + " '" +
                                              target + "'");
    };
    for (const auto& key : names) {
        if (!starts_with(key, file_prefix)) continue;
        const std::string local = key.substr(file_prefix.size());
        if (ignored.count(local)) continue;
        const auto* match = longest_match(rules, local);
        if (!match)
            throw Error(file->describe(),
                        "tensor '" + key + "' has no " + part +
                            " equivalent in this model configuration (wrong config for this "
                            "checkpoint, or not an SDXL base checkpoint)");
        const auto& [ldm_prefix, rule] = *match;
        const auto shape = converted_shape(*file, key, file->shape(key), rule.transform);
        if (rule.transform == Transform::SplitQKV) {
            const auto slot = rule.target.find("{qkv}");
            for (int chunk = 0; chunk < 3; ++chunk) {
                std::string target = rule.target;
                target.replace(slot, 5, std::string(1, "qkv"[chunk]));
                add(target, {key, rule.transform, chunk, shape});
            }
        } else {
            add(rule.target + local.substr(ldm_prefix.size()), {key, rule.transform, 0, shape});
        }
    }
    if (entries.empty()) return nullptr;
    return std::make_shared<ConvertedSource>(
        file, file->describe() + " [" + part + ", converted from the single-file layout]",
        std::move(entries));
}

// ---------------------------------------------------------------------------------------------
// The other direction: diffusers-named parts written in the single-file layout. Derived from
// the same tables by inverting them, so a name the reader maps one way the writer maps back.

struct InverseRule {
    std::string ldm;  // single-file prefix (or whole name)
    Transform transform = Transform::None;
    int chunk = 0;  // SplitQKV: which third of the fused tensor this diffusers tensor is
};

std::unordered_map<std::string, InverseRule> invert(const RuleTable& rules,
                                                    const std::string& part) {
    std::unordered_map<std::string, InverseRule> inverse;
    auto add = [&](const std::string& target, const InverseRule& rule) {
        auto [it, inserted] = inverse.emplace(target, rule);
        if (!inserted)
            throw Error(part + " name table", "'" + it->second.ldm + "' and '" + rule.ldm +
                                                  "' both map to '" + target +
                                                  "': the table cannot be inverted");
    };
    for (const auto& [ldm, rule] : rules) {
        if (rule.transform == Transform::SplitQKV) {
            const auto slot = rule.target.find("{qkv}");
            for (int chunk = 0; chunk < 3; ++chunk) {
                std::string target = rule.target;
                target.replace(slot, 5, std::string(1, "qkv"[chunk]));
                add(target, {ldm, rule.transform, chunk});
            }
        } else {
            add(rule.target, {ldm, rule.transform, 0});
        }
    }
    return inverse;
}

// The inverse of converted_shape for one single-file tensor made of `shape` (each diffusers
// source tensor's shape; three for SplitQKV).
std::vector<int64_t> single_file_shape(std::vector<int64_t> shape, Transform transform) {
    switch (transform) {
        case Transform::None:
            return shape;
        case Transform::Conv1x1ToLinear:  // the original stores 1x1 convolutions
            if (shape.size() == 2) shape.insert(shape.end(), {1, 1});
            return shape;
        case Transform::Transpose:
            return {shape.at(1), shape.at(0)};
        case Transform::SplitQKV:
            shape.at(0) *= 3;
            return shape;
    }
    return shape;
}

struct LayoutEntry {
    std::shared_ptr<const TensorSource> part;
    Transform transform = Transform::None;
    std::vector<std::string> sources;  // diffusers names (q, k, v for SplitQKV)
    std::vector<int64_t> shape;
};

class SingleFileLayoutSource final : public EntryTableSource<LayoutEntry> {
public:
    explicit SingleFileLayoutSource(std::map<std::string, LayoutEntry> entries)
        : EntryTableSource("single-file layout", std::move(entries)) {}

    at::Tensor load(const std::string& name, std::optional<c10::ScalarType> dtype,
                    c10::Device device) const override {
        const LayoutEntry& entry = find(name);
        std::vector<at::Tensor> tensors;
        for (const auto& source : entry.sources)
            tensors.push_back(entry.part->load(source, dtype, device));
        switch (entry.transform) {
            case Transform::None:
                return tensors.at(0);
            case Transform::Conv1x1ToLinear:
                return tensors.at(0).reshape(entry.shape);
            case Transform::Transpose:
                return tensors.at(0).t().contiguous();
            case Transform::SplitQKV:
                return at::cat(tensors, 0);
        }
        throw Error(describe(), "unknown conversion of tensor '" + name + "'");
    }
};

// Why `names` is not an SDXL base single-file checkpoint, or "" when it is.
std::string not_sdxl_reason(const std::vector<std::string>& names) {
    auto any_prefix = [&](const std::string& prefix) {
        return std::any_of(names.begin(), names.end(),
                           [&](const std::string& n) { return starts_with(n, prefix); });
    };
    auto has = [&](const std::string& name) {
        return std::find(names.begin(), names.end(), name) != names.end();
    };
    if (names.empty()) return "the file holds no tensors";
    if (any_prefix("cond_stage_model."))
        return "an SD 1.x/2.x checkpoint (cond_stage_model.* text encoder), not SDXL";
    if (!any_prefix(kUNetPrefix)) {
        if (has("conv_in.weight") || any_prefix("down_blocks."))
            return "a diffusers-layout UNet file, not a single-file checkpoint (load it as a "
                   "UNet file)";
        if (has("encoder.conv_in.weight") || has("decoder.conv_in.weight"))
            return "a diffusers-layout VAE file, not a single-file checkpoint";
        if (any_prefix("text_model.")) return "a text-encoder file, not a single-file checkpoint";
        if (any_prefix("lora_") || any_prefix("lora."))
            return "a LoRA file, not a checkpoint (load it as a LoRA)";
        return "no model.diffusion_model.* tensors: not an SDXL single-file checkpoint";
    }
    if (!has(std::string(kUNetPrefix) + "label_emb.0.0.weight"))
        return "the UNet has no label_emb (SDXL's size and crop conditioning): an SD 1.x/2.x "
               "UNet, not SDXL";
    if (any_prefix("conditioner.embedders.0.model."))
        return "an SDXL refiner checkpoint (OpenCLIP as embedder 0); only SDXL base-architecture "
               "checkpoints are supported";
    return {};
}

}  // namespace

bool is_sdxl_single_file(const TensorSource& file) {
    return not_sdxl_reason(file.names()).empty();
}

SingleFileParts open_single_file(std::shared_ptr<const TensorSource> file,
                                 const UNetConfig& unet_config, const VaeConfig& vae_config,
                                 const ClipTextConfig& text_encoder_2_config) {
    if (!file) throw Error("open_single_file", "no file given");
    const auto names = file->names();
    if (auto reason = not_sdxl_reason(names); !reason.empty())
        throw Error(file->describe(), "not an SDXL single-file checkpoint: " + reason);

    SingleFileParts parts;
    for (const auto& table : part_tables(unet_config, vae_config, text_encoder_2_config))
        parts.*table.member =
            convert_part(file, names, table.file_prefix, table.part, table.rules, table.ignored);

    const auto part_size = [](const std::shared_ptr<TensorSource>& part) {
        return part ? part->names().size() : size_t{0};
    };
    log().debug("{}: single-file checkpoint, {} UNet, {} VAE, {} + {} text-encoder tensors",
                file->describe(), part_size(parts.unet), part_size(parts.vae),
                part_size(parts.text_encoder), part_size(parts.text_encoder_2));
    return parts;
}

std::shared_ptr<TensorSource> open_ldm_vae(std::shared_ptr<const TensorSource> file,
                                           const VaeConfig& config, const std::string& prefix) {
    if (!file) throw Error("open_ldm_vae", "no file given");
    return convert_part(file, file->names(), prefix, "VAE", vae_rules(config), {});
}

std::shared_ptr<TensorSource> single_file_layout(const SingleFileParts& parts,
                                                 const UNetConfig& unet_config,
                                                 const VaeConfig& vae_config,
                                                 const ClipTextConfig& text_encoder_2_config) {
    std::map<std::string, LayoutEntry> entries;
    for (const auto& table : part_tables(unet_config, vae_config, text_encoder_2_config)) {
        const std::shared_ptr<const TensorSource> part = parts.*table.member;
        if (!part) throw Error("single_file_layout", std::string("no ") + table.part + " given");
        const auto inverse = invert(table.rules, table.part);
        std::map<std::string, std::vector<std::pair<int, std::string>>> sources;  // by file name
        std::map<std::string, Transform> transforms;
        for (const auto& name : part->names()) {
            const auto* match = longest_match(inverse, name);
            if (!match)
                throw Error(part->describe(), std::string("tensor '") + name + "' has no " +
                                                  table.part + " equivalent in the single-file " +
                                                  "layout for this model configuration");
            const auto& [target, rule] = *match;
            const std::string file_name = table.file_prefix + rule.ldm + name.substr(target.size());
            sources[file_name].emplace_back(rule.chunk, name);
            transforms[file_name] = rule.transform;
        }
        for (auto& [file_name, chunks] : sources) {
            std::sort(chunks.begin(), chunks.end());
            LayoutEntry entry{part, transforms[file_name], {}, {}};
            const size_t expected = entry.transform == Transform::SplitQKV ? 3 : 1;
            if (chunks.size() != expected)
                throw Error(part->describe(), "'" + file_name + "' needs q, k and v (" +
                                                  std::string(table.part) + " tensors like '" +
                                                  chunks.front().second + "')");
            for (const auto& [chunk, name] : chunks) entry.sources.push_back(name);
            const auto shape = part->shape(entry.sources.front());
            for (const auto& name : entry.sources)
                if (part->shape(name) != shape)
                    throw Error(part->describe(), "q, k and v of '" + file_name +
                                                      "' differ in shape ('" + name + "')");
            entry.shape = single_file_shape(shape, entry.transform);
            entries.emplace(file_name, std::move(entry));
        }
    }
    return std::make_shared<SingleFileLayoutSource>(std::move(entries));
}

void write_single_file(const std::string& path, const SingleFileParts& parts,
                       const UNetConfig& unet_config, const VaeConfig& vae_config,
                       const ClipTextConfig& text_encoder_2_config,
                       std::optional<c10::ScalarType> dtype) {
    const auto layout = single_file_layout(parts, unet_config, vae_config, text_encoder_2_config);
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& name : layout->names())
        tensors.emplace_back(name, layout->load(name, dtype, c10::kCPU));
    save_safetensors(path, tensors);
}

LdmUNetNames::LdmUNetNames(const UNetConfig& config) : prefixes_(unet_prefixes(config)) {}

std::optional<std::string> LdmUNetNames::to_diffusers(const std::string& ldm_name) const {
    const auto* match = longest_match(prefixes_, ldm_name);
    if (!match) return std::nullopt;
    return match->second + ldm_name.substr(match->first.size());
}

namespace {

bool any_name_starts_with(const std::vector<std::string>& names, const std::string& prefix) {
    return std::any_of(names.begin(), names.end(),
                       [&](const std::string& n) { return starts_with(n, prefix); });
}

}  // namespace

std::shared_ptr<TensorSource> unet_weights_any_layout(std::shared_ptr<TensorSource> file,
                                                      const UNetConfig& config) {
    const auto names = file->names();
    std::string prefix;
    if (any_name_starts_with(names, kUNetPrefix))
        prefix = kUNetPrefix;
    else if (!any_name_starts_with(names, "input_blocks."))
        return file;  // diffusers names
    auto part = convert_part(file, names, prefix, "UNet", unet_rules(config), {});
    log().debug("{}: UNet weights in the ldm layout{}", file->describe(),
                prefix.empty() ? "" : " (inside a single-file checkpoint)");
    return part;
}

std::shared_ptr<TensorSource> vae_weights_any_layout(std::shared_ptr<TensorSource> file,
                                                     const VaeConfig& config) {
    const auto names = file->names();
    std::string prefix;
    if (any_name_starts_with(names, kVaePrefix))
        prefix = kVaePrefix;
    else if (!any_name_starts_with(names, "encoder.down.") &&
             !any_name_starts_with(names, "decoder.up."))
        return file;  // diffusers names
    auto part = convert_part(file, names, prefix, "VAE", vae_rules(config), {});
    if (!part) throw Error(file->describe(), "no VAE tensors");
    log().debug("{}: VAE weights in the ldm layout", file->describe());
    return part;
}

}  // namespace lightning
