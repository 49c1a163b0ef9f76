// What clients send `lightning serve` (core/serve/api_requests.h): a request body, parsed as the
// routes parse it (bounded depth, duplicate keys refused), then read as A1111's txt2img and
// img2img, OpenAI's images.generations and a native job. Only lightning::Error may come out
// (the routes answer it as a 400; anything else would be a 500 or a crash); a request any of
// them accepts names no server file and asks for at least one image.
#include "core/serve/api_requests.h"
#include "core/util/bounded_json.h"
#include "core/util/error.h"
#include "fuzz_support.h"

#include <functional>

namespace {

using lightning::serve::ApiRequest;

void check_accepted(const ApiRequest& api) {
    try {
        lightning::serve::refuse_server_paths(api.request);
    } catch (const lightning::Error&) {
        fuzz::require(false, "an accepted request names no server file");
    }
    fuzz::require(api.request.batch >= 1, "an accepted request asks for an image");
    for (const auto& warning : api.warnings) fuzz::require(!warning.empty(), "no empty warning");
}

void read_as(const std::function<ApiRequest()>& reader) {
    try {
        check_accepted(reader());
    } catch (const lightning::Error&) {
        // a 400 with its message: fine
    } catch (...) {
        fuzz::require(false, "only lightning::Error comes out of a body reader");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    nlohmann::json body;
    try {
        body = lightning::parse_bounded_json(text, "body", "the request body is no JSON",
                                             lightning::DuplicateKeys::Reject);
    } catch (const lightning::Error&) {
        return 0;
    } catch (...) {
        fuzz::require(false, "only lightning::Error comes out of the body parser");
    }
    static const lightning::GenerationRequest defaults;
    using namespace lightning::serve;
    read_as([&] { return from_a1111(body, false, defaults, 1234); });
    read_as([&] { return from_a1111(body, true, defaults, 1234); });
    read_as([&] { return from_openai(body, defaults, 1234); });
    read_as([&] { return from_native(body, defaults, 1234); });
    return 0;
}
