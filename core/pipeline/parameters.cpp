#include "core/pipeline/parameters.h"

#include "core/util/error.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

namespace lightning {
namespace {

// Shortest text that reads back as the same float ("0", "1.5", "7.25").
std::string format_float(float value) {
    std::ostringstream out;
    out.precision(9);
    out << value;
    std::string text = out.str();
    for (int precision = 1; precision <= 9; ++precision) {
        std::ostringstream shorter;
        shorter.precision(precision);
        shorter << value;
        if (std::stof(shorter.str()) == value) return shorter.str();
    }
    return text;
}

// A1111 quotes values that contain its separators, JSON-style.
std::string quote_if_needed(const std::string& value) {
    if (value.find_first_of(",\":\n") == std::string::npos) return value;
    std::string quoted = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\') quoted += '\\';
        if (c == '\n') {
            quoted += "\\n";
            continue;
        }
        quoted += c;
    }
    return quoted + "\"";
}

std::string unquote(const std::string& value) {
    if (value.size() < 2 || value.front() != '"' || value.back() != '"') return value;
    std::string plain;
    for (size_t i = 1; i + 1 < value.size(); ++i) {
        if (value[i] == '\\' && i + 2 < value.size()) {
            const char next = value[++i];
            plain += next == 'n' ? '\n' : next;
        } else {
            plain += value[i];
        }
    }
    return plain;
}

bool is_key_char(char c) {  // [\w ] in the C locale
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ' ';
}

bool is_space(char c) {  // \s in the C locale
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// End (one past the closing quote) of the JSON-style quoted value starting at `open`, or npos
// when it is unterminated. A backslash escapes any character but a line break.
size_t quoted_value_end(const std::string& line, size_t open) {
    for (size_t i = open + 1; i < line.size(); ++i) {
        if (line[i] == '"') return i + 1;
        if (line[i] != '\\') continue;
        if (i + 1 == line.size() || line[i + 1] == '\n' || line[i + 1] == '\r')
            return std::string::npos;
        ++i;
    }
    return std::string::npos;
}

// Splits "Key: value, Key: value" into fields; a value with commas is quoted. A key is the run of
// word characters and spaces before a ':' (text before it that is no key is skipped); a value
// runs to the next ',' unless it is a quoted string followed by ',' or the end. A linear scan
// with the fields of the regex \s*([\w ]+):\s*("(?:\\.|[^\\"])*"|[^,]*)(?:,|$) it replaces:
// libstdc++'s regex recurses per character and overflowed the stack on a ~100 KB settings line.
std::map<std::string, std::string> split_settings(const std::string& line) {
    std::map<std::string, std::string> fields;
    size_t pos = 0;  // where the next field may begin
    size_t colon = line.find(':');
    while (colon != std::string::npos) {
        size_t key_begin = colon;
        while (key_begin > pos && is_key_char(line[key_begin - 1])) --key_begin;
        if (key_begin == colon) {  // no key before this ':'
            colon = line.find(':', colon + 1);
            continue;
        }
        // Leading spaces are not part of the key, but a key of spaces only still takes its value.
        while (key_begin + 1 < colon && line[key_begin] == ' ') ++key_begin;
        size_t value_begin = colon + 1;
        while (value_begin < line.size() && is_space(line[value_begin])) ++value_begin;
        size_t value_end = std::string::npos;
        if (value_begin < line.size() && line[value_begin] == '"') {
            const size_t quoted_end = quoted_value_end(line, value_begin);
            if (quoted_end != std::string::npos &&
                (quoted_end == line.size() || line[quoted_end] == ','))
                value_end = quoted_end;
        }
        if (value_end == std::string::npos)
            value_end = std::min(line.find(',', value_begin), line.size());
        fields[line.substr(key_begin, colon - key_begin)] =
            unquote(line.substr(value_begin, value_end - value_begin));
        pos = std::min(value_end + 1, line.size());  // past the ','
        colon = line.find(':', pos);
    }
    return fields;
}

}  // namespace

std::string format_parameters(const ImageParameters& p) {
    std::ostringstream out;
    out << p.prompt << '\n';
    if (p.negative_prompt) out << "Negative prompt: " << *p.negative_prompt << '\n';
    out << "Steps: " << p.steps << ", Sampler: " << p.sampler << ", Schedule type: " << p.schedule
        << ", CFG scale: " << format_float(p.guidance) << ", Seed: " << p.seed
        << ", Size: " << p.width << 'x' << p.height << ", Model: " << quote_if_needed(p.model);
    if (p.lightning_steps) out << ", Lightning: " << *p.lightning_steps << "step";
    if (p.clip_skip > 0) out << ", Clip skip: " << p.clip_skip;
    return out.str();
}

ImageParameters parse_parameters(const std::string& text) {
    // The settings line is the last line; the negative prompt line starts with its label;
    // everything before is the prompt (which may itself span lines).
    const auto last_newline = text.rfind('\n');
    if (last_newline == std::string::npos)
        throw Error("parameters", "no settings line (expected 'Steps: ..., Seed: ...')");
    const std::string settings = text.substr(last_newline + 1);
    std::string head = text.substr(0, last_newline);
    ImageParameters p;
    const std::string label = "Negative prompt: ";
    if (const auto at = head.rfind("\n" + label); at != std::string::npos) {
        p.negative_prompt = head.substr(at + 1 + label.size());
        head = head.substr(0, at);
    } else if (head.rfind(label, 0) == 0) {  // empty prompt, then the negative line
        p.negative_prompt = head.substr(label.size());
        head.clear();
    }
    p.prompt = head;

    const auto fields = split_settings(settings);
    auto need = [&](const char* key) -> const std::string& {
        const auto it = fields.find(key);
        if (it == fields.end())
            throw Error("parameters", std::string("settings line has no '") + key + "'");
        return it->second;
    };
    try {
        p.steps = std::stoi(need("Steps"));
        p.sampler = need("Sampler");
        if (fields.count("Schedule type")) p.schedule = fields.at("Schedule type");
        p.guidance = std::stof(need("CFG scale"));
        p.seed = std::stoull(need("Seed"));
        const auto& size = need("Size");
        const auto x = size.find('x');
        if (x == std::string::npos) throw Error("parameters", "Size must be WxH, got " + size);
        p.width = std::stoi(size.substr(0, x));
        p.height = std::stoi(size.substr(x + 1));
        if (fields.count("Model")) p.model = fields.at("Model");
        if (fields.count("Lightning")) p.lightning_steps = std::stoi(fields.at("Lightning"));
        if (fields.count("Clip skip")) p.clip_skip = std::stoi(fields.at("Clip skip"));
    } catch (const std::logic_error& e) {  // std::invalid_argument / out_of_range from sto*
        throw Error("parameters", "malformed number in settings line '" + settings + "'");
    }
    return p;
}

std::optional<int> lightning_steps_of(const std::string& file_name) {
    static const std::regex pattern(R"(sdxl_lightning_(\d+)step)", std::regex::icase);
    std::smatch match;
    const std::string name = std::filesystem::path(file_name).filename().string();
    if (std::regex_search(name, match, pattern)) return std::stoi(match[1].str());
    return std::nullopt;
}

std::string model_name_of(const std::string& path) {
    std::filesystem::path p(path);
    while (!p.empty() && p.filename().empty()) p = p.parent_path();  // trailing slash
    return std::filesystem::is_directory(p) ? p.filename().string() : p.stem().string();
}

ImageParameters parameters_for(const GenerationRequest& request, const GenerationResult& result,
                               int index, const std::string& model_name) {
    ImageParameters p;
    p.prompt = request.prompt;
    p.negative_prompt = request.negative_prompt;
    p.steps = request.steps;
    p.schedule = to_string(request.timestep_spacing.value_or(TimestepSpacing::Trailing));
    p.guidance = request.guidance;
    p.seed = index < int(result.images.size()) ? result.images[index].seed : request.seed + index;
    p.width = request.width;
    p.height = request.height;
    p.model = model_name;
    p.lightning_steps = lightning_steps_of(result.unet_name);
    for (const auto& lora : request.loras)
        if (!p.lightning_steps) p.lightning_steps = lightning_steps_of(lora.path);
    p.clip_skip = request.clip_skip;
    return p;
}

}  // namespace lightning
