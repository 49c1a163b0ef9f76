#include "ui/saved_jobs.h"

#include "core/request/request_json.h"
#include "core/util/bounded_json.h"
#include "core/util/error.h"
#include "core/util/log.h"
#include "ui/string_convert.h"

#include <QSettings>

#include <nlohmann/json.hpp>

#include <optional>

namespace lightning::ui {
namespace {

const QString kPendingJobsKey = QStringLiteral("queue/pending");

// An upscale's source: {"file", "width", "height", "record": the record's JSON form or null}.
nlohmann::json source_to_json(const UpscaleSource& source) {
    return {{"file", to_std(source.file)},
            {"width", source.width},
            {"height", source.height},
            {"record",
             source.record ? lightning::record_to_json(*source.record) : nlohmann::json(nullptr)}};
}

// Throws lightning::Error (or a json error) for a source that cannot be read.
UpscaleSource source_from_json(const nlohmann::json& object) {
    UpscaleSource source;
    source.file = to_qstring(object.at("file").get<std::string>());
    source.width = object.at("width").get<int>();
    source.height = object.at("height").get<int>();
    if (const auto& record = object.at("record"); !record.is_null())
        source.record = lightning::record_from_json(record);
    return source;
}

// One saved job: {"request": <the request's JSON form>, "output_dir": "...", and for an upscale
// "upscale_source"}; nullopt (logged) when it cannot be read.
std::optional<GenerationJob> job_from_json(const nlohmann::json& entry) {
    if (!entry.is_object() || !entry.contains("request")) return std::nullopt;
    GenerationJob job;
    try {
        job.request = lightning::request_from_json(entry.at("request"), GenerationRequest{});
    } catch (const lightning::Error& error) {
        // The key only: the value is whatever the settings file holds.
        lightning::log().warn("A saved job was not queued again: its {} could not be read",
                              error.where());
        return std::nullopt;
    }
    if (const auto source = entry.find("upscale_source"); source != entry.end()) {
        try {
            job.upscale_source = source_from_json(*source);
            job.purpose = JobPurpose::Upscale;
        } catch (const std::exception&) {
            lightning::log().warn("A saved upscale was not queued again: its source is unreadable");
            return std::nullopt;
        }
    }
    const auto folder = entry.find("output_dir");
    if (folder != entry.end() && folder->is_string())
        job.output_dir = to_qstring(folder->get<std::string>());
    if (job.output_dir.isEmpty()) return std::nullopt;
    return job;
}

}  // namespace

void save_pending_jobs(QSettings& settings, const QList<GenerationJob>& jobs) {
    nlohmann::json array = nlohmann::json::array();
    for (const GenerationJob& job : jobs) {
        if (!job.kept_across_restarts()) continue;
        nlohmann::json entry = {{"request", lightning::request_to_json(job.request)},
                                {"output_dir", to_std(job.output_dir)}};
        if (job.upscales()) entry["upscale_source"] = source_to_json(*job.upscale_source);
        array.push_back(std::move(entry));
    }
    if (array.empty()) {
        settings.remove(kPendingJobsKey);
        return;
    }
    // Bytes that are not UTF-8 (a file name) become U+FFFD, as a QString would make them.
    const std::string text = array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    settings.setValue(kPendingJobsKey, to_qstring(text));
}

QList<GenerationJob> load_pending_jobs(QSettings& settings) {
    QList<GenerationJob> jobs;
    const QString text = settings.value(kPendingJobsKey).toString();
    if (text.isEmpty()) return jobs;
    nlohmann::json array;
    try {
        array = lightning::parse_bounded_json(to_std(text), to_std(kPendingJobsKey), "saved queue");
    } catch (const lightning::Error& error) {
        lightning::log().warn("The saved queue was not read: {}", error.message());
        return jobs;
    }
    if (!array.is_array()) return jobs;
    for (const auto& entry : array)
        if (auto job = job_from_json(entry)) jobs << std::move(*job);
    return jobs;
}

}  // namespace lightning::ui
