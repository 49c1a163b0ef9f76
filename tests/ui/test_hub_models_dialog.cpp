// The Models dialog against a fake hub on 127.0.0.1 serving the tiny fixtures as the two SDXL
// repositories: from the first-run panel it downloads off the GUI thread into the Hugging Face
// cache and the main window then uses the models; a slow download cancels, keeps its partial
// file and shows nothing half-written.
#include "core/hub/hub_cache.h"
#include "core/hub/model_files.h"
#include "core/request/model_layout.h"
#include "support/fake_hub.h"
#include "support/fixtures.h"
#include "ui/main_window.h"
#include "ui/models_dialog.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest/QtTest>

#include <filesystem>

using namespace lightning;
using namespace lightning::ui;
namespace fs = std::filesystem;

namespace {

// Links every file of `from` into `to` (real folders, linked files: the fake hub serves files).
void link_files(const fs::path& from, const fs::path& to) {
    for (const auto& entry : fs::recursive_directory_iterator(from)) {
        if (!entry.is_regular_file()) continue;
        const auto target = to / fs::relative(entry.path(), from);
        fs::create_directories(target.parent_path());
        fs::create_symlink(fs::absolute(entry.path()), target);
    }
}

}  // namespace

class TestHubModelsDialog : public QObject {
    Q_OBJECT

    QTemporaryDir root_;
    std::unique_ptr<testing::FakeHub> hub_;
    int test_number_ = 0;
    QString cache_;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(root_.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("LightningStudioTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_hub_models_dialog"));
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                           root_.filePath(QStringLiteral("settings")));
        qputenv("HOME", root_.filePath(QStringLiteral("home")).toUtf8());
        qunsetenv("HF_TOKEN");
        qunsetenv("HF_HUB_OFFLINE");
        hub_ = std::make_unique<testing::FakeHub>(fs::path(root_.path().toStdString()) / "hub");
        const fs::path fixtures = testing::fixtures_dir();
        link_files(fixtures / "tiny-sdxl", hub_->repo_dir(kBaseRepo));
        link_files(fixtures / "tiny-lightning", hub_->repo_dir(kLightningRepo));
        QVERIFY(hub_->start());
        qputenv("HF_ENDPOINT", QByteArray::fromStdString(hub_->endpoint()));
    }

    void cleanupTestCase() { hub_.reset(); }

    void init() {
        QSettings().clear();
        hub_->set_faults("{}");
        cache_ = root_.filePath(QStringLiteral("cache-%1").arg(++test_number_));
        qputenv("HF_HUB_CACHE", cache_.toUtf8());
    }

    void first_run_panel_downloads_the_models_the_window_then_uses() {
        MainWindow window;
        window.show();
        QVERIFY(window.findChild<QAction*>(QStringLiteral("modelsAction")));
        auto* button = window.findChild<QPushButton*>(QStringLiteral("welcomeDownloadButton"));
        QVERIFY(button);
        QString status;
        bool seen_dialog = false;
        QTimer::singleShot(0, this, [&] {
            auto* dialog = qobject_cast<ModelsDialog*>(QApplication::activeModalWidget());
            if (!dialog) return;
            seen_dialog = true;
            QVERIFY(dialog->start_download());
            QVERIFY(dialog->downloading());  // the GUI thread is free meanwhile
            QTRY_VERIFY_WITH_TIMEOUT(!dialog->downloading(), 120000);
            status = dialog->status_text();
            dialog->accept();
        });
        button->click();  // exec() until the timer above closes the dialog
        QVERIFY(seen_dialog);
        QVERIFY2(status.startsWith(QLatin1String("Done")), qPrintable(status));

        const lightning::DiscoveredModels found =
            lightning::discover_hf_models(cache_.toStdString());
        QVERIFY(found.complete());
        QCOMPARE(window.engine_settings().models.base, found.base_dir);
        QCOMPARE(window.engine_settings().models.lightning_dir, found.lightning_dir);
        QVERIFY(window.steps_available(4));
        QVERIFY(!window.steps_available(8));  // only the 4-step UNet was selected
        // The downloaded base has no UNet weights of its own; the Lightning UNet serves.
        QTRY_COMPARE_WITH_TIMEOUT(window.controller()->model_state(),
                                  GenerationController::ModelState::Ready, 120000);
    }

    void cancelling_a_slow_download_keeps_what_arrived_and_shows_nothing_partial() {
        hub_->set_faults(R"({"sdxl_lightning_4step_unet.safetensors": {"delay": 0.01}})");
        ModelsDialog dialog;
        dialog.findChild<QCheckBox*>(QStringLiteral("modelsBaseCheck"))->setChecked(false);
        QSignalSpy finished(&dialog, &ModelsDialog::finishedWithMessage);
        QVERIFY(dialog.start_download());
        QTRY_VERIFY_WITH_TIMEOUT(
            dialog.status_text().contains(QLatin1String("sdxl_lightning_4step_unet")) &&
                !dialog.status_text().contains(QLatin1String("— 0 B")),
            60000);
        dialog.findChild<QPushButton*>(QStringLiteral("modelsCancelButton"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.downloading(), 60000);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY2(dialog.status_text().contains(QLatin1String("Cancelled")),
                 qPrintable(dialog.status_text()));
        const auto repos = hub::HubCache(cache_.toStdString()).list();
        QCOMPARE(repos.size(), size_t(1));
        QCOMPARE(repos[0].incomplete.size(), size_t(1));
        for (const auto& snapshot : repos[0].snapshots)
            for (const auto& file : snapshot.files)
                QVERIFY2(file.path != "sdxl_lightning_4step_unet.safetensors", file.path.c_str());
        QVERIFY(dialog.cache_summary().contains(QLatin1String("will resume")));
    }

    // Issue #26: after a failed download the dialog showed the error twice (status and notes)
    // and squeezed its checkboxes to make room for it.
    void a_failed_download_shows_its_error_once_and_keeps_the_checkboxes_whole() {
        hub_->set_faults(R"({"sdxl_lightning_4step_unet.safetensors": {"missing": true}})");
        ModelsDialog dialog;
        dialog.findChild<QCheckBox*>(QStringLiteral("modelsBaseCheck"))->setChecked(false);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QSignalSpy finished(&dialog, &ModelsDialog::finishedWithMessage);
        QVERIFY(dialog.start_download());
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.downloading(), 60000);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        const QString error = finished.at(0).at(1).toString();
        QVERIFY(!error.isEmpty());
        QApplication::processEvents();
        if (!qEnvironmentVariableIsEmpty("LIGHTNING_UI_SHOTS"))
            dialog.grab().save(qEnvironmentVariable("LIGHTNING_UI_SHOTS") +
                               QStringLiteral("/models-failed.png"));
        const QString notes =
            dialog.findChild<QPlainTextEdit*>(QStringLiteral("modelsNotes"))->toPlainText();
        QCOMPARE(int((dialog.status_text() + u'\n' + notes).count(error)), 1);
        for (QCheckBox* box : dialog.findChildren<QCheckBox*>()) {
            QVERIFY2(box->height() >= box->sizeHint().height(), qPrintable(box->text()));
            QVERIFY2(box->width() >= box->sizeHint().width(), qPrintable(box->text()));
        }
    }
};

QTEST_MAIN(TestHubModelsDialog)
#include "test_hub_models_dialog.moc"
