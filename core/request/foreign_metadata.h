// Other tools' generation metadata in a PNG's text entries, read into the record the app fills
// from A1111 `parameters` text (core/request/parameters.h), so a ComfyUI, InvokeAI or Fooocus
// image shows its prompt in the gallery and a dropped one fills the form. One codec per format:
//   ComfyUI   `prompt`   the API graph {"id": {"class_type", "inputs"}} (comfyui_graph.cpp);
//             `workflow` the UI graph {"nodes", "links"}, read when there is no `prompt`: its
//                        common nodes' widget values are named as the API graph names them;
//   InvokeAI  `invokeai_metadata` (3.x and later, invokeai_metadata.cpp) and `sd-metadata`
//             (2.x);
//   Fooocus   `parameters` holding a JSON object (its "fooocus" scheme; fooocus_metadata.cpp).
//             Its "a1111" scheme is A1111 text, which the `parameters` codec reads.
// What maps goes into the record's request and identities; every other field of the tool is
// kept in `extra` as "Key: value" (with the tool's own key), so unused_settings() names it; a
// field the request needs but that the file does not give (a size taken from an input image, a
// prompt made of several texts) is kept under the request key ("Size", "Seed", ...), so
// unreadable_settings() names it and the form keeps its own value.
// These are users' files: malformed, deeply nested, huge or cyclic graphs give a
// lightning::Error naming the entry, never a crash or a hang.
#pragma once
#include "core/request/parameters.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lightning {

struct ForeignRecord {
    std::string tool;    // "ComfyUI", "InvokeAI", "Fooocus"
    std::string source;  // the entry read: "prompt", "workflow", "invokeai_metadata", ...
    ImageRecord record;  // record.version names the tool (and its version, when written)
    // What was taken over, in the record's terms ("Prompt", "Negative prompt", "Seed", "Steps",
    // "CFG scale", "Size", "Model", "LoRAs", "VAE", "Sampler"), in that order.
    std::vector<std::string> mapped;
};

// The text entry keywords the readers below take; a reader of PNG text asks for these too.
const std::vector<std::string>& foreign_metadata_keys();

// The first format found among `entries` (keyword -> text, as parse_png_text gives them): a
// ComfyUI `prompt`, else its `workflow`, else `invokeai_metadata`, `sd-metadata`, or a JSON
// `parameters`. nullopt when none is there (an A1111 text `parameters` is not this reader's).
// Throws lightning::Error("<entry> entry", reason) when the entry is there but cannot be read;
// a ComfyUI `prompt` that cannot be read falls back to the `workflow`, and the error names the
// `prompt` only when neither reads.
std::optional<ForeignRecord> read_foreign_metadata(
    const std::map<std::string, std::string>& entries);

// The readers of one entry's text each; they throw lightning::Error(entry, reason) as above.
ForeignRecord read_comfyui_prompt(const std::string& text);
ForeignRecord read_comfyui_workflow(const std::string& text);
ForeignRecord read_invokeai_metadata(const std::string& text);
ForeignRecord read_invokeai_sd_metadata(const std::string& text);
ForeignRecord read_fooocus_parameters(const std::string& text);

// The user's line for a foreign record: "Read from ComfyUI (prompt): Prompt, Negative prompt,
// Seed, ...". Whatever did not map is unused_settings() / unreadable_settings() of the record.
std::string foreign_summary(const ForeignRecord& foreign);

}  // namespace lightning
