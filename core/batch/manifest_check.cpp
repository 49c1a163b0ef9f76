// LineChecker: the part of manifest reading that looks at model files (the engine's UNet
// choice and file checks, hence torch). Apart from manifest.cpp, which stays torch-free so the
// fuzz target for manifest lines (fuzz/fuzz_manifest_line.cpp) builds without libtorch.
#include "core/batch/manifest.h"
#include "core/engine/engine.h"
#include "core/request/limits.h"
#include "core/request/wildcards.h"
#include "core/util/error.h"

#include <algorithm>
#include <filesystem>

namespace lightning::batch {

namespace fs = std::filesystem;

void LineChecker::check_files(const GenerationRequest& request) {
    auto checked = [&](const std::string& path) {
        return std::find(checked_files_.begin(), checked_files_.end(), path) !=
               checked_files_.end();
    };
    GenerationRequest files_only;
    files_only.unet_file = checked(request.unet_file) ? "" : request.unet_file;
    for (const auto& lora : request.loras)
        if (!checked(lora.path)) files_only.loras.push_back(lora);
    check_request_files(files_only);
    if (!files_only.unet_file.empty()) checked_files_.push_back(files_only.unet_file);
    for (const auto& lora : files_only.loras) checked_files_.push_back(lora.path);
    for (const auto& embedding : request.embeddings)
        if (!fs::is_regular_file(embedding.path))
            throw Error(embedding.path, "embedding file not found");
    // Refine inputs: a bad line, not a failed image half-way through the batch.
    if (request.refines() && !fs::is_regular_file(request.input.image))
        throw Error(request.input.image, "input image not found");
    if (!request.input.mask.empty() && !fs::is_regular_file(request.input.mask))
        throw Error(request.input.mask, "mask not found");
}

void LineChecker::check(ManifestLine& line) {
    if (!line.request) return;
    try {
        limits::validate(*line.request);
        unet_file_for(models_, *line.request);
        check_files(*line.request);
        resolved_images(*line.request);  // prompt templates: syntax and wildcards
    } catch (const Error& e) {
        line.request.reset();
        line.error = e.what();
    }
}

}  // namespace lightning::batch
