#include "core/request/foreign_metadata.h"

#include "core/request/foreign_fields.h"
#include "core/util/bounded_json.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace lightning {
namespace foreign {

using nlohmann::json;

json parse_object(const std::string& text, const std::string& entry) {
    json parsed = parse_bounded_json(text, entry + " entry", "not JSON");
    if (!parsed.is_object()) throw Error(entry + " entry", "not a JSON object");
    return parsed;
}

namespace {

// A numeric string as JSON reads it ("12", "7.5"); nullopt for other text.
std::optional<json> number_in_string(const json& value) {
    if (!value.is_string()) return std::nullopt;
    const std::string& text = value.get_ref<const std::string&>();
    if (text.empty() || text.size() > 40) return std::nullopt;
    if (text.find_first_not_of("0123456789.-+eE") != std::string::npos) return std::nullopt;
    json parsed = json::parse(text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_number()) return std::nullopt;
    return parsed;
}

const json& as_number(const json& value, std::optional<json>& holder) {
    holder = number_in_string(value);
    return holder ? *holder : value;
}

}  // namespace

std::optional<int> json_int(const json& value) {
    std::optional<json> holder;
    const json& number = as_number(value, holder);
    if (number.is_number_unsigned())
        return number.get<uint64_t>() <= uint64_t(std::numeric_limits<int>::max())
                   ? std::optional<int>(int(number.get<uint64_t>()))
                   : std::nullopt;
    if (number.is_number_integer()) {
        const int64_t n = number.get<int64_t>();
        if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max())
            return std::nullopt;
        return int(n);
    }
    if (number.is_number_float()) {  // 8.0 for 8; a cast of 1e300 would be undefined
        const double d = number.get<double>();
        if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 1e9) return std::nullopt;
        return int(d);
    }
    return std::nullopt;
}

std::optional<uint64_t> json_seed(const json& value) {
    std::optional<json> holder;
    const json& number = as_number(value, holder);
    if (number.is_number_unsigned()) return number.get<uint64_t>();
    if (number.is_number_integer())  // a negative seed has no meaning here
        return number.get<int64_t>() >= 0 ? std::optional<uint64_t>(number.get<int64_t>())
                                          : std::nullopt;
    return std::nullopt;
}

std::optional<double> json_double(const json& value) {
    std::optional<json> holder;
    const json& number = as_number(value, holder);
    if (!number.is_number()) return std::nullopt;
    const double d = number.get<double>();
    return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}

std::optional<std::string> json_string(const json& value) {
    if (!value.is_string()) return std::nullopt;
    return value.get<std::string>();
}

const json* field(const json& object, const std::string& key) {
    if (!object.is_object()) return nullptr;
    const auto found = object.find(key);
    return found == object.end() ? nullptr : &*found;
}

std::string value_text(const json& value) {
    std::string text = value.is_string()
                           ? value.get<std::string>()
                           : value.dump(-1, ' ', false, json::error_handler_t::replace);
    constexpr size_t kMax = 1000;
    if (text.size() <= kMax) return text;
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return text.substr(0, cut) + "...";
}

std::string model_stem(const std::string& file_name) {
    std::string name = file_name.substr(file_name.find_last_of("/\\") + 1);
    for (const char* extension : {".safetensors", ".ckpt", ".pt", ".pth", ".bin", ".gguf"}) {
        const std::string ext = extension;
        if (name.size() > ext.size() && name.ends_with(ext))
            return name.substr(0, name.size() - ext.size());
    }
    return name;
}

std::string sampler_name(const std::string& tool_sampler) {
    // InvokeAI 2.x spelled k-diffusion's samplers "k_euler".
    return tool_sampler == "euler" || tool_sampler == "k_euler" ? std::string("Euler")
                                                                : tool_sampler;
}

void mapped(ForeignRecord& out, const char* name) {
    if (std::find(out.mapped.begin(), out.mapped.end(), name) == out.mapped.end())
        out.mapped.emplace_back(name);
}

void unused(ForeignRecord& out, const std::string& key, const json& value) {
    if (value.is_null() ||
        ((value.is_string() || value.is_array() || value.is_object()) && value.empty()))
        return;
    out.record.extra.emplace_back(key, value_text(value));
}

void unreadable(ForeignRecord& out, const char* request_key, const std::string& why) {
    out.record.extra.emplace_back(request_key, why);
}

void finish(ForeignRecord& out) {
    static const char* const kOrder[] = {"Prompt", "Negative prompt", "Seed",  "Steps", "CFG scale",
                                         "Size",   "Model",           "LoRAs", "VAE",   "Sampler"};
    std::vector<std::string> ordered;
    for (const char* name : kOrder)
        if (std::find(out.mapped.begin(), out.mapped.end(), name) != out.mapped.end())
            ordered.emplace_back(name);
    out.mapped = std::move(ordered);
}

}  // namespace foreign

const std::vector<std::string>& foreign_metadata_keys() {
    static const std::vector<std::string> keys = {"prompt", "workflow", "invokeai_metadata",
                                                  "sd-metadata", "parameters"};
    return keys;
}

namespace {

// Fooocus's JSON scheme: a `parameters` text that is a JSON object (A1111 text never starts
// with '{' after blanks unless its prompt does, and then it is no JSON object as a whole).
bool is_json_object_text(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    return first != std::string::npos && text[first] == '{';
}

std::optional<ForeignRecord> read_comfyui(const std::map<std::string, std::string>& entries) {
    const auto prompt = entries.find("prompt");
    const auto workflow = entries.find("workflow");
    if (prompt == entries.end())
        return workflow == entries.end() ? std::nullopt
                                         : std::optional(read_comfyui_workflow(workflow->second));
    try {
        return read_comfyui_prompt(prompt->second);
    } catch (const Error&) {
        if (workflow == entries.end()) throw;
        try {
            return read_comfyui_workflow(workflow->second);
        } catch (const Error&) {
        }
        throw;  // the prompt graph's reason: it is the one ComfyUI itself would run
    }
}

}  // namespace

std::optional<ForeignRecord> read_foreign_metadata(
    const std::map<std::string, std::string>& entries) {
    if (auto comfyui = read_comfyui(entries)) return comfyui;
    if (const auto found = entries.find("invokeai_metadata"); found != entries.end())
        return read_invokeai_metadata(found->second);
    if (const auto found = entries.find("sd-metadata"); found != entries.end())
        return read_invokeai_sd_metadata(found->second);
    if (const auto found = entries.find("parameters"); found != entries.end() &&
                                                       is_json_object_text(found->second) &&
                                                       !parse_parameters(found->second))
        return read_fooocus_parameters(found->second);
    return std::nullopt;
}

std::string foreign_summary(const ForeignRecord& foreign) {
    std::string line = "Read from " + foreign.tool + " (" + foreign.source + "): ";
    if (foreign.mapped.empty()) return line + "nothing this app uses";
    for (size_t i = 0; i < foreign.mapped.size(); ++i) line += (i ? ", " : "") + foreign.mapped[i];
    return line;
}

}  // namespace lightning
