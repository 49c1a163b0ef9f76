// InvokeAI's `invokeai_metadata` (3.x and later: a flat object of the generation's fields) and
// `sd-metadata` (2.x: {"model_weights", "app_version", "image": {...}}) entries
// (foreign_metadata.h). Every field not taken over is kept under InvokeAI's own key.
#include "core/request/foreign_fields.h"
#include "core/util/error.h"

#include <functional>
#include <map>
#include <set>

namespace lightning {
namespace {

using nlohmann::json;
using namespace foreign;

// A model reference: {"model_name"} (3.x), {"name"} (4.x and later), or a plain string.
std::optional<std::string> model_name(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    for (const char* key : {"model_name", "name"})
        if (const json* name = field(value, key); name && name->is_string())
            return name->get<std::string>();
    return std::nullopt;
}

// {"lora": {...}, "weight": 0.75} (3.x) or {"model": {...}, "weight": 0.75} (4.x and later).
bool read_loras(ForeignRecord& out, const json& list) {
    if (!list.is_array()) return false;
    for (const json& entry : list) {
        const json* model = field(entry, "lora");
        if (!model) model = field(entry, "model");
        const auto name = model ? model_name(*model) : std::nullopt;
        const json* weight = field(entry, "weight");
        const auto scale = weight ? json_double(*weight) : std::nullopt;
        if (!name || !scale) return false;
        out.record.request.loras.push_back({*name, *scale});
        out.record.loras.push_back({*name, ""});
    }
    if (!list.empty()) mapped(out, "LoRAs");
    return true;
}

using Reader = std::function<bool(ForeignRecord&, const json&)>;

// The fields both versions share, by key; each returns false for a value it cannot take.
const std::map<std::string, Reader>& common_readers() {
    static const std::map<std::string, Reader> readers = {
        {"steps",
         [](ForeignRecord& out, const json& v) {
             const auto n = json_int(v);
             return n && (out.record.request.steps = *n, mapped(out, "Steps"), true);
         }},
        {"cfg_scale",
         [](ForeignRecord& out, const json& v) {
             const auto d = json_double(v);
             return d && (out.record.request.guidance = *d, mapped(out, "CFG scale"), true);
         }},
        {"seed",
         [](ForeignRecord& out, const json& v) {
             const auto s = json_seed(v);
             return s && (out.record.request.seed = *s, mapped(out, "Seed"), true);
         }},
    };
    return readers;
}

// Width and height, taken together.
void read_size(ForeignRecord& out, const json& object) {
    const json* width = field(object, "width");
    const json* height = field(object, "height");
    const auto w = width ? json_int(*width) : std::nullopt;
    const auto h = height ? json_int(*height) : std::nullopt;
    if (!w || !h) return unreadable(out, "Size", "no width and height this reader takes");
    out.record.request.width = *w;
    out.record.request.height = *h;
    mapped(out, "Size");
}

// Applies `readers` (and the common ones) to every field of `object`; the rest is unused, and a
// field a reader refuses is unreadable under `request_keys`' key when it has one.
void read_fields(ForeignRecord& out, const json& object,
                 const std::map<std::string, Reader>& readers) {
    static const std::map<std::string, const char*> request_keys = {
        {"steps", "Steps"}, {"cfg_scale", "CFG scale"}, {"seed", "Seed"}};
    for (const auto& [key, value] : object.items()) {
        if (key == "width" || key == "height") continue;  // read_size()
        auto reader = readers.find(key);
        if (reader == readers.end()) reader = common_readers().find(key);
        if (reader == common_readers().end()) {
            unused(out, key, value);
        } else if (!reader->second(out, value)) {
            if (const auto request_key = request_keys.find(key); request_key != request_keys.end())
                unreadable(out, request_key->second,
                           "InvokeAI's " + key + " is " + value_text(value));
            else
                unused(out, key, value);
        }
    }
}

ForeignRecord start(const std::string& source) {
    ForeignRecord out;
    out.tool = "InvokeAI";
    out.source = source;
    out.record.sampler.clear();
    out.record.version = "InvokeAI";
    return out;
}

bool set_sampler(ForeignRecord& out, const json& value) {
    if (!value.is_string()) return false;
    out.record.sampler = sampler_name(value.get<std::string>());
    mapped(out, "Sampler");
    return true;
}

}  // namespace

ForeignRecord read_invokeai_metadata(const std::string& text) {
    const json object = foreign::parse_object(text, "invokeai_metadata");
    ForeignRecord out = start("invokeai_metadata");
    static const std::map<std::string, Reader> readers = {
        {"positive_prompt",
         [](ForeignRecord& o, const json& v) {
             return v.is_string() &&
                    (o.record.request.prompt = v.get<std::string>(), mapped(o, "Prompt"), true);
         }},
        {"negative_prompt",
         [](ForeignRecord& o, const json& v) {
             return v.is_string() && (o.record.request.negative_prompt = v.get<std::string>(),
                                      mapped(o, "Negative prompt"), true);
         }},
        {"scheduler", set_sampler},
        {"model",
         [](ForeignRecord& o, const json& v) {
             const auto name = model_name(v);
             return name && (o.record.model.name = *name, mapped(o, "Model"), true);
         }},
        {"vae",
         [](ForeignRecord& o, const json& v) {
             const auto name = model_name(v);
             return name && (o.record.vae.name = *name, mapped(o, "VAE"), true);
         }},
        {"loras", read_loras},
        {"app_version",
         [](ForeignRecord& o, const json& v) {
             return v.is_string() && (o.record.version = "InvokeAI " + v.get<std::string>(), true);
         }},
    };
    read_size(out, object);
    read_fields(out, object, readers);
    finish(out);
    return out;
}

ForeignRecord read_invokeai_sd_metadata(const std::string& text) {
    const json object = foreign::parse_object(text, "sd-metadata");
    ForeignRecord out = start("sd-metadata");
    if (const json* version = field(object, "app_version"); version && version->is_string())
        out.record.version = "InvokeAI " + version->get<std::string>();
    if (const json* weights = field(object, "model_weights"); weights && weights->is_string()) {
        out.record.model.name = weights->get<std::string>();
        mapped(out, "Model");
    }
    // The SHA-256 of the model file; the app records its first 10 hex digits, as A1111 does.
    if (const json* hash = field(object, "model_hash");
        hash && hash->is_string() && hash->get<std::string>().size() == 64)
        out.record.model.hash = hash->get<std::string>().substr(0, 10);
    const json* image = field(object, "image");
    if (!image || !image->is_object()) throw Error("sd-metadata entry", "no \"image\" object");
    static const std::map<std::string, Reader> readers = {
        {"prompt",
         [](ForeignRecord& o, const json& v) {
             // [{"prompt": "...", "weight": 1.0}]: one prompt; weighted blends are not taken.
             const json* text = v.is_array() && v.size() == 1 ? field(v[0], "prompt") : &v;
             return text && text->is_string() &&
                    (o.record.request.prompt = text->get<std::string>(), mapped(o, "Prompt"), true);
         }},
        {"sampler", set_sampler},
    };
    read_size(out, *image);
    read_fields(out, *image, readers);
    finish(out);
    return out;
}

}  // namespace lightning
