// The app's upscaler model files (ESRGAN-family RRDBNets, core/pipeline/upscale.h): the folder
// of Settings ("Upscaler models") holds them, and this is the one place that knows how they are
// found there: listed for the form's hires fix and upscale choices and the gallery's "Upscale
// ×2 / ×4", found again by the name and hash an image's record carries, and checked before an
// upscale is queued, so a file that is no upscaler or a result beyond the limits is said before
// any work starts.
#pragma once
#include "core/request/parameters.h"

#include <QSize>
#include <QString>
#include <QStringList>

namespace lightning::ui {

// The model files directly in `folder` (*.safetensors, *.pth), sorted by name; none for "" or a
// folder that is not there.
QStringList upscaler_model_files(const QString& folder);

// What lists and messages call a model file: its name without the extension (as records name
// it).
QString upscaler_display_name(const QString& file);

// Why the gallery's upscale actions are off while the folder has no model file ("" when it has).
QString upscaler_setup_hint(const QString& folder);

// The model file a record names (by name, and by hash when the record has one) in `folder`;
// "" when there is none.
QString find_upscaler_file(const lightning::FileIdentity& id, const QString& folder);

// The scale of a model file (its own: 2 for RealESRGAN_x2plus). Throws lightning::Error naming
// the file when it is missing or no RRDBNet upscaler.
int upscaler_model_scale(const QString& file);

// Why `model` cannot upscale an image of `size` by `scale` ("" when it can): a file that is no
// upscaler, a scale above the model's own, a result larger than the limits table allows (what
// Engine::upscale checks before its work, as its words).
QString upscale_problem(const QString& model, int scale, QSize size);

// The record of an upscale of an image that had none, or of one upscaled already
// (Engine::upscaled_record): it says only how the pixels were upscaled, so it cannot be reused
// or regenerated.
bool upscaled_without_source(const lightning::ImageRecord& record);

// `request` with the upscaler model files of its hires fix and upscale (recorded by name, with
// their hashes in `record`) as the files in `folder`; `missing` gets the names not found there.
void resolve_upscaler_files(const lightning::ImageRecord& record, const QString& folder,
                            lightning::GenerationRequest& request, QStringList& missing);

}  // namespace lightning::ui
