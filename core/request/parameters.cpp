#include "core/request/parameters.h"

#include "core/request/limits.h"
#include "core/request/model_layout.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

namespace lightning {
namespace {

const std::string kNegativePrefix = "Negative prompt:";

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::string trim(const std::string& text) {
    const auto begin = text.find_first_not_of(" \t\r");
    if (begin == std::string::npos) return {};
    const auto end = text.find_last_not_of(" \t\r");
    return text.substr(begin, end - begin + 1);
}

bool is_key_char(char c) {  // [\w \-/] in the C locale
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ' ' || c == '-' ||
           c == '/';
}

// End (one past the closing quote) of the JSON-style quoted value starting at `open`, or npos
// when it is unterminated. A backslash escapes any character.
size_t quoted_value_end(const std::string& line, size_t open) {
    for (size_t i = open + 1; i < line.size(); ++i) {
        if (line[i] == '"') return i + 1;
        if (line[i] == '\\') ++i;
    }
    return std::string::npos;
}

// A quoted value unquoted as A1111's json.loads does; kept as written when it is no JSON string.
std::string unquote(const std::string& value) {
    if (value.size() < 2 || value.front() != '"' || value.back() != '"') return value;
    try {
        return nlohmann::json::parse(value).get<std::string>();
    } catch (const std::exception&) {
        return value;
    }
}

// Splits "Key: value, Key: value" into its pairs, in order. A key is a run of word characters,
// spaces, '-' and '/' before a ':' that starts with a word character; a value runs to the next
// ',' unless it is a quoted string followed by ',' or the end. A linear scan: libstdc++'s regex
// recurses per character and overflowed the stack on a ~100 KB settings line (found fuzzing).
Pairs split_settings_line(const std::string& line) {
    Pairs pairs;
    size_t pos = 0;  // where the next field may begin
    size_t colon = line.find(':');
    while (colon != std::string::npos) {
        size_t key_begin = colon;
        while (key_begin > pos && is_key_char(line[key_begin - 1])) --key_begin;
        while (key_begin < colon && !std::isalnum(static_cast<unsigned char>(line[key_begin])) &&
               line[key_begin] != '_')
            ++key_begin;           // the key starts with a word character
        if (key_begin == colon) {  // no key before this ':'
            colon = line.find(':', colon + 1);
            continue;
        }
        size_t value_begin = colon + 1;
        while (value_begin < line.size() &&
               std::isspace(static_cast<unsigned char>(line[value_begin])))
            ++value_begin;
        size_t value_end = std::string::npos;
        if (value_begin < line.size() && line[value_begin] == '"') {
            const size_t quoted_end = quoted_value_end(line, value_begin);
            if (quoted_end != std::string::npos &&
                (quoted_end == line.size() || line[quoted_end] == ','))
                value_end = quoted_end;
        }
        if (value_end == std::string::npos)
            value_end = std::min(line.find(',', value_begin), line.size());
        pairs.emplace_back(trim(line.substr(key_begin, colon - key_begin)),
                           unquote(trim(line.substr(value_begin, value_end - value_begin))));
        pos = std::min(value_end + 1, line.size());  // past the ','
        colon = line.find(':', pos);
    }
    return pairs;
}

bool is_settings_line(const Pairs& pairs) {
    if (pairs.size() < 3) return false;
    for (const auto& [key, value] : pairs)
        if (key == "Steps") return true;
    return false;
}

// A JSON string literal; bytes that are not UTF-8 become U+FFFD (a value read from a foreign PNG
// may hold any bytes, and the writer must not throw on what the reader accepted).
std::string json_quoted(const std::string& value) {
    return nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string quote_if_needed(const std::string& value) {
    // The reader trims unquoted values, so edge blanks need quotes as much as separators do.
    const bool plain =
        value.find_first_of(",\":\n") == std::string::npos && trim(value).size() == value.size();
    return plain ? value : json_quoted(value);
}

// The prompt and the negative are written as they are (what A1111 and every other reader
// expect; edge blanks go, as the reader trims them) unless the reader would take them apart: a
// line starting "Negative prompt:" (it ends the prompt), a CR (line ends are normalised), or a
// text that is itself one JSON string (the reader unquotes it). Such a text is written whole as
// one JSON string on one line, which the reader unquotes: the quoting settings values get.
bool starts_negative(const std::string& line) {
    return line.rfind(kNegativePrefix, 0) == 0;
}

std::string prompt_text(const std::string& text) {
    const std::string plain = trim(text);
    const bool quote = plain.find('\r') != std::string::npos || starts_negative(plain) ||
                       plain.find("\n" + kNegativePrefix) != std::string::npos ||
                       unquote(plain) != plain;
    return quote ? json_quoted(text) : plain;
}

// One name or value inside such a list: the form has no escapes (A1111 writes it so), so ',' and
// ':' become '_' and edge blanks go; what is written then reads back as itself.
std::string list_item(std::string text) {
    for (char& c : text)
        if (c == ',' || c == ':' || c == '\n') c = '_';
    return trim(text);
}

// "a: x, b: y" with the names and values of a list (A1111's "Lora hashes" form).
std::string name_list(const std::vector<std::pair<std::string, std::string>>& entries) {
    std::string text;
    for (const auto& [name, value] : entries)
        text += (text.empty() ? "" : ", ") + list_item(name) + ": " + list_item(value);
    return text;
}

Pairs parse_name_list(const std::string& text) {
    Pairs entries;
    std::stringstream items(text);
    for (std::string item; std::getline(items, item, ',');) {
        const auto colon = item.rfind(':');
        if (colon == std::string::npos) continue;
        entries.emplace_back(trim(item.substr(0, colon)), trim(item.substr(colon + 1)));
    }
    return entries;
}

template <typename T>
bool read_number(const std::string& text, T& out) {
    const std::string t = trim(text);
    if (t.empty()) return false;
    char* end = nullptr;
    errno = 0;
    if constexpr (std::is_floating_point_v<T>) {
        const double value = std::strtod(t.c_str(), &end);
        if (end != t.c_str() + t.size() || errno || !std::isfinite(value)) return false;
        out = T(value);
    } else if constexpr (std::is_unsigned_v<T>) {
        if (t.front() == '-') return false;
        const auto value = std::strtoull(t.c_str(), &end, 10);
        if (end != t.c_str() + t.size() || errno) return false;
        out = T(value);
    } else {
        const auto value = std::strtoll(t.c_str(), &end, 10);
        if (end != t.c_str() + t.size() || errno || value < INT32_MIN || value > INT32_MAX)
            return false;
        out = T(value);
    }
    return true;
}

bool read_flag(const std::string& text, bool& out) {
    const std::string t = trim(text);
    if (t != "true" && t != "false") return false;
    out = t == "true";
    return true;
}

// "LEFT;TOP;RIGHT;BOTTOM" in pixels (`;`: a comma would end the setting).
bool read_margins(const std::string& text, Margins& out) {
    std::stringstream items(text);
    std::vector<int> sides;
    for (std::string item; std::getline(items, item, ';');) {
        int side = 0;
        if (!read_number(item, side)) return false;
        sides.push_back(side);
    }
    if (sides.size() != 4) return false;
    out = {sides[0], sides[1], sides[2], sides[3]};
    return true;
}

std::string format_margins(const Margins& m) {
    return std::to_string(m.left) + ";" + std::to_string(m.top) + ";" + std::to_string(m.right) +
           ";" + std::to_string(m.bottom);
}

// Written where a file's hash was not computed (a list names every entry or none).
const std::string kUnknownHash = "unknown";

// img2img / inpainting settings: A1111's keys ("Denoising strength", "Mask blur") where it has
// them, ours for the rest.
void add_refine_settings(const ImageRecord& record, std::vector<std::string>& settings) {
    const RefineInput& in = record.request.input;
    if (!record.request.refines()) return;
    settings.push_back("Denoising strength: " + format_number(in.strength));
    const std::string image_name =
        record.input_image.name.empty() ? model_display_name(in.image) : record.input_image.name;
    settings.push_back("Init image: " + quote_if_needed(image_name));
    if (!record.input_image.hash.empty())
        settings.push_back("Init image hash: " + record.input_image.hash);
    if (in.fit != ImageFit::Resize) settings.push_back(std::string("Fit: ") + to_string(in.fit));
    if (!in.mask.empty()) {
        const std::string mask_name =
            record.mask.name.empty() ? model_display_name(in.mask) : record.mask.name;
        settings.push_back("Mask: " + quote_if_needed(mask_name));
        if (!record.mask.hash.empty()) settings.push_back("Mask hash: " + record.mask.hash);
    }
    if (in.mask_blur > 0) settings.push_back("Mask blur: " + std::to_string(in.mask_blur));
    if (in.outpaint.any()) settings.push_back("Outpaint: " + format_margins(in.outpaint));
    if (in.keep_unmasked) settings.push_back("Keep unmasked: true");
}

// Dynamic prompts with sd-dynamic-prompts' keys: the prompt line holds the resolved prompt, these
// the templates it came from (the negative's only where the negative is written).
void add_template_settings(const GenerationRequest& r, std::vector<std::string>& settings) {
    if (!r.prompt_template.empty())
        settings.push_back("Template: " + quote_if_needed(r.prompt_template));
    if (r.negative_template && r.negative_prompt && r.uses_guidance())
        settings.push_back("Negative Template: " + quote_if_needed(*r.negative_template));
}

// Templates resolve to this record's prompts only by this program's generator: another tool's
// (sd-dynamic-prompts' own "Template") stays an unknown key, so that its image is remade from
// the prompt it was made with.
void keep_foreign_templates(ImageRecord& record) {
    GenerationRequest& r = record.request;
    if (record.version.rfind("Lightning Studio", 0) == 0) return;
    if (!r.prompt_template.empty()) record.extra.emplace_back("Template", r.prompt_template);
    if (r.negative_template) record.extra.emplace_back("Negative Template", *r.negative_template);
    r.prompt_template.clear();
    r.negative_template.reset();
}

// sd-dynamic-prompts' older layout: "Template: ..." and "Negative Template: ..." on lines of
// their own after the settings line.
void add_template_lines(const std::vector<std::string>& lines, size_t after, Pairs& settings) {
    for (size_t i = after; i < lines.size(); ++i)
        for (const char* key : {"Template", "Negative Template"})
            if (lines[i].rfind(std::string(key) + ": ", 0) == 0)
                settings.emplace_back(key, unquote(trim(lines[i].substr(std::strlen(key) + 2))));
}

// A1111's names of the hires upscalers this tool has.
constexpr std::pair<HiresUpscaler, const char*> kHiresUpscalerNames[] = {
    {HiresUpscaler::Latent, "Latent"},
    {HiresUpscaler::LatentNearest, "Latent (nearest)"},
    {HiresUpscaler::Lanczos, "Lanczos"}};

// The hires fix with A1111's keys: "Hires steps" only when it has its own step count, and the
// second pass's strength as "Denoising strength" (which A1111 shares with img2img).
// A model upscaler by its file's name, as A1111 names one ("Hires upscaler: 4x-UltraSharp"), and
// its hash under a key of ours, which tells a model of ours from another tool's upscaler name.
void add_hires_settings(const ImageRecord& record, std::vector<std::string>& settings) {
    const HiresFix& hires = record.request.hires;
    if (!hires.on()) return;
    settings.push_back("Denoising strength: " + format_number(hires.strength));
    settings.push_back("Hires upscale: " + format_number(hires.scale));
    if (hires.steps > 0) settings.push_back("Hires steps: " + std::to_string(hires.steps));
    for (const auto& [upscaler, name] : kHiresUpscalerNames)
        if (upscaler == hires.upscaler) settings.push_back(std::string("Hires upscaler: ") + name);
    if (hires.upscaler == HiresUpscaler::Model) {
        const auto& id = record.hires_upscaler;
        settings.push_back(
            "Hires upscaler: " +
            quote_if_needed(id.name.empty() ? model_display_name(hires.upscaler_model) : id.name));
        settings.push_back("Hires upscaler hash: " + (id.hash.empty() ? kUnknownHash : id.hash));
    }
}

// A1111's variation seed keys, written as A1111 writes them: the seed and strength only with a
// strength, "Seed resize from" only with a size.
void add_variation_settings(const SeedVariation& v, std::vector<std::string>& settings) {
    if (v.blends()) {
        settings.push_back("Variation seed: " + std::to_string(v.seed));
        // Every digit (Python's repr, as A1111 writes it): a strength cut to 4 decimals would
        // make another image, and one cut to 0 would read back as no variation.
        char digits[32];
        const auto end = std::to_chars(digits, digits + sizeof digits, v.strength).ptr;
        settings.push_back("Variation seed strength: " + std::string(digits, end));
    }
    if (v.resizes())
        settings.push_back("Seed resize from: " + std::to_string(v.resize_from_width) + "x" +
                           std::to_string(v.resize_from_height));
}

// "WxH" into width and height; false (nothing changed) when it is not that.
bool read_size_text(const std::string& value, int& width, int& height) {
    const auto x = value.find('x');
    int w = 0, h = 0;
    if (x == std::string::npos || !read_number(value.substr(0, x), w) ||
        !read_number(value.substr(x + 1), h))
        return false;
    width = w, height = h;
    return true;
}

// A1111's key for the noise's generator: ours is torch's CPU one ("CPU"); another tool's "GPU"
// or "NV" stays an unknown key (its noise is not ours).
const std::string kRngKey = "RNG", kOurRng = "CPU";

// A1111's "Extras" keys for the post-upscale, the model's hash as for the hires upscaler.
void add_upscale_settings(const ImageRecord& record, std::vector<std::string>& settings) {
    const PostUpscale& up = record.request.upscale;
    if (!up.on()) return;
    if (up.scale > 0) settings.push_back("Postprocess upscale by: " + std::to_string(up.scale));
    const auto& id = record.upscaler;
    settings.push_back("Postprocess upscaler: " +
                       quote_if_needed(id.name.empty() ? model_display_name(up.model) : id.name));
    settings.push_back("Postprocess upscaler hash: " + (id.hash.empty() ? kUnknownHash : id.hash));
}

// One of ours by name, or a model file by its name (parse_parameters keeps it only when the
// text also has the model's hash: without it, it is another tool's upscaler).
bool read_hires_upscaler(ImageRecord& record, const std::string& value) {
    HiresFix& hires = record.request.hires;
    for (const auto& [upscaler, name] : kHiresUpscalerNames)
        if (value == name) return hires.upscaler = upscaler, true;
    hires.upscaler = HiresUpscaler::Model;
    hires.upscaler_model = record.hires_upscaler.name = value;
    return true;
}

// A model upscaler without "Hires upscaler hash" is another tool's ("R-ESRGAN 4x+", "Latent
// (bicubic)"): its name stays an unknown key, as it was written.
void drop_foreign_hires_upscaler(ImageRecord& record) {
    HiresFix& hires = record.request.hires;
    if (hires.upscaler != HiresUpscaler::Model || !record.hires_upscaler.hash.empty()) return;
    record.extra.emplace_back("Hires upscaler", hires.upscaler_model);
    hires.upscaler = HiresUpscaler::Latent;
    hires.upscaler_model.clear();
    record.hires_upscaler = {};
}

// Keys that describe a refining request's input (with "Init image", which names it).
bool is_refine_key(const std::string& key) {
    static const std::set<std::string> keys = {
        "Denoising strength", "Mask blur", "Fit", "Mask", "Mask hash", "Outpaint", "Keep unmasked"};
    return keys.count(key) > 0;
}

bool is_variation_key(const std::string& key) {
    return key == "Variation seed" || key == "Variation seed strength" || key == "Seed resize from";
}

struct LoraFields {
    Pairs hashes, weights, embeddings;
};

// Applies one known key; returns false for keys this codec does not know (kept in `extra`).
bool apply_setting(ImageRecord& record, LoraFields& loras, const std::string& key,
                   const std::string& value) {
    auto& r = record.request;
    if (key == "Steps") return read_number(value, r.steps);
    if (key == "CFG scale") return read_number(value, r.guidance);
    if (key == "Seed") return read_number(value, r.seed);
    if (key == "Clip skip") return read_number(value, r.clip_skip);
    if (key == "Sampler") return record.sampler = value, true;
    if (key == "Model") return record.model.name = value, true;
    if (key == "Model hash") return record.model.hash = value, true;
    if (key == "UNet") return record.unet.name = value, true;
    if (key == "UNet hash") return record.unet.hash = value, true;
    if (key == "Version") return record.version = value, true;
    if (key == "Template") return r.prompt_template = value, true;
    if (key == "Negative Template") return r.negative_template = value, true;
    if (key == "Lora hashes") return loras.hashes = parse_name_list(value), true;
    if (key == "Lora weights") return loras.weights = parse_name_list(value), true;
    if (key == "TI hashes") return loras.embeddings = parse_name_list(value), true;
    if (key == "VAE") return record.vae.name = value, true;
    if (key == "VAE hash") return record.vae.hash = value, true;
    if (key == "VAE tiling") {
        try {
            r.vae_tiling = parse_vae_tiling(value);
            return true;
        } catch (const Error&) {
            return false;
        }
    }
    if (key == "Prompt syntax") {
        try {
            r.prompt_syntax = parse_prompt_syntax(value);
            return true;
        } catch (const Error&) {
            return false;
        }
    }
    // A value that does not parse changes nothing (it is kept in `extra` as written): a second,
    // broken "Size" must not half-overwrite the first one.
    if (key == "Size") return read_size_text(value, r.width, r.height);
    if (key == "Variation seed") return read_number(value, r.variation.seed);
    if (key == "Variation seed strength") return read_number(value, r.variation.strength);
    if (key == "Seed resize from")
        return read_size_text(value, r.variation.resize_from_width, r.variation.resize_from_height);
    if (key == kRngKey) return value == kOurRng;
    if (key == "Schedule type") {
        const auto spacing = enum_from_name<TimestepSpacing>(value);
        if (spacing) r.timestep_spacing = spacing;
        return spacing.has_value();
    }
    if (key == "Denoising strength") return read_number(value, r.input.strength);
    if (key == "Hires upscale") return read_number(value, r.hires.scale);
    if (key == "Hires steps") return read_number(value, r.hires.steps);
    if (key == "Hires upscaler") return read_hires_upscaler(record, value);
    if (key == "Hires upscaler hash") return record.hires_upscaler.hash = value, true;
    if (key == "Postprocess upscale by") return read_number(value, r.upscale.scale);
    if (key == "Postprocess upscaler") return record.upscaler.name = r.upscale.model = value, true;
    if (key == "Postprocess upscaler hash") return record.upscaler.hash = value, true;
    if (key == "Mask blur") return read_number(value, r.input.mask_blur);
    if (key == "Init image") return record.input_image.name = r.input.image = value, true;
    if (key == "Init image hash") return record.input_image.hash = value, true;
    if (key == "Mask") return record.mask.name = r.input.mask = value, true;
    if (key == "Mask hash") return record.mask.hash = value, true;
    if (key == "Keep unmasked") return read_flag(value, r.input.keep_unmasked);
    if (key == "Outpaint") return read_margins(value, r.input.outpaint);
    if (key == "Fit") {
        const auto fit = enum_from_name<ImageFit>(value);
        if (fit) r.input.fit = *fit;
        return fit.has_value();
    }
    if (key == "Prediction") {
        try {
            r.prediction = parse_prediction_type(value);
            return true;
        } catch (const Error&) {
            return false;
        }
    }
    return false;
}

// LoRAs from "Lora weights" (names and scales) joined with "Lora hashes" by name; a LoRA listed
// only by hash (A1111 keeps the weight in the prompt) gets scale 1.
void apply_loras(ImageRecord& record, const LoraFields& fields) {
    const Pairs& names = fields.weights.empty() ? fields.hashes : fields.weights;
    std::vector<bool> hash_used(fields.hashes.size(), false);
    for (const auto& [name, weight] : names) {
        LoraSpec lora{name, 1.0};
        if (!fields.weights.empty()) read_number(weight, lora.scale);
        FileIdentity identity{name, {}};
        // The first unused hash of that name: two LoRAs may share a name (files in two folders).
        for (size_t i = 0; i < fields.hashes.size(); ++i)
            if (!hash_used[i] && fields.hashes[i].first == name) {
                if (fields.hashes[i].second != kUnknownHash)
                    identity.hash = fields.hashes[i].second;
                hash_used[i] = true;
                break;
            }
        record.request.loras.push_back(lora);
        record.loras.push_back(identity);
    }
    for (const auto& [token, hash] : fields.embeddings) {
        record.request.embeddings.push_back({token, token});
        record.embeddings.push_back({token, hash});
    }
}

std::string settings_line(const ImageRecord& record) {
    const auto& r = record.request;
    std::vector<std::string> settings = {
        "Steps: " + std::to_string(r.steps),
        "Sampler: " + quote_if_needed(record.sampler),
        std::string("Schedule type: ") +
            to_string(r.timestep_spacing.value_or(TimestepSpacing::Trailing)),
        "CFG scale: " + format_number(r.guidance),
        "Seed: " + std::to_string(r.seed),
        "Size: " + std::to_string(r.width) + "x" + std::to_string(r.height)};
    if (!record.model.hash.empty()) settings.push_back("Model hash: " + record.model.hash);
    if (!record.model.name.empty())
        settings.push_back("Model: " + quote_if_needed(record.model.name));
    if (!record.unet.name.empty()) settings.push_back("UNet: " + quote_if_needed(record.unet.name));
    if (!record.unet.hash.empty()) settings.push_back("UNet hash: " + record.unet.hash);
    if (r.prediction) settings.push_back(std::string("Prediction: ") + to_string(*r.prediction));
    if (!r.loras.empty()) {
        Pairs hashes, weights;
        for (size_t i = 0; i < r.loras.size(); ++i) {
            const FileIdentity id = i < record.loras.size() ? record.loras[i] : FileIdentity{};
            const std::string name =
                id.name.empty() ? model_display_name(r.loras[i].path) : id.name;
            hashes.emplace_back(name, id.hash.empty() ? kUnknownHash : id.hash);
            weights.emplace_back(name, format_number(r.loras[i].scale));
        }
        // One hash entry per LoRA (or none at all) keeps the pairing of same-named LoRAs.
        const bool any_hash = std::any_of(hashes.begin(), hashes.end(),
                                          [](const auto& h) { return h.second != kUnknownHash; });
        if (any_hash) settings.push_back("Lora hashes: " + json_quoted(name_list(hashes)));
        settings.push_back("Lora weights: " + json_quoted(name_list(weights)));
    }
    if (!r.embeddings.empty()) {
        Pairs hashes;
        for (size_t i = 0; i < r.embeddings.size(); ++i) {
            const FileIdentity id =
                i < record.embeddings.size() ? record.embeddings[i] : FileIdentity{};
            const std::string token = !r.embeddings[i].token.empty()
                                          ? r.embeddings[i].token
                                          : model_display_name(r.embeddings[i].path);
            hashes.emplace_back(token, id.hash.empty() ? kUnknownHash : id.hash);
        }
        settings.push_back("TI hashes: " + json_quoted(name_list(hashes)));
    }
    if (!record.vae.hash.empty()) settings.push_back("VAE hash: " + record.vae.hash);
    if (!record.vae.name.empty()) settings.push_back("VAE: " + quote_if_needed(record.vae.name));
    if (r.vae_tiling != VaeTiling::Auto)
        settings.push_back(std::string("VAE tiling: ") + to_string(r.vae_tiling));
    settings.push_back(std::string("Prompt syntax: ") + to_string(r.prompt_syntax));
    if (r.clip_skip > 0) settings.push_back("Clip skip: " + std::to_string(r.clip_skip));
    add_template_settings(r, settings);
    add_refine_settings(record, settings);
    add_hires_settings(record, settings);
    add_upscale_settings(record, settings);
    add_variation_settings(r.variation, settings);
    const bool foreign_rng = std::any_of(record.extra.begin(), record.extra.end(),
                                         [](const auto& e) { return e.first == kRngKey; });
    if (!foreign_rng) settings.push_back(kRngKey + ": " + kOurRng);
    for (const auto& [key, value] : record.extra)
        settings.push_back(key + ": " + quote_if_needed(value));
    if (!record.version.empty()) settings.push_back("Version: " + quote_if_needed(record.version));
    std::string line;
    for (const auto& s : settings) line += (line.empty() ? "" : ", ") + s;
    return line;
}

}  // namespace

std::string format_number(double value) {
    // Sized by snprintf itself: a huge value read from a foreign PNG has up to 309 digits
    // (a fixed buffer cut them, and the text no longer read back as the same number).
    std::string text(std::snprintf(nullptr, 0, "%.4f", value), '\0');
    std::snprintf(text.data(), text.size() + 1, "%.4f", value);
    while (text.find('.') != std::string::npos && (text.back() == '0' || text.back() == '.'))
        text.pop_back();
    return text == "-0" ? "0" : text;
}

std::string format_parameters(const ImageRecord& record) {
    std::string text = prompt_text(record.request.prompt);
    // A negative prompt without guidance had no effect on the image: recording it would claim
    // otherwise (and a reader could not tell the two apart).
    if (record.request.negative_prompt && record.request.uses_guidance())
        text += "\n" + kNegativePrefix + " " + prompt_text(*record.request.negative_prompt);
    return text + "\n" + settings_line(record);
}

std::optional<ImageRecord> parse_parameters(const std::string& raw) {
    std::string text;
    text.reserve(raw.size());
    // CRLF (and any run of CRs before a LF) ends a line: dropping only one CR per LF would
    // change the text on every read and write.
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\r') {
            const size_t after = raw.find_first_not_of('\r', i);
            if (after != std::string::npos && raw[after] == '\n') {
                i = after - 1;
                continue;
            }
        }
        text += raw[i];
    }
    std::vector<std::string> lines;
    std::stringstream stream(text);
    for (std::string line; std::getline(stream, line);) lines.push_back(line);
    if (!text.empty() && text.back() == '\n') lines.push_back("");

    // The settings line is the last line that looks like one; text below it (some tools
    // append free text) is ignored.
    int settings_index = -1;
    Pairs settings;
    for (int i = int(lines.size()) - 1; i >= 0 && settings_index < 0; --i) {
        auto pairs = split_settings_line(lines[i]);
        if (is_settings_line(pairs)) settings_index = i, settings = std::move(pairs);
    }
    if (settings_index < 0) return std::nullopt;
    add_template_lines(lines, size_t(settings_index) + 1, settings);

    ImageRecord record;
    record.sampler.clear();
    std::string prompt;
    std::optional<std::string> negative;
    for (int i = 0; i < settings_index; ++i) {
        const std::string& line = lines[i];
        if (!negative && starts_negative(line))
            negative = trim(line.substr(kNegativePrefix.size()));
        else if (negative)
            *negative += "\n" + line;
        else
            prompt += (i > 0 ? "\n" : "") + line;
    }
    // A text written as one JSON string (prompt_text) reads back as what it holds.
    record.request.prompt = unquote(trim(prompt));
    if (negative) record.request.negative_prompt = unquote(trim(*negative));
    LoraFields loras;
    // Refine settings belong to a request only with its input image: in a text without one (an
    // img2img image whose input is not named) they describe something this request does not do,
    // and stay unknown keys. With "Hires upscale" (A1111's hires fix), "Denoising strength" is
    // the second pass's.
    const auto has = [&](const char* wanted) {
        return std::any_of(settings.begin(), settings.end(),
                           [&](const auto& s) { return s.first == wanted; });
    };
    const bool has_input = has("Init image"), has_hires = !has_input && has("Hires upscale");
    for (const auto& [key, value] : settings) {
        if (has_hires && key == "Denoising strength") {
            if (!read_number(value, record.request.hires.strength))
                record.extra.emplace_back(key, value);
            continue;
        }
        // A hires fix is text to image's: beside an input image it is not this request's.
        const bool hires_key = key.rfind("Hires ", 0) == 0;
        // So is a variation seed (its noise is text to image's).
        if ((!has_input && is_refine_key(key)) ||
            (has_input && (hires_key || is_variation_key(key))) ||
            !apply_setting(record, loras, key, value))
            record.extra.emplace_back(key, value);
    }
    apply_loras(record, loras);
    drop_foreign_hires_upscaler(record);
    keep_foreign_templates(record);
    return record;
}

LoraSpec parse_lora_argument(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon + 1 == text.size() ||
        std::filesystem::is_regular_file(text))
        return {text, 1.0};
    const std::string path = text.substr(0, colon), scale_text = text.substr(colon + 1);
    double scale = 0;
    if (!read_number(scale_text, scale))
        throw Error("lora",
                    "'" + scale_text + "' in '" + text +
                        "' is not a number (use FILE or FILE:SCALE, e.g. style.safetensors:0.8)");
    return {path, scale};
}

namespace {

// The settings keys that fill request fields, each with how it takes that field's value from
// another request; one of them in `extra` had a value that could not be read.
struct RequestSetting {
    const char* key;
    void (*keep)(GenerationRequest& r, const GenerationRequest& from);
};
constexpr RequestSetting kRequestSettings[] = {
    {"Steps", [](auto& r, const auto& from) { r.steps = from.steps; }},
    {"CFG scale", [](auto& r, const auto& from) { r.guidance = from.guidance; }},
    {"Seed", [](auto& r, const auto& from) { r.seed = from.seed; }},
    {"Clip skip", [](auto& r, const auto& from) { r.clip_skip = from.clip_skip; }},
    {"Size", [](auto& r, const auto& from) { r.width = from.width, r.height = from.height; }},
    {"Schedule type",
     [](auto& r, const auto& from) { r.timestep_spacing = from.timestep_spacing; }},
    {"Prediction", [](auto& r, const auto& from) { r.prediction = from.prediction; }},
    {"VAE tiling", [](auto& r, const auto& from) { r.vae_tiling = from.vae_tiling; }},
    {"Prompt syntax", [](auto& r, const auto& from) { r.prompt_syntax = from.prompt_syntax; }},
    {"Denoising strength",
     [](auto& r, const auto& from) {
         r.input.strength = from.input.strength;
         r.hires.strength = from.hires.strength;
     }},
    {"Hires upscale", [](auto& r, const auto& from) { r.hires.scale = from.hires.scale; }},
    {"Hires steps", [](auto& r, const auto& from) { r.hires.steps = from.hires.steps; }},
    {"Hires upscaler",
     [](auto& r, const auto& from) {
         r.hires.upscaler = from.hires.upscaler;
         r.hires.upscaler_model = from.hires.upscaler_model;
     }},
    {"Variation seed", [](auto& r, const auto& from) { r.variation.seed = from.variation.seed; }},
    {"Variation seed strength",
     [](auto& r, const auto& from) { r.variation.strength = from.variation.strength; }},
    {"Seed resize from",
     [](auto& r, const auto& from) {
         r.variation.resize_from_width = from.variation.resize_from_width;
         r.variation.resize_from_height = from.variation.resize_from_height;
     }},
    {"Postprocess upscale by",
     [](auto& r, const auto& from) { r.upscale.scale = from.upscale.scale; }},
    {"Mask blur", [](auto& r, const auto& from) { r.input.mask_blur = from.input.mask_blur; }},
    {"Fit", [](auto& r, const auto& from) { r.input.fit = from.input.fit; }},
    {"Outpaint", [](auto& r, const auto& from) { r.input.outpaint = from.input.outpaint; }},
    {"Keep unmasked",
     [](auto& r, const auto& from) { r.input.keep_unmasked = from.input.keep_unmasked; }},
};

// The entries of kRequestSettings whose key `extra` holds.
std::vector<const RequestSetting*> unreadable_request_settings(const ImageRecord& record) {
    std::vector<const RequestSetting*> found;
    for (const auto& [key, value] : record.extra) {
        // Without an input image they were never the request's (parse_parameters).
        const bool hires_strength = record.request.hires.on() && key == "Denoising strength";
        if (!record.request.refines() && !hires_strength && is_refine_key(key)) continue;
        if (record.request.refines() && (key.rfind("Hires ", 0) == 0 || is_variation_key(key)))
            continue;
        for (const auto& setting : kRequestSettings)
            if (key == setting.key) found.push_back(&setting);
    }
    return found;
}

}  // namespace

std::vector<std::string> unreadable_settings(const ImageRecord& record) {
    std::vector<std::string> keys;
    for (const RequestSetting* setting : unreadable_request_settings(record))
        keys.push_back(setting->key);
    return keys;
}

void keep_unreadable_settings(ImageRecord& record, const GenerationRequest& current) {
    for (const RequestSetting* setting : unreadable_request_settings(record))
        setting->keep(record.request, current);
}

std::vector<std::string> unused_settings(const ImageRecord& record) {
    std::vector<std::string> unused;
    auto add = [&](const std::string& key, const std::string& value) {
        // A line of a message, not a place for another tool's whole blob.
        unused.push_back(key + ": " + (value.size() > 60 ? value.substr(0, 57) + "..." : value));
    };
    if (!record.sampler.empty() && record.sampler != "Euler") add("Sampler", record.sampler);
    const auto unreadable = unreadable_settings(record);
    for (const auto& [key, value] : record.extra)
        if (std::find(unreadable.begin(), unreadable.end(), key) == unreadable.end())
            add(key, value);
    return unused;
}

}  // namespace lightning
