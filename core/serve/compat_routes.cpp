// The routes other tools already speak: A1111's /sdapi/v1 (as Forge, SD.Next and
// stable-diffusion.cpp serve them) and OpenAI's /v1/images/generations.
#include "core/serve/http_routes.h"

#include "core/util/error.h"

#include <ctime>

namespace lightning::serve {
namespace {

// A1111's `info`: a JSON text with the request's values and each image's parameters text.
json a1111_info(const JobStatus& s) {
    const GenerationRequest& r = s.request;
    json seeds = json::array(), texts = json::array();
    for (const auto& image : s.images) {
        seeds.push_back(image.seed);
        texts.push_back(image.parameters);
    }
    return {{"prompt", r.prompt},
            {"negative_prompt", r.negative_prompt.value_or("")},
            {"seed", r.seed},
            {"all_seeds", seeds},
            {"width", r.width},
            {"height", r.height},
            {"steps", r.steps},
            {"cfg_scale", r.guidance},
            {"sampler_name", "Euler"},
            {"batch_size", r.batch},
            {"infotexts", texts},
            {"job", s.id},
            {"interrupted", s.state == JobState::Cancelled},
            {"warnings", s.warnings}};
}

}  // namespace

void HttpServer::Impl::txt2img(const httplib::Request& request, httplib::Response& response,
                               bool img2img) {
    const json body = parse_body(request);
    const JobStatus s = run_to_end(from_a1111(body, img2img, defaults(), random_seed()), request);
    if (s.state == JobState::Failed) throw HttpError{500, "generation failed: " + s.error};
    // Interrupted (/sdapi/v1/interrupt, shutdown): the images finished so far, as A1111 does.
    json images = json::array();
    if (!body.is_object() || body.value("send_images", true))
        for (const auto& image : s.images) images.push_back(base64_of(*image.png));
    send_json(response, 200,
              {{"images", images},
               {"parameters", body},
               {"info", a1111_info(s).dump(-1, ' ', false, json::error_handler_t::replace)},
               {"warnings", s.warnings}});
}

void HttpServer::Impl::progress(httplib::Response& response) const {
    const auto s = queue.latest_running();
    json current = nullptr;
    if (s && s->preview_png) current = base64_of(*s->preview_png);
    send_json(response, 200,
              {{"progress", s ? s->progress() : 0.0},
               {"eta_relative", s ? s->eta_seconds() : 0.0},
               {"state",
                {{"job", s ? s->id : ""},
                 {"job_count", queue.queued() + queue.running()},
                 {"sampling_step", s ? s->steps_done : 0},
                 {"sampling_steps", s ? s->total_steps : 0},
                 {"interrupted", false},
                 {"skipped", false}}},
               {"current_image", current},
               {"textinfo", nullptr}});
}

void HttpServer::Impl::get_options(httplib::Response& response) const {
    send_json(response, 200,
              {{"sd_model_checkpoint", options.model_name},
               {"lightning_steps", defaults().steps},
               {"lightning_available_steps", queue.engine().available_steps()}});
}

// The step checkpoint: "lightning_steps" is the step count of requests that name none (the
// engine switches checkpoints per request). Other A1111 options are ignored and named.
void HttpServer::Impl::set_options(const httplib::Request& request, httplib::Response& response) {
    const json body = parse_body(request);
    if (!body.is_object()) throw Error("body", "expected a JSON object of options");
    std::vector<std::string> ignored;
    for (const auto& [key, value] : body.items()) {
        if (key == "sd_model_checkpoint") {
            if (!value.is_string() || (value != options.model_name &&
                                       value.get<std::string>().rfind(options.model_name, 0)))
                throw HttpError{400, "sd_model_checkpoint: only '" + options.model_name +
                                         "' is loaded on this server"};
        } else if (key == "lightning_steps") {
            if (!value.is_number_integer()) throw Error(key, "expected a whole number");
            const int steps = value.get<int>();
            const auto available = queue.engine().available_steps();
            if (!available.empty() &&
                std::find(available.begin(), available.end(), steps) == available.end())
                throw Error(key, "no Lightning checkpoint for " + std::to_string(steps) + " steps");
            const std::lock_guard lock(defaults_mutex);
            options.defaults.steps = steps;
        } else {
            ignored.push_back(key);
        }
    }
    json out = json::object();
    if (!ignored.empty()) out["warnings"] = {"ignored options: " + json(ignored).dump()};
    send_json(response, 200, out);
}

void HttpServer::Impl::add_a1111_routes() {
    server.Post("/sdapi/v1/txt2img", guarded([this](const auto& request, auto& response) {
                    txt2img(request, response, false);
                }));
    server.Post("/sdapi/v1/img2img", guarded([this](const auto& request, auto& response) {
                    txt2img(request, response, true);
                }));
    server.Get("/sdapi/v1/progress",
               guarded([this](const auto&, auto& response) { progress(response); }));
    server.Post("/sdapi/v1/interrupt", guarded([this](const auto&, auto& response) {
                    send_json(response, 200, {{"interrupted", queue.cancel_running()}});
                }));
    server.Get("/sdapi/v1/sd-models", guarded([this](const auto&, auto& response) {
                   const json model = {{"title", options.model_name},
                                       {"model_name", options.model_name},
                                       {"hash", nullptr},
                                       {"sha256", nullptr},
                                       {"filename", options.model_name},
                                       {"config", nullptr}};
                   send_json(response, 200, json::array({model}));
               }));
    server.Get("/sdapi/v1/options",
               guarded([this](const auto&, auto& response) { get_options(response); }));
    server.Post("/sdapi/v1/options", guarded([this](const auto& request, auto& response) {
                    set_options(request, response);
                }));
}

// OpenAI's errors are {"error": {"message", "type"}}: its clients read error.message.
void HttpServer::Impl::openai_generate(const httplib::Request& request,
                                       httplib::Response& response) {
    const auto fail = [&](int status, const std::string& message) {
        send_json(response, status,
                  {{"error", {{"message", message}, {"type", "invalid_request_error"}}}});
    };
    JobStatus s;
    try {
        s = run_to_end(from_openai(parse_body(request), defaults(), random_seed()), request);
    } catch (const Error& e) {
        return fail(400, queue.redacted(e.what()));
    } catch (const HttpError& e) {
        return fail(e.status, e.message);
    } catch (const QueueFull& e) {
        return fail(503, e.what());
    } catch (const ShuttingDown& e) {
        return fail(503, e.what());
    }
    if (s.state == JobState::Failed) return fail(500, "generation failed: " + s.error);
    if (s.state == JobState::Cancelled) return fail(503, "cancelled before it finished");
    json data = json::array();
    for (const auto& image : s.images)
        data.push_back({{"b64_json", base64_of(*image.png)}, {"revised_prompt", s.request.prompt}});
    send_json(response, 200, {{"created", int64_t(std::time(nullptr))}, {"data", data}});
}

void HttpServer::Impl::add_openai_routes() {
    server.Post("/v1/images/generations", guarded([this](const auto& request, auto& response) {
                    openai_generate(request, response);
                }));
}

}  // namespace lightning::serve
