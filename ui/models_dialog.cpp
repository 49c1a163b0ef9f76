#include "ui/models_dialog.h"

#include "core/hub/hub_cache.h"
#include "core/hub/model_files.h"
#include "core/util/error.h"

#ifdef LIGHTNING_HAVE_HUB
#include "core/hub/downloader.h"
#endif

#include <QCheckBox>
#include <QDir>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QThread>
#include <QVBoxLayout>

namespace lightning::ui {
namespace {

QString bytes_text(uint64_t bytes) {
    return QString::fromStdString(hub::human_bytes(bytes));
}

QString duration_text(double seconds) {
    if (seconds < 0) return QObject::tr("estimating…");
    const long s = long(seconds + 0.5);
    if (s >= 3600) return QObject::tr("%1 h %2 min left").arg(s / 3600).arg((s / 60) % 60);
    if (s >= 60) return QObject::tr("%1 min %2 s left").arg(s / 60).arg(s % 60);
    return QObject::tr("%1 s left").arg(s);
}

}  // namespace

#ifdef LIGHTNING_HAVE_HUB
namespace {

// The status line of a download: the file being fetched or verified, and the whole of it.
QString progress_text(const hub::DownloadProgress& p) {
    if (p.phase == hub::DownloadPhase::Listing)
        return ModelsDialog::tr("Asking the hub for %1…").arg(QString::fromStdString(p.repo_id));
    QString text = ModelsDialog::tr("File %1 of %2: %3 — %4 of %5")
                       .arg(p.file_index + 1)
                       .arg(p.file_count)
                       .arg(QString::fromStdString(p.file))
                       .arg(bytes_text(p.file_done), bytes_text(p.file_size));
    if (p.phase == hub::DownloadPhase::Verifying) text += ModelsDialog::tr(" (verifying)");
    text += ModelsDialog::tr("\nAll: %1 of %2 at %3/s, %4")
                .arg(bytes_text(p.done), bytes_text(p.total),
                     bytes_text(uint64_t(p.bytes_per_second)), duration_text(p.seconds_left));
    return text;
}

struct DownloadOutcome {
    bool ok = false;
    bool cancelled = false;
    QString message;  // what the dialog says at the end
};

// The download itself (on the worker thread).
DownloadOutcome run_download(const hub::HubSettings& settings, const hub::ModelSelection& selection,
                             const hub::DownloadCallbacks& callbacks) {
    DownloadOutcome outcome;
    try {
        hub::HubDownloader downloader(settings);
        const auto results = downloader.download(hub::requests_for(selection), callbacks);
        size_t downloaded = 0, reused = 0;
        for (const auto& r : results) {
            downloaded += r.downloaded;
            reused += r.reused;
        }
        outcome.ok = true;
        outcome.message =
            ModelsDialog::tr("Done: %1 files downloaded, %2 were already in the cache.")
                .arg(downloaded)
                .arg(reused);
    } catch (const Cancelled&) {
        outcome.cancelled = true;
        outcome.message =
            ModelsDialog::tr("Cancelled. What arrived is kept; the next download resumes it.");
    } catch (const std::exception& e) {
        outcome.message = QString::fromStdString(e.what());
    }
    return outcome;
}

}  // namespace
#endif

// What to download: the base components, the Lightning UNets by step count, fp16 variants.
QGroupBox* ModelsDialog::build_download_choice() {
    auto* what = new QGroupBox(tr("Download"), this);
    auto* what_layout = new QVBoxLayout(what);
    base_ = new QCheckBox(tr("SDXL base: text encoders, tokenizers, VAE, configs (%1)")
                              .arg(QString::fromLatin1(kBaseRepo)),
                          what);
    base_->setObjectName(QStringLiteral("modelsBaseCheck"));
    base_->setChecked(true);
    base_->setToolTip(tr("Download the parts of SDXL that every image needs"));
    what_layout->addWidget(base_);
    auto* steps_row = new QHBoxLayout;
    steps_row->addWidget(new QLabel(tr("SDXL-Lightning UNets:"), what));
    for (int i = 0; i < 4; ++i) {
        const int steps = kStepChoices[i];
        steps_[i] = new QCheckBox(steps == 1 ? tr("1 step") : tr("%1 steps").arg(steps), what);
        steps_[i]->setObjectName(QStringLiteral("modelsSteps%1Check").arg(steps));
        steps_[i]->setChecked(steps == 4);
        steps_[i]->setToolTip(tr("Download the SDXL-Lightning UNet for this step count"));
        steps_row->addWidget(steps_[i]);
    }
    steps_row->addStretch();
    what_layout->addLayout(steps_row);
    fp16_ =
        new QCheckBox(tr("fp16 variants where the repository has them (half the download)"), what);
    fp16_->setObjectName(QStringLiteral("modelsFp16Check"));
    fp16_->setChecked(true);
    fp16_->setToolTip(tr("Download half-precision files where there are some: smaller, for GPUs"));
    what_layout->addWidget(fp16_);
    return what;
}

QHBoxLayout* ModelsDialog::build_buttons() {
    auto* buttons = new QHBoxLayout;
    download_button_ = new QPushButton(tr("Download"), this);
    download_button_->setObjectName(QStringLiteral("modelsDownloadButton"));
    download_button_->setToolTip(tr("Download the files ticked above from Hugging Face"));
    cancel_button_ = new QPushButton(tr("Cancel download"), this);
    cancel_button_->setObjectName(QStringLiteral("modelsCancelButton"));
    cancel_button_->setToolTip(tr("Stop the download; what is complete stays"));
    close_button_ = new QPushButton(tr("Close"), this);
    close_button_->setObjectName(QStringLiteral("modelsCloseButton"));
    close_button_->setToolTip(tr("Close this dialog"));
    buttons->addWidget(download_button_);
    buttons->addWidget(cancel_button_);
    buttons->addStretch();
    buttons->addWidget(close_button_);
    connect(download_button_, &QPushButton::clicked, this, [this] { start_download(); });
    connect(cancel_button_, &QPushButton::clicked, this, &ModelsDialog::cancel_download);
    connect(close_button_, &QPushButton::clicked, this, &ModelsDialog::reject);
    return buttons;
}

ModelsDialog::ModelsDialog(QWidget* parent)
    : QDialog(parent), settings_(hub::hub_settings_from_environment()) {
    setObjectName(QStringLiteral("modelsDialog"));
    setWindowTitle(tr("Models"));
    auto* layout = new QVBoxLayout(this);

    cache_label_ = new QLabel(this);
    cache_label_->setObjectName(QStringLiteral("modelsCacheLabel"));
    cache_label_->setWordWrap(true);
    cache_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    cache_label_->setText(
        tr("Files go to the Hugging Face cache <b>%1</b> (shared with other tools; set HF_HOME "
           "or HF_HUB_CACHE to change it), from %2.")
            .arg(QDir::toNativeSeparators(QString::fromStdString(settings_.cache_dir))
                     .toHtmlEscaped(),
                 QString::fromStdString(settings_.endpoint).toHtmlEscaped()));
    layout->addWidget(cache_label_);

    layout->addWidget(build_download_choice());

    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("modelsSummary"));
    summary_->setWordWrap(true);
    layout->addWidget(summary_);

    progress_ = new QProgressBar(this);
    progress_->setObjectName(QStringLiteral("modelsProgress"));
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    layout->addWidget(progress_);
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("modelsStatus"));
    status_->setWordWrap(true);
    layout->addWidget(status_);
    notes_ = new QPlainTextEdit(this);
    notes_->setObjectName(QStringLiteral("modelsNotes"));
    notes_->setReadOnly(true);
    notes_->setAccessibleName(tr("Download notes"));
    notes_->setAccessibleDescription(tr("What the download did, one line per file"));
    notes_->setMaximumBlockCount(200);
    notes_->setFixedHeight(90);
    layout->addWidget(notes_);

    layout->addLayout(build_buttons());

#ifndef LIGHTNING_HAVE_HUB
    download_button_->setEnabled(false);
    status_->setText(
        tr("This build has no downloader (libcurl was missing when it was built). "
           "Fetch the files with huggingface-cli instead."));
#endif
    set_running(false);
    refresh_cache_summary();
    resize(640, sizeHint().height());
}

ModelsDialog::~ModelsDialog() {
    if (worker_) {
        if (cancel_flag_) *cancel_flag_ = true;
        worker_->wait();
    }
}

bool ModelsDialog::downloading() const {
    return worker_ != nullptr;
}

QString ModelsDialog::status_text() const {
    return status_->text();
}

QString ModelsDialog::cache_summary() const {
    return summary_->text();
}

void ModelsDialog::set_running(bool running) {
    download_button_->setVisible(!running);
    cancel_button_->setVisible(running);
    base_->setEnabled(!running);
    fp16_->setEnabled(!running);
    for (auto* box : steps_) box->setEnabled(!running);
}

void ModelsDialog::refresh_cache_summary() {
    QStringList lines;
    std::vector<hub::CachedRepo> repos;
    try {
        repos = hub::HubCache(settings_.cache_dir).list();
    } catch (const std::exception&) {
    }
    for (const char* id : {kBaseRepo, kLightningRepo}) {
        const auto it = std::find_if(repos.begin(), repos.end(),
                                     [&](const auto& r) { return r.repo_id == id; });
        if (it == repos.end() || (it->snapshots.empty() && it->incomplete.empty())) {
            lines << tr("%1: not in the cache").arg(QString::fromLatin1(id));
            continue;
        }
        size_t present = 0, files = 0;
        QStringList steps;
        for (const auto& snapshot : it->snapshots)
            for (const auto& file : snapshot.files) {
                ++files;
                present += file.present;
                for (int n : kStepChoices)
                    if (file.present && file.path == published_lightning_file(n))
                        steps << QString::number(n);
            }
        QString line = tr("%1: %2 of %3 files in the cache (%4)")
                           .arg(QString::fromLatin1(id))
                           .arg(present)
                           .arg(files)
                           .arg(bytes_text(it->blob_bytes));
        if (std::string(id) == kLightningRepo)
            line += tr("; UNets for %1 steps")
                        .arg(steps.isEmpty() ? tr("no") : steps.join(QStringLiteral(", ")));
        if (!it->incomplete.empty())
            line +=
                tr("; %n unfinished download(s) will resume", nullptr, int(it->incomplete.size()));
        lines << line;
    }
    summary_->setText(lines.join(QLatin1Char('\n')));
}

bool ModelsDialog::start_download() {
#ifdef LIGHTNING_HAVE_HUB
    if (worker_) return false;
    hub::ModelSelection selection;
    selection.base = base_->isChecked();
    selection.prefer_fp16 = fp16_->isChecked();
    for (int i = 0; i < 4; ++i)
        if (steps_[i]->isChecked()) selection.lightning_steps.push_back(kStepChoices[i]);
    if (!selection.base && selection.lightning_steps.empty()) {
        status_->setText(tr("Nothing selected."));
        return false;
    }
    notes_->clear();
    progress_->setValue(0);
    status_->setText(tr("Starting…"));
    cancel_flag_ = std::make_shared<std::atomic<bool>>(false);
    const auto cancel = cancel_flag_;
    const hub::HubSettings settings = settings_;
    QPointer<ModelsDialog> self(this);
    worker_ = QThread::create([self, cancel, settings, selection] {
        // Runs off the GUI thread; everything it shows goes through queued calls.
        auto post = [self](auto&& fn) {
            if (self)
                QMetaObject::invokeMethod(self.data(), std::forward<decltype(fn)>(fn),
                                          Qt::QueuedConnection);
        };
        hub::DownloadCallbacks callbacks;
        callbacks.should_cancel = [cancel] { return cancel->load(); };
        callbacks.on_note = [&](const std::string& text) {
            const QString line = QString::fromStdString(text);
            post([self, line] {
                if (self) self->notes_->appendPlainText(line);
            });
        };
        callbacks.on_progress = [&](const hub::DownloadProgress& p) {
            post([self, p] {
                if (!self) return;
                if (p.phase != hub::DownloadPhase::Listing && p.total > 0)
                    self->progress_->setValue(int(1000.0 * double(p.done) / double(p.total)));
                self->status_->setText(progress_text(p));
            });
        };
        const DownloadOutcome outcome = run_download(settings, selection, callbacks);
        post([self, outcome] {
            if (self) self->on_finished(outcome.ok, outcome.cancelled, outcome.message);
        });
    });
    set_running(true);
    worker_->start();
    return true;
#else
    return false;
#endif
}

void ModelsDialog::cancel_download() {
    if (cancel_flag_) *cancel_flag_ = true;
    status_->setText(tr("Cancelling…"));
}

void ModelsDialog::on_finished(bool ok, bool cancelled, const QString& message) {
    if (worker_) {
        worker_->wait();
        worker_->deleteLater();
        worker_ = nullptr;
    }
    set_running(false);
    if (ok) progress_->setValue(1000);
    // A failure's text (often long: a URL, the server's answer) is shown once, in the scrolling
    // notes: in the status line it would grow the dialog's layout and squeeze the checkboxes.
    const bool failed = !ok && !cancelled;
    status_->setText(failed ? tr("Download failed; the reason is in the notes below.") : message);
    if (failed) notes_->appendPlainText(tr("Error: %1").arg(message));
    refresh_cache_summary();
    Q_EMIT finishedWithMessage(ok, message);
    if (ok) Q_EMIT downloaded();
}

void ModelsDialog::reject() {
    if (worker_) {
        const auto answer = QMessageBox::question(
            this, tr("Download running"),
            tr("Stop the download? What arrived so far is kept and resumes next time."));
        if (answer != QMessageBox::Yes) return;
        cancel_download();
        worker_->wait();
    }
    QDialog::reject();
}

}  // namespace lightning::ui
