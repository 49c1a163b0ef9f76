// The .pth parser (torch.save's zip archive and the restricted pickle machine) on arbitrary file
// bytes: it must either throw lightning::Error or return tensors that lie inside their storages
// and storages that lie inside the file, each tensor of its storage's dtype.
#include "core/io/pth_pickle.h"
#include "core/util/error.h"
#include "fuzz_support.h"

#include <algorithm>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    lightning::PthContents contents;
    try {
        contents = lightning::parse_pth({data, size}, "fuzz.pth");
    } catch (const lightning::Error&) {
        return 0;
    }
    fuzz::require(!contents.tensors.empty(), "at least one tensor");
    for (const auto& [key, storage] : contents.storages) {
        fuzz::require(storage.numel >= 0, "non-negative storage size");
        const uint64_t bytes = uint64_t(storage.numel) * lightning::item_size(storage.dtype);
        fuzz::require(storage.offset <= size && bytes <= size - storage.offset, "storage in file");
    }
    for (const auto& t : contents.tensors) {
        const auto it = contents.storages.find(t.storage);
        fuzz::require(it != contents.storages.end(), "tensor's storage known");
        fuzz::require(it->second.dtype == t.dtype, "tensor of its storage's dtype");
        fuzz::require(t.shape.size() == t.stride.size(), "shape and stride of one rank");
        if (std::find(t.shape.begin(), t.shape.end(), 0) != t.shape.end()) continue;
        __int128 last = t.offset;
        for (size_t d = 0; d < t.shape.size(); ++d) {
            fuzz::require(t.shape[d] > 0 && t.stride[d] >= 0, "positive sizes, strides");
            last += __int128(t.shape[d] - 1) * t.stride[d];
        }
        fuzz::require(t.offset >= 0 && last < it->second.numel, "tensor inside its storage");
    }
    return 0;
}
