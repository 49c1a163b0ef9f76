#include "core/serve/api_requests.h"

#include "core/request/limits.h"
#include "core/request/request_json.h"
#include "core/util/base64.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <tuple>

namespace lightning::serve {
namespace {

using nlohmann::json;

// A request body's fields, read one by one; what was never asked for is unused().
class Fields {
public:
    explicit Fields(const json& body) : body_(body) {
        if (!body.is_object()) throw Error("body", "expected a JSON object");
    }

    // The value of `key`, or null when it is absent or JSON null (clients send null for unset).
    const json* get(const char* key) {
        used_.insert(key);
        const auto it = body_.find(key);
        return it == body_.end() || it->is_null() ? nullptr : &*it;
    }
    std::optional<std::string> text(const char* key) {
        const json* v = get(key);
        if (!v) return std::nullopt;
        if (!v->is_string()) throw Error(key, "expected a string");
        return v->get<std::string>();
    }
    std::optional<double> number(const char* key) {
        const json* v = get(key);
        if (!v) return std::nullopt;
        if (!v->is_number()) throw Error(key, "expected a number");
        return v->get<double>();
    }
    // Whole numbers; 4.0 is 4 (JavaScript clients send floats), 4.5 is an error.
    std::optional<int64_t> whole(const char* key) {
        const auto value = number(key);
        if (!value) return std::nullopt;
        if (std::floor(*value) != *value || std::fabs(*value) > 9.007199254740991e15)
            throw Error(key, "expected a whole number");
        return int64_t(*value);
    }
    std::optional<int> integer(const char* key) {
        const auto value = whole(key);
        if (value && (*value < -1000000000 || *value > 1000000000))
            throw Error(key, "out of range");
        return value ? std::optional<int>(int(*value)) : std::nullopt;
    }
    std::optional<bool> flag(const char* key) {
        const json* v = get(key);
        if (!v) return std::nullopt;
        if (!v->is_boolean()) throw Error(key, "expected true or false");
        return v->get<bool>();
    }
    // "ignored fields: a, b" for every key no reader asked for; "" when none.
    std::string unused_warning() const {
        std::string names;
        for (const auto& [key, value] : body_.items())
            if (!used_.count(key)) names += (names.empty() ? "" : ", ") + key;
        return names.empty() ? "" : "ignored fields (no equivalent here): " + names;
    }

private:
    const json& body_;
    std::set<std::string> used_;
};

void add_warning(ApiRequest& out, const std::string& warning) {
    if (!warning.empty()) out.warnings.push_back(warning);
}

// A1111's seed: -1 (or none) = random, else the seed itself.
void read_seed(Fields& fields, GenerationRequest& request, uint64_t random_seed) {
    request.seed = random_seed;
    const auto seed = fields.whole("seed");
    if (!seed || *seed == -1) return;
    if (*seed < 0) throw Error("seed", "expected -1 (random) or a number from 0");
    request.seed = uint64_t(*seed);
}

void read_sampler(Fields& fields, ApiRequest& out) {
    for (const char* key : {"sampler_name", "sampler_index"}) {
        const json* v = fields.get(key);
        if (!v) continue;
        const std::string name = v->is_string() ? v->get<std::string>() : v->dump();
        if (name != "Euler" && name != "euler")
            add_warning(out, std::string(key) + " '" + name +
                                 "' ignored: Lightning Studio samples with Euler (trailing)");
    }
}

// batch_size x n_iter images, seeds seed, seed + 1, ... (as A1111 numbers them).
void read_batch(Fields& fields, GenerationRequest& request) {
    const int size = fields.integer("batch_size").value_or(1);
    const int iterations = fields.integer("n_iter").value_or(1);
    if (size < 1 || size > limits::kMaxBatch) throw Error("batch_size", "out of range");
    if (iterations < 1 || iterations > limits::kMaxBatch) throw Error("n_iter", "out of range");
    request.batch = size * iterations;
}

HiresUpscaler a1111_upscaler(const std::string& name) {
    if (name == "Latent") return HiresUpscaler::Latent;
    if (name == "Latent (nearest)" || name == "Latent (nearest-exact)")
        return HiresUpscaler::LatentNearest;
    if (name == "Lanczos") return HiresUpscaler::Lanczos;
    throw Error("hr_upscaler",
                "'" + name + "' is not available here (Latent, Latent (nearest), Lanczos)");
}

void read_hires(Fields& fields, GenerationRequest& request) {
    if (!fields.flag("enable_hr").value_or(false)) {
        for (const char* key : {"hr_scale", "hr_second_pass_steps", "hr_upscaler",
                                "denoising_strength", "hr_resize_x", "hr_resize_y"})
            fields.get(key);  // A1111 clients send them with enable_hr false: not "unknown"
        return;
    }
    request.hires.scale = fields.number("hr_scale").value_or(2.0);
    request.hires.steps = fields.integer("hr_second_pass_steps").value_or(0);
    if (const auto upscaler = fields.text("hr_upscaler"))
        request.hires.upscaler = a1111_upscaler(*upscaler);
    if (const auto strength = fields.number("denoising_strength"))
        request.hires.strength = *strength;
}

// Key "resize_mode": 0 just resize, 1 crop and resize, 2 resize and fill, 3 latent upscale.
void read_resize_mode(Fields& fields, ApiRequest& out) {
    const auto mode = fields.integer("resize_mode");
    if (!mode) return;
    static const ImageFit fits[] = {ImageFit::Resize, ImageFit::Crop, ImageFit::Pad,
                                    ImageFit::Resize};
    if (*mode < 0 || *mode > 3) throw Error("resize_mode", "expected 0, 1, 2 or 3");
    out.request.input.fit = fits[*mode];
    if (*mode == 2) add_warning(out, "resize_mode 2: the margins are padded, not filled");
    if (*mode == 3) add_warning(out, "resize_mode 3: resized in pixels, not in latents");
}

void read_img2img(Fields& fields, ApiRequest& out) {
    const json* images = fields.get("init_images");
    if (!images || !images->is_array() || images->empty() || !(*images)[0].is_string())
        throw Error("init_images", "expected a list with one base64 image");
    if (images->size() > 1) add_warning(out, "init_images: only the first image is used");
    out.images.init_image = decode_image_base64((*images)[0].get<std::string>(), "init_images[0]");
    if (const auto strength = fields.number("denoising_strength"))
        out.request.input.strength = *strength;
    if (const auto mask = fields.text("mask")) out.images.mask = decode_image_base64(*mask, "mask");
    if (const auto blur = fields.integer("mask_blur")) out.request.input.mask_blur = *blur;
    if (fields.integer("inpainting_mask_invert").value_or(0) != 0)
        throw Error("inpainting_mask_invert", "not supported: send the inverted mask");
    if (fields.get("inpainting_fill"))
        add_warning(out, "inpainting_fill ignored: the masked area starts from the input image");
    if (fields.flag("inpaint_full_res").value_or(false))
        add_warning(out, "inpaint_full_res ignored: the whole image is inpainted at its size");
    read_resize_mode(fields, out);
    out.request.input.keep_unmasked = false;
}

}  // namespace

ApiRequest from_a1111(const json& body, bool img2img, const GenerationRequest& defaults,
                      uint64_t random_seed) {
    Fields fields(body);
    ApiRequest out;
    GenerationRequest& request = out.request;
    request = defaults;
    if (const auto prompt = fields.text("prompt")) request.prompt = *prompt;
    if (const auto negative = fields.text("negative_prompt"))
        request.negative_prompt = negative->empty() ? std::nullopt : negative;
    if (const auto steps = fields.integer("steps")) request.steps = *steps;
    if (const auto cfg = fields.number("cfg_scale")) request.guidance = *cfg;
    const auto width = fields.integer("width"), height = fields.integer("height");
    if (width) request.width = *width;
    if (height) request.height = *height;
    out.size_from_input = img2img && !width && !height;
    read_seed(fields, request, random_seed);
    read_batch(fields, request);
    read_sampler(fields, out);
    fields.flag("send_images");  // read by the route
    if (fields.flag("save_images").value_or(false))
        add_warning(out, "save_images ignored: the server keeps no images");
    if (img2img)
        read_img2img(fields, out);
    else
        read_hires(fields, request);
    add_warning(out, fields.unused_warning());
    return out;
}

namespace {

std::pair<int, int> parse_size(const std::string& size) {
    const auto x = size.find('x');
    try {
        size_t end_w = 0, end_h = 0;
        if (x == std::string::npos) throw std::invalid_argument("no x");
        const int w = std::stoi(size.substr(0, x), &end_w);
        const int h = std::stoi(size.substr(x + 1), &end_h);
        if (end_w != x || end_h != size.size() - x - 1) throw std::invalid_argument("trailing");
        return {w, h};
    } catch (const std::exception&) {
        throw Error("size", "expected WIDTHxHEIGHT, e.g. \"1024x1024\"");
    }
}

}  // namespace

ApiRequest from_openai(const json& body, const GenerationRequest& defaults, uint64_t random_seed) {
    Fields fields(body);
    ApiRequest out;
    GenerationRequest& request = out.request;
    request = defaults;
    const auto prompt = fields.text("prompt");
    if (!prompt) throw Error("prompt", "required");
    request.prompt = *prompt;
    if (const auto n = fields.integer("n")) {
        if (*n < 1 || *n > limits::kMaxBatch)
            throw Error("n", "out of range (1 to " + std::to_string(limits::kMaxBatch) + ")");
        request.batch = *n;
    }
    if (const auto size = fields.text("size"))
        std::tie(request.width, request.height) = parse_size(*size);
    const std::string format = fields.text("response_format").value_or("b64_json");
    if (format == "url")
        throw Error("response_format",
                    "\"url\" is not supported: this server keeps no images; ask for \"b64_json\"");
    if (format != "b64_json") throw Error("response_format", "expected \"b64_json\"");
    if (const auto negative = fields.text("negative_prompt"))
        request.negative_prompt = negative->empty() ? std::nullopt : negative;
    if (const auto steps = fields.integer("steps")) request.steps = *steps;
    if (const auto guidance = fields.number("guidance")) request.guidance = *guidance;
    read_seed(fields, request, random_seed);
    for (const char* key : {"model", "quality", "style", "user"})
        if (fields.get(key)) add_warning(out, std::string(key) + " ignored");
    add_warning(out, fields.unused_warning());
    return out;
}

ApiRequest from_native(const json& body, const GenerationRequest& defaults, uint64_t random_seed) {
    if (!body.is_object()) throw Error("body", "expected a JSON object (a request)");
    ApiRequest out;
    json rest = body;
    for (const auto& [key, target] : {std::pair{"init_image_base64", &out.images.init_image},
                                      {"mask_base64", &out.images.mask}}) {
        const auto it = rest.find(key);
        if (it == rest.end()) continue;
        if (!it->is_string()) throw Error(key, "expected a base64 string");
        *target = decode_image_base64(it->get<std::string>(), key);
        rest.erase(key);
    }
    GenerationRequest start = defaults;
    start.seed = random_seed;
    out.request = request_from_json(rest, start);
    refuse_server_paths(out.request);
    return out;
}

void refuse_server_paths(const GenerationRequest& request) {
    const auto refuse = [](const char* field, const char* instead) {
        throw Error(field, std::string("file paths are not accepted from clients: ") + instead);
    };
    const char* model = "the server's model files are set when it starts";
    if (!request.unet_file.empty()) refuse("unet_file", model);
    if (!request.loras.empty()) refuse("loras", "LoRAs are not served in this version");
    if (!request.embeddings.empty())
        refuse("embeddings", "embeddings are not served in this version");
    if (!request.input.image.empty()) refuse("init_image", "send the image as init_image_base64");
    if (!request.input.mask.empty()) refuse("mask", "send the mask as mask_base64");
    if (request.hires.upscaler == HiresUpscaler::Model || !request.hires.upscaler_model.empty())
        refuse("hires_upscaler", "use latent, latent-nearest or lanczos");
    if (request.upscale.on()) refuse("upscale_model", "upscaler models are not served");
    if (!request.wildcards_dir.empty()) refuse("wildcards", "wildcard folders are not served");
}

std::string image_extension(const std::vector<unsigned char>& bytes, const std::string& where) {
    const auto starts = [&](std::string_view magic, size_t at = 0) {
        return bytes.size() >= at + magic.size() &&
               std::equal(
                   magic.begin(), magic.end(), bytes.begin() + long(at),
                   [](char a, unsigned char b) { return static_cast<unsigned char>(a) == b; });
    };
    if (starts("\x89PNG\r\n\x1a\n")) return ".png";
    if (starts("\xff\xd8\xff")) return ".jpg";
    if (starts("RIFF") && starts("WEBP", 8)) return ".webp";
    throw Error(where, "not a PNG, JPEG or WebP image");
}

std::vector<unsigned char> decode_image_base64(const std::string& text, const std::string& where) {
    std::string_view data = text;
    if (data.starts_with("data:")) {
        const auto comma = data.find(',');
        if (comma == std::string_view::npos) throw Error(where, "a data URL without data");
        data.remove_prefix(comma + 1);
    }
    auto bytes = base64_decode(data, where);
    if (bytes.empty()) throw Error(where, "empty image");
    return bytes;
}

}  // namespace lightning::serve
