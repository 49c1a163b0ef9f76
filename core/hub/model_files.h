// Which files of which hub repositories the app needs: the SDXL base components (no base UNet
// weights: the Lightning UNets replace them) and the chosen SDXL-Lightning UNets.
#pragma once
#include "core/request/model_layout.h"

#include <string>
#include <vector>

namespace lightning::hub {

// The repositories and step counts: core/request/model_layout.h.
using lightning::kBaseRepo;
using lightning::kLightningRepo;
using lightning::kStepChoices;

struct ModelSelection {
    bool base = true;                  // SDXL base components
    std::vector<int> lightning_steps;  // of kStepChoices
    bool prefer_fp16 = true;           // take *.fp16.safetensors where the repository has one
};

// Files wanted from one repository at one revision. Weights are named in their plain form
// ("vae/diffusion_pytorch_model.safetensors"); choose_variants() picks the fp16 variant.
struct RepoRequest {
    std::string repo_id;
    std::string revision = "main";
    std::vector<std::string> files;
    bool prefer_fp16 = true;
};

// What `selection` needs, one request per repository. Throws lightning::Error for a step count
// the Lightning repository does not publish.
std::vector<RepoRequest> requests_for(const ModelSelection& selection);

// For each wanted name, the name to fetch given the repository's files: with prefer_fp16 the
// "X.fp16.safetensors" variant when listed, else "X.safetensors"; a weights file only present
// as a variant is taken as such. Throws lightning::Error (where = repo_id) naming every wanted
// file the repository lacks.
std::vector<std::string> choose_variants(const std::string& repo_id,
                                         const std::vector<std::string>& wanted,
                                         const std::vector<std::string>& available,
                                         bool prefer_fp16);

}  // namespace lightning::hub
