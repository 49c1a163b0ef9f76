// The form's "LoRAs" section: the LoRA files of the app's LoRA folders and of the Hugging Face
// cache (core/lora/lora_files.h), picked by name, several at once, each with a weight (a slider
// for the usual -2..2 and a spin box for the limits' whole range) and a remove button. A LoRA
// made for another model than SDXL is refused when picked, with the check the engine makes
// (check_request_files), so the panel never holds one that cannot run.
#pragma once
#include "core/lora/lora_files.h"
#include "core/request/request.h"

#include <QGroupBox>
#include <QStringList>

#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
class QVBoxLayout;

namespace lightning::ui {

class LoraPanel : public QGroupBox {
    Q_OBJECT
public:
    explicit LoraPanel(QWidget* parent = nullptr);

    // Where LoRA files are looked for: folders (subfolders too) and a Hugging Face cache ("" =
    // none). Lists them at once (refresh()).
    void set_sources(const QStringList& folders, const QString& hub_cache);
    // Lists the sources again (the ⟳ button), keeping the active LoRAs.
    void refresh();
    const std::vector<lightning::LoraFile>& library() const { return library_; }
    // Names of the library, for the prompt box's completion.
    QStringList names() const;
    // "the LoRA folder ..." for resolve_prompt_loras' messages.
    std::string searched() const;

    // Adds the library's LoRA `name` (or a file) at `weight`; false, with the reason shown in
    // the panel (message()), for an unknown name or a file made for another model.
    bool add(const QString& name, double weight = 1.0);
    bool add_file(const QString& path, double weight = 1.0);
    void remove(int row);
    void set_weight(int row, double weight);
    int count() const { return int(rows_.size()); }
    QString message() const;

    // The active LoRAs, in the order added.
    std::vector<lightning::LoraSpec> loras() const;
    // Shows `loras` (a bare name, as a PNG records it, is looked up in the library; one not
    // found stays, marked, so that the request shows as it is). No changed().
    void set_loras(const std::vector<lightning::LoraSpec>& loras);

Q_SIGNALS:
    void changed();
    // The library was listed again.
    void libraryChanged();

private:
    struct Row {
        QWidget* widget = nullptr;
        std::string path;
        QSlider* slider = nullptr;
        QDoubleSpinBox* spin = nullptr;
    };
    void add_row(const std::string& path, const QString& label, double weight);
    void show_message(const QString& text);
    void emit_changed();

    QStringList folders_;
    QString hub_cache_;
    std::vector<lightning::LoraFile> library_;
    std::vector<Row> rows_;
    QComboBox* picker_ = nullptr;
    QPushButton* add_button_ = nullptr;
    QPushButton* refresh_button_ = nullptr;
    QVBoxLayout* rows_layout_ = nullptr;
    QLabel* message_ = nullptr;
    bool filling_ = false;
};

}  // namespace lightning::ui
