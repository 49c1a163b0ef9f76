// The torch-free half of the .pth reader (core/io/pth.h): the zip container torch.save writes and
// a small pickle machine that accepts only what a dict of tensors needs. It says which tensors the
// file holds and where their bytes are; pth.cpp makes the tensors. Kept free of torch so that it
// is tested and fuzzed on its own (fuzz/fuzz_pth.cpp).
//
// The machine knows the opcodes torch.save writes (protocol 2, and those of protocols 3 to 5 a
// pickler could add) and exactly these globals: collections.OrderedDict (typing.OrderedDict),
// torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter and the torch.*Storage
// types. Any other global is refused when the pickle names it, before anything is built; REDUCE
// applies only those. Records must be stored uncompressed (torch.save never compresses) and lie
// inside the file; a tensor must lie inside its storage, and a storage inside its record.
#pragma once
#include "core/io/safetensors_header.h"  // StDType, item_size

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace lightning {

struct PthStorage {
    StDType dtype = StDType::F32;
    uint64_t offset = 0;  // of its first byte in the file
    int64_t numel = 0;
};

struct PthTensor {
    std::string name;     // dotted path through the dicts: "params_ema.conv_first.weight"
    std::string storage;  // key into PthContents::storages
    StDType dtype = StDType::F32;
    std::vector<int64_t> shape;
    std::vector<int64_t> stride;
    int64_t offset = 0;  // in elements of the storage
};

struct PthContents {
    std::map<std::string, PthStorage> storages;
    std::vector<PthTensor> tensors;  // in the file's order; plain values beside them skipped
};

// Throws lightning::Error(path, ...) for the legacy (pre-1.6) format, a TorchScript archive,
// big-endian tensors, a broken or compressed archive, a pickle that names any other global or
// is not a dict, and a file without tensors.
PthContents parse_pth(std::span<const uint8_t> file, const std::string& path);

}  // namespace lightning
