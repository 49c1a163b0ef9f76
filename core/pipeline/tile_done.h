// How an upscaler model reports its tiles (core/pipeline/upscale.h), apart so that the pipeline's
// and the engine's headers can take one without the upscaler's torch headers.
#pragma once
#include <cstdint>
#include <functional>

namespace lightning {

// Called after each tile with (tiles done, tiles in all); (1, 1) for an untiled run. It may
// throw (lightning::Cancelled) to stop the upscale between tiles: nothing is returned then.
using TileDone = std::function<void(int64_t done, int64_t total)>;

}  // namespace lightning
