// The pending queue across restarts: the gallery jobs waiting (and the one interrupted by
// quitting) are written to the settings on exit and queued again on the next start. Live,
// compare and variations jobs are views of the moment and are not kept.
#pragma once
#include "ui/job_queue.h"

#include <QJsonObject>
#include <QList>

class QSettings;

namespace lightning::ui {

// A request as JSON: every field a job from the form can carry (prompt and negative, sizes,
// steps, guidance, seed, batch, clip skip, prompt syntax, embeddings, LoRAs, VAE tiling).
QJsonObject request_to_json(const lightning::GenerationRequest& request);
// Missing or malformed fields keep their defaults.
lightning::GenerationRequest request_from_json(const QJsonObject& object);

void save_pending_jobs(QSettings& settings, const QList<GenerationJob>& jobs);
// Ids are left 0 (the controller assigns new ones).
QList<GenerationJob> load_pending_jobs(QSettings& settings);

}  // namespace lightning::ui
