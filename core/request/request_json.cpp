#include "core/request/request_json.h"

#include "core/request/parameters.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>

namespace lightning {
namespace {

using nlohmann::json;

// Keys with a second spelling (the CLI flag's or the PNG text's) and the field they fill.
struct Alias {
    const char* alias;
    const char* key;
};
constexpr Alias kAliases[] = {{"negative", "negative_prompt"}, {"unet", "unet_file"}};

// A key from the line as messages show it: JSON-quoted when it holds a control character (a
// "\u0000" key made what() an empty C string, so a refused manifest line said nothing; found
// by fuzz_manifest_line), as written otherwise.
std::string shown_key(const std::string& key) {
    const bool plain =
        std::none_of(key.begin(), key.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
    return plain ? key : json(key).dump(-1, ' ', false, json::error_handler_t::replace);
}

const char* type_name(const json& value) {
    return value.type_name();
}

std::string require_string(const json& value, const std::string& key) {
    if (!value.is_string())
        throw Error(key, std::string("expected a string, got ") + type_name(value));
    return value.get<std::string>();
}

// Whole numbers only: 4.0 for a step count is more likely a mistake than an intent.
long long require_integer(const json& value, const std::string& key) {
    if (value.is_number_unsigned()) {
        const auto number = value.get<uint64_t>();
        if (number > uint64_t(std::numeric_limits<long long>::max()))
            throw Error(key, value.dump() + " is too large");
        return static_cast<long long>(number);
    }
    if (value.is_number_integer()) return value.get<long long>();
    throw Error(key, std::string("expected a whole number, got ") +
                         (value.is_number() ? value.dump() : type_name(value)));
}

int require_int(const json& value, const std::string& key) {
    const long long number = require_integer(value, key);
    if (number < std::numeric_limits<int>::min() || number > std::numeric_limits<int>::max())
        throw Error(key, std::to_string(number) + " is out of range");
    return static_cast<int>(number);
}

double require_number(const json& value, const std::string& key) {
    if (!value.is_number())
        throw Error(key, std::string("expected a number, got ") + type_name(value));
    return value.get<double>();
}

// A number or a decimal string: seeds beyond 2^53 are not exact in every JSON reader, so the
// gallery index and careful writers use strings.
uint64_t read_seed(const json& value) {
    if (value.is_string()) {
        const std::string text = value.get<std::string>();
        uint64_t seed = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seed);
        if (text.empty() || error != std::errc() || end != text.data() + text.size())
            throw Error("seed", "'" + text + "' is not a whole number");
        return seed;
    }
    const long long seed = require_integer(value, "seed");
    if (seed < 0) throw Error("seed", std::to_string(seed) + " is negative");
    return uint64_t(seed);
}

// "1024x1024" (the PNG text's Size) or [1024, 1024].
std::pair<int, int> read_size(const json& value) {
    if (value.is_array()) {
        if (value.size() != 2) throw Error("size", "expected [width, height]");
        return {require_int(value[0], "size"), require_int(value[1], "size")};
    }
    const std::string text = require_string(value, "size");
    const auto x = text.find('x');
    int width = 0, height = 0;
    const char* begin = text.data();
    const char* end = begin + text.size();
    const bool ok =
        x != std::string::npos && std::from_chars(begin, begin + x, width).ptr == begin + x &&
        std::from_chars(begin + x + 1, end, height).ptr == end && x > 0 && x + 1 < text.size();
    if (!ok) throw Error("size", "'" + text + "' is not WIDTHxHEIGHT (e.g. 1024x1024)");
    return {width, height};
}

std::string resolve_path(const std::string& path, const RequestJsonOptions& options) {
    const std::filesystem::path p(path);
    if (options.relative_to.empty() || path.empty() || p.is_absolute()) return path;
    return (std::filesystem::path(options.relative_to) / p).lexically_normal().string();
}

LoraSpec read_lora(const json& value, const RequestJsonOptions& options) {
    LoraSpec lora;
    if (value.is_string()) {
        lora = parse_lora_argument(value.get<std::string>());
    } else if (value.is_object()) {
        for (const auto& [key, item] : value.items()) {
            if (key == "path")
                lora.path = require_string(item, "loras.path");
            else if (key == "scale")
                lora.scale = require_number(item, "loras.scale");
            else
                throw Error("loras",
                            "unknown key '" + shown_key(key) + "' (a LoRA has path and scale)");
        }
    } else {
        throw Error("loras",
                    std::string("expected \"FILE[:SCALE]\" or {\"path\", \"scale\"}, got ") +
                        type_name(value));
    }
    if (lora.path.empty()) throw Error("loras", "a LoRA without a path");
    lora.path = resolve_path(lora.path, options);
    return lora;
}

// "FILE[:TOKEN]" as parse_embedding_spec reads it, with FILE taken from options.relative_to;
// when no such file exists (yet), "x.safetensors:token" still splits, so that the error that
// follows names the file.
EmbeddingSpec split_embedding(const std::string& text, const RequestJsonOptions& options) {
    for (size_t colon = text.find(':'); colon != std::string::npos;
         colon = text.find(':', colon + 1)) {
        const std::string file = resolve_path(text.substr(0, colon), options);
        if (std::filesystem::is_regular_file(file)) return {file, text.substr(colon + 1)};
    }
    const auto colon = text.rfind(':');
    if (colon != std::string::npos && text.substr(0, colon).ends_with(".safetensors"))
        return {resolve_path(text.substr(0, colon), options), text.substr(colon + 1)};
    return {resolve_path(text, options), ""};
}

EmbeddingSpec read_embedding(const json& value, const RequestJsonOptions& options) {
    EmbeddingSpec embedding;
    if (value.is_string()) {
        embedding = split_embedding(value.get<std::string>(), options);
        if (embedding.path.empty()) throw Error("embeddings", "an embedding without a path");
        return embedding;
    }
    if (value.is_object()) {
        for (const auto& [key, item] : value.items()) {
            if (key == "path")
                embedding.path = require_string(item, "embeddings.path");
            else if (key == "token")
                embedding.token = require_string(item, "embeddings.token");
            else
                throw Error("embeddings", "unknown key '" + shown_key(key) +
                                              "' (an embedding has path and token)");
        }
    } else {
        throw Error("embeddings",
                    std::string("expected \"FILE[:TOKEN]\" or {\"path\", \"token\"}, got ") +
                        type_name(value));
    }
    if (embedding.path.empty()) throw Error("embeddings", "an embedding without a path");
    embedding.path = resolve_path(embedding.path, options);
    return embedding;
}

template <typename Spec, typename Reader>
std::vector<Spec> read_list(const json& value, const std::string& key, Reader read) {
    if (!value.is_array())
        throw Error(key, std::string("expected a list, got ") + type_name(value));
    std::vector<Spec> specs;
    for (const auto& item : value) specs.push_back(read(item));
    return specs;
}

bool apply_refine_key(RefineInput& in, const std::string& key, const json& value,
                      const RequestJsonOptions& options);
bool apply_hires_key(HiresFix& hires, const std::string& key, const json& value,
                     const RequestJsonOptions& options);
bool apply_upscale_key(PostUpscale& upscale, const std::string& key, const json& value,
                       const RequestJsonOptions& options);

// Applies one key; returns false for a key the request has no field for.
bool apply_key(GenerationRequest& r, const std::string& key, const json& value,
               const RequestJsonOptions& options) {
    if (key == "prompt") {
        r.prompt = require_string(value, key);
    } else if (key == "negative_prompt") {
        r.negative_prompt =
            value.is_null() ? std::nullopt : std::optional(require_string(value, key));
    } else if (key == "prompt_template") {
        r.prompt_template = require_string(value, key);
    } else if (key == "negative_template") {
        r.negative_template =
            value.is_null() ? std::nullopt : std::optional(require_string(value, key));
    } else if (key == "wildcards") {
        r.wildcards_dir = resolve_path(require_string(value, key), options);
    } else if (key == "steps") {
        r.steps = require_int(value, key);
    } else if (key == "guidance") {
        r.guidance = require_number(value, key);
    } else if (key == "width" || key == "height") {
        (key == "width" ? r.width : r.height) = require_int(value, key);
    } else if (key == "size") {
        std::tie(r.width, r.height) = read_size(value);
    } else if (key == "seed") {
        r.seed = read_seed(value);
    } else if (key == "batch") {
        r.batch = require_int(value, key);
    } else if (key == "clip_skip") {
        r.clip_skip = require_int(value, key);
    } else if (key == "unet_file") {
        r.unet_file = resolve_path(require_string(value, key), options);
    } else if (key == "prediction") {
        if (value.is_null())
            r.prediction.reset();
        else
            r.prediction = parse_prediction_type(require_string(value, key));
    } else if (key == "timestep_spacing") {
        if (value.is_null())
            r.timestep_spacing.reset();
        else
            r.timestep_spacing = parse_timestep_spacing(require_string(value, key));
    } else if (key == "loras") {
        r.loras = read_list<LoraSpec>(value, key,
                                      [&](const json& item) { return read_lora(item, options); });
    } else if (key == "prompt_syntax") {
        r.prompt_syntax = parse_prompt_syntax(require_string(value, key));
    } else if (key == "embeddings") {
        r.embeddings = read_list<EmbeddingSpec>(
            value, key, [&](const json& item) { return read_embedding(item, options); });
    } else if (key == "vae_tiling") {
        r.vae_tiling = parse_vae_tiling(require_string(value, key));
    } else if (key == "variation_seed") {
        r.variation.seed = read_seed(value);
    } else if (key == "variation_strength") {
        r.variation.strength = require_number(value, key);
    } else if (key == "seed_resize_from") {
        std::tie(r.variation.resize_from_width, r.variation.resize_from_height) = read_size(value);
    } else {
        return apply_refine_key(r.input, key, value, options) ||
               apply_hires_key(r.hires, key, value, options) ||
               apply_upscale_key(r.upscale, key, value, options);
    }
    return true;
}

// [LEFT, TOP, RIGHT, BOTTOM] in pixels.
Margins read_margins(const json& value, const std::string& key) {
    if (!value.is_array() || value.size() != 4)
        throw Error(key, std::string("expected [left, top, right, bottom], got ") +
                             (value.is_array() ? "an array of " + std::to_string(value.size())
                                               : std::string(type_name(value))));
    return {require_int(value[0], key), require_int(value[1], key), require_int(value[2], key),
            require_int(value[3], key)};
}

bool apply_refine_key(RefineInput& in, const std::string& key, const json& value,
                      const RequestJsonOptions& options) {
    if (key == "init_image") {
        in.image = resolve_path(require_string(value, key), options);
    } else if (key == "strength") {
        in.strength = require_number(value, key);
    } else if (key == "fit") {
        in.fit = parse_enum<ImageFit>(require_string(value, key));
    } else if (key == "mask") {
        in.mask = resolve_path(require_string(value, key), options);
    } else if (key == "mask_blur") {
        in.mask_blur = require_int(value, key);
    } else if (key == "outpaint") {
        in.outpaint = read_margins(value, key);
    } else if (key == "keep_unmasked") {
        if (!value.is_boolean())
            throw Error(key, std::string("expected true or false, got ") + type_name(value));
        in.keep_unmasked = value.get<bool>();
    } else {
        return false;
    }
    return true;
}

// "hires_upscaler": one of HiresUpscaler's names, or an upscaler model file (HiresUpscaler::Model).
void read_hires_upscaler(HiresFix& hires, const std::string& text,
                         const RequestJsonOptions& options) {
    for (const auto& [upscaler, name] : EnumNames<HiresUpscaler>::table)
        if (text == name && upscaler != HiresUpscaler::Model) {
            hires.upscaler = upscaler;
            hires.upscaler_model.clear();
            return;
        }
    hires.upscaler = HiresUpscaler::Model;
    hires.upscaler_model = resolve_path(text, options);
}

bool apply_hires_key(HiresFix& hires, const std::string& key, const json& value,
                     const RequestJsonOptions& options) {
    if (key == "hires_scale")
        hires.scale = require_number(value, key);
    else if (key == "hires_strength")
        hires.strength = require_number(value, key);
    else if (key == "hires_steps")
        hires.steps = require_int(value, key);
    else if (key == "hires_upscaler")
        read_hires_upscaler(hires, require_string(value, key), options);
    else
        return false;
    return true;
}

bool apply_upscale_key(PostUpscale& upscale, const std::string& key, const json& value,
                       const RequestJsonOptions& options) {
    if (key == "upscale_model") {
        const std::string path = require_string(value, key);
        upscale.model = path.empty() ? path : resolve_path(path, options);
    } else if (key == "upscale_by") {
        upscale.scale = require_int(value, key);
    } else {
        return false;
    }
    return true;
}

std::string known_keys_text() {
    std::string text;
    for (const auto& key : request_json_keys()) text += (text.empty() ? "" : ", ") + key;
    return text;
}

// Two spellings of one field in one object would leave the winner to key order.
void reject_double_spellings(const json& object) {
    for (const auto& [alias, key] : kAliases)
        if (object.contains(alias) && object.contains(key))
            throw Error(alias, std::string("given together with \"") + key + "\"; give one");
    if (object.contains("size") && (object.contains("width") || object.contains("height")))
        throw Error("size", "given together with width/height; give one");
}

// {"name", "hash"} of a model file.
json identity_to_json(const FileIdentity& file) {
    return {{"name", file.name}, {"hash", file.hash}};
}

FileIdentity read_identity(const json& value, const std::string& key) {
    if (!value.is_object())
        throw Error(key, std::string("expected {\"name\", \"hash\"}, got ") + type_name(value));
    FileIdentity file;
    for (const auto& [field, item] : value.items()) {
        if (field == "name")
            file.name = require_string(item, key + ".name");
        else if (field == "hash")
            file.hash = require_string(item, key + ".hash");
        else
            throw Error(key, "unknown key '" + shown_key(field) + "' (a file has name and hash)");
    }
    return file;
}

// The "name" and "hash" of each object of object[key] ("loras", "embeddings"), taken out so that
// what remains is the request's form; one identity per entry, empty for "FILE[:SCALE]" strings.
std::vector<FileIdentity> take_list_identities(json& object, const std::string& key) {
    std::vector<FileIdentity> files;
    const auto list = object.find(key);
    if (list == object.end() || !list->is_array()) return files;  // request_from_json says why
    for (auto& item : *list) {
        json identity = json::object();
        for (const char* field : {"name", "hash"}) {
            if (!item.is_object() || !item.contains(field)) continue;
            identity[field] = item[field];
            item.erase(field);
        }
        files.push_back(read_identity(identity, key));
    }
    return files;
}

// Calls read(value) and removes `key` from `object` when it is there.
template <typename Read>
void take_key(json& object, const std::string& key, Read read) {
    const auto found = object.find(key);
    if (found == object.end()) return;
    read(*found);
    object.erase(found);
}

// [[key, value], ...]: the parameters text's unknown keys, in order and with repeats.
std::vector<std::pair<std::string, std::string>> read_extra(const json& value) {
    if (!value.is_array())
        throw Error("extra", std::string("expected a list, got ") + type_name(value));
    std::vector<std::pair<std::string, std::string>> extra;
    for (const auto& pair : value) {
        if (!pair.is_array() || pair.size() != 2)
            throw Error("extra", "expected [key, value] pairs");
        extra.emplace_back(require_string(pair[0], "extra"), require_string(pair[1], "extra"));
    }
    return extra;
}

}  // namespace

const std::vector<std::string>& request_json_keys() {
    static const std::vector<std::string> keys = {"prompt",
                                                  "negative_prompt",
                                                  "negative",
                                                  "prompt_template",
                                                  "negative_template",
                                                  "wildcards",
                                                  "steps",
                                                  "guidance",
                                                  "width",
                                                  "height",
                                                  "size",
                                                  "seed",
                                                  "batch",
                                                  "clip_skip",
                                                  "unet_file",
                                                  "unet",
                                                  "prediction",
                                                  "timestep_spacing",
                                                  "loras",
                                                  "prompt_syntax",
                                                  "embeddings",
                                                  "vae_tiling",
                                                  "variation_seed",
                                                  "variation_strength",
                                                  "seed_resize_from",
                                                  "init_image",
                                                  "strength",
                                                  "fit",
                                                  "mask",
                                                  "mask_blur",
                                                  "outpaint",
                                                  "keep_unmasked",
                                                  "hires_scale",
                                                  "hires_strength",
                                                  "hires_steps",
                                                  "hires_upscaler",
                                                  "upscale_model",
                                                  "upscale_by"};
    return keys;
}

GenerationRequest request_from_json(const json& object, const GenerationRequest& defaults,
                                    const RequestJsonOptions& options) {
    if (!object.is_object())
        throw Error("request", std::string("expected a JSON object, got ") + type_name(object));
    reject_double_spellings(object);
    GenerationRequest request = defaults;
    for (const auto& [key, value] : object.items()) {
        std::string field = key;
        for (const auto& [alias, target] : kAliases)
            if (key == alias) field = target;
        try {
            if (!apply_key(request, field, value, options))
                throw Error(shown_key(key), "unknown key (known: " + known_keys_text() + ")");
        } catch (const Error& e) {
            // The key as written is what the user finds in the line; value parsers name their
            // setting in their own words ("prompt syntax"), nested readers say "loras.path".
            const bool nested = e.where().rfind(field + ".", 0) == 0;
            const std::string shown = shown_key(key);
            throw Error(nested ? shown + e.where().substr(field.size()) : shown, e.message());
        }
    }
    return request;
}

json request_to_json(const GenerationRequest& r) {
    json loras = json::array();
    for (const auto& lora : r.loras) loras.push_back({{"path", lora.path}, {"scale", lora.scale}});
    json embeddings = json::array();
    for (const auto& embedding : r.embeddings)
        embeddings.push_back({{"path", embedding.path}, {"token", embedding.token}});
    json object = {
        {"prompt", r.prompt},
        {"negative_prompt", r.negative_prompt ? json(*r.negative_prompt) : json(nullptr)},
        {"prompt_template", r.prompt_template},
        {"negative_template", r.negative_template ? json(*r.negative_template) : json(nullptr)},
        {"wildcards", r.wildcards_dir},
        {"steps", r.steps},
        {"guidance", r.guidance},
        {"width", r.width},
        {"height", r.height},
        {"seed", r.seed},
        {"batch", r.batch},
        {"clip_skip", r.clip_skip},
        {"unet_file", r.unet_file},
        {"prediction", r.prediction ? json(to_string(*r.prediction)) : json(nullptr)},
        {"timestep_spacing",
         r.timestep_spacing ? json(to_string(*r.timestep_spacing)) : json(nullptr)},
        {"loras", loras},
        {"prompt_syntax", to_string(r.prompt_syntax)},
        {"embeddings", embeddings},
        {"vae_tiling", to_string(r.vae_tiling)}};
    object["variation_seed"] = r.variation.seed;
    object["variation_strength"] = r.variation.strength;
    object["seed_resize_from"] = {r.variation.resize_from_width, r.variation.resize_from_height};
    const RefineInput& in = r.input;
    object["init_image"] = in.image;
    object["strength"] = in.strength;
    object["fit"] = to_string(in.fit);
    object["mask"] = in.mask;
    object["mask_blur"] = in.mask_blur;
    object["outpaint"] = {in.outpaint.left, in.outpaint.top, in.outpaint.right, in.outpaint.bottom};
    object["keep_unmasked"] = in.keep_unmasked;
    object["hires_scale"] = r.hires.scale;
    object["hires_strength"] = r.hires.strength;
    object["hires_steps"] = r.hires.steps;
    object["hires_upscaler"] = r.hires.upscaler == HiresUpscaler::Model
                                   ? r.hires.upscaler_model
                                   : std::string(to_string(r.hires.upscaler));
    object["upscale_model"] = r.upscale.model;
    object["upscale_by"] = r.upscale.scale;
    return object;
}

json record_to_json(const ImageRecord& record) {
    json out = request_to_json(record.request);
    const auto add_identities = [&](const char* key, const std::vector<FileIdentity>& files) {
        for (size_t i = 0; i < out[key].size() && i < files.size(); ++i) {
            out[key][i]["name"] = files[i].name;
            out[key][i]["hash"] = files[i].hash;
        }
    };
    add_identities("loras", record.loras);
    add_identities("embeddings", record.embeddings);
    out["model"] = identity_to_json(record.model);
    out["unet"] = identity_to_json(record.unet);
    out["vae"] = identity_to_json(record.vae);
    out["init_image_file"] = identity_to_json(record.input_image);
    out["mask_file"] = identity_to_json(record.mask);
    out["hires_upscaler_file"] = identity_to_json(record.hires_upscaler);
    out["upscale_model_file"] = identity_to_json(record.upscaler);
    out["sampler"] = record.sampler;
    out["version"] = record.version;
    json extra = json::array();
    for (const auto& [key, value] : record.extra) extra.push_back(json::array({key, value}));
    out["extra"] = std::move(extra);
    return out;
}

ImageRecord record_from_json(const json& object) {
    if (!object.is_object())
        throw Error("record", std::string("expected a JSON object, got ") + type_name(object));
    json rest = object;
    ImageRecord record;
    record.loras = take_list_identities(rest, "loras");
    record.embeddings = take_list_identities(rest, "embeddings");
    take_key(rest, "model", [&](const json& v) { record.model = read_identity(v, "model"); });
    take_key(rest, "unet", [&](const json& v) { record.unet = read_identity(v, "unet"); });
    take_key(rest, "vae", [&](const json& v) { record.vae = read_identity(v, "vae"); });
    take_key(rest, "init_image_file",
             [&](const json& v) { record.input_image = read_identity(v, "init_image_file"); });
    take_key(rest, "mask_file",
             [&](const json& v) { record.mask = read_identity(v, "mask_file"); });
    take_key(rest, "hires_upscaler_file", [&](const json& v) {
        record.hires_upscaler = read_identity(v, "hires_upscaler_file");
    });
    take_key(rest, "upscale_model_file",
             [&](const json& v) { record.upscaler = read_identity(v, "upscale_model_file"); });
    take_key(rest, "sampler",
             [&](const json& v) { record.sampler = require_string(v, "sampler"); });
    take_key(rest, "version",
             [&](const json& v) { record.version = require_string(v, "version"); });
    take_key(rest, "extra", [&](const json& v) { record.extra = read_extra(v); });
    record.request = request_from_json(rest, GenerationRequest{});
    return record;
}

}  // namespace lightning
