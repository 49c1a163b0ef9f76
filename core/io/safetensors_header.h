// The safetensors header: the 8-byte length and the JSON table of tensors that precede the data.
// Kept free of torch so that it can be tested and fuzzed on its own (fuzz/); safetensors.h builds
// the memory-mapped reader on top of it.
#pragma once
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace lightning {

enum class StDType { F16, BF16, F32, F64, I64, I32, I16, I8, U8, BOOL };

const char* to_string(StDType dtype);
size_t item_size(StDType dtype);

struct StTensorInfo {
    std::string name;
    StDType dtype;
    std::vector<int64_t> shape;
    uint64_t begin = 0;  // byte offsets relative to the data section
    uint64_t end = 0;
};

struct SafeTensorsHeader {
    uint64_t data_start = 0;          // 8 + header length: where the data section begins
    std::vector<StTensorInfo> infos;  // sorted by name
    std::map<std::string, std::string> metadata;
};

// Parses and validates the header of a whole safetensors file given as bytes (only the header
// is read; the file's size bounds the data ranges). Checks: at least 8 bytes, header length fits
// the file, header is a well-formed JSON object, every dtype known, shape non-negative,
// product(shape) * itemsize == end - begin, ranges inside the data section, no overlaps.
// Any failure throws lightning::Error whose where() is `path` (and the tensor name when one
// tensor is at fault).
SafeTensorsHeader parse_safetensors_header(std::span<const uint8_t> file, const std::string& path);

}  // namespace lightning
