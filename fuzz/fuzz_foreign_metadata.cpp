// Other tools' metadata (core/request/foreign_metadata.h) on arbitrary entry text: the first byte
// picks the entry (ComfyUI prompt or workflow, InvokeAI invokeai_metadata or sd-metadata, a
// Fooocus JSON parameters), the rest is its text. Invariants: only lightning::Error (graphs that
// are broken, deep, huge or cyclic included; no hang past the per-input timeout); a record names
// only mapped fields of the canonical list, and writes out as parameters text that reads back.
#include "core/request/foreign_metadata.h"
#include "core/util/error.h"
#include "fuzz_support.h"

#include <set>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const auto& keys = lightning::foreign_metadata_keys();
    const std::string key = keys[data[0] % keys.size()];
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        const auto found = lightning::read_foreign_metadata({{key, text}});
        if (!found) return 0;
        static const std::set<std::string> fields = {
            "Prompt", "Negative prompt", "Seed",  "Steps", "CFG scale",
            "Size",   "Model",           "LoRAs", "VAE",   "Sampler"};
        for (const auto& name : found->mapped)
            fuzz::require(fields.count(name) > 0, "a mapped field outside the list");
        fuzz::require(found->record.loras.size() == found->record.request.loras.size(),
                      "one identity per LoRA");
        const std::string written = lightning::format_parameters(found->record);
        fuzz::require(lightning::parse_parameters(written).has_value(),
                      "the record's parameters text reads back");
    } catch (const lightning::Error&) {
    }
    return 0;
}
