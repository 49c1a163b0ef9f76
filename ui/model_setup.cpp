#include "ui/model_setup.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace lightning::ui {
namespace {

bool any_exists(const QDir& dir, const QString& alternatives) {
    for (const QString& name : alternatives.split(u'|'))
        if (QFileInfo(dir.filePath(name)).isFile()) return true;
    return false;
}

QString readable_alternatives(const QString& alternatives) {
    return alternatives.split(u'|').join(QStringLiteral(" or "));
}

void check_files(const QString& folder, const QStringList& files, SetupCheck& check) {
    const QDir dir(folder);
    for (const QString& file : files)
        if (!any_exists(dir, file))
            check.problems << QStringLiteral("Missing %1 in %2")
                                  .arg(readable_alternatives(file),
                                       QDir::toNativeSeparators(folder));
}

}  // namespace

QStringList required_base_files(bool with_weights) {
    QStringList files = {
        QStringLiteral("model_index.json"),
        QStringLiteral("scheduler/scheduler_config.json"),
        QStringLiteral("tokenizer/vocab.json"),
        QStringLiteral("tokenizer/merges.txt"),
        QStringLiteral("tokenizer_2/vocab.json"),
        QStringLiteral("tokenizer_2/merges.txt"),
        QStringLiteral("text_encoder/config.json"),
        QStringLiteral("text_encoder_2/config.json"),
        QStringLiteral("unet/config.json"),
        QStringLiteral("vae/config.json"),
    };
    if (with_weights) {
        files << QStringLiteral(
                     "text_encoder/model.safetensors|text_encoder/model.fp16.safetensors")
              << QStringLiteral(
                     "text_encoder_2/model.safetensors|text_encoder_2/model.fp16.safetensors")
              << QStringLiteral(
                     "vae/diffusion_pytorch_model.safetensors|"
                     "vae/diffusion_pytorch_model.fp16.safetensors");
    }
    return files;
}

QString published_lightning_file(int steps) {
    if (steps == 1) return QStringLiteral("sdxl_lightning_1step_unet_x0.safetensors");
    return QStringLiteral("sdxl_lightning_%1step_unet.safetensors").arg(steps);
}

bool is_single_file(const QString& base) {
    const QFileInfo info(base);
    return !info.isDir() && base.endsWith(QLatin1String(".safetensors"), Qt::CaseInsensitive);
}

SetupCheck check_base_model(const QString& base, const QString& config_dir) {
    SetupCheck check;
    if (base.trimmed().isEmpty()) {
        check.problems << QStringLiteral(
            "No SDXL base model chosen: pick the stable-diffusion-xl-base-1.0 folder "
            "(diffusers layout) or a single .safetensors checkpoint.");
        return check;
    }
    const QFileInfo info(base);
    if (!info.exists()) {
        check.problems << QStringLiteral("%1 does not exist").arg(QDir::toNativeSeparators(base));
        return check;
    }
    if (info.isDir()) {
        check_files(base, required_base_files(true), check);
        return check;
    }
    if (!is_single_file(base)) {
        check.problems << QStringLiteral("%1 is not a .safetensors checkpoint or a model folder")
                              .arg(QDir::toNativeSeparators(base));
        return check;
    }
    if (!info.isReadable())
        check.problems << QStringLiteral("%1 cannot be read").arg(QDir::toNativeSeparators(base));
    if (config_dir.trimmed().isEmpty()) {
        check.problems << QStringLiteral(
            "A single-file checkpoint needs a diffusers folder for its configs and tokenizers "
            "(e.g. stable-diffusion-xl-base-1.0 without the weights)");
    } else if (!QFileInfo(config_dir).isDir()) {
        check.problems << QStringLiteral("Config folder %1 does not exist")
                              .arg(QDir::toNativeSeparators(config_dir));
    } else {
        check_files(config_dir, required_base_files(false), check);
    }
    return check;
}

SetupCheck check_lightning_dir(const QString& lightning_dir) {
    SetupCheck check;
    if (lightning_dir.trimmed().isEmpty()) {
        check.problems << QStringLiteral("No SDXL-Lightning folder chosen");
        return check;
    }
    const QDir dir(lightning_dir);
    if (!dir.exists()) {
        check.problems
            << QStringLiteral("%1 does not exist").arg(QDir::toNativeSeparators(lightning_dir));
        return check;
    }
    static const QRegularExpression unet_file(
        QStringLiteral(R"(^sdxl_lightning_\d+step_unet.*\.safetensors$)"));
    for (const QString& name : dir.entryList(QDir::Files))
        if (unet_file.match(name).hasMatch()) return check;
    QStringList expected;
    for (int steps : kStepChoices) expected << published_lightning_file(steps);
    check.problems << QStringLiteral("No Lightning UNet file in %1 (expected any of %2)")
                          .arg(QDir::toNativeSeparators(lightning_dir), expected.join(", "));
    return check;
}

SetupCheck check_output_dir(const QString& output_dir) {
    SetupCheck check;
    if (output_dir.trimmed().isEmpty()) {
        check.problems << QStringLiteral("No gallery folder chosen");
        return check;
    }
    // Checked without creating anything (this runs as the user types); a folder that does not
    // exist yet is fine when it can be created, i.e. its nearest existing parent is writable.
    QFileInfo info(output_dir);
    if (info.exists() && !info.isDir()) {
        check.problems << QStringLiteral("%1 is a file, not a folder")
                              .arg(QDir::toNativeSeparators(output_dir));
        return check;
    }
    QString existing = QDir::cleanPath(QFileInfo(output_dir).absoluteFilePath());
    while (!QFileInfo(existing).exists()) {
        const QString parent = QFileInfo(existing).absolutePath();
        if (parent == existing) break;
        existing = parent;
    }
    if (!QFileInfo(existing).isDir() || !QFileInfo(existing).isWritable())
        check.problems << QStringLiteral("The gallery folder %1 is not writable")
                              .arg(QDir::toNativeSeparators(existing));
    return check;
}

QString tokenizer_root(const ModelLocations& locations) {
    return is_single_file(locations.base) ? locations.config_dir : locations.base;
}

QString model_download_help_html() {
    QString base_files;
    for (const QString& file : required_base_files(true))
        base_files += QStringLiteral("<li><tt>%1</tt></li>").arg(readable_alternatives(file));
    QString lightning_files;
    for (int steps : kStepChoices)
        lightning_files += QStringLiteral("<li><tt>%1</tt> (%2 step%3)</li>")
                               .arg(published_lightning_file(steps))
                               .arg(steps)
                               .arg(steps == 1 ? "" : "s");
    return QStringLiteral(
               "<h2>No model found</h2>"
               "<p>Lightning Studio needs two downloads from Hugging Face:</p>"
               "<p><b>1. SDXL base</b> &mdash; repository <tt>%1</tt>, these files "
               "(keep the folder layout):</p><ul>%2</ul>"
               "<p>(Instead of the folder you may use a single-file SDXL checkpoint "
               "<tt>.safetensors</tt>; it still needs the configs and tokenizers above, "
               "without the weights.)</p>"
               "<p><b>2. SDXL-Lightning UNets</b> &mdash; repository <tt>%3</tt>, one or more "
               "of:</p><ul>%4</ul>"
               "<p>For example:</p>"
               "<pre>huggingface-cli download %1 --include \"*.json\" \"*.txt\" "
               "\"text_encoder*/model.safetensors\" \"vae/diffusion_pytorch_model.safetensors\"\n"
               "huggingface-cli download %3 sdxl_lightning_4step_unet.safetensors</pre>"
               "<p>Files downloaded this way land in the Hugging Face cache "
               "(<tt>$HF_HOME/hub</tt> or <tt>~/.cache/huggingface/hub</tt>), where the app "
               "finds them by itself (<b>Search again</b>). Files kept anywhere else: open "
               "<b>Settings</b> and point <i>SDXL base</i> at the base folder and "
               "<i>SDXL-Lightning folder</i> at the folder with the UNet files.</p>")
        .arg(QString::fromLatin1(kBaseRepo), base_files, QString::fromLatin1(kLightningRepo),
             lightning_files);
}

}  // namespace lightning::ui
