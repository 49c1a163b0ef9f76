#include "ui/settings_dialog.h"

#include "ui/device_choice.h"
#include "ui/model_setup.h"
#include "ui/string_convert.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace lightning::ui {
namespace {

void show_check(QLabel* label, const QStringList& problems, const QString& ok_text) {
    if (problems.isEmpty()) {
        label->setText(
            QStringLiteral("<span style='color:#2a7a2a'>✔ %1</span>").arg(ok_text.toHtmlEscaped()));
    } else {
        QStringList lines;
        for (const QString& problem : problems) lines << problem.toHtmlEscaped();
        label->setText(QStringLiteral("<span style='color:#b02020'>✘ %1</span>")
                           .arg(lines.join(QStringLiteral("<br>✘ "))));
    }
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

    auto* find = new QPushButton(tr("Find in Hugging Face cache"), this);
    find->setObjectName(QStringLiteral("findHfButton"));
    hf_status_ = new QLabel(this);
    hf_status_->setWordWrap(true);
    connect(find, &QPushButton::clicked, this, [this] { find_in_hf_cache(); });
    auto* find_row = new QHBoxLayout;
    find_row->addWidget(find);
    find_row->addWidget(hf_status_, 1);

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
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
    for (QLineEdit* edit : {base_, config_dir_, lightning_dir_, output_dir_})
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

QLineEdit* SettingsDialog::add_path_row(QFormLayout* form, const QString& label,
                                        const QString& name, bool folder, bool file,
                                        QLabel** status) {
    auto* edit = new QLineEdit(this);
    edit->setObjectName(name);
    auto* row = new QHBoxLayout;
    row->addWidget(edit, 1);
    if (folder) {
        auto* browse = new QPushButton(file ? tr("Folder…") : tr("Browse…"), this);
        connect(browse, &QPushButton::clicked, this, [this, edit, label] {
            const QString dir =
                QFileDialog::getExistingDirectory(this, label, edit->text().trimmed());
            if (!dir.isEmpty()) edit->setText(QDir::toNativeSeparators(dir));
        });
        row->addWidget(browse);
    }
    if (file) {
        auto* browse = new QPushButton(tr("File…"), this);
        connect(browse, &QPushButton::clicked, this, [this, edit, label] {
            const QString path = QFileDialog::getOpenFileName(this, label, edit->text().trimmed(),
                                                              tr("Safetensors (*.safetensors)"));
            if (!path.isEmpty()) edit->setText(QDir::toNativeSeparators(path));
        });
        row->addWidget(browse);
    }
    *status = new QLabel(this);
    (*status)->setWordWrap(true);
    (*status)->setObjectName(name + QStringLiteral("Status"));
    auto* column = new QVBoxLayout;
    column->addLayout(row);
    column->addWidget(*status);
    form->addRow(label, column);
    return edit;
}

void SettingsDialog::validate() {
    const QString base = path_text(base_);
    const bool single = lightning::is_single_file(to_std(base));
    config_dir_->setEnabled(single);
    const QStringList base_problems = base_model_problems(base, path_text(config_dir_));
    show_check(base_status_, base_problems,
               single ? tr("single-file checkpoint with configs") : tr("SDXL base folder"));
    config_status_->setVisible(single);
    if (single) show_check(config_status_, base_problems, tr("configs and tokenizers found"));

    const QString lightning_dir = path_text(lightning_dir_);
    QStringList found;
    for (int steps : lightning::available_lightning_steps(to_std(lightning_dir)))
        found << QString::number(steps);
    show_check(lightning_status_, lightning_dir_problems(lightning_dir),
               found.isEmpty()
                   ? tr("Lightning UNets found")
                   : tr("Lightning UNets for %1 steps").arg(found.join(QStringLiteral("/"))));
    show_check(output_status_, output_dir_problems(path_text(output_dir_)), tr("writable"));
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
    return settings;
}

}  // namespace lightning::ui
