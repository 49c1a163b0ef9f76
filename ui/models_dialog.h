// "Models": fetches SDXL base and the chosen SDXL-Lightning UNets into the Hugging Face cache
// (core/hub) on a background thread, with progress, speed, time left and cancel. The app's
// cache discovery (core/request/model_layout.h) then finds them. Reached from the first-run panel
// and File ▸ Models….
#pragma once
#include "core/hub/hub_settings.h"

#include <QDialog>
#include <QString>

#include <atomic>
#include <memory>

class QCheckBox;
class QGroupBox;
class QHBoxLayout;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QThread;

namespace lightning::ui {

class ModelsDialog : public QDialog {
    Q_OBJECT
public:
    // Hub address, cache and token from the environment (HF_ENDPOINT, HF_HUB_CACHE/HF_HOME,
    // HF_TOKEN or the token file), as huggingface_hub reads them.
    explicit ModelsDialog(QWidget* parent = nullptr);
    ~ModelsDialog() override;  // cancels and waits for a running download

    bool downloading() const;
    // Starts a download of what the checkboxes select; false (and a message) when nothing is.
    bool start_download();
    void cancel_download();
    QString status_text() const;    // the line under the progress bar
    QString cache_summary() const;  // what the cache holds of the two repositories

Q_SIGNALS:
    // A download finished and every selected file is in the cache.
    void downloaded();
    // A download ended (finished, failed or cancelled); `message` says which, in words.
    void finishedWithMessage(bool ok, const QString& message);

protected:
    void reject() override;  // Close/Esc while downloading asks to cancel first

private:
    QGroupBox* build_download_choice();
    QHBoxLayout* build_buttons();
    void refresh_cache_summary();
    void set_running(bool running);
    void on_finished(bool ok, bool cancelled, const QString& message);

    hub::HubSettings settings_;
    QCheckBox* base_ = nullptr;
    QCheckBox* steps_[4] = {};
    QCheckBox* fp16_ = nullptr;
    QLabel* cache_label_ = nullptr;
    QLabel* summary_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* status_ = nullptr;
    QPlainTextEdit* notes_ = nullptr;
    QPushButton* download_button_ = nullptr;
    QPushButton* cancel_button_ = nullptr;
    QPushButton* close_button_ = nullptr;
    QThread* worker_ = nullptr;
    std::shared_ptr<std::atomic<bool>> cancel_flag_;
};

}  // namespace lightning::ui
