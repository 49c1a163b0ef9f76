#include "core/io/safetensors_header.h"

#include "core/util/bounded_json.h"
#include "core/util/error.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <nlohmann/json.hpp>

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian; a big-endian host would need byte swapping");

namespace lightning {

namespace {

// The reference implementation refuses headers above 100 MB; a real SDXL header is ~200 KB.
constexpr uint64_t kMaxHeaderSize = 100'000'000;

struct DTypeName {
    StDType dtype;
    const char* name;
    size_t size;
};

constexpr DTypeName kDTypeNames[] = {
    {StDType::F16, "F16", 2},   {StDType::BF16, "BF16", 2}, {StDType::F32, "F32", 4},
    {StDType::F64, "F64", 8},   {StDType::I64, "I64", 8},   {StDType::I32, "I32", 4},
    {StDType::I16, "I16", 2},   {StDType::I8, "I8", 1},     {StDType::U8, "U8", 1},
    {StDType::BOOL, "BOOL", 1},
};

const DTypeName& entry(StDType dtype) {
    for (const auto& e : kDTypeNames)
        if (e.dtype == dtype) return e;
    throw Error("safetensors", "invalid StDType value");
}

const DTypeName* entry_by_name(const std::string& name) {
    for (const auto& e : kDTypeNames)
        if (name == e.name) return &e;
    return nullptr;
}

std::string known_dtypes() {
    std::string list = "known:";
    for (const auto& e : kDTypeNames) list += std::string(" ") + e.name;
    return list;
}

std::string tensor_where(const std::string& path, const std::string& name) {
    return path + " [" + name + "]";
}

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

std::map<std::string, std::string> parse_metadata(const nlohmann::json& value,
                                                  const std::string& path) {
    if (!value.is_object())
        throw Error(path, std::string("__metadata__ must be an object of strings, got ") +
                              value.type_name());
    std::map<std::string, std::string> metadata;
    for (const auto& [key, item] : value.items()) {
        if (!item.is_string())
            throw Error(path, "__metadata__ value of '" + key + "' must be a string, got " +
                                  item.type_name());
        metadata.emplace(key, item.get<std::string>());
    }
    return metadata;
}

StTensorInfo parse_entry(const std::string& name, const nlohmann::json& value, uint64_t data_size,
                         const std::string& path) {
    const std::string where = tensor_where(path, name);
    if (!value.is_object())
        throw Error(where, std::string("tensor entry must be an object, got ") + value.type_name());

    StTensorInfo info;
    info.name = name;

    auto dtype_it = value.find("dtype");
    if (dtype_it == value.end() || !dtype_it->is_string())
        throw Error(where, "missing or non-string 'dtype'");
    const DTypeName* dtype = entry_by_name(dtype_it->get<std::string>());
    if (!dtype)
        throw Error(where, "unknown dtype" + quote_if_name(dtype_it->get<std::string>()) + " (" +
                               known_dtypes() + ")");
    info.dtype = dtype->dtype;

    auto shape_it = value.find("shape");
    if (shape_it == value.end() || !shape_it->is_array())
        throw Error(where, "missing or non-array 'shape'");
    uint64_t elements = 1;
    bool overflow = false;
    for (size_t i = 0; i < shape_it->size(); ++i) {
        const auto& dim = (*shape_it)[i];
        const std::string which = "shape entry " + std::to_string(i);
        if (dim.is_number_integer() && !dim.is_number_unsigned())
            throw Error(where, which + " is negative");
        if (!dim.is_number_unsigned())
            throw Error(where, which + " is a " + dim.type_name() + ", not an integer");
        const uint64_t d = dim.get<uint64_t>();
        if (d > static_cast<uint64_t>(INT64_MAX)) throw Error(where, which + " is too large");
        info.shape.push_back(static_cast<int64_t>(d));
        overflow = overflow || __builtin_mul_overflow(elements, d, &elements);
    }
    uint64_t byte_size = 0;
    overflow = overflow || __builtin_mul_overflow(elements, dtype->size, &byte_size);

    auto offsets_it = value.find("data_offsets");
    if (offsets_it == value.end() || !offsets_it->is_array() || offsets_it->size() != 2 ||
        !(*offsets_it)[0].is_number_unsigned() || !(*offsets_it)[1].is_number_unsigned())
        throw Error(where, "'data_offsets' must be [begin, end] with non-negative integers");
    info.begin = (*offsets_it)[0].get<uint64_t>();
    info.end = (*offsets_it)[1].get<uint64_t>();
    if (info.begin > info.end)
        throw Error(where, "data_offsets begin " + std::to_string(info.begin) + " > end " +
                               std::to_string(info.end));
    if (info.end > data_size)
        throw Error(where, "data_offsets [" + std::to_string(info.begin) + ", " +
                               std::to_string(info.end) + "] reach beyond the data section (" +
                               std::to_string(data_size) + " bytes; truncated file?)");
    if (overflow || byte_size != info.end - info.begin)
        throw Error(where,
                    "shape " + shape_text(info.shape) + " of " + dtype->name + " needs " +
                        (overflow ? std::string("more than 2^64") : std::to_string(byte_size)) +
                        " bytes but data_offsets span " + std::to_string(info.end - info.begin));
    return info;
}

void check_overlaps(const std::vector<StTensorInfo>& infos, const std::string& path) {
    std::vector<const StTensorInfo*> by_offset;
    by_offset.reserve(infos.size());
    for (const auto& info : infos) by_offset.push_back(&info);
    std::sort(by_offset.begin(), by_offset.end(), [](const auto* a, const auto* b) {
        return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
    });
    for (size_t i = 1; i < by_offset.size(); ++i) {
        const auto* prev = by_offset[i - 1];
        const auto* cur = by_offset[i];
        if (cur->begin < prev->end)
            throw Error(tensor_where(path, cur->name),
                        "data range [" + std::to_string(cur->begin) + ", " +
                            std::to_string(cur->end) + "] overlaps tensor '" + prev->name + "' [" +
                            std::to_string(prev->begin) + ", " + std::to_string(prev->end) + "]");
    }
}

}  // namespace

const char* to_string(StDType dtype) {
    return entry(dtype).name;
}
size_t item_size(StDType dtype) {
    return entry(dtype).size;
}

SafeTensorsHeader parse_safetensors_header(std::span<const uint8_t> file, const std::string& path) {
    if (file.size() < 8)
        throw Error(path, "file too small for a safetensors header: " +
                              std::to_string(file.size()) + " bytes (need at least 8)");
    uint64_t header_size = 0;
    std::memcpy(&header_size, file.data(), 8);  // little-endian u64
    // The length is not quoted: for a file that is not safetensors (a key file given as a LoRA)
    // it is the file's first 8 bytes.
    if (header_size > kMaxHeaderSize)
        throw Error(path,
                    "header length field exceeds the 100000000-byte limit (not a safetensors "
                    "file?)");
    if (header_size > file.size() - 8)
        throw Error(path, "header length field is larger than the file (" +
                              std::to_string(file.size()) + " bytes; truncated file?)");
    SafeTensorsHeader header;
    header.data_start = 8 + header_size;
    const uint64_t data_size = file.size() - header.data_start;

    const std::string_view text(reinterpret_cast<const char*>(file.data() + 8), header_size);
    const nlohmann::json json = parse_bounded_json(text, path, "header is not valid JSON");
    if (!json.is_object())
        throw Error(path,
                    std::string("header JSON is not an object (it is ") + json.type_name() + ")");

    // nlohmann's object is a std::map, so infos come out sorted by name.
    for (const auto& [name, value] : json.items()) {
        if (name == "__metadata__")
            header.metadata = parse_metadata(value, path);
        else
            header.infos.push_back(parse_entry(name, value, data_size, path));
    }
    check_overlaps(header.infos, path);
    return header;
}

}  // namespace lightning
