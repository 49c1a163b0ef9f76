// What Engine::load takes, without torch: the app's settings and the CLI build it from headers
// that stay torch-free (the engine itself: core/engine/engine.h).
#pragma once
#include "core/pipeline/load_options.h"
#include "core/request/enums.h"

namespace lightning {

// What Engine::load takes: the pipeline's own load options (core/pipeline/load_options.h: models,
// device, precision, checkpoint budget, VAE, CUDA speedups), plus how steps are previewed.
struct EngineOptions : LoadOptions {
    PreviewMode preview = PreviewMode::Reduced;

    // Equal when an engine loaded with one serves the other: the checkpoint budget and the
    // preview mode change on a loaded engine, the rest needs a new load.
    bool operator==(const EngineOptions& other) const {
        return models == other.models && device == other.device && precision == other.precision &&
               vae == other.vae && speedups == other.speedups;
    }
};

}  // namespace lightning
