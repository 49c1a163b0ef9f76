// The pending queue across restarts: the gallery jobs waiting (and the one interrupted by
// quitting) are written to the settings on exit and queued again on the next start, and so are
// upscales of gallery images. Live, compare and variations jobs are views of the moment and are
// not kept. Each job is kept as its request in the one JSON form (core/request/request_json.h)
// and its gallery folder; an upscale also as its source (file, size and record).
#pragma once
#include "ui/job_queue.h"

#include <QList>

class QSettings;

namespace lightning::ui {

void save_pending_jobs(QSettings& settings, const QList<GenerationJob>& jobs);
// Ids are left 0 (the controller assigns new ones). Queues saved by earlier versions (their
// Qt JSON form: "negative", seeds as strings, no UNet file, prediction or schedule) read too; a
// job whose request cannot be read is left out, with a log line naming the key.
QList<GenerationJob> load_pending_jobs(QSettings& settings);

}  // namespace lightning::ui
