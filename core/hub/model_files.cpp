#include "core/hub/model_files.h"

#include "core/util/error.h"

#include <algorithm>

namespace lightning::hub {
namespace {

const std::string kWeightsSuffix = ".safetensors";

std::string fp16_variant(const std::string& name) {
    return name.substr(0, name.size() - kWeightsSuffix.size()) + ".fp16" + kWeightsSuffix;
}

}  // namespace

std::vector<RepoRequest> requests_for(const ModelSelection& selection) {
    std::vector<RepoRequest> requests;
    if (selection.base) {
        RepoRequest base{kBaseRepo, "main", {}, selection.prefer_fp16};
        base.files = {
            "model_index.json",
            "scheduler/scheduler_config.json",
            "text_encoder/config.json",
            "text_encoder/model.safetensors",
            "text_encoder_2/config.json",
            "text_encoder_2/model.safetensors",
            "unet/config.json",
            "vae/config.json",
            "vae/diffusion_pytorch_model.safetensors",
        };
        for (const char* tokenizer : {"tokenizer", "tokenizer_2"})
            for (const char* file :
                 {"merges.txt", "special_tokens_map.json", "tokenizer_config.json", "vocab.json"})
                base.files.push_back(std::string(tokenizer) + "/" + file);
        requests.push_back(std::move(base));
    }
    if (!selection.lightning_steps.empty()) {
        RepoRequest lightning{kLightningRepo, "main", {}, selection.prefer_fp16};
        for (int steps : selection.lightning_steps) {
            if (std::find(std::begin(kStepChoices), std::end(kStepChoices), steps) ==
                std::end(kStepChoices))
                throw Error("steps", std::to_string(steps) +
                                         " is not a published SDXL-Lightning step count (1, 2, "
                                         "4 or 8)");
            const auto name = published_lightning_file(steps);
            if (std::find(lightning.files.begin(), lightning.files.end(), name) ==
                lightning.files.end())
                lightning.files.push_back(name);
        }
        requests.push_back(std::move(lightning));
    }
    return requests;
}

std::vector<std::string> choose_variants(const std::string& repo_id,
                                         const std::vector<std::string>& wanted,
                                         const std::vector<std::string>& available,
                                         bool prefer_fp16) {
    auto listed = [&](const std::string& name) {
        return std::find(available.begin(), available.end(), name) != available.end();
    };
    std::vector<std::string> chosen, missing;
    for (const auto& name : wanted) {
        const bool weights = name.ends_with(kWeightsSuffix);
        const std::string variant = weights ? fp16_variant(name) : std::string();
        if (weights && prefer_fp16 && listed(variant))
            chosen.push_back(variant);
        else if (listed(name))
            chosen.push_back(name);
        else if (weights && listed(variant))
            chosen.push_back(variant);
        else
            missing.push_back(name);
    }
    if (!missing.empty()) {
        std::string list;
        for (const auto& name : missing) list += (list.empty() ? "" : ", ") + name;
        throw Error(repo_id, "the repository has no " + list);
    }
    return chosen;
}

}  // namespace lightning::hub
