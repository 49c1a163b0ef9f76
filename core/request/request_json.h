// The one JSON form of a generation request, next to the `parameters` codec (parameters.h): batch
// manifests (`lightning batch`, one object per line), `lightning info --json`, the app's saved
// queue and gallery index, and the golden harness's cases. Keys are the request record's field
// names:
//   {"prompt": "a lighthouse", "negative_prompt": "fog", "steps": 4, "guidance": 0,
//    "width": 1024, "height": 1024, "seed": 42, "batch": 1, "clip_skip": 0,
//    "unet_file": "x.safetensors", "prediction": "sample", "timestep_spacing": "trailing",
//    "loras": [{"path": "style.safetensors", "scale": 0.8}], "prompt_syntax": "a1111",
//    "embeddings": [{"path": "emb.safetensors", "token": "emb"}], "vae_tiling": "auto",
//    "init_image": "in.png", "strength": 0.5, "fit": "resize", "mask": "mask.png",
//    "mask_blur": 4, "outpaint": [0, 64, 128, 0], "keep_unmasked": false,
//    "prompt_template": "a {red|blue} __animal__", "negative_template": null,
//    "wildcards": "wildcards/",   (dynamic prompts: core/request/wildcards.h)
//    "variation_seed": 7, "variation_strength": 0.3, "seed_resize_from": [768, 768]}
// plus the spellings of the CLI and the PNG text: "negative" (= negative_prompt), "unet"
// (= unet_file), "size": "1024x1024" or [1024, 1024] (= width and height; "seed_resize_from"
// takes both forms too), LoRAs as
// "FILE[:SCALE]" and embeddings as "FILE[:TOKEN]" strings, seeds as decimal strings (exact in
// every JSON reader). Ranges are not checked here: that is limits::validate's job. Text is parsed
// with parse_bounded_json(..., DuplicateKeys::Reject) (core/util/bounded_json.h): a key given
// twice is an error there, as a parsed object no longer shows it.
#pragma once
#include "core/request/parameters.h"
#include "core/request/request.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace lightning {

struct RequestJsonOptions {
    // Folder that relative file paths (unet_file, loras, embeddings, wildcards) are resolved
    // against, e.g. a manifest's folder; "" keeps them as written.
    std::string relative_to;
};

// The request `object` describes: its keys replace those fields of `defaults` (a list such as
// "loras" replaces the default list). Throws lightning::Error(key, message) for a key the
// request has no field for, a value of the wrong JSON type, or text that names no known value
// (e.g. "prompt_syntax": "markdown"); `object` must be a JSON object.
GenerationRequest request_from_json(const nlohmann::json& object, const GenerationRequest& defaults,
                                    const RequestJsonOptions& options = {});

// Every field, optional ones as null when unset, so that request_from_json reads back the same
// request whatever the defaults. record_trace is left out: it is a switch of one run (the golden
// harness's), not a setting a stored request should bring back.
nlohmann::json request_to_json(const GenerationRequest& request);

// An image's record (what its PNG's `parameters` say) as JSON, as `lightning info --json` prints
// it and the gallery index keeps it: the request's object above, each LoRA and embedding object
// with the "name" and "hash" of its file, plus "model", "unet" and "vae" as {"name", "hash"},
// "init_image_file" and "mask_file" as {"name", "hash"}, "sampler", "version" and
// "extra" (keys the parameters codec does not know, as [key, value] pairs in their order). A record
// whose loras and embeddings lists match the request's (as parse_parameters makes them) reads back
// equal. Throws lightning::Error as request_from_json.
nlohmann::json record_to_json(const ImageRecord& record);
ImageRecord record_from_json(const nlohmann::json& object);

// The keys request_from_json reads, for messages and documentation.
const std::vector<std::string>& request_json_keys();

}  // namespace lightning
