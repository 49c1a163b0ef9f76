// Jobs waiting for the worker: visible in the queue panel, removable and reorderable while the
// current job runs.
#pragma once
#include "core/request/parameters.h"

#include <QAbstractListModel>
#include <QList>
#include <QString>

#include <optional>

namespace lightning::ui {

// What a job's images are for: the gallery (each saved the moment it is made), or a view that
// shows them first and saves only what the user keeps.
enum class JobPurpose {
    Gallery,
    Live,        // live mode's newest-input render
    Compare,     // one of "compare steps"' renders
    Variations,  // "more like this": seeds s+1..s+N
    Upscale,     // "Upscale ×2 / ×4" of an image that exists (GenerationJob::upscale_source)
};

// The image an upscale job enlarges: its file and the record its pixels were made with (nullopt
// for an image without one, such as a picture from elsewhere: the result then records only the
// upscale and cannot be regenerated).
struct UpscaleSource {
    QString file;
    std::optional<lightning::ImageRecord> record;
    int width = 0;  // of the file's pixels, for lists and checks
    int height = 0;
};

struct GenerationJob {
    int id = 0;                            // assigned by the controller, increasing
    lightning::GenerationRequest request;  // the whole batch: image i uses seed + i
    QString output_dir;                    // gallery folder the images go to (when kept)
    JobPurpose purpose = JobPurpose::Gallery;
    // JobPurpose::Upscale: the image, upscaled as request.upscale says (the rest of the request
    // is unused); its result goes to the gallery too.
    std::optional<UpscaleSource> upscale_source;

    // A generation whose images go to the gallery (and whose unfinished rest is kept across a
    // restart); an upscale job is not one.
    bool saves_to_gallery() const { return purpose == JobPurpose::Gallery; }
    bool upscales() const { return purpose == JobPurpose::Upscale && upscale_source.has_value(); }
    // Queued again on the next start when quitting left it unfinished (ui/saved_jobs.h).
    bool kept_across_restarts() const { return saves_to_gallery() || upscales(); }
};

// "1 step", "4 steps": how the app names a step count (and its Lightning checkpoint).
QString steps_text(int steps);

// One line for lists and logs: "#3  4 steps · 1024×1024 · ×2 · seed 42 — a cat in…".
QString describe_job(const GenerationJob& job, int prompt_chars = 60);

class JobQueue : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role { JobIdRole = Qt::UserRole + 1 };
    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;

    void append(const GenerationJob& job);
    std::optional<GenerationJob> take_first();
    bool remove(int row);
    bool move(int from, int to);  // to: the row the job ends up at
    void clear();

    int count() const { return int(jobs_.size()); }
    const GenerationJob& at(int row) const { return jobs_.at(row); }

private:
    QList<GenerationJob> jobs_;
};

}  // namespace lightning::ui
