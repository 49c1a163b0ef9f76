#include "core/io/pth.h"

#include "core/io/pth_pickle.h"
#include "core/util/error.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>

namespace lightning {
namespace {

// Larger files are no state dict this program reads (the largest ESRGAN files are ~70 MB).
constexpr uint64_t kMaxFileBytes = uint64_t{2} << 30;

c10::ScalarType scalar_type(StDType dtype) {
    switch (dtype) {
        case StDType::F16:
            return c10::kHalf;
        case StDType::BF16:
            return c10::kBFloat16;
        case StDType::F32:
            return c10::kFloat;
        case StDType::F64:
            return c10::kDouble;
        case StDType::I64:
            return c10::kLong;
        case StDType::I32:
            return c10::kInt;
        case StDType::I16:
            return c10::kShort;
        case StDType::I8:
            return c10::kChar;
        case StDType::U8:
            return c10::kByte;
        case StDType::BOOL:
            return c10::kBool;
    }
    return c10::kFloat;
}

std::vector<unsigned char> read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw Error(path, "cannot open the file");
    const auto size = static_cast<uint64_t>(in.tellg());
    if (size > kMaxFileBytes) throw Error(path, "larger than 2 GB: not an upscaler's .pth");
    std::vector<unsigned char> bytes(size);
    in.seekg(0);
    if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
        throw Error(path, "cannot read the file");
    return bytes;
}

}  // namespace

std::shared_ptr<TensorSource> open_pth(const std::string& path) {
    const auto bytes = read_all(path);
    const auto contents = parse_pth(bytes, path);
    // Each storage copied out of the file once; tensors are views of it (parse_pth checked that
    // they lie inside).
    std::map<std::string, at::Tensor> storages;
    for (const auto& [key, storage] : contents.storages) {
        auto t = at::empty({storage.numel}, at::TensorOptions().dtype(scalar_type(storage.dtype)));
        if (storage.numel)
            std::memcpy(t.data_ptr(), bytes.data() + storage.offset,
                        size_t(storage.numel) * item_size(storage.dtype));
        storages.emplace(key, t);
    }
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& t : contents.tensors) {
        const auto& storage = storages.at(t.storage);
        const bool empty = std::find(t.shape.begin(), t.shape.end(), 0) != t.shape.end();
        tensors.emplace_back(t.name, empty ? at::empty(t.shape, storage.options())
                                           : storage.as_strided(t.shape, t.stride, t.offset));
    }
    return std::make_shared<TensorMapSource>(std::move(tensors), path);
}

}  // namespace lightning
