// `lightning serve` as other tools use it: plain `curl` against a server this test starts on
// 127.0.0.1 (the tiny fixture model). The A1111 routes return PNGs whose parameters regenerate
// the same pixels through `lightning generate`; the OpenAI route and the native jobs (events,
// cancel) answer as documented; the security cases are refused; a bounded load with cancels
// gives every accepted request exactly one answer; SIGTERM stops the server cleanly.
#include "core/image/png.h"
#include "core/request/parameters.h"
#include "core/util/base64.h"
#include "support/fixtures.h"
#include "support/http_client.h"

#include <QTemporaryDir>

#include <set>

using namespace lightning;
using namespace lightning::testing;
using nlohmann::json;

namespace {

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

QStringList model_args() {
    return {"--model", q(fixtures_dir() + "/tiny-sdxl"), "--lightning",
            q(fixtures_dir() + "/tiny-lightning")};
}

std::vector<unsigned char> bytes_of(const std::string& base64) {
    return base64_decode(base64, "test image");
}

std::string write_file(const QTemporaryDir& dir, const QString& name,
                       const std::vector<unsigned char>& bytes) {
    const std::string path = dir.filePath(name).toStdString();
    QFile file(q(path));
    file.open(QIODevice::WriteOnly);
    file.write(reinterpret_cast<const char*>(bytes.data()), qint64(bytes.size()));
    return path;
}

std::string read_bytes(const std::string& path) {
    QFile file(q(path));
    file.open(QIODevice::ReadOnly);
    return file.readAll().toStdString();
}

// The `parameters` chunk of a PNG given as bytes.
std::string parameters_of(const QTemporaryDir& dir, const std::vector<unsigned char>& png) {
    static int counter = 0;
    PngText text;
    read_png(write_file(dir, "params-" + QString::number(++counter) + ".png", png), &text);
    return text.entries.count("parameters") ? text.entries.at("parameters") : "";
}

// `lightning generate --from PNG` with the model (and extra files) given again: its pixels.
Image8 regenerated(const QTemporaryDir& dir, const std::string& from, const QStringList& extra) {
    static int counter = 0;
    const QString out = dir.filePath("regenerated-" + QString::number(++counter) + ".png");
    QProcess process;
    process.start(q(cli_path()), QStringList{"generate", "--from", q(from)} + model_args() + extra +
                                     QStringList{"--out", out, "--log-level", "warn"});
    process.waitForFinished(300000);
    if (process.exitCode() != 0) qWarning() << process.readAllStandardError();
    return read_png(out.toStdString());
}

bool same_pixels(const Image8& a, const Image8& b) {
    return a.width == b.width && a.height == b.height && a.rgb == b.rgb;
}

// Server-sent events as (name, data) pairs.
std::vector<std::pair<std::string, json>> parse_events(const std::string& text) {
    std::vector<std::pair<std::string, json>> events;
    std::string name;
    size_t at = 0;
    while (at < text.size()) {
        size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(at, end - at);
        at = end + 1;
        if (line.rfind("event: ", 0) == 0) name = line.substr(7);
        if (line.rfind("data: ", 0) == 0) events.emplace_back(name, json::parse(line.substr(6)));
    }
    return events;
}

}  // namespace

class TestServe : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    ServerProcess server_;

    HttpReply call(const QString& method, const QString& path, const json& body = nullptr,
                   const QStringList& headers = {}) {
        return HttpCall(dir_.path(), method, server_.url(path), body.is_null() ? "" : body.dump(),
                        headers)
            .finish();
    }
    HttpReply post(const QString& path, const json& body) { return call("POST", path, body); }

    json txt2img_body(uint64_t seed) {
        return {{"prompt", "a lighthouse at dusk"},
                {"steps", 4},
                {"cfg_scale", 0},
                {"width", 64},
                {"height", 64},
                {"seed", int64_t(seed)}};
    }

    // Long enough that a cancel, a hang-up or a signal lands before its end.
    static json long_job() {
        return {{"prompt", "a long job"}, {"steps", 8}, {"batch", 8}, {"size", "256x256"}};
    }

    // /health once nothing waits or runs on `server` (or it answers no more: then discarded).
    json health_when_idle(ServerProcess& server) {
        for (;;) {
            const json health = HttpCall(dir_.path(), "GET", server.url("/health")).finish().json();
            if (health.is_discarded() || (health["queued"] == 0 && health["running"] == 0))
                return health;
        }
    }

    // Until the running A1111 job has made its first step.
    void wait_for_first_step() {
        for (int polls = 0; polls < 100000; ++polls)
            if (call("GET", "/sdapi/v1/progress").json()["state"]["sampling_step"] != 0) return;
    }

    // `curl -N` on a job's event stream, read until its first progress event.
    void watch_until_first_step(QProcess& events, const QString& id, const QString& query = {}) {
        events.start("curl", {"-sS", "-N", server_.url("/v1/jobs/" + id + "/events" + query)});
        QByteArray seen;
        while (!seen.contains("event: progress") && events.state() != QProcess::NotRunning) {
            events.waitForReadyRead(100);
            seen += events.readAllStandardOutput();
        }
    }

    QString submit(const json& body) { return q(post("/v1/jobs", body).json()["id"]); }
    std::string state_of(const QString& id) {
        return call("GET", "/v1/jobs/" + id).json()["state"];
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QVERIFY2(server_.start(model_args() + QStringList{"--width", "64", "--height", "64",
                                                          "--max-body-mb", "1", "--queue", "64",
                                                          "--max-batch", "8"}),
                 qPrintable(server_.log()));
    }

    void a1111_txt2img_png_regenerates_the_same_pixels_through_generate() {
        json body = txt2img_body(42);
        body["styles"] = json::array();  // A1111 clients send it: ignored, named
        const auto reply = post("/sdapi/v1/txt2img", body);
        QCOMPARE(reply.status, 200);
        const json out = reply.json();
        QCOMPARE(out["images"].size(), size_t(1));
        const auto png = bytes_of(out["images"][0]);
        const std::string parameters = parameters_of(dir_, png);
        const json info = json::parse(out["info"].get<std::string>());
        QCOMPARE(info["infotexts"][0].get<std::string>(), parameters);
        QCOMPARE(info["all_seeds"][0].get<uint64_t>(), uint64_t(42));
        QVERIFY(out["warnings"].dump().find("styles") != std::string::npos);
        const auto record = parse_parameters(parameters);
        QVERIFY(record && record->request.seed == 42 && record->request.steps == 4);
        const std::string path = write_file(dir_, "txt2img.png", png);
        QVERIFY(same_pixels(read_png(path), regenerated(dir_, path, {})));
    }

    void a1111_img2img_with_mask_regenerates_the_same_pixels_through_generate() {
        const auto first = post("/sdapi/v1/txt2img", txt2img_body(7)).json();
        const auto init = bytes_of(first["images"][0]);
        Image8 mask{64, 64, std::vector<uint8_t>(64 * 64 * 3, 0)};
        for (int y = 0; y < 32; ++y)
            for (int x = 0; x < 64 * 3; ++x) mask.rgb[size_t(y * 64 * 3 + x)] = 255;
        const auto mask_png = encode_png(mask, {});
        json body = txt2img_body(9);
        body["init_images"] = {"data:image/png;base64," + base64_encode(init)};
        body["mask"] = base64_encode(mask_png);
        body["mask_blur"] = 2;
        body["denoising_strength"] = 0.5;
        body["inpainting_fill"] = 1;
        const auto reply = post("/sdapi/v1/img2img", body);
        QCOMPARE(reply.status, 200);
        const json out = reply.json();
        QVERIFY(out["warnings"].dump().find("inpainting_fill") != std::string::npos);
        const std::string path = write_file(dir_, "img2img.png", bytes_of(out["images"][0]));
        const auto record = parse_parameters(parameters_of(dir_, bytes_of(out["images"][0])));
        QVERIFY(record && record->request.refines() && record->request.input.mask_blur == 2);
        const QString init_path = q(write_file(dir_, "init.png", init));
        const QString mask_path = q(write_file(dir_, "mask.png", mask_png));
        QVERIFY(
            same_pixels(read_png(path),
                        regenerated(dir_, path, {"--init-image", init_path, "--mask", mask_path})));
    }

    void a1111_models_options_and_progress() {
        const auto models = call("GET", "/sdapi/v1/sd-models").json();
        QCOMPARE(models[0]["model_name"].get<std::string>(), std::string("tiny-sdxl"));
        QVERIFY(models.dump().find(fixtures_dir()) == std::string::npos);  // no server path
        const auto options = call("GET", "/sdapi/v1/options").json();
        QCOMPARE(options["lightning_available_steps"], json({1, 2, 4, 8}));
        QCOMPARE(post("/sdapi/v1/options", {{"lightning_steps", 3}}).status, 400);
        QCOMPARE(post("/sdapi/v1/options", {{"lightning_steps", 2}}).status, 200);
        json body = txt2img_body(3);
        body.erase("steps");
        const auto out = post("/sdapi/v1/txt2img", body).json();
        QCOMPARE(parse_parameters(parameters_of(dir_, bytes_of(out["images"][0])))->request.steps,
                 2);
        QCOMPARE(post("/sdapi/v1/options", {{"lightning_steps", 4}}).status, 200);
        const auto progress = call("GET", "/sdapi/v1/progress").json();
        QVERIFY(progress.contains("progress") && progress["state"].contains("sampling_steps"));
    }

    void openai_images_generate_returns_b64_json_and_refuses_url() {
        const auto reply = post("/v1/images/generations", {{"prompt", "a red boat"},
                                                           {"n", 2},
                                                           {"size", "64x64"},
                                                           {"response_format", "b64_json"},
                                                           {"seed", 11},
                                                           {"steps", 2}});
        QCOMPARE(reply.status, 200);
        const json data = reply.json()["data"];
        QCOMPARE(data.size(), size_t(2));
        for (int i = 0; i < 2; ++i) {
            const auto record =
                parse_parameters(parameters_of(dir_, bytes_of(data[size_t(i)]["b64_json"])));
            QVERIFY(record && record->request.seed == uint64_t(11 + i));
            QCOMPARE(record->request.width, 64);
        }
        const auto url =
            post("/v1/images/generations", {{"prompt", "x"}, {"response_format", "url"}});
        QCOMPARE(url.status, 400);
        QVERIFY(url.json()["error"]["message"].get<std::string>().find("b64_json") !=
                std::string::npos);
    }

    void native_job_streams_a_preview_per_step_and_its_image() {
        const auto submitted =
            post("/v1/jobs", {{"prompt", "a fox"}, {"steps", 4}, {"seed", 5}, {"size", "64x64"}});
        QCOMPARE(submitted.status, 202);
        const QString id = q(submitted.json()["id"]);
        const auto events = parse_events(call("GET", "/v1/jobs/" + id + "/events").body);
        std::set<int> steps;
        int previews = 0, images = 0;
        for (const auto& [name, data] : events) {
            if (name == "progress") {
                steps.insert(data["step"].get<int>());
                previews += data.contains("preview_png_base64") ? 1 : 0;
            }
            images += name == "image" ? 1 : 0;
        }
        QCOMPARE(events.back().first, std::string("done"));
        QCOMPARE(images, 1);
        QVERIFY(steps == std::set<int>({1, 2, 3, 4}));
        QCOMPARE(previews, 4);
        const auto job = call("GET", "/v1/jobs/" + id).json();
        QCOMPARE(job["state"].get<std::string>(), std::string("done"));
        QVERIFY(parse_parameters(job["images"][0]["parameters"])->request.seed == 5);
    }

    void deleting_a_running_job_cancels_it() {
        // Many steps to go when the first step's event arrives: the cancel lands in between.
        const auto submitted =
            post("/v1/jobs",
                 {{"prompt", "a long job"}, {"steps", 8}, {"batch", 8}, {"size", "256x256"}});
        QCOMPARE(submitted.status, 202);
        const QString id = q(submitted.json()["id"]);
        QProcess events;
        events.start("curl", {"-sS", "-N", server_.url("/v1/jobs/" + id + "/events")});
        QByteArray seen;
        while (!seen.contains("event: progress") && events.state() != QProcess::NotRunning) {
            events.waitForReadyRead(100);
            seen += events.readAllStandardOutput();
        }
        const auto cancelled = call("DELETE", "/v1/jobs/" + id);
        QCOMPARE(cancelled.status, 200);
        events.waitForFinished(300000);
        seen += events.readAllStandardOutput();
        QVERIFY(seen.contains("event: cancelled"));
        const auto job = call("GET", "/v1/jobs/" + id).json();
        QCOMPARE(job["state"].get<std::string>(), std::string("cancelled"));
        QVERIFY(job["images"].size() < 8);
        QCOMPARE(call("DELETE", "/v1/jobs/0123abcd").status, 404);
    }

    // A1111 call and an event stream closed by their clients mid-run: both jobs are cancelled and
    // the job queued behind them runs; a stream opened with ?on_disconnect=keep only looks in.
    void a_client_that_hangs_up_cancels_its_job_and_the_queue_moves_on() {
        const auto cancelled_before = call("GET", "/health").json()["cancelled"].get<int>();
        json body = txt2img_body(5);
        body["batch_size"] = 8;
        body["width"] = body["height"] = 256;
        body["steps"] = 8;
        HttpCall a1111(dir_.path(), "POST", server_.url("/sdapi/v1/txt2img"), body.dump());
        wait_for_first_step();
        const QString queued = submit({{"prompt", "behind"}, {"steps", 2}, {"size", "64x64"}});
        a1111.kill();
        QVERIFY(call("GET", "/v1/jobs/" + queued + "/events").body.find("event: done") !=
                std::string::npos);

        const QString streamed = submit(long_job());
        QProcess events;
        watch_until_first_step(events, streamed);
        events.kill();
        events.waitForFinished();
        QCOMPARE(health_when_idle(server_)["cancelled"].get<int>(), cancelled_before + 2);
        QCOMPARE(state_of(streamed), std::string("cancelled"));

        const QString kept = submit({{"prompt", "kept"}, {"steps", 8}, {"batch", 2}});
        QProcess watcher;
        watch_until_first_step(watcher, kept, "?on_disconnect=keep");
        watcher.kill();
        watcher.waitForFinished();
        health_when_idle(server_);
        QCOMPARE(state_of(kept), std::string("done"));
        QCOMPARE(call("GET", "/v1/jobs/" + kept + "/events?on_disconnect=never").status, 400);
    }

    void oversized_body_is_refused_with_413() {
        json body = txt2img_body(1);
        body["prompt"] = std::string(2 << 20, 'a');
        const auto reply = post("/sdapi/v1/txt2img", body);
        QCOMPARE(reply.status, 413);
        QVERIFY(reply.json().contains("error"));
    }

    void path_fields_are_refused_and_errors_name_no_server_path() {
        for (const json& body : {json{{"prompt", "x"}, {"loras", {"/etc/style.safetensors"}}},
                                 json{{"prompt", "x"}, {"unet_file", "/etc/unet.safetensors"}},
                                 json{{"prompt", "x"}, {"init_image", "/etc/hostname"}}}) {
            const auto reply = post("/v1/jobs", body);
            QCOMPARE(reply.status, 400);
            QVERIFY(reply.json()["error"].get<std::string>().find("not accepted") !=
                    std::string::npos);
        }
        // A PNG signature with nothing after it: the decoder's error names the file it read.
        json broken = txt2img_body(1);
        broken["init_images"] = {
            base64_encode(std::vector<unsigned char>{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})};
        const auto reply = post("/sdapi/v1/img2img", broken);
        QCOMPARE(reply.status, 400);
        const std::string error = reply.json()["error"];
        QVERIFY2(error.find("lightning-serve-") == std::string::npos, error.c_str());
        QVERIFY2(error.find("/tmp") == std::string::npos, error.c_str());
        const auto steps = post("/sdapi/v1/txt2img", {{"prompt", "x"}, {"steps", 3}});
        QCOMPARE(steps.status, 400);
        QVERIFY2(steps.body.find(fixtures_dir()) == std::string::npos, steps.body.c_str());
    }

    void non_loopback_bind_without_key_is_refused_at_startup() {
        QProcess process;
        process.start(q(cli_path()), QStringList{"serve", "--listen", "0.0.0.0"} + model_args());
        process.waitForFinished(60000);
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(process.readAllStandardError().contains("--api-key"));
    }

    void wrong_or_missing_key_gets_401_and_the_key_opens_both_ways() {
        const std::string key_file =
            write_file(dir_, "key.txt", {'s', '3', 'c', 'r', '3', 't', '\n'});
        ServerProcess keyed;
        QVERIFY2(keyed.start(model_args() + QStringList{"--api-key-file", q(key_file)}),
                 qPrintable(keyed.log()));
        const auto get = [&](const QStringList& headers) {
            return HttpCall(dir_.path(), "GET", keyed.url("/sdapi/v1/sd-models"), {}, headers)
                .finish();
        };
        QCOMPARE(get({}).status, 401);
        QCOMPARE(get({
                         "Authorization: Bearer s3cr3",
                     })
                     .status,
                 401);
        QCOMPARE(get({"Authorization: Bearer s3cr3tt"}).status, 401);
        QVERIFY(get({"Authorization: Bearer wrong"}).json().contains("error"));
        QCOMPARE(get({"Authorization: Bearer s3cr3t"}).status, 200);
        QCOMPARE(get({"Authorization: Basic " + q(base64_encode(std::vector<unsigned char>{
                                                    'u', ':', 's', '3', 'c', 'r', '3', 't'}))})
                     .status,
                 200);
        QCOMPARE(HttpCall(dir_.path(), "GET", keyed.url("/health")).finish().status, 200);
    }

    // --devices cpu,cpu: two engines take jobs from the one queue, so two long jobs run at once.
    void two_devices_run_two_jobs_at_once() {
        ServerProcess two;
        QVERIFY2(two.start(model_args() + QStringList{"--devices", "cpu,cpu"}),
                 qPrintable(two.log()));
        const json body = {{"prompt", "long"}, {"steps", 8}, {"batch", 8}, {"size", "256x256"}};
        std::vector<QString> ids;
        for (int i = 0; i < 2; ++i)
            ids.push_back(q(HttpCall(dir_.path(), "POST", two.url("/v1/jobs"), body.dump())
                                .finish()
                                .json()["id"]));
        int most_running = 0;
        for (int polls = 0; polls < 100000 && most_running < 2; ++polls) {
            const json health = HttpCall(dir_.path(), "GET", two.url("/health")).finish().json();
            most_running = std::max(most_running, health["running"].get<int>());
            if (health["running"] == 0 && health["queued"] == 0) break;  // both over already
        }
        for (const auto& id : ids)
            HttpCall(dir_.path(), "DELETE", two.url("/v1/jobs/" + id)).finish();
        QCOMPARE(most_running, 2);
    }

    // 4 clients, 40 requests: A1111 txt2img, OpenAI and native jobs, every third job cancelled
    // at once. Each accepted request ends in exactly one answer: its images (each with the
    // request's own seed, none twice) or "cancelled"; a refusal is a JSON error.
    void bounded_load_with_cancels_answers_every_request_once() {
        constexpr int kClients = 4, kRounds = 10;
        std::set<uint64_t> seeds_seen;
        int images = 0, cancelled = 0;
        for (int round = 0; round < kRounds; ++round) {
            std::vector<std::unique_ptr<HttpCall>> calls;
            std::vector<uint64_t> seeds;
            for (int c = 0; c < kClients; ++c) {
                const uint64_t seed = 1000 + uint64_t(round * kClients + c);
                seeds.push_back(seed);
                const int kind = (round + c) % 3;
                const QString path = kind == 0   ? "/sdapi/v1/txt2img"
                                     : kind == 1 ? "/v1/images/generations"
                                                 : "/v1/jobs";
                json body =
                    kind == 1
                        ? json{{"prompt", "load"}, {"size", "64x64"}, {"seed", seed}, {"steps", 1}}
                        : json{{"prompt", "load"},
                               {"width", 64},
                               {"height", 64},
                               {"seed", seed},
                               {"steps", 1}};
                calls.push_back(std::make_unique<HttpCall>(dir_.path(), "POST", server_.url(path),
                                                           body.dump()));
            }
            for (int c = 0; c < kClients; ++c) {
                const auto reply = calls[size_t(c)]->finish();
                QVERIFY2(reply.status == 200 || reply.status == 202, reply.body.c_str());
                const json out = reply.json();
                std::vector<std::string> pngs;
                if (reply.status == 202) {
                    const QString id = q(out["id"]);
                    if (c % 3 == 0) call("DELETE", "/v1/jobs/" + id);
                    call("GET", "/v1/jobs/" + id + "/events");  // returns when the job is final
                    const auto job = call("GET", "/v1/jobs/" + id).json();
                    const std::string state = job["state"];
                    QVERIFY2(state == "done" || state == "cancelled", state.c_str());
                    if (state == "cancelled") {
                        ++cancelled;
                        QVERIFY(job["images"].empty());
                    }
                    for (const auto& image : job["images"]) pngs.push_back(image["png_base64"]);
                } else if (out.contains("images")) {
                    for (const auto& image : out["images"]) pngs.push_back(image);
                } else {
                    for (const auto& image : out["data"]) pngs.push_back(image["b64_json"]);
                }
                for (const auto& png : pngs) {
                    const auto record = parse_parameters(parameters_of(dir_, bytes_of(png)));
                    QVERIFY(record && record->request.seed == seeds[size_t(c)]);
                    QVERIFY(seeds_seen.insert(record->request.seed).second);  // none twice
                    ++images;
                }
                QVERIFY(pngs.size() <= 1);
            }
        }
        QCOMPARE(images + cancelled, kClients * kRounds);
        QVERIFY(call("GET", "/health").json()["queued"] == 0);
    }

    // /metrics as Prometheus reads it: parsed by the Prometheus project's Python client
    // (python3-prometheus-client), its counts those of /health after the jobs above.
    void metrics_parse_as_prometheus_text_and_count_the_jobs() {
        static const char* kParse = R"(
import json, sys, urllib.request
from prometheus_client.parser import text_string_to_metric_families
reply = urllib.request.urlopen(sys.argv[1])
samples = {}
for family in text_string_to_metric_families(reply.read().decode()):
    for s in family.samples:
        labels = ",".join(k + "=" + v for k, v in sorted(s.labels.items()))
        samples[s.name + ("{" + labels + "}" if labels else "")] = s.value
print(json.dumps({"type": reply.headers["Content-Type"], "samples": samples}))
)";
        const json health = call("GET", "/health").json();
        QProcess parser;
        // Debian's python3: where scripts/bootstrap.sh installs the parser.
        parser.start("/usr/bin/python3", {"-c", kParse, server_.url("/metrics")});
        parser.waitForFinished(60000);
        QVERIFY2(parser.exitCode() == 0, parser.readAllStandardError().constData());
        const json out = json::parse(parser.readAllStandardOutput().toStdString());
        QVERIFY2(out["type"].get<std::string>().starts_with("text/plain; version=0.0.4"),
                 out.dump().c_str());
        const json& samples = out["samples"];
        for (const char* state : {"done", "failed", "cancelled"})
            QCOMPARE(
                samples.at("lightning_jobs_total{state=" + std::string(state) + "}").get<double>(),
                health[state].get<double>());
        QCOMPARE(samples.at("lightning_images_total").get<double>(),
                 health["images"].get<double>());
        QCOMPARE(samples.at("lightning_queue_jobs").get<double>(), 0.0);
        QVERIFY(health["images"].get<double>() > 0);
        QVERIFY(samples.at("lightning_step_seconds_count").get<double>() >=
                health["images"].get<double>());
        QVERIFY(samples.at("lightning_step_seconds_sum").get<double>() > 0);
    }

    // --log-format json: every line the server writes (its own, the logger's, the signal
    // handler's) is one JSON object with a level and a message.
    void json_log_format_writes_one_object_per_line() {
        ServerProcess logged;
        QVERIFY2(
            logged.start(model_args() + QStringList{"--log-format", "json", "--log-level", "info"}),
            qPrintable(logged.log()));
        HttpCall(dir_.path(), "POST", logged.url("/sdapi/v1/txt2img"), txt2img_body(3).dump())
            .finish();
        QCOMPARE(logged.terminate(), 0);
        std::set<std::string> messages, levels;
        for (const QString& line : logged.log().split('\n', Qt::SkipEmptyParts)) {
            const json object = json::parse(line.toStdString(), nullptr, false);
            QVERIFY2(
                object.is_object() && object["message"].is_string() && object["level"].is_string(),
                qPrintable(line));
            messages.insert(object["message"].get<std::string>().substr(0, 24));
            levels.insert(object["level"]);
        }
        QVERIFY(messages.count("lightning serve: listeni"));                // its own line
        QVERIFY(messages.count("loaded " + fixtures_dir().substr(0, 17)));  // the logger's
        QVERIFY(messages.count("lightning serve: stopped"));
        QVERIFY(levels.count("info"));
    }

    // --log-format json when the command fails: a usage error (a non-loopback address without
    // a key, refused while parsing) and a failure at start (no model there) are JSON lines too.
    void json_log_format_errors_are_json_lines() {
        const QStringList json_log{"--log-format", "json"};
        for (const QStringList& args :
             {json_log + model_args() + QStringList{"--listen", "0.0.0.0"},
              json_log + QStringList{"--model", dir_.filePath("no-such-model"), "--port", "0"}}) {
            QProcess failing;
            failing.start(q(cli_path()), QStringList{"serve"} + args);
            QVERIFY(failing.waitForFinished(300000));
            QVERIFY(failing.exitCode() != 0);
            const QString log = QString::fromUtf8(failing.readAllStandardError());
            QVERIFY2(log.contains("lightning: error: "), qPrintable(log));
            for (const QString& line : log.split('\n', Qt::SkipEmptyParts)) {
                const json object = json::parse(line.toStdString(), nullptr, false);
                QVERIFY2(object.is_object() && object["level"].is_string() &&
                             object["message"].is_string(),
                         qPrintable(line));
            }
        }
    }

    // SIGTERM with one job running and two queued: new requests get a JSON 503, the three jobs
    // run to their end (each stream ends "done"), then the server exits 0.
    void sigterm_drains_the_queue_refuses_new_jobs_and_exits_0() {
        ServerProcess draining;
        QVERIFY2(draining.start(model_args()), qPrintable(draining.log()));
        const json body = {{"prompt", "drained"}, {"steps", 4}, {"batch", 4}, {"size", "128x128"}};
        std::vector<std::unique_ptr<QProcess>> streams;
        for (int i = 0; i < 3; ++i) {
            const auto id = HttpCall(dir_.path(), "POST", draining.url("/v1/jobs"), body.dump())
                                .finish()
                                .json()["id"];
            streams.push_back(std::make_unique<QProcess>());
            streams.back()->start("curl",
                                  {"-sS", "-N", draining.url("/v1/jobs/" + q(id) + "/events")});
        }
        draining.signal(SIGTERM);
        json health;
        do health = HttpCall(dir_.path(), "GET", draining.url("/health")).finish().json();
        while (!health.is_discarded() && health["status"] == "ok");
        QCOMPARE(health["status"].get<std::string>(), std::string("draining"));
        const auto refused =
            HttpCall(dir_.path(), "POST", draining.url("/v1/jobs"), body.dump()).finish();
        QCOMPARE(refused.status, 503);
        QVERIFY2(
            refused.json()["error"].get<std::string>().find("shutting down") != std::string::npos,
            refused.body.c_str());
        for (auto& stream : streams) {
            stream->waitForFinished(600000);
            const QByteArray seen = stream->readAllStandardOutput();
            QVERIFY2(seen.contains("event: done"), seen.right(300).constData());
        }
        QCOMPARE(draining.exit_code(), 0);
    }

    // Last: a second SIGTERM while a request runs. The client gets its answer (A1111: the images
    // so far, marked interrupted), the server exits 0 and removes its temporary folder.
    void second_sigterm_cancels_running_work_answers_the_client_and_exits_0() {
        json body = txt2img_body(77);
        body["batch_size"] = 8;
        body["width"] = body["height"] = 256;
        body["steps"] = 8;
        HttpCall running(dir_.path(), "POST", server_.url("/sdapi/v1/txt2img"), body.dump());
        for (int polls = 0; polls < 100000; ++polls)  // until its first step is done
            if (call("GET", "/sdapi/v1/progress").json()["state"]["sampling_step"] != 0) break;
        server_.signal(SIGTERM);  // drains: the job would run to its end
        while (call("GET", "/health").json()["status"] == "ok") {
        }
        server_.signal(SIGTERM);  // the second cancels it
        QCOMPARE(server_.exit_code(), 0);
        const auto reply = running.finish();
        QCOMPARE(reply.status, 200);
        const json info = json::parse(reply.json()["info"].get<std::string>());
        QCOMPARE(info["interrupted"].get<bool>(), true);
        QVERIFY(reply.json()["images"].size() < 8);
        QVERIFY(server_.log().contains("lightning serve: stopped"));
    }
};

QTEST_GUILESS_MAIN(TestServe)
#include "test_serve.moc"
