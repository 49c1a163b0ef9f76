// The diffusers/transformers config readers on arbitrary file contents: every reader must either
// return a config or throw lightning::Error (any other exception escapes and is a finding).
#include "core/io/config.h"
#include "core/util/error.h"
#include "fuzz_support.h"

namespace {

template <class Reader>
void read_as(Reader reader, const std::string& path) {
    try {
        reader(path);
    } catch (const lightning::Error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static fuzz::MemoryFile file;
    const std::string& path = file.write(data, size);
    read_as(lightning::read_unet_config, path);
    read_as(lightning::read_vae_config, path);
    read_as(lightning::read_clip_text_config, path);
    read_as(lightning::read_scheduler_config, path);
    read_as(lightning::read_pipeline_index, path);
    return 0;
}
