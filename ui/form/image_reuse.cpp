#include "ui/form/image_reuse.h"

#include "core/request/limits.h"
#include "core/request/model_layout.h"
#include "core/util/error.h"
#include "ui/string_convert.h"

#include <QObject>

namespace lightning::ui {

QString restore_note(const lightning::ImageRecord& record) {
    QStringList notes;
    if (const auto keys = lightning::unreadable_settings(record); !keys.empty())
        notes << QObject::tr("Not readable in the image, kept as they were: %1")
                     .arg(to_qstring_list(keys).join(QStringLiteral(", ")));
    try {
        lightning::limits::validate(record.request);
    } catch (const lightning::Error& error) {  // e.g. CFG 50: the form holds the nearest value
        notes << QObject::tr("Outside the limits, the form holds the nearest allowed value: %1")
                     .arg(to_qstring(error.what()));
    }
    if (const auto unused = lightning::unused_settings(record); !unused.empty())
        notes << QObject::tr("Not used here (Lightning Studio samples with Euler): %1")
                     .arg(to_qstring_list(unused).join(QStringLiteral(", ")));
    return notes.join(u'\n');
}

RecordedSettings recorded_settings(const EngineSettings& current,
                                   const lightning::ImageRecord& record) {
    RecordedSettings out{current, {}};
    EngineSettings& engine = out.engine;
    engine.prompt_syntax = record.request.prompt_syntax;
    engine.vae_tiling = record.request.vae_tiling;
    if (engine.prompt_syntax != current.prompt_syntax)
        out.notes << QObject::tr("prompt syntax set to %1, as the image was made")
                         .arg(QString::fromLatin1(lightning::to_string(engine.prompt_syntax)));
    if (engine.vae_tiling != current.vae_tiling)
        out.notes << QObject::tr("VAE tiling set to %1, as the image was made")
                         .arg(QString::fromLatin1(lightning::to_string(engine.vae_tiling)));
    const QStringList available = embedding_tokens(current.embeddings_dir);
    for (const auto& embedding : record.request.embeddings)
        if (!available.contains(to_qstring(embedding.token)))
            out.notes << QObject::tr("the embedding %1 is not in the embeddings folder")
                             .arg(to_qstring(embedding.token));
    const QString vae_name = to_qstring(record.vae.name);
    const QString own_vae = current.vae.isEmpty()
                                ? QString()
                                : to_qstring(lightning::model_display_name(to_std(current.vae)));
    if (vae_name != own_vae)
        out.notes << (vae_name.isEmpty()
                          ? QObject::tr("it was made with the model's own VAE")
                          : QObject::tr("it was made with the VAE %1").arg(vae_name));
    return out;
}

}  // namespace lightning::ui
