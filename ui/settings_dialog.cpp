#include "ui/settings_dialog.h"

#include "core/lora/lora_files.h"
#include "core/request/limits.h"
#include "core/util/error.h"
#include "ui/device_choice.h"
#include "ui/eliding_label.h"
#include "ui/model_setup.h"
#include "ui/string_convert.h"
#include "ui/translations.h"
#include "ui/upscaler_files.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace lightning::ui {
namespace {

// Two lines whatever the result, so no row below moves while a path is typed and a problem such
// as "No SDXL base model chosen: pick … (diffusers layout) or …" is read whole; what does not
// fit is in the tooltip (ElidingLabel).
void show_check(QLabel* label, const QStringList& problems, const QString& ok_text) {
    const bool ok = problems.isEmpty();
    label->setText(ok ? QStringLiteral("✔ ") + ok_text
                      : QStringLiteral("✘ ") + problems.join(QStringLiteral("   ✘ ")));
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText,
                     ok ? QColor(0x2a, 0x7a, 0x2a) : QColor(0xb0, 0x20, 0x20));
    label->setPalette(palette);
}

void show_note(QLabel* label, const QString& text) {
    label->setText(text);
    label->setPalette(QPalette());
}

QString path_text(const QLineEdit* edit) {
    return QDir::fromNativeSeparators(edit->text().trimmed());
}

}  // namespace

SettingsDialog::SettingsDialog(const EngineSettings& settings, QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));
    setMinimumWidth(720);
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);

    base_ =
        add_path_row(form, tr("SDXL base"), QStringLiteral("baseEdit"), true, true, &base_status_);
    base_->setPlaceholderText(
        tr("stable-diffusion-xl-base-1.0 folder, or a single-file .safetensors checkpoint"));
    config_dir_ = add_path_row(form, tr("Configs for single file"), QStringLiteral("configDirEdit"),
                               true, false, &config_status_);
    config_dir_->setPlaceholderText(tr("diffusers folder with configs and tokenizers"));
    lightning_dir_ =
        add_path_row(form, tr("SDXL-Lightning folder"), QStringLiteral("lightningDirEdit"), true,
                     false, &lightning_status_);
    lightning_dir_->setPlaceholderText(tr("folder with sdxl_lightning_*step_unet*.safetensors"));
    output_dir_ = add_path_row(form, tr("Gallery folder"), QStringLiteral("outputDirEdit"), true,
                               false, &output_status_);
    build_engine_rows(form, settings);
    build_prompt_rows(form, settings);
    build_exploration_rows(form, settings);

    auto* find = new QPushButton(tr("Find in Hugging Face cache"), this);
    find->setObjectName(QStringLiteral("findHfButton"));
    find->setToolTip(tr("Fill in the model paths from the models in the Hugging Face cache"));
    hf_status_ = new QLabel(this);
    hf_status_->setWordWrap(true);
    connect(find, &QPushButton::clicked, this, [this] { find_in_hf_cache(); });
    auto* find_row = new QHBoxLayout;
    find_row->addWidget(find);
    find_row->addWidget(hf_status_, 1);

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons_->button(QDialogButtonBox::Ok)->setToolTip(tr("Use and keep these settings"));
    buttons_->button(QDialogButtonBox::Cancel)->setToolTip(tr("Close without changing settings"));
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(find_row);
    layout->addStretch();
    layout->addWidget(buttons_);

    base_->setText(to_qstring(settings.models.base));
    config_dir_->setText(to_qstring(settings.models.config_dir));
    lightning_dir_->setText(to_qstring(settings.models.lightning_dir));
    output_dir_->setText(settings.output_dir);
    embeddings_dir_->setText(settings.embeddings_dir);
    vae_->setText(settings.vae);
    upscalers_dir_->setText(settings.upscalers_dir);
    wildcards_dir_->setText(settings.wildcards_dir);
    loras_dir_->setText(settings.loras_dir);
    for (QLineEdit* edit : {base_, config_dir_, lightning_dir_, output_dir_, embeddings_dir_, vae_,
                            upscalers_dir_, wildcards_dir_, loras_dir_})
        connect(edit, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    validate();
}

void SettingsDialog::build_engine_rows(QFormLayout* form, const EngineSettings& settings) {
    device_ = new QComboBox(this);
    device_->setObjectName(QStringLiteral("settingsDevice"));
    fill_device_combo(device_, settings.device);
    form->addRow(tr("Device"), device_);
    precision_ = new QComboBox(this);
    precision_->setObjectName(QStringLiteral("settingsPrecision"));
    fill_precision_combo(precision_, device_->currentData().toString(), settings.precision);
    form->addRow(tr("Precision"), precision_);
    // What a device offers differs (fp16 only on GPUs): the precision list follows the device.
    connect(device_, &QComboBox::currentIndexChanged, this, [this] {
        fill_precision_combo(precision_, device_->currentData().toString(),
                             lightning::Precision(precision_->currentData().toInt()));
    });

    preview_ = new QComboBox(this);
    preview_->setObjectName(QStringLiteral("settingsPreview"));
    preview_->addItem(tr("Reduced (fast)"), int(lightning::PreviewMode::Reduced));
    preview_->addItem(tr("Full VAE decode"), int(lightning::PreviewMode::Full));
    preview_->addItem(tr("Off"), int(lightning::PreviewMode::Off));
    preview_->setCurrentIndex(preview_->findData(int(settings.preview)));
    preview_->setToolTip(tr("How the image is shown while it renders"));
    form->addRow(tr("Live previews"), preview_);

    checkpoint_cache_ = new QDoubleSpinBox(this);
    checkpoint_cache_->setObjectName(QStringLiteral("settingsCheckpointCache"));
    checkpoint_cache_->setRange(0, 1024);
    checkpoint_cache_->setDecimals(1);
    checkpoint_cache_->setSingleStep(1);
    checkpoint_cache_->setSuffix(tr(" GB"));
    checkpoint_cache_->setSpecialValueText(tr("Automatic"));
    checkpoint_cache_->setValue(settings.checkpoint_cache_gb);
    checkpoint_cache_->setToolTip(
        tr("Device memory for Lightning UNets kept ready, so switching between 1, 2, 4 and 8 "
           "steps is instant (about 5 GB each in fp16). Automatic: what the device has free."));
    form->addRow(tr("UNet checkpoint cache"), checkpoint_cache_);
}

void SettingsDialog::build_prompt_rows(QFormLayout* form, const EngineSettings& settings) {
    prompt_syntax_ = new QComboBox(this);
    prompt_syntax_->setObjectName(QStringLiteral("settingsPromptSyntax"));
    prompt_syntax_->addItem(tr("A1111: (word:1.2), [word], BREAK"),
                            int(lightning::PromptSyntax::A1111));
    prompt_syntax_->addItem(tr("Compel: word++, (phrase)1.2, .and()"),
                            int(lightning::PromptSyntax::Compel));
    prompt_syntax_->addItem(tr("None: plain text, first 75 tokens"),
                            int(lightning::PromptSyntax::None));
    prompt_syntax_->setCurrentIndex(prompt_syntax_->findData(int(settings.prompt_syntax)));
    prompt_syntax_->setToolTip(
        tr("How prompts are read. A1111 and Compel weight words and encode long prompts in "
           "75-token chunks; None is diffusers' plain encoding (cut after 75 tokens, 77 with start "
           "and end; a note says when). Each image "
           "records its syntax, so restoring it reproduces it."));
    form->addRow(tr("Prompt s&yntax"), prompt_syntax_);

    embeddings_dir_ =
        add_path_row(form, tr("Embeddings folder"), QStringLiteral("embeddingsDirEdit"), true,
                     false, &embeddings_status_);
    embeddings_dir_->setPlaceholderText(tr("textual-inversion .safetensors files (optional)"));
    embeddings_dir_->setToolTip(
        tr("Each SDXL embedding file here (clip_l and clip_g) is a token named after the file: "
           "neg1.safetensors is used by writing neg1 in a prompt."));
    vae_ = add_path_row(form, tr("VAE"), QStringLiteral("vaeEdit"), true, true, &vae_status_);
    vae_->setPlaceholderText(tr("the model's own VAE (or a VAE file / diffusers VAE folder)"));
    vae_->setToolTip(
        tr("A VAE used instead of the model's, e.g. sdxl-vae-fp16-fix's "
           "sdxl.vae.safetensors (decodes in fp16 on a GPU)"));
    upscalers_dir_ = add_path_row(form, tr("Upscaler models"), QStringLiteral("upscalersDirEdit"),
                                  true, false, &upscalers_status_);
    upscalers_dir_->setPlaceholderText(tr("ESRGAN .safetensors / .pth files (optional)"));
    upscalers_dir_->setToolTip(
        tr("A folder of ESRGAN-family upscaler models (RealESRGAN_x4plus, 4x-UltraSharp, ...): "
           "the gallery's Upscale ×2 / ×4, the form's upscale and the hires fix offer each file"));
    wildcards_dir_ = add_path_row(form, tr("Wildcards folder"), QStringLiteral("wildcardsDirEdit"),
                                  true, false, &wildcards_status_);
    wildcards_dir_->setPlaceholderText(tr("NAME.txt files for __NAME__ in prompts (optional)"));
    wildcards_dir_->setToolTip(
        tr("__colors__ in a prompt is one line of colors.txt here (__sub/name__: sub/name.txt), "
           "chosen from the image's seed; {a|b} chooses without files."));
    // Free text: several folders are separated by ';' (the browse button picks one).
    loras_dir_ = add_path_row(form, tr("LoRA folder"), QStringLiteral("lorasDirEdit"), true, false,
                              &loras_status_);
    loras_dir_->setPlaceholderText(tr("LoRA .safetensors files (optional; several: a;b)"));
    loras_dir_->setToolTip(
        tr("The form's LoRA panel offers every .safetensors file here (subfolders too) and in "
           "the Hugging Face cache; <lora:name:0.8> in a prompt uses the file name.safetensors"));

    vae_tiling_ = new QComboBox(this);
    vae_tiling_->setObjectName(QStringLiteral("settingsVaeTiling"));
    vae_tiling_->addItem(tr("Automatic (when memory is short)"), int(lightning::VaeTiling::Auto));
    vae_tiling_->addItem(tr("On"), int(lightning::VaeTiling::On));
    vae_tiling_->addItem(tr("Off"), int(lightning::VaeTiling::Off));
    vae_tiling_->setCurrentIndex(vae_tiling_->findData(int(settings.vae_tiling)));
    vae_tiling_->setToolTip(
        tr("Decode the image in overlapping tiles (as diffusers' enable_tiling): large sizes fit "
           "in less memory; the result differs slightly from an untiled decode"));
    form->addRow(tr("VAE &tiling"), vae_tiling_);
}

void SettingsDialog::build_exploration_rows(QFormLayout* form, const EngineSettings& settings) {
    live_scale_ = new QComboBox(this);
    live_scale_->setObjectName(QStringLiteral("settingsLiveScale"));
    live_scale_->addItem(tr("Full size"), 1.0);
    live_scale_->addItem(tr("¾ width and height"), 0.75);
    live_scale_->addItem(tr("½ width and height (4× faster)"), 0.5);
    const int scale = live_scale_->findData(settings.live_scale);
    live_scale_->setCurrentIndex(scale >= 0 ? scale : 0);
    live_scale_->setToolTip(
        tr("Live mode renders at this size for a quicker response; Generate and Keep record the "
           "size that was rendered"));
    form->addRow(tr("&Live mode resolution"), live_scale_);

    variation_count_ = new QSpinBox(this);
    variation_count_->setObjectName(QStringLiteral("settingsVariationCount"));
    variation_count_->setRange(1, 16);
    variation_count_->setValue(settings.variation_count);
    variation_count_->setSuffix(tr(" images"));
    variation_count_->setToolTip(
        tr("\"More like this\" renders the next seeds of an image (seed + 1 … seed + N)"));
    form->addRow(tr("&More like this"), variation_count_);
    build_language_row(form);
}

void SettingsDialog::build_language_row(QFormLayout* form) {
    language_ = new QComboBox(this);
    language_->setObjectName(QStringLiteral("settingsLanguage"));
    QSettings stored;
    const QString current = load_language(stored);
    for (const Language& language : languages()) {
        // Each language in its own words; "System" in the language shown now.
        language_->addItem(language.code.isEmpty() ? tr("System") : language.name, language.code);
        if (language.code == current) language_->setCurrentIndex(language_->count() - 1);
    }
    language_->setToolTip(tr("The language of the app; System follows the desktop's language"));
    auto* row = new QHBoxLayout;
    row->addWidget(language_);
    auto* note = new QLabel(tr("applies on the next start"), this);
    note->setObjectName(QStringLiteral("settingsLanguageNote"));
    row->addWidget(note, 1);
    form->addRow(tr("&Language"), row);
    // QFormLayout gives the buddy to the row's layout's first widget only when it is a widget.
    if (auto* label = qobject_cast<QLabel*>(form->labelForField(row))) label->setBuddy(language_);
}

QString SettingsDialog::language() const {
    return language_->currentData().toString();
}

QLineEdit* SettingsDialog::add_path_row(QFormLayout* form, const QString& label,
                                        const QString& name, bool folder, bool file,
                                        QLabel** status) {
    auto* edit = new QLineEdit(this);
    edit->setObjectName(name);
    edit->setToolTip(tr("Path of: %1").arg(label));  // callers that say more set their own
    auto* row = new QHBoxLayout;
    row->addWidget(edit, 1);
    if (folder) {
        auto* browse = new QPushButton(file ? tr("Folder…") : tr("Browse…"), this);
        browse->setToolTip(tr("Choose the folder for: %1").arg(label));
        connect(browse, &QPushButton::clicked, this, [this, edit, label] {
            const QString dir =
                QFileDialog::getExistingDirectory(this, label, edit->text().trimmed());
            if (!dir.isEmpty()) edit->setText(QDir::toNativeSeparators(dir));
        });
        row->addWidget(browse);
    }
    if (file) {
        auto* browse = new QPushButton(tr("File…"), this);
        browse->setToolTip(tr("Choose the file for: %1").arg(label));
        connect(browse, &QPushButton::clicked, this, [this, edit, label] {
            const QString path = QFileDialog::getOpenFileName(this, label, edit->text().trimmed(),
                                                              tr("Safetensors (*.safetensors)"));
            if (!path.isEmpty()) edit->setText(QDir::toNativeSeparators(path));
        });
        row->addWidget(browse);
    }
    auto* status_label = new ElidingLabel(this);
    status_label->set_line_count(2);
    *status = status_label;
    (*status)->setObjectName(name + QStringLiteral("Status"));
    auto* column = new QVBoxLayout;
    column->addLayout(row);
    column->addWidget(*status);
    form->addRow(label, column);
    // The row's label names the edit for screen readers (its field is a layout, not the edit).
    if (auto* row_label = qobject_cast<QLabel*>(form->labelForField(column)))
        row_label->setBuddy(edit);
    return edit;
}

void SettingsDialog::validate() {
    const QString base = path_text(base_);
    const bool single = lightning::is_single_file(to_std(base));
    config_dir_->setEnabled(single);
    const QStringList base_problems = base_model_problems(base, path_text(config_dir_));
    show_check(base_status_, base_problems,
               single ? tr("single-file checkpoint with configs") : tr("SDXL base folder"));
    // Emptied, not hidden, when unused: hiding it would move every row below.
    if (single)
        show_check(config_status_, base_problems, tr("configs and tokenizers found"));
    else
        show_note(config_status_, QString());

    const QString lightning_dir = path_text(lightning_dir_);
    QStringList found;
    for (int steps : lightning::available_lightning_steps(to_std(lightning_dir)))
        found << QString::number(steps);
    show_check(lightning_status_, lightning_dir_problems(lightning_dir),
               found.isEmpty()
                   ? tr("Lightning UNets found")
                   : tr("Lightning UNets for %1 steps").arg(found.join(QStringLiteral("/"))));
    show_check(output_status_, output_dir_problems(path_text(output_dir_)), tr("writable"));
    validate_optional_paths();
}

void SettingsDialog::validate_optional_paths() {
    const QString embeddings = path_text(embeddings_dir_);
    if (embeddings.isEmpty()) {
        show_note(embeddings_status_, tr("no embeddings"));
    } else if (!QFileInfo(embeddings).isDir()) {
        show_check(embeddings_status_, {tr("No folder %1").arg(embeddings)}, {});
    } else {
        const QStringList tokens = embedding_tokens(embeddings);
        if (tokens.isEmpty())
            show_note(embeddings_status_, tr("no .safetensors files in this folder yet"));
        else
            show_check(embeddings_status_, {},
                       (tokens.size() == 1 ? tr("1 embedding: %1")
                                           : tr("%1 embeddings: %2").arg(tokens.size()))
                           .arg(tokens.join(QStringLiteral(", "))));
    }
    const QString vae = path_text(vae_);
    if (vae.isEmpty())
        show_note(vae_status_, tr("the model's own VAE"));
    else if (QFileInfo(vae).isFile())
        show_check(vae_status_, {}, tr("VAE file"));
    else if (QFileInfo(QDir(vae).filePath(QStringLiteral("config.json"))).isFile())
        show_check(vae_status_, {}, tr("diffusers VAE folder"));
    else
        show_check(vae_status_, {tr("No VAE file or folder (with config.json) at %1").arg(vae)},
                   {});
    validate_upscalers();
    const QString wildcards = path_text(wildcards_dir_);
    if (wildcards.isEmpty())
        show_note(wildcards_status_, tr("no wildcards"));
    else if (!QFileInfo(wildcards).isDir())
        show_check(wildcards_status_, {tr("No folder %1").arg(wildcards)}, {});
    else
        show_check(wildcards_status_, {}, tr("wildcards folder"));
    validate_loras();
}

void SettingsDialog::validate_loras() {
    const QStringList folders = path_text(loras_dir_).split(u';', Qt::SkipEmptyParts);
    if (folders.isEmpty()) {
        show_note(loras_status_, tr("no LoRA folder (the Hugging Face cache's LoRAs are offered)"));
        return;
    }
    QStringList problems;
    std::vector<std::string> existing;
    for (const QString& folder : folders) {
        if (QFileInfo(folder.trimmed()).isDir())
            existing.push_back(to_std(folder.trimmed()));
        else
            problems << tr("No folder %1").arg(folder.trimmed());
    }
    try {
        const auto files = lightning::lora_files_in(existing);
        show_check(loras_status_, problems, tr("%n LoRA file(s)", nullptr, int(files.size())));
    } catch (const lightning::Error& error) {
        show_check(loras_status_, problems << to_qstring(error.what()), {});
    }
}

void SettingsDialog::validate_upscalers() {
    const QString folder = path_text(upscalers_dir_);
    if (folder.isEmpty()) {
        show_note(upscalers_status_, tr("no upscaler models"));
        return;
    }
    if (!QFileInfo(folder).isDir()) {
        show_check(upscalers_status_, {tr("No folder %1").arg(folder)}, {});
        return;
    }
    QStringList names;
    for (const QString& file : upscaler_model_files(folder)) names << upscaler_display_name(file);
    if (names.isEmpty())
        show_note(upscalers_status_, tr("no .safetensors or .pth files in this folder yet"));
    else
        show_check(
            upscalers_status_, {},
            (names.size() == 1 ? tr("1 upscaler: %1") : tr("%1 upscalers: %2").arg(names.size()))
                .arg(names.join(QStringLiteral(", "))));
}

QString SettingsDialog::find_in_hf_cache() {
    const QString hub = to_qstring(lightning::default_hf_hub_dir());
    const lightning::DiscoveredModels found = lightning::discover_hf_models(to_std(hub));
    if (!found.base_dir.empty()) {
        base_->setText(to_qstring(found.base_dir));
        config_dir_->clear();
    }
    if (!found.lightning_dir.empty()) lightning_dir_->setText(to_qstring(found.lightning_dir));
    QString text;
    if (found.complete())
        text = tr("Found both models in %1").arg(QDir::toNativeSeparators(hub));
    else if (!found.base_dir.empty())
        text =
            tr("Found the SDXL base in %1, but no usable %2 snapshot")
                .arg(QDir::toNativeSeparators(hub), QString::fromLatin1(lightning::kLightningRepo));
    else if (!found.lightning_dir.empty())
        text = tr("Found SDXL-Lightning in %1, but no usable %2 snapshot")
                   .arg(QDir::toNativeSeparators(hub), QString::fromLatin1(lightning::kBaseRepo));
    else if (!found.problem.empty())  // unreadable: not the same as empty
        text = to_qstring(found.problem);
    else
        text = tr("Nothing usable in %1").arg(QDir::toNativeSeparators(hub));
    hf_status_->setText(text);
    return text;
}

EngineSettings SettingsDialog::settings() const {
    EngineSettings settings;
    settings.models.base = to_std(path_text(base_));
    settings.models.config_dir = to_std(path_text(config_dir_));
    settings.models.lightning_dir = to_std(path_text(lightning_dir_));
    settings.output_dir = path_text(output_dir_);
    settings.device = device_->currentData().toString();
    settings.precision = lightning::Precision(precision_->currentData().toInt());
    settings.preview = lightning::PreviewMode(preview_->currentData().toInt());
    settings.checkpoint_cache_gb = checkpoint_cache_->value();
    settings.prompt_syntax = lightning::PromptSyntax(prompt_syntax_->currentData().toInt());
    settings.embeddings_dir = path_text(embeddings_dir_);
    settings.vae = path_text(vae_);
    settings.upscalers_dir = path_text(upscalers_dir_);
    settings.wildcards_dir = path_text(wildcards_dir_);
    settings.loras_dir = path_text(loras_dir_);
    settings.vae_tiling = lightning::VaeTiling(vae_tiling_->currentData().toInt());
    settings.live_scale = live_scale_->currentData().toDouble();
    settings.variation_count = variation_count_->value();
    return settings;
}

}  // namespace lightning::ui
