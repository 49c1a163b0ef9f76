#include "core/lora/lora_files.h"

#include "core/convert/checkpoint_kind.h"
#include "core/hub/hub_cache.h"
#include "core/io/safetensors.h"
#include "core/util/error.h"
#include "core/util/log.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <regex>

namespace fs = std::filesystem;

namespace lightning {
namespace {

bool by_name_then_path(const LoraFile& a, const LoraFile& b) {
    return a.name != b.name ? a.name < b.name : a.path < b.path;
}

bool is_safetensors(const fs::path& path) {
    return path.extension() == ".safetensors";
}

// Python's \w on text: ASCII letters, digits, '_', and (as a UTF-8 byte) any non-ASCII letter.
bool word_char(unsigned char c) {
    return std::isalnum(c) || c == '_' || c >= 0x80;
}

std::string trimmed(const std::string& text) {
    const auto begin = text.find_first_not_of(" \t\r\n\f\v");
    if (begin == std::string::npos) return "";
    return text.substr(begin, text.find_last_not_of(" \t\r\n\f\v") - begin + 1);
}

// Python's float() of a tag argument: blanks around it allowed, the whole text a finite number.
double tag_number(const std::string& text, const std::string& tag) {
    const std::string value = trimmed(text);
    char* end = nullptr;
    const double number = value.empty() || value.find_first_of("xX") != std::string::npos
                              ? NAN
                              : std::strtod(value.c_str(), &end);
    if (!std::isfinite(number) || end != value.c_str() + value.size())
        throw Error("prompt",
                    tag + ": '" + text + "' is not a number (write e.g. <lora:name:0.8>)");
    return number;
}

// A1111's Lora extension's reading of one tag's arguments.
PromptLoraTag read_lora_tag(const ExtraNetworkTag& tag) {
    const std::string& text = tag.text;
    if (tag.kind != "lora" && tag.kind != "lyco")
        throw Error("prompt", text + ": only LoRA tags (<lora:name:weight>) are supported, not <" +
                                  tag.kind + ":...>");
    if (tag.positional.empty() || tag.positional[0].empty())
        throw Error("prompt",
                    text + ": the tag names no LoRA (write <lora:name> or <lora:name:0.8>)");
    if (tag.named.count("dyn") || tag.positional.size() > 3)
        throw Error("prompt", text + ": a LoRA's rank cannot be reduced here (dyn)");
    auto named = [&](const char* key, double otherwise) {
        const auto found = tag.named.find(key);
        return found == tag.named.end() ? otherwise : tag_number(found->second, text);
    };
    const auto& p = tag.positional;
    const double te = named("te", p.size() > 1 ? tag_number(p[1], text) : 1.0);
    const double unet = named("unet", p.size() > 2 ? tag_number(p[2], text) : te);
    if (te != unet)
        throw Error("prompt", text +
                                  ": different weights for the text encoders and the UNet are "
                                  "not supported (one weight per LoRA)");
    return {text, p[0], te};
}

// ExtraNetworkParams' split of a tag's arguments.
void split_arguments(const std::string& arguments, ExtraNetworkTag& tag) {
    size_t start = 0;
    for (;;) {
        const size_t colon = arguments.find(':', start);
        const std::string item = arguments.substr(start, colon - start);
        const size_t equals = item.find('=');
        if (equals != std::string::npos && item.find('=', equals + 1) == std::string::npos)
            tag.named[item.substr(0, equals)] = item.substr(equals + 1);
        else
            tag.positional.push_back(item);
        if (colon == std::string::npos) return;
        start = colon + 1;
    }
}

// Where re.sub(r"<(\w+):([^>]+)>", ...) finds a match starting at `at`: its end, or npos.
size_t tag_end(const std::string& text, size_t at, size_t& colon) {
    if (text[at] != '<') return std::string::npos;
    size_t i = at + 1;
    while (i < text.size() && word_char(static_cast<unsigned char>(text[i]))) ++i;
    if (i == at + 1 || i >= text.size() || text[i] != ':') return std::string::npos;
    colon = i;
    const size_t close = text.find('>', i + 1);
    if (close == std::string::npos || close == i + 1) return std::string::npos;
    return close + 1;
}

std::string names_of(const std::vector<LoraFile>& library) {
    std::string names;
    for (const auto& file : library) {
        if (names.size() > 300) return names + ", ...";
        names += (names.empty() ? "" : ", ") + file.name;
    }
    return names.empty() ? "none" : names;
}

const LoraFile& find_by_name(const std::vector<LoraFile>& library, const PromptLoraTag& tag,
                             const std::string& searched) {
    const LoraFile* found = nullptr;
    for (const auto& file : library) {
        if (file.name != tag.name) continue;
        if (found)
            throw Error("prompt", tag.text + ": two LoRA files are named '" + tag.name + "': " +
                                      found->path + " and " + file.path + " (rename one of them)");
        found = &file;
    }
    if (!found)
        throw Error("prompt", tag.text + ": no LoRA named '" + tag.name + "' in " + searched +
                                  " (LoRAs there: " + names_of(library) + ")");
    return *found;
}

}  // namespace

std::vector<LoraFile> lora_files_in(const std::vector<std::string>& folders) {
    std::vector<LoraFile> files;
    for (const auto& folder : folders) {
        std::error_code ec;
        if (folder.empty() || !fs::exists(folder, ec)) continue;
        auto it = fs::recursive_directory_iterator(
            folder, fs::directory_options::follow_directory_symlink, ec);
        if (ec) throw Error(folder, "cannot read the LoRA folder: " + ec.message());
        for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (ec) throw Error(folder, "cannot read the LoRA folder: " + ec.message());
            if (is_safetensors(it->path()) && it->is_regular_file(ec))
                files.push_back({it->path().stem().string(), it->path().string()});
        }
    }
    std::sort(files.begin(), files.end(), by_name_then_path);
    return files;
}

std::vector<LoraFile> hub_cache_lora_files(const std::string& cache_dir) {
    std::vector<LoraFile> files;
    for (const auto& repo : hub::HubCache(cache_dir).list()) {
        if (repo.snapshots.empty()) continue;
        // The snapshot main points to, else the last one listed.
        const hub::CachedSnapshot* snapshot = &repo.snapshots.back();
        if (const auto main = repo.refs.find("main"); main != repo.refs.end())
            for (const auto& s : repo.snapshots)
                if (s.commit == main->second) snapshot = &s;
        for (const auto& file : snapshot->files) {
            const fs::path path = fs::path(snapshot->dir) / file.path;
            if (!file.present || !is_safetensors(path)) continue;
            try {
                if (classify_checkpoint(*SafeTensorsFile::open(path.string())) ==
                    CheckpointKind::Lora)
                    files.push_back({path.stem().string(), path.string()});
            } catch (const Error& error) {
                log().debug("LoRA list: {} skipped ({})", path.string(), error.what());
            }
        }
    }
    std::sort(files.begin(), files.end(), by_name_then_path);
    return files;
}

std::string lora_folders_text(const std::vector<std::string>& folders,
                              const std::string& how_to_add) {
    if (folders.empty()) return "no LoRA folder (" + how_to_add + ")";
    std::string text = folders.size() == 1 ? "the LoRA folder " : "the LoRA folders ";
    for (size_t i = 0; i < folders.size(); ++i) text += (i ? ", " : "") + folders[i];
    return text;
}

ExtraNetworks parse_extra_networks(const std::string& prompt) {
    ExtraNetworks result;
    for (size_t at = 0; at < prompt.size();) {
        size_t colon = 0;
        const size_t end = tag_end(prompt, at, colon);
        if (end == std::string::npos) {
            result.prompt += prompt[at++];
            continue;
        }
        ExtraNetworkTag tag;
        tag.text = prompt.substr(at, end - at);
        tag.kind = prompt.substr(at + 1, colon - at - 1);
        split_arguments(prompt.substr(colon + 1, end - colon - 2), tag);
        result.tags.push_back(std::move(tag));
        at = end;
    }
    return result;
}

PromptLoras extract_lora_tags(const std::string& prompt) {
    ExtraNetworks parsed = parse_extra_networks(prompt);
    PromptLoras result{std::move(parsed.prompt), {}};
    for (const auto& tag : parsed.tags) result.tags.push_back(read_lora_tag(tag));
    return result;
}

void resolve_prompt_loras(GenerationRequest& request, const std::vector<LoraFile>& library,
                          const std::string& searched) {
    if (request.prompt_syntax != PromptSyntax::A1111) return;
    PromptLoras parsed = extract_lora_tags(request.prompt);
    if (parsed.tags.empty()) return;
    // Every tag is resolved before the request changes.
    std::vector<LoraSpec> resolved;
    for (const auto& tag : parsed.tags)
        resolved.push_back({find_by_name(library, tag, searched).path, tag.scale});
    for (size_t i = 0; i < resolved.size(); ++i) {
        auto same_name = std::find_if(request.loras.begin(), request.loras.end(), [&](auto& l) {
            return fs::path(l.path).stem().string() == parsed.tags[i].name;
        });
        if (same_name != request.loras.end())
            *same_name = resolved[i];
        else
            request.loras.push_back(resolved[i]);
    }
    // Edge blanks a tag leaves carry nothing (the tokenizer drops them); the form and the PNG
    // codec trim them too, so the record reads back as written.
    request.prompt = trimmed(parsed.prompt);
}

namespace {

// What the metadata says: kohya sd-scripts' ss_base_model_version ("sd_v1", "sd_v2",
// "sdxl_base_v1-0", ...) and Stability's ModelSpec architecture ("stable-diffusion-v1/lora",
// "stable-diffusion-xl-v1-base/lora", "flux-1-dev/lora", ...).
LoraBase base_from_metadata(const std::map<std::string, std::string>& metadata) {
    auto starts = [](const std::string& text, const char* prefix) {
        return text.rfind(prefix, 0) == 0;
    };
    for (const char* key : {"modelspec.architecture", "ss_base_model_version"}) {
        const auto found = metadata.find(key);
        if (found == metadata.end() || found->second.empty()) continue;
        const std::string& value = found->second;
        const std::string evidence = std::string("its metadata says ") + key + " = " + value;
        if (starts(value, "stable-diffusion-xl") || starts(value, "sdxl"))
            return {"SDXL", evidence};
        if (starts(value, "stable-diffusion-v1") || starts(value, "sd_v1"))
            return {"Stable Diffusion 1.x", evidence};
        if (starts(value, "stable-diffusion-v2") || starts(value, "sd_v2"))
            return {"Stable Diffusion 2.x", evidence};
        const std::string arch = value.substr(0, value.find('/'));
        return {arch, evidence};
    }
    return {};
}

// SD 1.x and 2.x have attention in their first and fourth UNet levels (diffusers'
// down_blocks.0 / up_blocks.3, ldm's input_blocks.1-2 / output_blocks.9-11), SDXL has not; SDXL
// has a second text encoder and stacks of several transformer blocks, SD 1.x/2.x have not.
LoraBase base_from_keys(const std::vector<StTensorInfo>& tensors) {
    static const std::regex sd12(
        "(^|_)(down_blocks_0_attentions|up_blocks_3_attentions|input_blocks_[12]_1|"
        "output_blocks_(9|10|11)_1)_");
    static const std::regex sdxl("^(lora_te2_|text_encoder_2_)|_transformer_blocks_[1-9]");
    for (const auto& tensor : tensors) {
        std::string key = tensor.name;
        std::replace(key.begin(), key.end(), '.', '_');
        if (std::regex_search(key, sdxl))
            return {"SDXL", "its keys name SDXL's modules (" + tensor.name + ")"};
        if (!std::regex_search(key, sd12)) continue;
        // The cross-attention width tells 1.x (768) from 2.x (1024).
        std::string model = "Stable Diffusion 1.x or 2.x";
        for (const auto& t : tensors)
            if (t.name.find("attn2") != std::string::npos &&
                t.name.find("to_k") != std::string::npos &&
                (t.name.find("lora_down") != std::string::npos ||
                 t.name.find("lora_A") != std::string::npos) &&
                t.shape.size() == 2)
                model = t.shape[1] == 768    ? "Stable Diffusion 1.x"
                        : t.shape[1] == 1024 ? "Stable Diffusion 2.x"
                                             : model;
        return {model, "its keys name UNet blocks SDXL does not have (" + tensor.name + ")"};
    }
    return {};
}

}  // namespace

LoraBase lora_base_of(const std::map<std::string, std::string>& metadata,
                      const std::vector<StTensorInfo>& tensors) {
    // A structure SDXL lacks decides whatever the metadata says; then the metadata.
    const LoraBase by_keys = base_from_keys(tensors);
    if (!by_keys.model.empty() && !by_keys.sdxl()) return by_keys;
    const LoraBase by_metadata = base_from_metadata(metadata);
    return by_metadata.model.empty() ? by_keys : by_metadata;
}

std::string lora_base_problem(const LoraBase& base) {
    if (base.model.empty() || base.sdxl()) return "";
    return "is a LoRA for " + base.model + " (" + base.evidence +
           "), not for SDXL: its weights do not fit this model (use an SDXL LoRA)";
}

}  // namespace lightning
