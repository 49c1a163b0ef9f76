#include "core/pipeline/unet_checkpoints.h"

#include "core/convert/checkpoint_kind.h"
#include "core/io/safetensors.h"
#include "core/io/state_dict.h"
#include "core/util/devices.h"
#include "core/util/error.h"
#include "core/util/log.h"

#include <torch/torch.h>

#ifdef LIGHTNING_WITH_CUDA
#include <c10/cuda/CUDAFunctions.h>
#endif

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace lightning {
namespace {

constexpr uint64_t kGiB = uint64_t(1) << 30;
// Kept free on the device for activations, previews and the VAE (a 1024² fp16 decode peaks
// near 3 GiB) and on the host for the rest of the system.
constexpr uint64_t kDeviceReserve = 6 * kGiB;
constexpr uint64_t kHostReserve = 4 * kGiB;

std::vector<at::Tensor> module_tensors(torch::nn::Module& module) {
    std::vector<at::Tensor> tensors;
    for (const auto& item : module.named_parameters(true))
        if (item.value().defined()) tensors.push_back(item.value());
    for (const auto& item : module.named_buffers(true))
        if (item.value().defined()) tensors.push_back(item.value());
    return tensors;
}

std::vector<std::string> module_names(torch::nn::Module& module) {
    std::vector<std::string> names;
    for (const auto& item : module.named_parameters(true))
        if (item.value().defined()) names.push_back(item.key());
    for (const auto& item : module.named_buffers(true))
        if (item.value().defined()) names.push_back(item.key());
    return names;
}

uint64_t minus_reserve(uint64_t free, uint64_t reserve) {
    return free > reserve ? free - reserve : 0;
}

void synchronize(const c10::Device& device) {
#ifdef LIGHTNING_WITH_CUDA
    if (device.is_cuda()) c10::cuda::device_synchronize();
#else
    (void)device;
#endif
}

}  // namespace

namespace {
const std::string kConvIn = "conv_in.weight";
}  // namespace

const char* to_string(CheckpointHome home) {
    switch (home) {
        case CheckpointHome::Active:
            return "already active";
        case CheckpointHome::Device:
            return "device copy";
        case CheckpointHome::PinnedHost:
            return "pinned host copy";
        case CheckpointHome::Host:
            return "host copy";
        case CheckpointHome::Disk:
            break;
    }
    return "disk";
}

UnetCheckpoints::UnetCheckpoints(torch::nn::Module& unet, c10::Device device,
                                 std::shared_ptr<const TensorSource> base, Opener open_file,
                                 CheckpointBudget budget, SetInputChannels set_input_channels)
    : unet_(unet),
      device_(device),
      base_(std::move(base)),
      open_file_(std::move(open_file)),
      budget_(budget),
      set_input_channels_(std::move(set_input_channels)) {
    for (const auto& t : module_tensors(unet_)) unet_bytes_ += uint64_t(t.nbytes());
}

// The module's conv_in.weight is [out, in, k, k].
void UnetCheckpoints::match_input_channels(int64_t channels) {
    const auto names = module_names(unet_);
    const auto at = std::find(names.begin(), names.end(), kConvIn);
    if (!set_input_channels_ || at == names.end()) return;
    const auto current = module_tensors(unet_)[size_t(at - names.begin())].size(1);
    if (channels == current || (channels != 4 && channels != 9)) return;
    set_input_channels_(channels);
    active_.reset();  // conv_in's weights are gone with the old layer
}

std::shared_ptr<const TensorSource> UnetCheckpoints::open(const std::string& path) {
    if (path.empty()) {
        if (!base_)
            throw Error("unet",
                        "the base model has no UNet weights (unet/diffusion_pytorch_model"
                        ".safetensors); choose a step count with a Lightning checkpoint");
        return base_;
    }
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) throw Error(path, "UNet file not found");
    const auto raw = SafeTensorsFile::open(path);
    const auto file = open_file_ ? open_file_(path) : raw;
    if (file->contains(kConvIn)) {
        const auto shape = file->shape(kConvIn);
        if (shape.size() == 4) match_input_channels(shape[1]);
    }
    // Names first: a LoRA or a whole single-file checkpoint in the UNet's place is named as
    // such, instead of as hundreds of missing and unexpected tensors.
    const auto report = check_state_dict(unet_, *file);
    if (!report.ok()) {
        const auto kind = classify_checkpoint(*raw);
        if (kind != CheckpointKind::DiffusersUNet && kind != CheckpointKind::Unknown)
            throw Error(path, std::string("this is ") + describe(kind) + ", not a UNet; " +
                                  where_it_belongs(kind));
        throw Error(path, report.summary());
    }
    return file;
}

std::optional<CheckpointHome> UnetCheckpoints::room_for(uint64_t bytes) const {
    const bool cuda = device_.is_cuda();
    // Copies already made count as available to the budget (they are the budget's own use).
    const uint64_t cached = cuda ? used(CheckpointHome::Device) : used(CheckpointHome::Host);
    // On the CPU the module's own weights take memory only once written: before the first
    // checkpoint fills them, what is free now must also hold them.
    const uint64_t module_to_come = !cuda && !module_filled_ ? unet_bytes_ : 0;
    const uint64_t device_budget = budget_.device_bytes.value_or(
        minus_reserve(free_memory(device_.str()) + cached,
                      (cuda ? kDeviceReserve : kHostReserve) + module_to_come));
    if (used(CheckpointHome::Device) + used(CheckpointHome::Host) + bytes <= device_budget)
        return cuda ? CheckpointHome::Device : CheckpointHome::Host;
    if (!cuda) return std::nullopt;
    const uint64_t host_budget = budget_.host_bytes.value_or(
        minus_reserve(host_available_memory() + used(CheckpointHome::PinnedHost), kHostReserve));
    if (used(CheckpointHome::PinnedHost) + bytes <= host_budget) return CheckpointHome::PinnedHost;
    return std::nullopt;
}

uint64_t UnetCheckpoints::used(CheckpointHome home) const {
    uint64_t total = 0;
    for (const auto& [path, entry] : entries_)
        if (entry->home == home) total += entry->bytes;
    return total;
}

std::unique_ptr<UnetCheckpoints::Entry> UnetCheckpoints::read_entry(const TensorSource& source,
                                                                    CheckpointHome home) const {
    auto entry = std::make_unique<Entry>();
    entry->home = home;
    const auto names = module_names(unet_);
    const auto targets = module_tensors(unet_);
    for (size_t i = 0; i < names.size(); ++i) {
        const auto& target = targets[i];
        at::Tensor value =
            source.load(names[i], target.scalar_type(),
                        home == CheckpointHome::Device ? device_ : c10::Device(c10::kCPU));
        if (!all_finite(value))
            throw Error(source.describe() + " [" + names[i] + "]",
                        "contains NaN or infinite values (a damaged or diverged checkpoint)");
        if (home == CheckpointHome::PinnedHost) value = value.pin_memory();
        entry->bytes += uint64_t(value.nbytes());
        entry->tensors.push_back(std::move(value));
    }
    return entry;
}

void UnetCheckpoints::copy_into_module(const Entry& entry) {
    torch::NoGradGuard no_grad;
    const auto names = module_names(unet_);
    const auto conv_in = std::find(names.begin(), names.end(), kConvIn);
    if (conv_in != names.end())
        match_input_channels(entry.tensors[size_t(conv_in - names.begin())].size(1));
    const auto targets = module_tensors(unet_);
    const bool non_blocking = entry.home == CheckpointHome::PinnedHost;
    for (size_t i = 0; i < targets.size(); ++i) targets[i].copy_(entry.tensors[i], non_blocking);
    synchronize(device_);
}

CheckpointSwitch UnetCheckpoints::activate(const std::string& path) {
    CheckpointSwitch result{path, CheckpointHome::Active, 0};
    if (active_ && *active_ == path) return result;
    const auto start = std::chrono::steady_clock::now();
    if (const auto found = entries_.find(path); found != entries_.end()) {
        result.from = found->second->home;
        active_.reset();
        copy_into_module(*found->second);
    } else {
        const auto source = open(path);
        active_.reset();
        if (const auto home = room_for(unet_bytes_)) {
            auto entry = read_entry(*source, *home);
            copy_into_module(*entry);
            entries_[path] = std::move(entry);
        } else {
            load_state_dict(unet_, *source);  // strict, finite-checked, straight into the module
        }
        result.from = CheckpointHome::Disk;
    }
    active_ = path;
    module_filled_ = true;
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    log().info("UNet {} active in {:.3f} s (from {})", path.empty() ? "of the base model" : path,
               result.seconds, to_string(result.from));
    return result;
}

bool UnetCheckpoints::preload(const std::string& path) {
    if (entries_.count(path)) return true;
    const auto home = room_for(unet_bytes_);
    if (!home) return false;
    entries_[path] = read_entry(*open(path), *home);
    return true;
}

void UnetCheckpoints::set_budget(CheckpointBudget budget) {
    budget_ = budget;
    // Over the new budget: drop cached copies, largest-address order does not matter.
    while (!entries_.empty()) {
        const auto fits = [&] {
            if (!budget_.device_bytes) return true;
            return used(CheckpointHome::Device) + used(CheckpointHome::Host) <=
                   *budget_.device_bytes;
        };
        if (fits()) break;
        for (auto it = entries_.begin(); it != entries_.end(); ++it)
            if (it->second->home == CheckpointHome::Device ||
                it->second->home == CheckpointHome::Host) {
                entries_.erase(it);
                break;
            }
    }
}

std::vector<CachedCheckpoint> UnetCheckpoints::cached() const {
    std::vector<CachedCheckpoint> list;
    for (const auto& [path, entry] : entries_) list.push_back({path, entry->home, entry->bytes});
    return list;
}

void UnetCheckpoints::clear() {
    entries_.clear();
}

}  // namespace lightning
