#include "core/io/config.h"

#include "core/util/error.h"
#include "core/util/file_text.h"

#include <algorithm>
#include <climits>
#include <initializer_list>
#include <nlohmann/json.hpp>

namespace lightning {

namespace {

using nlohmann::json;

// One parsed config file with typed, key-naming accessors. A key that is absent or null takes
// the default; a key of the wrong type is an error (never silently coerced).
class ConfigFile {
public:
    explicit ConfigFile(std::string path) : path_(std::move(path)) {
        root_ = read_json_file(path_, "the config file");
        if (!root_.is_object())
            throw Error(path_,
                        std::string("config must be a JSON object, got ") + root_.type_name());
    }

    const std::string& path() const { return path_; }

    [[noreturn]] void fail(const std::string& key, const std::string& message) const {
        throw Error(path_ + " [" + key + "]", message);
    }

    bool has(const std::string& key) const {
        auto it = root_.find(key);
        return it != root_.end() && !it->is_null();
    }

    const json& value(const std::string& key) const {
        if (!has(key)) fail(key, "required key is missing");
        return root_.at(key);
    }

    int integer(const std::string& key, std::optional<int> fallback = std::nullopt) const {
        if (!has(key)) return fallback ? *fallback : (fail(key, "required key is missing"), 0);
        return to_int(key, value(key));
    }

    int64_t integer64(const std::string& key, int64_t fallback) const {
        if (!has(key)) return fallback;
        const json& v = value(key);
        if (!v.is_number_integer()) fail(key, "expected an integer, got " + describe(v));
        return v.get<int64_t>();
    }

    double number(const std::string& key, std::optional<double> fallback = std::nullopt) const {
        if (!has(key)) return fallback ? *fallback : (fail(key, "required key is missing"), 0.0);
        const json& v = value(key);
        if (!v.is_number()) fail(key, "expected a number, got " + describe(v));
        return v.get<double>();
    }

    bool boolean(const std::string& key, bool fallback) const {
        if (!has(key)) return fallback;
        const json& v = value(key);
        if (!v.is_boolean()) fail(key, "expected true or false, got " + describe(v));
        return v.get<bool>();
    }

    std::string string(const std::string& key,
                       std::optional<std::string> fallback = std::nullopt) const {
        if (!has(key)) return fallback ? *fallback : (fail(key, "required key is missing"), "");
        const json& v = value(key);
        if (!v.is_string()) fail(key, "expected a string, got " + describe(v));
        return v.get<std::string>();
    }

    std::vector<int> int_list(const std::string& key) const {
        const json& v = value(key);
        if (!v.is_array()) fail(key, "expected a list of integers, got " + describe(v));
        std::vector<int> result;
        for (const auto& item : v) result.push_back(to_int(key, item));
        return result;
    }

    std::vector<std::string> string_list(const std::string& key) const {
        const json& v = value(key);
        if (!v.is_array()) fail(key, "expected a list of strings, got " + describe(v));
        std::vector<std::string> result;
        for (const auto& item : v) {
            if (!item.is_string()) fail(key, "expected a list of strings, found " + describe(item));
            result.push_back(item.get<std::string>());
        }
        return result;
    }

    // An int applies to every level; a list must have one entry per level.
    std::vector<int> per_level(const std::string& key, size_t levels) const {
        const json& v = value(key);
        if (v.is_array()) {
            std::vector<int> result = int_list(key);
            if (result.size() != levels)
                fail(key, "has " + std::to_string(result.size()) + " entries but the model has " +
                              std::to_string(levels) + " levels");
            return result;
        }
        if (!v.is_number_integer())
            fail(key, "expected an integer or a list of integers, got " + describe(v));
        return std::vector<int>(levels, to_int(key, v));
    }

    // Options this implementation does not support must keep their neutral value.
    void require_null(const std::string& key) const {
        if (has(key))
            fail(key, "unsupported option (must be null or absent), got " + describe(value(key)));
    }
    void require_bool(const std::string& key, bool expected) const {
        if (boolean(key, expected) != expected)
            fail(key, std::string("unsupported option: only ") + (expected ? "true" : "false") +
                          " is supported");
    }
    void require_string(const std::string& key, const std::string& expected) const {
        const std::string got = string(key, expected);
        if (got != expected)
            fail(key, "unsupported value" + quote_if_name(got) + " (only '" + expected +
                          "' is supported)");
    }
    void require_number(const std::string& key, double expected) const {
        if (number(key, expected) != expected)
            fail(key, "unsupported value (only " + json(expected).dump() + " is supported)");
    }

    std::string one_of(const std::string& key, const std::string& fallback,
                       std::initializer_list<const char*> allowed) const {
        std::string got = string(key, fallback);  // not const: returned by move
        for (const char* option : allowed)
            if (got == option) return got;
        std::string list;
        for (const char* option : allowed) list += (list.empty() ? "" : ", ") + std::string(option);
        fail(key, "unsupported value" + quote_if_name(got) + " (supported: " + list + ")");
    }

    void check_class(const std::string& expected) const {
        if (has("_class_name") && string("_class_name") != expected)
            fail("_class_name",
                 "expected '" + expected + "', got" + quote_if_name(string("_class_name")));
    }

private:
    // The kind of a value that failed validation, not the value (see quote_if_name).
    static std::string describe(const json& v) { return v.type_name(); }

    int to_int(const std::string& key, const json& v) const {
        if (!v.is_number_integer()) fail(key, "expected an integer, got " + describe(v));
        const int64_t n = v.get<int64_t>();
        if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT_MAX))
            fail(key, "integer is out of range");
        if (n < INT_MIN || n > INT_MAX) fail(key, "integer is out of range");
        return static_cast<int>(n);
    }

    std::string path_;
    json root_;
};

void require_positive(const ConfigFile& file, const std::string& key, const std::vector<int>& v) {
    for (int x : v)
        if (x <= 0) file.fail(key, "entries must be positive, got " + std::to_string(x));
}

void require_positive(const ConfigFile& file, const std::string& key, int v) {
    if (v <= 0) file.fail(key, "must be positive, got " + std::to_string(v));
}

void require_block_types(const ConfigFile& file, const std::string& key,
                         const std::vector<std::string>& types,
                         std::initializer_list<const char*> allowed, size_t levels) {
    if (types.size() != levels)
        file.fail(key, "has " + std::to_string(types.size()) +
                           " entries but block_out_channels has " + std::to_string(levels));
    for (const auto& type : types) {
        if (std::none_of(allowed.begin(), allowed.end(),
                         [&](const char* name) { return type == name; })) {
            std::string list;
            for (const char* name : allowed) list += (list.empty() ? "" : ", ") + std::string(name);
            file.fail(key,
                      "unknown block type" + quote_if_name(type) + " (supported: " + list + ")");
        }
    }
}

// The UNet's levels: channels, block types, layers and attention heads per level.
void read_unet_levels(const ConfigFile& file, UNetConfig& c) {
    c.in_channels = file.integer("in_channels", c.in_channels);
    c.out_channels = file.integer("out_channels", c.out_channels);
    c.block_out_channels = file.int_list("block_out_channels");
    if (c.block_out_channels.empty()) file.fail("block_out_channels", "must not be empty");
    require_positive(file, "block_out_channels", c.block_out_channels);
    const size_t levels = c.block_out_channels.size();

    c.down_block_types = file.string_list("down_block_types");
    require_block_types(file, "down_block_types", c.down_block_types,
                        {"DownBlock2D", "CrossAttnDownBlock2D"}, levels);
    c.up_block_types = file.string_list("up_block_types");
    require_block_types(file, "up_block_types", c.up_block_types,
                        {"UpBlock2D", "CrossAttnUpBlock2D"}, levels);
    c.mid_block_type = file.one_of("mid_block_type", c.mid_block_type, {"UNetMidBlock2DCrossAttn"});

    if (file.has("layers_per_block") && file.value("layers_per_block").is_array())
        file.fail("layers_per_block", "a per-level list is not supported");
    c.layers_per_block = file.integer("layers_per_block", c.layers_per_block);
    require_positive(file, "layers_per_block", c.layers_per_block);

    // diffusers: `num_attention_heads or attention_head_dim`; SDXL names the head COUNT
    // attention_head_dim for historical reasons.
    const std::string heads_key =
        file.has("num_attention_heads") ? "num_attention_heads" : "attention_head_dim";
    c.num_heads = file.per_level(heads_key, levels);
    require_positive(file, heads_key, c.num_heads);

    if (file.has("transformer_layers_per_block")) {
        const auto& v = file.value("transformer_layers_per_block");
        if (v.is_array() && !v.empty() && v[0].is_array())
            file.fail("transformer_layers_per_block", "nested per-block lists are not supported");
        c.transformer_layers_per_block = file.per_level("transformer_layers_per_block", levels);
    } else {
        c.transformer_layers_per_block.assign(levels, 1);
    }
    require_positive(file, "transformer_layers_per_block", c.transformer_layers_per_block);
    file.require_null("reverse_transformer_layers_per_block");
}

// Cross-attention, normalisation, time and added embeddings, convolution kernels.
void read_unet_layers(const ConfigFile& file, UNetConfig& c) {
    const size_t levels = c.block_out_channels.size();
    if (file.has("cross_attention_dim") && file.value("cross_attention_dim").is_array())
        file.fail("cross_attention_dim", "a per-level list is not supported");
    c.cross_attention_dim = file.integer("cross_attention_dim", c.cross_attention_dim);
    c.norm_num_groups = file.integer("norm_num_groups", c.norm_num_groups);
    require_positive(file, "norm_num_groups", c.norm_num_groups);
    for (size_t i = 0; i < levels; ++i)
        if (c.block_out_channels[i] % c.norm_num_groups != 0)
            file.fail("norm_num_groups", std::to_string(c.norm_num_groups) +
                                             " groups do not divide block_out_channels " +
                                             std::to_string(c.block_out_channels[i]));
    c.norm_eps = file.number("norm_eps", c.norm_eps);
    c.flip_sin_to_cos = file.boolean("flip_sin_to_cos", c.flip_sin_to_cos);
    c.freq_shift = file.number("freq_shift", c.freq_shift);

    c.addition_embed_type = file.has("addition_embed_type")
                                ? file.one_of("addition_embed_type", "", {"text_time"})
                                : "";
    if (c.addition_embed_type == "text_time") {
        c.addition_time_embed_dim = file.integer("addition_time_embed_dim");
        c.projection_class_embeddings_input_dim =
            file.integer("projection_class_embeddings_input_dim");
    }
    c.use_linear_projection = file.boolean("use_linear_projection", false);
    c.upcast_attention = file.boolean("upcast_attention", false);
    c.sample_size = file.integer("sample_size", c.sample_size);
    c.conv_in_kernel = file.integer("conv_in_kernel", c.conv_in_kernel);
    c.conv_out_kernel = file.integer("conv_out_kernel", c.conv_out_kernel);
    for (const char* key : {"conv_in_kernel", "conv_out_kernel"})
        if (file.integer(key, 3) % 2 != 1) file.fail(key, "kernel size must be odd");
    c.downsample_padding = file.integer("downsample_padding", c.downsample_padding);
}

// Options of UNet2DConditionModel that this implementation does not have: refuse them
// rather than silently computing something else.
void refuse_unsupported_unet_options(const ConfigFile& file) {
    file.require_string("time_embedding_type", "positional");
    file.require_string("act_fn", "silu");
    file.require_string("resnet_time_scale_shift", "default");
    file.require_string("attention_type", "default");
    for (const char* key : {"class_embed_type", "num_class_embeds", "encoder_hid_dim",
                            "encoder_hid_dim_type", "time_cond_proj_dim", "time_embedding_dim",
                            "time_embedding_act_fn", "timestep_post_act", "cross_attention_norm"})
        file.require_null(key);
    for (const char* key :
         {"dual_cross_attention", "center_input_sample", "class_embeddings_concat",
          "resnet_skip_time_act", "mid_block_only_cross_attention"})
        file.require_bool(key, false);
    if (file.has("only_cross_attention")) {
        const auto& v = file.value("only_cross_attention");
        const bool any =
            v.is_array() ? std::any_of(v.begin(), v.end(), [](const json& x) { return x == true; })
                         : file.boolean("only_cross_attention", false);
        if (any) file.fail("only_cross_attention", "unsupported option: only false is supported");
    }
    file.require_number("resnet_out_scale_factor", 1.0);
    file.require_number("mid_block_scale_factor", 1.0);
}

}  // namespace

UNetConfig read_unet_config(const std::string& path) {
    const ConfigFile file(path);
    file.check_class("UNet2DConditionModel");
    UNetConfig c;
    read_unet_levels(file, c);
    read_unet_layers(file, c);
    refuse_unsupported_unet_options(file);
    return c;
}

VaeConfig read_vae_config(const std::string& path) {
    const ConfigFile file(path);
    file.check_class("AutoencoderKL");
    VaeConfig c;
    c.in_channels = file.integer("in_channels", c.in_channels);
    c.out_channels = file.integer("out_channels", c.out_channels);
    c.latent_channels = file.integer("latent_channels", c.latent_channels);
    c.block_out_channels = file.int_list("block_out_channels");
    if (c.block_out_channels.empty()) file.fail("block_out_channels", "must not be empty");
    require_positive(file, "block_out_channels", c.block_out_channels);
    const size_t levels = c.block_out_channels.size();
    c.down_block_types = file.string_list("down_block_types");
    require_block_types(file, "down_block_types", c.down_block_types, {"DownEncoderBlock2D"},
                        levels);
    c.up_block_types = file.string_list("up_block_types");
    require_block_types(file, "up_block_types", c.up_block_types, {"UpDecoderBlock2D"}, levels);
    c.layers_per_block = file.integer("layers_per_block", c.layers_per_block);
    require_positive(file, "layers_per_block", c.layers_per_block);
    c.norm_num_groups = file.integer("norm_num_groups", c.norm_num_groups);
    require_positive(file, "norm_num_groups", c.norm_num_groups);
    c.scaling_factor = file.number("scaling_factor", c.scaling_factor);
    c.shift_factor = file.number("shift_factor", 0.0);
    c.force_upcast = file.boolean("force_upcast", c.force_upcast);
    c.use_quant_conv = file.boolean("use_quant_conv", true);
    c.use_post_quant_conv = file.boolean("use_post_quant_conv", true);
    c.mid_block_add_attention = file.boolean("mid_block_add_attention", true);
    c.sample_size = file.integer("sample_size", 32);
    file.require_string("act_fn", "silu");
    return c;
}

ClipTextConfig read_clip_text_config(const std::string& path) {
    const ConfigFile file(path);
    ClipTextConfig c;
    const auto architectures = file.string_list("architectures");
    if (architectures.size() != 1)
        file.fail("architectures",
                  "expected exactly one architecture, got " + std::to_string(architectures.size()));
    if (architectures[0] == "CLIPTextModelWithProjection")
        c.with_projection = true;
    else if (architectures[0] == "CLIPTextModel")
        c.with_projection = false;
    else
        file.fail("architectures", "unsupported architecture '" + architectures[0] +
                                       "' (supported: CLIPTextModel, CLIPTextModelWithProjection)");
    if (file.has("model_type")) file.require_string("model_type", "clip_text_model");

    c.vocab_size = file.integer("vocab_size", c.vocab_size);
    c.hidden_size = file.integer("hidden_size", c.hidden_size);
    c.intermediate_size = file.integer("intermediate_size", c.intermediate_size);
    c.num_attention_heads = file.integer("num_attention_heads", c.num_attention_heads);
    c.num_hidden_layers = file.integer("num_hidden_layers", c.num_hidden_layers);
    c.max_position_embeddings = file.integer("max_position_embeddings", c.max_position_embeddings);
    c.projection_dim = file.integer("projection_dim", c.projection_dim);
    for (const char* key : {"vocab_size", "hidden_size", "intermediate_size", "num_attention_heads",
                            "num_hidden_layers", "max_position_embeddings", "projection_dim"})
        require_positive(file, key, file.integer(key, 1));
    if (c.hidden_size % c.num_attention_heads != 0)
        file.fail("num_attention_heads", std::to_string(c.num_attention_heads) +
                                             " heads do not divide hidden_size " +
                                             std::to_string(c.hidden_size));
    c.hidden_act = file.one_of("hidden_act", c.hidden_act, {"quick_gelu", "gelu"});
    c.layer_norm_eps = file.number("layer_norm_eps", c.layer_norm_eps);
    c.eos_token_id = file.integer64("eos_token_id", c.eos_token_id);
    c.pad_token_id = file.integer64("pad_token_id", c.pad_token_id);
    c.bos_token_id = file.integer64("bos_token_id", c.bos_token_id);
    return c;
}

SchedulerConfig read_scheduler_config(const std::string& path) {
    const ConfigFile file(path);
    SchedulerConfig c;
    c.class_name = file.string("_class_name", c.class_name);
    c.num_train_timesteps = file.integer("num_train_timesteps", c.num_train_timesteps);
    require_positive(file, "num_train_timesteps", c.num_train_timesteps);
    c.beta_start = file.number("beta_start", c.beta_start);
    c.beta_end = file.number("beta_end", c.beta_end);
    c.beta_schedule = file.one_of("beta_schedule", c.beta_schedule, {"scaled_linear", "linear"});
    file.require_null("trained_betas");

    const std::string spacing =
        file.one_of("timestep_spacing", "leading", {"leading", "trailing", "linspace"});
    c.timestep_spacing = parse_timestep_spacing(spacing);
    const std::string prediction =
        file.one_of("prediction_type", "epsilon", {"epsilon", "sample", "v_prediction"});
    c.prediction_type = parse_prediction_type(prediction);
    c.steps_offset = file.integer("steps_offset", 0);
    c.interpolation_type = file.one_of("interpolation_type", "linear", {"linear"});
    c.use_karras_sigmas = file.boolean("use_karras_sigmas", false);
    if (c.use_karras_sigmas) file.fail("use_karras_sigmas", "Karras sigmas are not supported");
    for (const char* key : {"use_exponential_sigmas", "use_beta_sigmas", "rescale_betas_zero_snr"})
        file.require_bool(key, false);
    file.require_string("timestep_type", "discrete");
    file.require_string("final_sigmas_type", "zero");
    return c;
}

PipelineIndex read_pipeline_index(const std::string& path) {
    const ConfigFile file(path);
    PipelineIndex index;
    index.class_name = file.string("_class_name");
    index.force_zeros_for_empty_prompt =
        file.boolean("force_zeros_for_empty_prompt", index.force_zeros_for_empty_prompt);
    return index;
}

}  // namespace lightning
