// UNet checkpoints kept ready for instant switching (the app's 1/2/4/8-step dropdown): each one
// used is kept as a copy on the device while a memory budget allows, else in pinned host memory
// (CUDA), else re-read from disk. Switching copies the cached weights into the one UNet module
// (a device-to-device copy of ~5 GB takes milliseconds), so the module's tensors keep their
// addresses and captured CUDA graphs stay valid.
#pragma once
#include "core/io/tensor_source.h"
#include "core/pipeline/load_options.h"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace torch::nn {
class Module;
}

namespace lightning {

// Where a checkpoint's weights came from when it was made active.
enum class CheckpointHome { Active, Device, PinnedHost, Host, Disk };
const char* to_string(CheckpointHome home);

struct CheckpointSwitch {
    std::string path;  // "" = the base model's own UNet
    CheckpointHome from = CheckpointHome::Active;
    double seconds = 0;
};

struct CachedCheckpoint {
    std::string path;
    CheckpointHome home = CheckpointHome::Disk;
    uint64_t bytes = 0;
};

class UnetCheckpoints {
public:
    // Opens a checkpoint file as the UNet's tensors (renaming other layouts).
    using Opener = std::function<std::shared_ptr<const TensorSource>(const std::string& path)>;

    // `base` holds the model's own UNet weights (a file or a single file's UNet part); null when
    // the model has none.
    // Rebuilds the module's conv_in for another number of input channels (inpainting UNets
    // take 9: [latents, mask, masked image latents]; the others 4).
    using SetInputChannels = std::function<void(int64_t channels)>;

    // `base` holds the model's own UNet weights (a file or a single file's UNet part); null when
    // the model has none. Without `set_input_channels` every checkpoint must match the module.
    UnetCheckpoints(torch::nn::Module& unet, c10::Device device,
                    std::shared_ptr<const TensorSource> base, Opener open_file,
                    CheckpointBudget budget = {}, SetInputChannels set_input_channels = {});

    // Makes `path` ("" = base) the module's weights. A file that is not a UNet of this model is
    // refused before anything changes, with an error saying what the file is instead (one with
    // the other number of input channels rebuilds conv_in first, so the module then holds no
    // valid checkpoint until the next activate()). If reading fails half-way the module holds no
    // valid checkpoint until the next activate().
    CheckpointSwitch activate(const std::string& path);

    // Reads `path` into the cache (if the budget allows) without activating it. Returns false
    // when there was no room.
    bool preload(const std::string& path);

    // The module's weights changed outside this class (LoRA fusing does not count: it is undone
    // before a switch): forget which checkpoint is active.
    void invalidate_active() { active_.reset(); }
    const std::optional<std::string>& active() const { return active_; }

    void set_budget(CheckpointBudget budget);
    std::vector<CachedCheckpoint> cached() const;
    void clear();

private:
    struct Entry {
        std::vector<at::Tensor> tensors;  // in module_tensors() order
        CheckpointHome home = CheckpointHome::Disk;
        uint64_t bytes = 0;
    };
    std::shared_ptr<const TensorSource> open(const std::string& path);
    void match_input_channels(int64_t channels);
    std::optional<CheckpointHome> room_for(uint64_t bytes) const;
    std::unique_ptr<Entry> read_entry(const TensorSource& source, CheckpointHome home) const;
    void copy_into_module(const Entry& entry);
    uint64_t used(CheckpointHome home) const;

    torch::nn::Module& unet_;
    c10::Device device_;
    std::shared_ptr<const TensorSource> base_;
    Opener open_file_;
    CheckpointBudget budget_;
    SetInputChannels set_input_channels_;
    uint64_t unet_bytes_ = 0;  // one checkpoint in the module's dtype
    std::map<std::string, std::unique_ptr<Entry>> entries_;
    std::optional<std::string> active_;
    bool module_filled_ = false;  // the module's weights were written once (memory committed)
};

}  // namespace lightning
