#include "core/io/safetensors.h"

#include "core/util/atomic_file.h"
#include "core/util/error.h"

#include <ATen/ATen.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <unordered_map>

namespace lightning {

namespace {

// How each safetensors dtype is held in libtorch.
struct DTypeScalar {
    StDType dtype;
    c10::ScalarType scalar;
};

constexpr DTypeScalar kDTypeScalars[] = {
    {StDType::F16, c10::ScalarType::Half},  {StDType::BF16, c10::ScalarType::BFloat16},
    {StDType::F32, c10::ScalarType::Float}, {StDType::F64, c10::ScalarType::Double},
    {StDType::I64, c10::ScalarType::Long},  {StDType::I32, c10::ScalarType::Int},
    {StDType::I16, c10::ScalarType::Short}, {StDType::I8, c10::ScalarType::Char},
    {StDType::U8, c10::ScalarType::Byte},   {StDType::BOOL, c10::ScalarType::Bool},
};

c10::ScalarType scalar_type_of(StDType dtype) {
    for (const auto& e : kDTypeScalars)
        if (e.dtype == dtype) return e.scalar;
    throw Error("safetensors", "invalid StDType value");
}

std::optional<StDType> dtype_of(c10::ScalarType scalar) {
    for (const auto& e : kDTypeScalars)
        if (e.scalar == scalar) return e.dtype;
    return std::nullopt;
}

std::string tensor_where(const std::string& path, const std::string& name) {
    return path + " [" + name + "]";
}

std::string errno_text(int err) {
    return std::strerror(err);
}

// Closes a file descriptor on scope exit unless released.
struct FdGuard {
    int fd = -1;
    ~FdGuard() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

struct SafeTensorsFile::Impl {
    std::string path;
    void* mapping = nullptr;
    size_t file_size = 0;
    SafeTensorsHeader header;
    std::unordered_map<std::string, size_t> index;  // name -> position in header.infos

    ~Impl() {
        if (mapping) ::munmap(mapping, file_size);
    }

    const uint8_t* bytes() const { return static_cast<const uint8_t*>(mapping); }

    // Lets the mapped pages of [begin, begin + size) go once their data has been copied: they
    // are clean file pages (read-only private mapping), so the kernel drops them from this
    // process's resident set and reads them again from the page cache if they are touched
    // again. Without this every tensor loaded keeps its file bytes resident beside the
    // converted copy until the file is closed (an fp16 UNet: 5 GB on top of its fp32 weights).
    void release(const uint8_t* begin, size_t size) const {
        static const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
        const uintptr_t start = reinterpret_cast<uintptr_t>(begin) & ~(page - 1);
        const uintptr_t end = (reinterpret_cast<uintptr_t>(begin) + size + page - 1) & ~(page - 1);
        if (end > start) ::madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED);
    }

    void map_file();
    void parse_header();
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
    header = parse_safetensors_header({bytes(), file_size}, path);
    for (size_t i = 0; i < header.infos.size(); ++i) index.emplace(header.infos[i].name, i);
}

const StTensorInfo& SafeTensorsFile::Impl::require(const std::string& name) const {
    auto it = index.find(name);
    if (it == index.end()) throw Error(path, "no tensor named '" + name + "'");
    return header.infos[it->second];
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
    return impl_->header.infos;
}

const StTensorInfo* SafeTensorsFile::info(const std::string& name) const {
    auto it = impl_->index.find(name);
    return it == impl_->index.end() ? nullptr : &impl_->header.infos[it->second];
}

const std::map<std::string, std::string>& SafeTensorsFile::metadata() const {
    return impl_->header.metadata;
}

const std::string& SafeTensorsFile::path() const {
    return impl_->path;
}

std::vector<std::string> SafeTensorsFile::names() const {
    std::vector<std::string> result;
    result.reserve(impl_->header.infos.size());
    for (const auto& info : impl_->header.infos) result.push_back(info.name);
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
    const c10::ScalarType stored = scalar_type_of(info.dtype);
    const size_t stored_size = item_size(info.dtype);
    const uint8_t* source = impl_->bytes() + impl_->header.data_start + info.begin;
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
        const at::TensorOptions stored_options = at::TensorOptions().dtype(stored);
        if (reinterpret_cast<uintptr_t>(source) % stored_size == 0) {
            const at::Tensor mapped =
                at::from_blob(const_cast<uint8_t*>(source), info.shape, stored_options);
            if (!device.is_cpu())
                tensor = mapped.to(device, stored, /*non_blocking=*/false, /*copy=*/true);
            else if (dtype && *dtype != stored)
                tensor = mapped.to(*dtype);  // a different dtype is always a new tensor
            else
                tensor = mapped.clone();
        } else {
            tensor = at::empty(info.shape, stored_options);
            if (size) std::memcpy(tensor.data_ptr(), source, size);
            if (!device.is_cpu()) tensor = tensor.to(device);
        }
        if (dtype && *dtype != tensor.scalar_type()) tensor = tensor.to(*dtype);
        impl_->release(source, size);
        return tensor;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(tensor_where(impl_->path, name),
                    std::string("cannot load tensor: ") + e.what());
    }
}

void SafeTensorsFile::load_into(const std::string& name, const at::Tensor& target) const {
    const StTensorInfo& info = impl_->require(name);
    const uint8_t* source = impl_->bytes() + impl_->header.data_start + info.begin;
    if (!target.device().is_cpu() || info.dtype == StDType::BOOL ||
        reinterpret_cast<uintptr_t>(source) % item_size(info.dtype) != 0) {
        TensorSource::load_into(name, target);  // checks and copies as load() does
        return;
    }
    if (!target.sizes().equals(info.shape))
        throw Error(tensor_where(impl_->path, name), "shape differs from the module's");
    try {
        target.copy_(at::from_blob(const_cast<uint8_t*>(source), info.shape,
                                   at::TensorOptions().dtype(scalar_type_of(info.dtype))));
    } catch (const std::exception& e) {
        throw Error(tensor_where(impl_->path, name),
                    std::string("cannot load tensor: ") + e.what());
    }
    impl_->release(source, info.end - info.begin);
}

std::string SafeTensorsFile::describe() const {
    return impl_->path;
}

// ---------------------------------------------------------------------------------------------
// Writing

namespace {

struct PreparedTensor {
    std::string name;
    StDType dtype;
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
        const std::optional<StDType> dtype = dtype_of(tensor.scalar_type());
        if (!dtype)
            throw Error(where, std::string("dtype ") + c10::toString(tensor.scalar_type()) +
                                   " cannot be stored in safetensors");
        prepared.push_back({name, *dtype, tensor.detach().to(at::kCPU).contiguous()});
    }
    // Like the reference writer: larger items first, then by name, so every tensor stays aligned
    // to its item size when the header is 8-aligned.
    std::stable_sort(prepared.begin(), prepared.end(), [](const auto& a, const auto& b) {
        const size_t a_size = item_size(a.dtype), b_size = item_size(b.dtype);
        return a_size != b_size ? a_size > b_size : a.name < b.name;
    });
    return prepared;
}

std::string build_header(const std::vector<PreparedTensor>& tensors,
                         const std::map<std::string, std::string>& metadata) {
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    uint64_t offset = 0;
    for (const auto& t : tensors) {
        const uint64_t size = static_cast<uint64_t>(t.data.numel()) * item_size(t.dtype);
        header[t.name] = {{"dtype", to_string(t.dtype)},
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
        file.write(t.data.data_ptr(), static_cast<size_t>(t.data.numel()) * item_size(t.dtype));
    file.commit();
}

}  // namespace lightning
