#include "ui/saved_jobs.h"

#include "core/util/error.h"
#include "ui/string_convert.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSettings>

namespace lightning::ui {
namespace {

const QString kPendingJobsKey = QStringLiteral("queue/pending");

template <class Parse>
auto parse_or(const QJsonValue& value, Parse parse, decltype(parse(std::string())) fallback) {
    if (!value.isString()) return fallback;
    try {
        return parse(to_std(value.toString()));
    } catch (const lightning::Error&) {
        return fallback;
    }
}

}  // namespace

QJsonObject request_to_json(const lightning::GenerationRequest& r) {
    QJsonObject object;
    object[QStringLiteral("prompt")] = to_qstring(r.prompt);
    if (r.negative_prompt) object[QStringLiteral("negative")] = to_qstring(*r.negative_prompt);
    object[QStringLiteral("steps")] = r.steps;
    object[QStringLiteral("guidance")] = r.guidance;
    object[QStringLiteral("width")] = r.width;
    object[QStringLiteral("height")] = r.height;
    object[QStringLiteral("seed")] = QString::number(r.seed);  // exact beyond 2^53 in any reader
    object[QStringLiteral("batch")] = r.batch;
    object[QStringLiteral("clip_skip")] = r.clip_skip;
    object[QStringLiteral("prompt_syntax")] = QString::fromLatin1(to_string(r.prompt_syntax));
    object[QStringLiteral("vae_tiling")] = QString::fromLatin1(to_string(r.vae_tiling));
    QJsonArray embeddings;
    for (const auto& e : r.embeddings)
        embeddings.append(QJsonObject{{QStringLiteral("path"), to_qstring(e.path)},
                                      {QStringLiteral("token"), to_qstring(e.token)}});
    object[QStringLiteral("embeddings")] = embeddings;
    QJsonArray loras;
    for (const auto& l : r.loras)
        loras.append(QJsonObject{{QStringLiteral("path"), to_qstring(l.path)},
                                 {QStringLiteral("scale"), l.scale}});
    object[QStringLiteral("loras")] = loras;
    return object;
}

lightning::GenerationRequest request_from_json(const QJsonObject& o) {
    lightning::GenerationRequest r;
    r.prompt = to_std(o.value(QStringLiteral("prompt")).toString());
    if (o.contains(QStringLiteral("negative")))
        r.negative_prompt = to_std(o.value(QStringLiteral("negative")).toString());
    r.steps = o.value(QStringLiteral("steps")).toInt(r.steps);
    r.guidance = o.value(QStringLiteral("guidance")).toDouble(r.guidance);
    r.width = o.value(QStringLiteral("width")).toInt(r.width);
    r.height = o.value(QStringLiteral("height")).toInt(r.height);
    r.seed = o.value(QStringLiteral("seed")).toString().toULongLong();
    r.batch = o.value(QStringLiteral("batch")).toInt(r.batch);
    r.clip_skip = o.value(QStringLiteral("clip_skip")).toInt(r.clip_skip);
    r.prompt_syntax = parse_or(o.value(QStringLiteral("prompt_syntax")),
                               lightning::parse_prompt_syntax, r.prompt_syntax);
    r.vae_tiling =
        parse_or(o.value(QStringLiteral("vae_tiling")), lightning::parse_vae_tiling, r.vae_tiling);
    for (const QJsonValue& e : o.value(QStringLiteral("embeddings")).toArray())
        r.embeddings.push_back({to_std(e[QStringLiteral("path")].toString()),
                                to_std(e[QStringLiteral("token")].toString())});
    for (const QJsonValue& l : o.value(QStringLiteral("loras")).toArray())
        r.loras.push_back(
            {to_std(l[QStringLiteral("path")].toString()), l[QStringLiteral("scale")].toDouble(1)});
    return r;
}

void save_pending_jobs(QSettings& settings, const QList<GenerationJob>& jobs) {
    QJsonArray array;
    for (const GenerationJob& job : jobs) {
        if (!job.saves_to_gallery()) continue;
        array.append(QJsonObject{{QStringLiteral("request"), request_to_json(job.request)},
                                 {QStringLiteral("output_dir"), job.output_dir}});
    }
    if (array.isEmpty())
        settings.remove(kPendingJobsKey);
    else
        settings.setValue(kPendingJobsKey,
                          QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact)));
}

QList<GenerationJob> load_pending_jobs(QSettings& settings) {
    QList<GenerationJob> jobs;
    const QJsonDocument document =
        QJsonDocument::fromJson(settings.value(kPendingJobsKey).toString().toUtf8());
    for (const QJsonValue& value : document.array()) {
        GenerationJob job;
        job.request = request_from_json(value[QStringLiteral("request")].toObject());
        job.output_dir = value[QStringLiteral("output_dir")].toString();
        if (!job.output_dir.isEmpty()) jobs << job;
    }
    return jobs;
}

}  // namespace lightning::ui
