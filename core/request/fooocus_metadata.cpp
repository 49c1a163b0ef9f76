// Fooocus's `parameters` entry in its "fooocus" scheme (foreign_metadata.h): a JSON object that
// Fooocus writes with `fooocus_scheme` = "fooocus" beside it (modules/meta_parser.py,
// FooocusMetadataParser.to_string). "prompt" and "negative_prompt" are what the user typed;
// "full_prompt" (the styles and Fooocus's prompt expansion applied) is kept as unused, as
// Fooocus's own "load parameters" restores the typed prompt and the styles.
#include "core/request/foreign_fields.h"
#include "core/util/error.h"

#include <regex>
#include <set>

namespace lightning {
namespace {

using nlohmann::json;
using namespace foreign;

// "(768, 1280)": Fooocus's resolution, width then height (meta_parser.get_resolution).
bool read_resolution(ForeignRecord& out, const json& value) {
    if (!value.is_string()) return false;
    static const std::regex pattern(R"(\s*\(\s*(\d{1,6})\s*,\s*(\d{1,6})\s*\)\s*)");
    std::smatch match;
    const std::string text = value.get<std::string>();
    if (!std::regex_match(text, match, pattern)) return false;
    out.record.request.width = std::stoi(match[1]);
    out.record.request.height = std::stoi(match[2]);
    mapped(out, "Size");
    return true;
}

// [["name", weight, "hash"], ...] (MetadataParser.loras: file stem, weight, short hash).
bool read_loras(ForeignRecord& out, const json& value) {
    if (!value.is_array()) return false;
    for (const json& lora : value) {
        if (!lora.is_array() || lora.size() < 2 || !lora[0].is_string()) return false;
        const auto weight = json_double(lora[1]);
        if (!weight) return false;
        const std::string hash =
            lora.size() > 2 && lora[2].is_string() ? lora[2].get<std::string>() : "";
        out.record.request.loras.push_back({lora[0].get<std::string>(), *weight});
        out.record.loras.push_back({lora[0].get<std::string>(), hash});
    }
    if (!value.empty()) mapped(out, "LoRAs");
    return true;
}

// Applies one field; false when the key is not one this reader takes or its value is refused.
bool read_field(ForeignRecord& out, const std::string& key, const json& value) {
    auto& request = out.record.request;
    auto& record = out.record;
    if (key == "prompt" && value.is_string())
        return request.prompt = value.get<std::string>(), mapped(out, "Prompt"), true;
    if (key == "negative_prompt" && value.is_string())
        return request.negative_prompt = value.get<std::string>(), mapped(out, "Negative prompt"),
               true;
    if (key == "seed")
        if (const auto seed = json_seed(value))
            return request.seed = *seed, mapped(out, "Seed"), true;
    if (key == "steps")
        if (const auto steps = json_int(value))
            return request.steps = *steps, mapped(out, "Steps"), true;
    if (key == "guidance_scale")
        if (const auto cfg = json_double(value))
            return request.guidance = *cfg, mapped(out, "CFG scale"), true;
    if (key == "resolution") return read_resolution(out, value);
    if (key == "base_model" && value.is_string())
        return record.model.name = value.get<std::string>(), mapped(out, "Model"), true;
    if (key == "base_model_hash" && value.is_string())
        return record.model.hash = value.get<std::string>(), true;
    if (key == "loras") return read_loras(out, value);
    if (key == "sampler" && value.is_string())
        return record.sampler = sampler_name(value.get<std::string>()), mapped(out, "Sampler"),
               true;
    if (key == "version" && value.is_string())
        return record.version = value.get<std::string>(), true;
    if (key == "vae" && value.is_string()) {
        // "Default (model)": the checkpoint's own VAE (modules/flags.py default_vae).
        if (value != "Default (model)" && value != "None")
            record.vae.name = value.get<std::string>(), mapped(out, "VAE");
        return true;
    }
    return false;
}

}  // namespace

ForeignRecord read_fooocus_parameters(const std::string& text) {
    const json object = foreign::parse_object(text, "parameters");
    ForeignRecord out;
    out.tool = "Fooocus";
    out.source = "parameters";
    out.record.sampler.clear();
    out.record.version = "Fooocus";
    const bool has_loras = field(object, "loras") != nullptr;
    static const std::map<std::string, const char*> request_keys = {{"seed", "Seed"},
                                                                    {"steps", "Steps"},
                                                                    {"guidance_scale", "CFG scale"},
                                                                    {"resolution", "Size"}};
    for (const auto& [key, value] : object.items()) {
        if (key == "metadata_scheme" || (has_loras && key.rfind("lora_combined_", 0) == 0))
            continue;
        if (key == "refiner_model" && value == "None") continue;
        if (read_field(out, key, value)) continue;
        if (const auto request_key = request_keys.find(key); request_key != request_keys.end())
            unreadable(out, request_key->second, "Fooocus's " + key + " is " + value_text(value));
        else
            unused(out, key, value);
    }
    finish(out);
    return out;
}

}  // namespace lightning
