// PyTorch `.pth` files (torch.save's zip format, torch 1.6 and later) read as tensors only.
//
// A .pth is a Python pickle, and unpickling it in Python can run any code. This reader is not
// Python's unpickler: it is a small pickle machine that knows the opcodes torch.save writes and
// exactly the globals a state dict needs (collections.OrderedDict, torch._utils
// ._rebuild_tensor_v2 and _rebuild_parameter, the torch.*Storage types); any other global (a
// function, a class) is refused at once, naming it, before anything is built. The top level
// must be a dict; nested dicts become dotted names ({"params_ema": {"conv.weight": T}} gives
// "params_ema.conv.weight"); plain values beside the tensors (an epoch number, a string) are
// skipped; a file with no tensor at all is refused.
//
// core/io/pth_pickle.h is the torch-free parser (fuzzed on its own); this makes the tensors.
//
// Not read: the legacy format of torch before 1.6 (a bare pickle followed by storages), and
// TorchScript archives; both are refused with what to do instead. Every refusal is a
// lightning::Error whose where() is the file's path.
#pragma once
#include "core/io/tensor_source.h"

#include <memory>
#include <string>

namespace lightning {

// Reads the whole file (tensors are copied out of the archive into memory).
std::shared_ptr<TensorSource> open_pth(const std::string& path);

}  // namespace lightning
