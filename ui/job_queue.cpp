#include "ui/job_queue.h"

#include "core/request/model_layout.h"
#include "core/request/parameters.h"
#include "ui/string_convert.h"

#include <QDir>
#include <QFileInfo>

namespace lightning::ui {

QString steps_text(int steps) {
    return steps == 1 ? QObject::tr("1 step") : QObject::tr("%1 steps").arg(steps);
}

namespace {

QString shortened(const QString& text, int chars) {
    return text.size() > chars ? text.left(chars - 1) + QChar(0x2026) : text;
}

// "#4  upscale ×2 · 64×64 → 128×128 · RealESRGAN_x4plus — image-0003.png"
QString describe_upscale(const GenerationJob& job, int name_chars) {
    const UpscaleSource& source = *job.upscale_source;
    const int scale = job.request.upscale.scale;
    QString text = QStringLiteral("#%1  ").arg(job.id) + QObject::tr("upscale ×%1").arg(scale);
    if (source.width > 0)
        text += QStringLiteral(" · %1×%2 → %3×%4")
                    .arg(source.width)
                    .arg(source.height)
                    .arg(source.width * scale)
                    .arg(source.height * scale);
    text += QStringLiteral(" · ") +
            to_qstring(lightning::model_display_name(job.request.upscale.model));
    return text + QStringLiteral(" — ") + shortened(QFileInfo(source.file).fileName(), name_chars);
}

}  // namespace

QString describe_job(const GenerationJob& job, int prompt_chars) {
    if (job.upscales()) return describe_upscale(job, prompt_chars);
    const lightning::GenerationRequest& r = job.request;
    QString prompt = shortened(to_qstring(r.prompt).simplified(), prompt_chars);
    if (prompt.isEmpty()) prompt = QStringLiteral("(empty prompt)");
    QString text = QStringLiteral("#%1  %2 · %3×%4")
                       .arg(job.id)
                       .arg(steps_text(r.steps))
                       .arg(r.width)
                       .arg(r.height);
    if (r.batch > 1) text += QStringLiteral(" · ×%1").arg(r.batch);
    text += QStringLiteral(" · seed %1").arg(r.seed);
    if (job.purpose == JobPurpose::Compare) text += QStringLiteral(" · compare");
    if (job.purpose == JobPurpose::Variations) text += QStringLiteral(" · variations");
    if (job.purpose == JobPurpose::Live) text += QStringLiteral(" · live");
    return text + QStringLiteral(" — ") + prompt;
}

int JobQueue::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(jobs_.size());
}

QVariant JobQueue::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= jobs_.size()) return {};
    const GenerationJob& job = jobs_.at(index.row());
    switch (role) {
        case Qt::DisplayRole:
            return describe_job(job);
        case Qt::ToolTipRole: {
            if (job.upscales()) return QDir::toNativeSeparators(job.upscale_source->file);
            // The settings the images will carry (their model names are known once they run).
            lightning::ImageRecord settings;
            settings.request = job.request;
            return to_qstring(lightning::format_parameters(settings));
        }
        case JobIdRole:
            return job.id;
        default:
            return {};
    }
}

void JobQueue::append(const GenerationJob& job) {
    beginInsertRows({}, int(jobs_.size()), int(jobs_.size()));
    jobs_.append(job);
    endInsertRows();
}

std::optional<GenerationJob> JobQueue::take_first() {
    if (jobs_.isEmpty()) return std::nullopt;
    beginRemoveRows({}, 0, 0);
    GenerationJob job = jobs_.takeFirst();
    endRemoveRows();
    return job;
}

bool JobQueue::remove(int row) {
    if (row < 0 || row >= jobs_.size()) return false;
    beginRemoveRows({}, row, row);
    jobs_.removeAt(row);
    endRemoveRows();
    return true;
}

bool JobQueue::move(int from, int to) {
    if (from < 0 || from >= jobs_.size() || to < 0 || to >= jobs_.size() || from == to)
        return false;
    // beginMoveRows wants the destination as "insert before this row" in the old numbering.
    const int destination = to > from ? to + 1 : to;
    if (!beginMoveRows({}, from, from, {}, destination)) return false;
    jobs_.move(from, to);
    endMoveRows();
    return true;
}

void JobQueue::clear() {
    if (jobs_.isEmpty()) return;
    beginResetModel();
    jobs_.clear();
    endResetModel();
}

}  // namespace lightning::ui
