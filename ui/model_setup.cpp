#include "ui/model_setup.h"

#include "ui/string_convert.h"

namespace lightning::ui {
namespace {

QString readable_alternatives(const std::string& alternatives) {
    return to_qstring(alternatives).split(u'|').join(QStringLiteral(" or "));
}

}  // namespace

QStringList base_model_problems(const QString& base, const QString& config_dir) {
    return to_qstring_list(lightning::check_base_model(to_std(base), to_std(config_dir)));
}

QStringList lightning_dir_problems(const QString& lightning_dir) {
    return to_qstring_list(lightning::check_lightning_dir(to_std(lightning_dir)));
}

QStringList output_dir_problems(const QString& output_dir) {
    return to_qstring_list(lightning::check_output_dir(to_std(output_dir)));
}

QStringList model_problems(const lightning::ModelLocations& models) {
    return to_qstring_list(lightning::check_base_model(models.base, models.config_dir)) +
           to_qstring_list(lightning::check_lightning_dir(models.lightning_dir));
}

QString tokenizer_root(const lightning::ModelLocations& models) {
    return to_qstring(lightning::config_root(models));
}

QString model_download_help_html() {
    QString base_files;
    for (const auto& file : lightning::required_base_files(true))
        base_files += QStringLiteral("<li><tt>%1</tt></li>").arg(readable_alternatives(file));
    QString lightning_files;
    for (int steps : lightning::kStepChoices)
        lightning_files += QStringLiteral("<li><tt>%1</tt> (%2 step%3)</li>")
                               .arg(to_qstring(lightning::published_lightning_file(steps)))
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
        .arg(QString::fromLatin1(lightning::kBaseRepo), base_files,
             QString::fromLatin1(lightning::kLightningRepo), lightning_files);
}

}  // namespace lightning::ui
