// Precompiled header for the engine: torch is by far the most expensive include.
#pragma once
#include <torch/torch.h>
