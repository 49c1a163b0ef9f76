#include "core/io/safetensors.h"

#include "core/util/atomic_file.h"
#include "core/util/error.h"

#include <ATen/ATen.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <unordered_map>

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian; a big-endian host would need byte swapping");

namespace lightning {

namespace {

// The reference implementation refuses headers above 100 MB; a real SDXL header is ~200 KB.
constexpr uint64_t kMaxHeaderSize = 100'000'000;

struct DTypeEntry {
    StDType dtype;
    const char* name;
    size_t size;
    c10::ScalarType scalar;
};

constexpr DTypeEntry kDTypes[] = {
    {StDType::F16, "F16", 2, c10::ScalarType::Half},
    {StDType::BF16, "BF16", 2, c10::ScalarType::BFloat16},
    {StDType::F32, "F32", 4, c10::ScalarType::Float},
    {StDType::F64, "F64", 8, c10::ScalarType::Double},
    {StDType::I64, "I64", 8, c10::ScalarType::Long},
    {StDType::I32, "I32", 4, c10::ScalarType::Int},
    {StDType::I16, "I16", 2, c10::ScalarType::Short},
    {StDType::I8, "I8", 1, c10::ScalarType::Char},
    {StDType::U8, "U8", 1, c10::ScalarType::Byte},
    {StDType::BOOL, "BOOL", 1, c10::ScalarType::Bool},
};

const DTypeEntry& entry(StDType dtype) {
    for (const auto& e : kDTypes)
        if (e.dtype == dtype) return e;
    throw Error("safetensors", "invalid StDType value");
}

const DTypeEntry* entry_by_name(const std::string& name) {
    for (const auto& e : kDTypes)
        if (name == e.name) return &e;
    return nullptr;
}

const DTypeEntry* entry_by_scalar(c10::ScalarType scalar) {
    for (const auto& e : kDTypes)
        if (e.scalar == scalar) return &e;
    return nullptr;
}

std::string tensor_where(const std::string& path, const std::string& name) {
    return path + " [" + name + "]";
}

std::string errno_text(int err) {
    return std::strerror(err);
}

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

// Closes a file descriptor on scope exit unless released.
struct FdGuard {
    int fd = -1;
    ~FdGuard() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

const char* to_string(StDType dtype) {
    return entry(dtype).name;
}
size_t item_size(StDType dtype) {
    return entry(dtype).size;
}

struct SafeTensorsFile::Impl {
    std::string path;
    void* mapping = nullptr;
    size_t file_size = 0;
    uint64_t data_start = 0;          // 8 + header length
    std::vector<StTensorInfo> infos;  // sorted by name
    std::unordered_map<std::string, size_t> index;
    std::map<std::string, std::string> metadata;

    ~Impl() {
        if (mapping) ::munmap(mapping, file_size);
    }

    const uint8_t* bytes() const { return static_cast<const uint8_t*>(mapping); }

    void map_file();
    void parse_header();
    StTensorInfo parse_entry(const std::string& name, const nlohmann::json& value,
                             uint64_t data_size) const;
    void parse_metadata(const nlohmann::json& value);
    void check_overlaps() const;
    const StTensorInfo& require(const std::string& name) const;
};

void SafeTensorsFile::Impl::map_file() {
    FdGuard file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (file.fd < 0) throw Error(path, "cannot open safetensors file: " + errno_text(errno));
    struct stat st {};
    if (::fstat(file.fd, &st) != 0) throw Error(path, "cannot stat file: " + errno_text(errno));
    if (!S_ISREG(st.st_mode)) throw Error(path, "not a regular file");
    file_size = static_cast<size_t>(st.st_size);
    if (file_size < 8)
        throw Error(path, "file too small for a safetensors header: " + std::to_string(file_size) +
                              " bytes (need at least 8)");
    void* m = ::mmap(nullptr, file_size, PROT_READ, MAP_PRIVATE, file.fd, 0);
    if (m == MAP_FAILED) throw Error(path, "cannot memory-map file: " + errno_text(errno));
    mapping = m;
}

void SafeTensorsFile::Impl::parse_header() {
    uint64_t header_size = 0;
    std::memcpy(&header_size, bytes(), 8);  // little-endian u64
    if (header_size > kMaxHeaderSize)
        throw Error(path, "header length " + std::to_string(header_size) +
                              " exceeds the 100000000-byte limit (not a safetensors file?)");
    if (header_size > file_size - 8)
        throw Error(path, "header length " + std::to_string(header_size) +
                              " is larger than the file (" + std::to_string(file_size) +
                              " bytes; truncated file?)");
    data_start = 8 + header_size;
    const uint64_t data_size = file_size - data_start;

    const char* text = reinterpret_cast<const char*>(bytes() + 8);
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(text, text + header_size);
    } catch (const nlohmann::json::exception& e) {
        throw Error(path, std::string("header is not valid JSON: ") + e.what());
    }
    if (!header.is_object())
        throw Error(path,
                    std::string("header JSON is not an object (it is ") + header.type_name() + ")");

    for (const auto& [name, value] : header.items()) {
        if (name == "__metadata__") {
            parse_metadata(value);
            continue;
        }
        infos.push_back(parse_entry(name, value, data_size));
    }
    // nlohmann's object is a std::map, so infos are already sorted by name; index them.
    for (size_t i = 0; i < infos.size(); ++i) index.emplace(infos[i].name, i);
    check_overlaps();
}

void SafeTensorsFile::Impl::parse_metadata(const nlohmann::json& value) {
    if (!value.is_object())
        throw Error(path, std::string("__metadata__ must be an object of strings, got ") +
                              value.type_name());
    for (const auto& [key, item] : value.items()) {
        if (!item.is_string())
            throw Error(path, "__metadata__ value of '" + key + "' must be a string, got " +
                                  item.type_name());
        metadata.emplace(key, item.get<std::string>());
    }
}

StTensorInfo SafeTensorsFile::Impl::parse_entry(const std::string& name,
                                                const nlohmann::json& value,
                                                uint64_t data_size) const {
    const std::string where = tensor_where(path, name);
    if (!value.is_object())
        throw Error(where, std::string("tensor entry must be an object, got ") + value.type_name());

    StTensorInfo info;
    info.name = name;

    auto dtype_it = value.find("dtype");
    if (dtype_it == value.end() || !dtype_it->is_string())
        throw Error(where, "missing or non-string 'dtype'");
    const DTypeEntry* dtype = entry_by_name(dtype_it->get<std::string>());
    if (!dtype) throw Error(where, "unknown dtype '" + dtype_it->get<std::string>() + "'");
    info.dtype = dtype->dtype;

    auto shape_it = value.find("shape");
    if (shape_it == value.end() || !shape_it->is_array())
        throw Error(where, "missing or non-array 'shape'");
    uint64_t elements = 1;
    bool overflow = false;
    for (const auto& dim : *shape_it) {
        if (dim.is_number_integer() && !dim.is_number_unsigned())
            throw Error(where, "negative shape entry " + dim.dump() + " in " + shape_it->dump());
        if (!dim.is_number_unsigned())
            throw Error(where,
                        "shape entry " + dim.dump() + " is not an integer in " + shape_it->dump());
        const uint64_t d = dim.get<uint64_t>();
        if (d > static_cast<uint64_t>(INT64_MAX))
            throw Error(where, "shape entry " + dim.dump() + " is too large");
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

void SafeTensorsFile::Impl::check_overlaps() const {
    std::vector<const StTensorInfo*> by_offset;
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

const StTensorInfo& SafeTensorsFile::Impl::require(const std::string& name) const {
    auto it = index.find(name);
    if (it == index.end()) throw Error(path, "no tensor named '" + name + "'");
    return infos[it->second];
}

std::shared_ptr<SafeTensorsFile> SafeTensorsFile::open(const std::string& path) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->map_file();
    impl->parse_header();
    return std::shared_ptr<SafeTensorsFile>(new SafeTensorsFile(std::move(impl)));
}

SafeTensorsFile::SafeTensorsFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SafeTensorsFile::~SafeTensorsFile() = default;

const std::vector<StTensorInfo>& SafeTensorsFile::infos() const {
    return impl_->infos;
}

const StTensorInfo* SafeTensorsFile::info(const std::string& name) const {
    auto it = impl_->index.find(name);
    return it == impl_->index.end() ? nullptr : &impl_->infos[it->second];
}

const std::map<std::string, std::string>& SafeTensorsFile::metadata() const {
    return impl_->metadata;
}

const std::string& SafeTensorsFile::path() const {
    return impl_->path;
}

std::vector<std::string> SafeTensorsFile::names() const {
    std::vector<std::string> result;
    result.reserve(impl_->infos.size());
    for (const auto& info : impl_->infos) result.push_back(info.name);
    return result;
}

bool SafeTensorsFile::contains(const std::string& name) const {
    return impl_->index.count(name) != 0;
}

std::vector<int64_t> SafeTensorsFile::shape(const std::string& name) const {
    return impl_->require(name).shape;
}

at::Tensor SafeTensorsFile::load(const std::string& name, std::optional<c10::ScalarType> dtype,
                                 c10::Device device) const {
    const StTensorInfo& info = impl_->require(name);
    const DTypeEntry& stored = entry(info.dtype);
    const uint8_t* source = impl_->bytes() + impl_->data_start + info.begin;
    const size_t size = info.end - info.begin;
    try {
        if (info.dtype == StDType::BOOL &&
            std::any_of(source, source + size, [](uint8_t b) { return b > 1; }))
            throw Error(tensor_where(impl_->path, name), "BOOL tensor holds bytes other than 0/1");
        // The result must own its memory (the mapping goes away with the file), so the first
        // operation always copies. Aligned data is read straight from the mapping by that copy
        // (one pass over the bytes); unaligned data is memcpy'd out first. Moving to the device
        // before converting sends fp16 over PCIe, not fp32.
        at::Tensor tensor;
        const at::TensorOptions stored_options = at::TensorOptions().dtype(stored.scalar);
        if (reinterpret_cast<uintptr_t>(source) % stored.size == 0) {
            const at::Tensor mapped =
                at::from_blob(const_cast<uint8_t*>(source), info.shape, stored_options);
            if (!device.is_cpu())
                tensor = mapped.to(device, stored.scalar, /*non_blocking=*/false, /*copy=*/true);
            else if (dtype && *dtype != stored.scalar)
                tensor = mapped.to(*dtype);  // a different dtype is always a new tensor
            else
                tensor = mapped.clone();
        } else {
            tensor = at::empty(info.shape, stored_options);
            if (size) std::memcpy(tensor.data_ptr(), source, size);
            if (!device.is_cpu()) tensor = tensor.to(device);
        }
        if (dtype && *dtype != tensor.scalar_type()) tensor = tensor.to(*dtype);
        return tensor;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(tensor_where(impl_->path, name),
                    std::string("cannot load tensor: ") + e.what());
    }
}

std::string SafeTensorsFile::describe() const {
    return impl_->path;
}

// ---------------------------------------------------------------------------------------------
// Writing

namespace {

struct PreparedTensor {
    std::string name;
    const DTypeEntry* dtype;
    at::Tensor data;  // CPU, contiguous
};

std::vector<PreparedTensor> prepare(
    const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors) {
    std::vector<PreparedTensor> prepared;
    std::map<std::string, int> seen;
    for (const auto& [name, tensor] : tensors) {
        const std::string where = tensor_where(path, name);
        if (name == "__metadata__") throw Error(where, "tensor name is reserved");
        if (!seen.emplace(name, 0).second) throw Error(where, "duplicate tensor name");
        if (!tensor.defined()) throw Error(where, "tensor is undefined");
        const DTypeEntry* dtype = entry_by_scalar(tensor.scalar_type());
        if (!dtype)
            throw Error(where, std::string("dtype ") + c10::toString(tensor.scalar_type()) +
                                   " cannot be stored in safetensors");
        prepared.push_back({name, dtype, tensor.detach().to(at::kCPU).contiguous()});
    }
    // Like the reference writer: larger items first, then by name, so every tensor stays aligned
    // to its item size when the header is 8-aligned.
    std::stable_sort(prepared.begin(), prepared.end(), [](const auto& a, const auto& b) {
        return a.dtype->size != b.dtype->size ? a.dtype->size > b.dtype->size : a.name < b.name;
    });
    return prepared;
}

std::string build_header(const std::vector<PreparedTensor>& tensors,
                         const std::map<std::string, std::string>& metadata) {
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    uint64_t offset = 0;
    for (const auto& t : tensors) {
        const uint64_t size = static_cast<uint64_t>(t.data.numel()) * t.dtype->size;
        header[t.name] = {{"dtype", t.dtype->name},
                          {"shape", t.data.sizes().vec()},
                          {"data_offsets", {offset, offset + size}}};
        offset += size;
    }
    std::string text = header.dump();
    // Pad with spaces so the data section starts 8-byte aligned (as the reference does).
    text.append((8 - text.size() % 8) % 8, ' ');
    return text;
}

}  // namespace

void save_safetensors(const std::string& path,
                      const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    std::vector<PreparedTensor> prepared;
    try {
        prepared = prepare(path, tensors);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(path, std::string("cannot prepare tensors: ") + e.what());
    }
    const std::string header = build_header(prepared, metadata);

    AtomicFile file(path);
    const uint64_t header_size = header.size();  // little-endian u64
    file.write(&header_size, 8);
    file.write(header.data(), header.size());
    for (const auto& t : prepared)
        file.write(t.data.data_ptr(), static_cast<size_t>(t.data.numel()) * t.dtype->size);
    file.commit();
}

}  // namespace lightning
