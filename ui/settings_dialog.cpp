#include "ui/settings_dialog.h"

#include "ui/hf_cache.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace lightning::ui {
namespace {

void show_check(QLabel* label, const SetupCheck& check, const QString& ok_text) {
    if (check.ok()) {
        label->setText(
            QStringLiteral("<span style='color:#2a7a2a'>✔ %1</span>").arg(ok_text.toHtmlEscaped()));
    } else {
        QStringList lines;
        for (const QString& problem : check.problems) lines << problem.toHtmlEscaped();
        label->setText(QStringLiteral("<span style='color:#b02020'>✘ %1</span>")
                           .arg(lines.join(QStringLiteral("<br>✘ "))));
    }
}

}  // namespace

void fill_device_combo(QComboBox* combo, const QString& current) {
    combo->setEditable(true);
    combo->clear();
    combo->addItems({QStringLiteral("cpu"), QStringLiteral("cuda"), QStringLiteral("cuda:1")});
    combo->setCurrentText(current.isEmpty() ? QStringLiteral("cpu") : current);
    combo->setToolTip(QObject::tr("cpu, cuda (first GPU) or cuda:N"));
}

void fill_precision_combo(QComboBox* combo, const QString& current) {
    combo->clear();
    combo->addItem(QStringLiteral("fp32"));
    combo->addItem(QStringLiteral("fp16"));
    combo->addItem(QStringLiteral("bf16"));
    combo->setCurrentText(current.isEmpty() ? QStringLiteral("fp32") : current);
    combo->setToolTip(
        QObject::tr("fp16 halves GPU memory and is fastest on GPUs; on the CPU use fp32"));
}

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

    device_ = new QComboBox(this);
    device_->setObjectName(QStringLiteral("settingsDevice"));
    fill_device_combo(device_, settings.device);
    form->addRow(tr("Device"), device_);
    precision_ = new QComboBox(this);
    precision_->setObjectName(QStringLiteral("settingsPrecision"));
    fill_precision_combo(precision_, settings.precision);
    form->addRow(tr("Precision"), precision_);
    preview_ = new QComboBox(this);
    preview_->setObjectName(QStringLiteral("settingsPreview"));
    preview_->addItem(tr("Reduced (fast)"), int(PreviewQuality::Reduced));
    preview_->addItem(tr("Full VAE decode"), int(PreviewQuality::Full));
    preview_->addItem(tr("Off"), int(PreviewQuality::Off));
    preview_->setCurrentIndex(preview_->findData(int(settings.preview)));
    form->addRow(tr("Live previews"), preview_);

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

    base_->setText(settings.models.base);
    config_dir_->setText(settings.models.config_dir);
    lightning_dir_->setText(settings.models.lightning_dir);
    output_dir_->setText(settings.output_dir);
    for (QLineEdit* edit : {base_, config_dir_, lightning_dir_, output_dir_})
        connect(edit, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    validate();
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
    const QString base = base_->text().trimmed();
    const bool single = is_single_file(base);
    config_dir_->setEnabled(single);
    const SetupCheck base_check = check_base_model(base, config_dir_->text().trimmed());
    show_check(base_status_, base_check,
               single ? tr("single-file checkpoint with configs") : tr("SDXL base folder"));
    config_status_->setVisible(single);
    if (single) show_check(config_status_, base_check, tr("configs and tokenizers found"));
    const SetupCheck lightning = check_lightning_dir(lightning_dir_->text().trimmed());
    QStringList found;
    if (lightning.ok()) {
        const QDir dir(lightning_dir_->text().trimmed());
        for (int steps : kStepChoices)
            if (QFileInfo(dir.filePath(published_lightning_file(steps))).isFile())
                found << QString::number(steps);
    }
    show_check(lightning_status_, lightning,
               found.isEmpty()
                   ? tr("Lightning UNets found")
                   : tr("Lightning UNets for %1 steps").arg(found.join(QStringLiteral("/"))));
    show_check(output_status_, check_output_dir(output_dir_->text().trimmed()), tr("writable"));
}

QString SettingsDialog::find_in_hf_cache() {
    const QString hub = default_hf_hub_dir();
    const DiscoveredModels found = discover_hf_models(hub);
    if (!found.base_dir.isEmpty()) {
        base_->setText(found.base_dir);
        config_dir_->clear();
    }
    if (!found.lightning_dir.isEmpty()) lightning_dir_->setText(found.lightning_dir);
    QString text;
    if (found.complete())
        text = tr("Found both models in %1").arg(QDir::toNativeSeparators(hub));
    else if (!found.base_dir.isEmpty())
        text = tr("Found the SDXL base in %1, but no usable %2 snapshot")
                   .arg(QDir::toNativeSeparators(hub), QString::fromLatin1(kLightningRepo));
    else if (!found.lightning_dir.isEmpty())
        text = tr("Found SDXL-Lightning in %1, but no usable %2 snapshot")
                   .arg(QDir::toNativeSeparators(hub), QString::fromLatin1(kBaseRepo));
    else
        text = tr("Nothing usable in %1").arg(QDir::toNativeSeparators(hub));
    hf_status_->setText(text);
    return text;
}

EngineSettings SettingsDialog::settings() const {
    EngineSettings settings;
    settings.models.base = QDir::fromNativeSeparators(base_->text().trimmed());
    settings.models.config_dir = QDir::fromNativeSeparators(config_dir_->text().trimmed());
    settings.models.lightning_dir = QDir::fromNativeSeparators(lightning_dir_->text().trimmed());
    settings.output_dir = QDir::fromNativeSeparators(output_dir_->text().trimmed());
    settings.device = device_->currentText().trimmed();
    settings.precision = precision_->currentText();
    settings.preview = PreviewQuality(preview_->currentData().toInt());
    return settings;
}

}  // namespace lightning::ui
