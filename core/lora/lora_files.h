// LoRA files by name, as the app, `lightning generate --lora-dir` and `lightning batch
// --lora-dir` find them: the LoRA folders (and LoRA files in the Hugging Face cache), A1111's
// `<lora:name:weight>` prompt tags resolved against them, and the check that a LoRA was made for
// SDXL, from its metadata and its key set, before anything is loaded.
#pragma once
#include "core/io/safetensors_header.h"
#include "core/request/request.h"

#include <map>
#include <string>
#include <vector>

namespace lightning {

// A LoRA file and the name prompts use for it (the file stem, as A1111 names LoRAs).
struct LoraFile {
    std::string name;
    std::string path;

    bool operator==(const LoraFile&) const = default;
};

// Every *.safetensors file under each folder (subfolders too), sorted by name, then path. A
// folder that does not exist is skipped; one that cannot be read throws lightning::Error naming
// it.
std::vector<LoraFile> lora_files_in(const std::vector<std::string>& folders);

// The *.safetensors files of the Hugging Face cache at `cache_dir` (the newest snapshot of each
// repository) whose tensor names make them LoRAs; none when the cache does not exist.
std::vector<LoraFile> hub_cache_lora_files(const std::string& cache_dir);

// A1111's extra-networks tags (`<kind:arguments>`) as its modules/extra_networks.py reads them:
// every match of the regex <(\w+):([^>]+)> is removed from the prompt (the spaces around it
// stay), its arguments split at ':', an argument with exactly one '=' named, the others
// positional. Never throws.
struct ExtraNetworkTag {
    std::string text;  // the whole tag, as written
    std::string kind;  // "lora", "lyco", "hypernet", ...
    std::vector<std::string> positional;
    std::map<std::string, std::string> named;
};
struct ExtraNetworks {
    std::string prompt;  // without the tags
    std::vector<ExtraNetworkTag> tags;
};
ExtraNetworks parse_extra_networks(const std::string& prompt);

// One `<lora:name:weight>` tag with A1111's Lora extension's reading of its arguments: the name
// first, then the text encoders' weight (default 1, or te=), then the UNet's (default the text
// encoders', or unet=). `lyco` is A1111's alias of `lora`.
struct PromptLoraTag {
    std::string text;  // the whole tag, as written
    std::string name;
    double scale = 1.0;
};

struct PromptLoras {
    std::string prompt;  // the prompt with every tag removed
    std::vector<PromptLoraTag> tags;
};

// The prompt's tags as LoRAs. Throws lightning::Error("prompt", ...) naming the tag for an extra
// network other than LoRA (hypernetworks are not supported), a tag without a name, a weight that
// is not a number, different weights for the text encoders and the UNet, or dyn (one weight per
// LoRA and its full rank are fused here).
PromptLoras extract_lora_tags(const std::string& prompt);

// Moves the LoRA tags of an A1111-syntax prompt into request.loras, after the LoRAs it names
// already, each resolved by name in `library`; a LoRA already in the request under the same name
// (a PNG record's "Lora hashes" next to the tag) takes the tag's file and weight instead of being
// added twice. The prompt's edge blanks go with the tags. Other prompt syntaxes are left as they
// are. Throws lightning::Error("prompt", ...) for a name no file has (saying where it looked and
// which names exist), or that two files share. `searched` describes where the library comes from,
// for that message.
void resolve_prompt_loras(GenerationRequest& request, const std::vector<LoraFile>& library,
                          const std::string& searched);

// Where a library came from, for resolve_prompt_loras' message: "the LoRA folder a", "the LoRA
// folders a, b", or without any "no LoRA folder (<how_to_add>)".
std::string lora_folders_text(const std::vector<std::string>& folders,
                              const std::string& how_to_add);

// What a LoRA file was made for, from its metadata (ss_base_model_version, modelspec.
// architecture) and its key set (SD 1.x/2.x UNet blocks that SDXL lacks, SDXL's second text
// encoder and deeper transformer stacks).
struct LoraBase {
    std::string model;     // "SDXL", "Stable Diffusion 1.x", ...; "" = nothing says
    std::string evidence;  // why: "its metadata says ss_base_model_version = sd_v1", ...
    bool sdxl() const { return model == "SDXL"; }
};
LoraBase lora_base_of(const std::map<std::string, std::string>& metadata,
                      const std::vector<StTensorInfo>& tensors);

// "" when `base` may be fused into SDXL; else the refusal, to be thrown with the file's path:
// "is a LoRA for Stable Diffusion 1.x (its metadata says ...), not for SDXL; ...".
std::string lora_base_problem(const LoraBase& base);

}  // namespace lightning
