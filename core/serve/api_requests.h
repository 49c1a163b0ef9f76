// What clients of `lightning serve` send, read into the one request record: A1111's txt2img and
// img2img bodies, OpenAI's images.generations, and the native job (the request JSON of
// core/request/request_json.h). Pure functions of the JSON (the seed a client leaves to chance
// is passed in), so tests and the request fuzzer run them without a server. Ranges are checked
// later, by limits::validate and the engine, as for every other way in.
#pragma once
#include "core/request/request.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace lightning::serve {

// Bytes of the images a client sent as base64 (img2img's input and mask); empty: none.
struct ClientImages {
    std::vector<unsigned char> init_image;
    std::vector<unsigned char> mask;
};

struct ApiRequest {
    GenerationRequest request;
    ClientImages images;
    std::vector<std::string> warnings;  // fields ignored or approximated, each named
    // img2img without width and height: the input image's size (rounded down to 8), as A1111's
    // clients expect when they send none.
    bool size_from_input = false;
};

// A1111's /sdapi/v1/txt2img (img2img false) and /sdapi/v1/img2img bodies. `random_seed` is used
// for seed -1 or none. Unknown fields are ignored and named in one warning. Throws
// lightning::Error(field, ...) for a value of the wrong type or one with no equivalent here.
ApiRequest from_a1111(const nlohmann::json& body, bool img2img, const GenerationRequest& defaults,
                      uint64_t random_seed);

// OpenAI's /v1/images/generations: prompt, n, size "WxH", response_format "b64_json" (a "url"
// is refused: the server keeps no images), plus our fields negative_prompt, steps, seed and
// guidance (OpenAI's clients pass extra body fields through).
ApiRequest from_openai(const nlohmann::json& body, const GenerationRequest& defaults,
                       uint64_t random_seed);

// The native job: the request JSON (request_json.h) with init_image_base64 / mask_base64 in
// place of file paths; no seed means `random_seed`.
ApiRequest from_native(const nlohmann::json& body, const GenerationRequest& defaults,
                       uint64_t random_seed);

// Throws lightning::Error(field, ...) when the request names a file on the server (UNet, LoRA,
// embedding, upscaler model, input image or mask path): clients may name none in this version.
void refuse_server_paths(const GenerationRequest& request);

// ".png", ".jpg" or ".webp" from the bytes' signature; throws lightning::Error(where, ...) for
// anything else (the image is then never written or decoded).
std::string image_extension(const std::vector<unsigned char>& bytes, const std::string& where);

// A base64 image as clients send it, with or without a "data:image/...;base64," prefix.
std::vector<unsigned char> decode_image_base64(const std::string& text, const std::string& where);

}  // namespace lightning::serve
