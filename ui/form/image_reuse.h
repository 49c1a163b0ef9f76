// Taking an image's settings back (a dropped PNG, the gallery's "Reuse" and "Regenerate"): what
// of its record the form could not take over, and the app settings it was made with.
#pragma once
#include "core/request/parameters.h"
#include "ui/app_settings.h"

#include <QString>
#include <QStringList>

namespace lightning::ui {

// What restoring a PNG did not take over, said rather than done silently: values the settings
// line holds but that could not be read (the form keeps its own), values outside the limits
// (the form holds the nearest allowed one) and another tool's settings with no counterpart here
// (its sampler, hires fix, ...). "" when everything was taken over.
QString restore_note(const lightning::ImageRecord& record);

// The app settings that make `record`'s image come out the same: `current` with the prompt
// syntax and VAE tiling it was made with, and notes on what changed and on what cannot be
// matched from here (embeddings missing from the folder, another VAE).
struct RecordedSettings {
    EngineSettings engine;
    QStringList notes;
};
RecordedSettings recorded_settings(const EngineSettings& current,
                                   const lightning::ImageRecord& record);

}  // namespace lightning::ui
