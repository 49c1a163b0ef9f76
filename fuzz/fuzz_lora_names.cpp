// The LoRA key mapper on arbitrary key lists (one key per line) against the module names of the
// fixtures' tiny SDXL (UNet and both text encoders, read from their safetensors headers).
// Invariants: every key ends up exactly once, either in a complete module (down and up factor)
// or among the unmatched keys with a reason; resolved modules exist in the model.
#include "core/convert/lora_names.h"
#include "core/io/safetensors_header.h"
#include "fuzz_support.h"

#include <set>
#include <string_view>

namespace {

std::vector<std::string> module_names(const std::string& file) {
    const std::vector<uint8_t> bytes = fuzz::read_file(fuzz::fixtures_dir() + "/tiny-sdxl/" + file);
    std::vector<std::string> modules;
    for (const auto& info : lightning::parse_safetensors_header(bytes, file).infos) {
        const std::string_view name = info.name;
        if (name.ends_with(".weight")) modules.emplace_back(name.substr(0, name.size() - 7));
    }
    return modules;
}

const lightning::LoraModuleNames& tiny_sdxl_modules() {
    static const lightning::LoraModuleNames modules = {
        {lightning::LoraTarget::UNet, module_names("unet/diffusion_pytorch_model.safetensors")},
        {lightning::LoraTarget::TextEncoder1, module_names("text_encoder/model.safetensors")},
        {lightning::LoraTarget::TextEncoder2, module_names("text_encoder_2/model.safetensors")}};
    return modules;
}

// A few ldm -> diffusers prefixes of the tiny UNet, standing in for LdmUNetNames (which lives in
// a torch translation unit): enough to drive the mapper's SGM-name resolution.
std::optional<std::string> ldm_to_diffusers(const std::string& ldm) {
    static const std::pair<std::string_view, std::string_view> kPrefixes[] = {
        {"input_blocks.1.0.", "down_blocks.0.resnets.0."},
        {"input_blocks.2.0.", "down_blocks.0.resnets.1."},
        {"input_blocks.3.0.op.", "down_blocks.0.downsamplers.0.conv."},
        {"input_blocks.4.1.", "down_blocks.1.attentions.0."},
        {"input_blocks.5.1.", "down_blocks.1.attentions.1."},
        {"middle_block.0.", "mid_block.resnets.0."},
        {"middle_block.1.", "mid_block.attentions.0."},
        {"output_blocks.0.1.", "up_blocks.0.attentions.0."},
        {"out.2.", "conv_out."},
    };
    for (const auto& [from, to] : kPrefixes)
        if (std::string_view(ldm).starts_with(from))
            return std::string(to) + ldm.substr(from.size());
    return std::nullopt;
}

std::vector<std::string> split_lines(const uint8_t* data, size_t size) {
    std::vector<std::string> lines;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    while (!text.empty()) {
        const size_t end = std::min(text.find('\n'), text.size());
        lines.emplace_back(text.substr(0, end));
        text.remove_prefix(std::min(end + 1, text.size()));
    }
    return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::vector<std::string> keys = split_lines(data, size);
    const auto& modules = tiny_sdxl_modules();
    const lightning::LoraKeyMapping mapping =
        lightning::map_lora_keys(keys, modules, ldm_to_diffusers);

    size_t placed = mapping.unmatched.size();
    for (const auto& group : mapping.modules) {
        fuzz::require(!group.down_key.empty() && !group.up_key.empty(), "complete modules only");
        const auto& names = modules.at(group.target);
        fuzz::require(std::find(names.begin(), names.end(), group.module) != names.end(),
                      "resolved module exists");
        placed += 2 + !group.alpha_key.empty();
    }
    for (const auto& unmatched : mapping.unmatched)
        fuzz::require(!unmatched.reason.empty(), "unmatched keys say why");
    fuzz::require(placed == keys.size(), "every key placed exactly once");
    return 0;
}
