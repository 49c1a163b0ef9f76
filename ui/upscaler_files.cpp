#include "ui/upscaler_files.h"

#include "core/engine/engine.h"
#include "core/pipeline/upscale.h"
#include "core/request/file_hashes.h"
#include "core/request/model_layout.h"
#include "core/util/error.h"
#include "ui/string_convert.h"

#include <QDir>
#include <QFileInfo>

namespace lightning::ui {

QStringList upscaler_model_files(const QString& folder) {
    QStringList files;
    if (folder.isEmpty()) return files;
    const QFileInfoList found =
        QDir(folder).entryInfoList({QStringLiteral("*.safetensors"), QStringLiteral("*.pth")},
                                   QDir::Files | QDir::Readable, QDir::Name);
    for (const QFileInfo& file : found) files << file.absoluteFilePath();
    return files;
}

QString upscaler_display_name(const QString& file) {
    return to_qstring(lightning::model_display_name(to_std(file)));
}

QString upscaler_setup_hint(const QString& folder) {
    if (folder.isEmpty())
        return QObject::tr(
            "Needs an upscaler model: put ESRGAN files (.safetensors or .pth, e.g. "
            "RealESRGAN_x4plus) in a folder and choose it as Upscaler models in Settings");
    if (upscaler_model_files(folder).isEmpty())
        return QObject::tr(
                   "Needs an upscaler model: the Upscaler models folder %1 has no .safetensors "
                   "or .pth file (ESRGAN models such as RealESRGAN_x4plus)")
            .arg(QDir::toNativeSeparators(folder));
    return {};
}

QString find_upscaler_file(const lightning::FileIdentity& id, const QString& folder) {
    if (id.name.empty()) return {};
    const QString name = to_qstring(id.name);
    for (const QString& file : upscaler_model_files(folder)) {
        if (upscaler_display_name(file) != name) continue;
        try {
            if (id.hash.empty() ||
                to_qstring(lightning::short_file_hash(to_std(file))) == to_qstring(id.hash))
                return file;
        } catch (const lightning::Error&) {  // unreadable: not the file
        }
    }
    return {};
}

int upscaler_model_scale(const QString& file) {
    return int(lightning::check_upscaler_file(to_std(file)).scale());
}

// The engine's own check of a request's upscale (the model file read as one, the scale, the
// size it makes), on a request of the image's size with only the upscale.
QString upscale_problem(const QString& model, int scale, QSize size) {
    lightning::GenerationRequest request;
    request.width = size.width();
    request.height = size.height();
    request.upscale = {to_std(model), scale};
    try {
        lightning::check_request_files(request);
    } catch (const lightning::Error& error) {
        return to_qstring(error.what());
    }
    return {};
}

bool upscaled_without_source(const lightning::ImageRecord& record) {
    return record.request.upscale.on() && record.model.name.empty() && record.unet.name.empty() &&
           record.request.prompt.empty();
}

void resolve_upscaler_files(const lightning::ImageRecord& record, const QString& folder,
                            lightning::GenerationRequest& request, QStringList& missing) {
    auto resolve = [&](std::string& path, const lightning::FileIdentity& id) {
        if (path.empty() || QFileInfo(to_qstring(path)).isFile()) return;
        lightning::FileIdentity named = id;
        if (named.name.empty()) named.name = path;
        if (const QString file = find_upscaler_file(named, folder); !file.isEmpty())
            path = to_std(file);
        else
            missing << to_qstring(named.name);
    };
    resolve(request.hires.upscaler_model, record.hires_upscaler);
    resolve(request.upscale.model, record.upscaler);
}

}  // namespace lightning::ui
