// Model setup and engine options, checked as you type: every problem names the missing file and
// the folder it should be in.
#pragma once
#include "ui/app_settings.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace lightning::ui {

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(const EngineSettings& settings, QWidget* parent = nullptr);

    EngineSettings settings() const;
    // The language chosen (a ui/translations.h code; "" = the system's). It applies on the next
    // start: the window's texts are made once, in the language of the start.
    QString language() const;
    // Fills the model fields from the Hugging Face cache; returns what it found (for tests too).
    QString find_in_hf_cache();

private:
    void validate();
    void validate_optional_paths();
    void validate_upscalers();
    void validate_loras();
    void build_engine_rows(QFormLayout* form, const EngineSettings& settings);
    void build_prompt_rows(QFormLayout* form, const EngineSettings& settings);
    void build_exploration_rows(QFormLayout* form, const EngineSettings& settings);
    void build_language_row(QFormLayout* form);
    QLineEdit* add_path_row(QFormLayout* form, const QString& label, const QString& name,
                            bool folder, bool file, QLabel** status);

    QLineEdit* base_ = nullptr;
    QLineEdit* config_dir_ = nullptr;
    QLineEdit* lightning_dir_ = nullptr;
    QLineEdit* output_dir_ = nullptr;
    QLineEdit* embeddings_dir_ = nullptr;
    QLineEdit* vae_ = nullptr;
    QLineEdit* upscalers_dir_ = nullptr;
    QLineEdit* wildcards_dir_ = nullptr;
    QLineEdit* loras_dir_ = nullptr;
    QLabel* loras_status_ = nullptr;
    QLabel* base_status_ = nullptr;
    QLabel* config_status_ = nullptr;
    QLabel* lightning_status_ = nullptr;
    QLabel* output_status_ = nullptr;
    QLabel* embeddings_status_ = nullptr;
    QLabel* vae_status_ = nullptr;
    QLabel* upscalers_status_ = nullptr;
    QLabel* wildcards_status_ = nullptr;
    QLabel* hf_status_ = nullptr;
    QComboBox* device_ = nullptr;
    QComboBox* precision_ = nullptr;
    QComboBox* preview_ = nullptr;
    QDoubleSpinBox* checkpoint_cache_ = nullptr;
    QComboBox* prompt_syntax_ = nullptr;
    QComboBox* vae_tiling_ = nullptr;
    QComboBox* live_scale_ = nullptr;
    QSpinBox* variation_count_ = nullptr;
    QComboBox* language_ = nullptr;
    QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace lightning::ui
