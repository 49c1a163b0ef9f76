#include "ui/main_window.h"

#include "core/engine/engine.h"
#include "core/util/log.h"
#include "ui/device_choice.h"
#include "ui/eliding_label.h"
#include "ui/error_text.h"
#include "ui/form/generation_form.h"
#include "ui/form/refine_panel.h"
#include "ui/gallery_widget.h"
#include "ui/live_mode.h"
#include "ui/log_view.h"
#include "ui/model_setup.h"
#include "ui/models_dialog.h"
#include "ui/preview_pane.h"
#include "ui/prompt_box.h"
#include "ui/prompt_history.h"
#include "ui/result_grid.h"
#include "ui/saved_jobs.h"
#include "ui/settings_dialog.h"
#include "ui/string_convert.h"
#include "ui/token_counter.h"
#include "ui/widgets/device_selector.h"
#include "ui/widgets/message_banner.h"
#include "ui/window/queue_panel.h"
#include "ui/window/setup_page.h"

#include <QCloseEvent>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace lightning::ui {
namespace {

// First start: a user who ran `huggingface-cli download` needs no setup at all.
void discover_models_on_first_start(EngineSettings& engine, QSettings& settings) {
    if (!engine.models_unset()) return;
    const std::string hub = lightning::default_hf_hub_dir();
    const lightning::DiscoveredModels found = lightning::discover_hf_models(hub);
    if (!found.problem.empty()) lightning::log().warn("{}", found.problem);
    if (found.base_dir.empty() && found.lightning_dir.empty()) return;
    engine.models.base = found.base_dir;
    engine.models.lightning_dir = found.lightning_dir;
    save_engine_settings(settings, engine);
    lightning::log().info("Found models in the Hugging Face cache {}: base '{}', Lightning '{}'",
                          hub, found.base_dir, found.lightning_dir);
}

// The form scrolls only vertically: it is never narrower than its controls plus the vertical
// scrollbar (at 380 pixels with the scrollbar shown it was, and got a horizontal scrollbar and
// cut texts such as "Add to queu").
class FormScrollArea : public QScrollArea {
public:
    QSize minimumSizeHint() const override {
        const int controls = widget() ? widget()->minimumSizeHint().width() : 0;
        const int width = controls + verticalScrollBar()->sizeHint().width() + 2 * frameWidth();
        return {std::max(kMinFormWidth, width), QScrollArea::minimumSizeHint().height()};
    }

private:
    static constexpr int kMinFormWidth = 340;
};

}  // namespace

MainWindow::MainWindow(QWidget* parent, lightning::SecondsClock live_clock) : QMainWindow(parent) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Lightning Studio"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/lightning-studio.png")));
    setAcceptDrops(true);
    install_log_sink();

    QSettings settings;
    engine_ = load_engine_settings(settings);
    discover_models_on_first_start(engine_, settings);

    controller_ = new GenerationController(this);
    live_ = new LiveMode(controller_, std::move(live_clock), this);
    token_counter_ = new TokenCounter(this);
    keep_pool_.setMaxThreadCount(1);  // kept images reach the gallery in the order kept

    auto* splitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->addWidget(build_form_panel());
    splitter->addWidget(build_center());
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({380, 620});
    // The banner runs across form and preview: a long message takes the window's width, not the
    // form's (which would get a horizontal scrollbar and clipped controls).
    auto* central = new QWidget(this);
    auto* central_layout = new QVBoxLayout(central);
    central_layout->setContentsMargins(0, 0, 0, 0);
    central_layout->setSpacing(0);
    banner_ = new MessageBanner(central);
    central_layout->addWidget(banner_);
    central_layout->addWidget(splitter, 1);
    setCentralWidget(central);
    build_docks();
    // Recent prompts (fed by the gallery) under the prompt box; Alt+Down in it opens them too.
    PromptBox* prompt = form_->prompt_box();
    auto* history = attach_prompt_history(gallery_->model()->prompt_history(), prompt->editor());
    prompt->layout()->addWidget(history);
    // Created after the form, it would be the last Tab stop: it belongs right after the prompt.
    QWidget::setTabOrder(prompt->editor(), history);
    build_menus();
    build_status_bar();

    form_->restore(load_form_settings(settings));
    gallery_->set_thumbnail_size(load_thumbnail_size(settings));
    resize(1280, 800);
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    // Said explicitly: restoreGeometry() alone loses it on some window managers.
    if (settings.value(QStringLiteral("window/maximized"), false).toBool())
        setWindowState(windowState() | Qt::WindowMaximized);
    if (!restoreState(settings.value(QStringLiteral("window/state")).toByteArray()))
        first_layout_pending_ = true;  // sized in showEvent()
    splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());

    connect_controller();
    connect_form();
    // The gallery folder is read on a worker thread: thousands of images do not hold the window.
    connect(gallery_->model(), &GalleryModel::opened, this, [](const QString& note) {
        if (!note.isEmpty()) lightning::log().info("{}", to_std(note));
    });
    gallery_->model()->open_async(engine_.output_dir);
    apply_engine_settings(engine_);
    restore_pending_jobs();
}

MainWindow::~MainWindow() {
    save_state();
    live_->set_enabled(false);
    keep_pool_.waitForDone();  // a kept image being written finishes (and is not lost)
}

// ---------------------------------------------------------------------------------- building

// The form, the device row under it and the buttons, scrolling vertically.
QWidget* MainWindow::build_form_panel() {
    auto* panel = new QWidget;
    auto* layout = new QVBoxLayout(panel);
    form_ = new GenerationForm(token_counter_, panel);
    device_ = new DeviceSelector(panel);
    form_->add_row(buddy_label(tr("&Device"), device_->device_combo(), panel), device_);
    layout->addWidget(form_, 1);
    layout->addLayout(build_buttons(panel));
    layout->addLayout(build_explore_buttons(panel));

    auto* scroll = new FormScrollArea;
    scroll->setObjectName(QStringLiteral("formScroll"));
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    return scroll;
}

QLayout* MainWindow::build_buttons(QWidget* panel) {
    generate_button_ = new QPushButton(tr("Generate"), panel);
    generate_button_->setObjectName(QStringLiteral("generateButton"));
    generate_button_->setDefault(true);
    generate_button_->setMinimumHeight(36);
    connect(generate_button_, &QPushButton::clicked, this, &MainWindow::on_generate_clicked);
    queue_button_ = new QPushButton(tr("Add to queue"), panel);
    queue_button_->setObjectName(QStringLiteral("queueButton"));
    queue_button_->setToolTip(tr("Queue another job with the current settings (Ctrl+Enter)"));
    queue_button_->setMinimumHeight(36);
    connect(queue_button_, &QPushButton::clicked, this, [this] { generate(); });
    live_button_ = new QPushButton(tr("&Live"), panel);
    live_button_->setObjectName(QStringLiteral("liveButton"));
    live_button_->setCheckable(true);
    live_button_->setMinimumHeight(36);
    live_button_->setToolTip(
        tr("Live mode (Ctrl+L): every change to the prompt, size, steps or seed renders again "
           "with the seed shown; the newest change wins. Live images are not saved unless you "
           "keep them (Ctrl+S)."));
    connect(live_button_, &QPushButton::toggled, this, &MainWindow::set_live);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(generate_button_, 2);
    buttons->addWidget(live_button_, 1);
    buttons->addWidget(queue_button_, 1);
    return buttons;
}

void MainWindow::build_status_bar() {
    model_state_label_ = new ElidingLabel(this);
    model_state_label_->setObjectName(QStringLiteral("modelStateLabel"));
    cpu_label_ = new QLabel(this);
    cpu_label_->setObjectName(QStringLiteral("cpuEstimateLabel"));
    cpu_label_->setToolTip(
        tr("Generation runs on the CPU. A CUDA GPU makes an image in about a second; see the "
           "README's \"NVIDIA GPU\" section."));
    statusBar()->addPermanentWidget(cpu_label_, 2);
    statusBar()->addPermanentWidget(model_state_label_, 3);
}

// The preview (or the compare grid, or while the setup is incomplete the setup page).
QWidget* MainWindow::build_center() {
    center_stack_ = new QStackedWidget;
    center_stack_->setObjectName(QStringLiteral("centerStack"));
    center_stack_->addWidget(build_preview_page());
    setup_page_ = new SetupPage(center_stack_);
    connect(setup_page_, &SetupPage::settingsRequested, this, &MainWindow::open_settings);
    connect(setup_page_, &SetupPage::searchRequested, this, &MainWindow::search_hf_cache);
    connect(setup_page_, &SetupPage::downloadRequested, this, &MainWindow::open_models_dialog);
    center_stack_->addWidget(setup_page_);
    grid_ = new ResultGrid(center_stack_);
    center_stack_->addWidget(grid_);
    connect(grid_, &ResultGrid::keepRequested, this, &MainWindow::keep_result);
    connect(grid_, &ResultGrid::closeRequested, this, [this] { show_grid(false); });
    return center_stack_;
}

QWidget* MainWindow::build_preview_page() {
    preview_page_ = new QWidget;
    preview_page_->setObjectName(QStringLiteral("previewPage"));
    preview_ = new PreviewPane(preview_page_);
    preview_->set_placeholder(
        tr("Type a prompt and press Generate (Ctrl+Enter).\n"
           "Drop a PNG here to reuse its settings, or any other image to refine it\n"
           "(on the form's Input image section, a generated PNG is refined too)."));
    // Long status texts ("Done in … · seed … · checkpoint") are elided, never cut off silently
    // and never widening the window's minimum (which would squeeze the gallery).
    step_label_ = new ElidingLabel(preview_page_);
    step_label_->setObjectName(QStringLiteral("stepLabel"));
    progress_ = new QProgressBar(preview_page_);
    progress_->setObjectName(QStringLiteral("progressBar"));
    progress_->setRange(0, 100);
    progress_->setValue(0);
    progress_->setTextVisible(false);
    progress_->setMaximumHeight(8);
    progress_->setMaximumWidth(240);
    progress_->hide();  // shown while a job runs, so the "Done in …" line has the whole row
    keep_live_button_ = new QPushButton(tr("Keep"), preview_page_);
    keep_live_button_->setObjectName(QStringLiteral("keepLiveButton"));
    keep_live_button_->setToolTip(tr("Save the live image shown to the gallery (Ctrl+S)"));
    keep_live_button_->hide();
    connect(keep_live_button_, &QPushButton::clicked, this, [this] { keep_live_result(); });
    auto* status_row = new QHBoxLayout;
    status_row->addWidget(step_label_, 1);
    status_row->addWidget(progress_);
    status_row->addWidget(keep_live_button_);
    auto* layout = new QVBoxLayout(preview_page_);
    layout->addWidget(preview_, 1);
    layout->addLayout(status_row);
    return preview_page_;
}

void MainWindow::build_docks() {
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    // The gallery runs the full height on the right; queue and log sit under form and preview.
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    setCorner(Qt::TopRightCorner, Qt::RightDockWidgetArea);
    gallery_ = new GalleryWidget(this);
    auto* gallery_dock = new QDockWidget(tr("Gallery"), this);
    gallery_dock->setObjectName(QStringLiteral("galleryDock"));
    gallery_dock->setWidget(gallery_);
    addDockWidget(Qt::RightDockWidgetArea, gallery_dock);
    connect(gallery_, &GalleryWidget::reuseRequested, this, &MainWindow::reuse);
    connect(gallery_, &GalleryWidget::moreLikeThisRequested, this, &MainWindow::more_like_this);
    connect(gallery_, &GalleryWidget::useAsInputRequested, this, &MainWindow::use_as_input);
    connect(gallery_, &GalleryWidget::upscaleRequested, this, &MainWindow::upscale_image);
    connect(gallery_, &GalleryWidget::regenerateRequested, this,
            [this](const lightning::GenerationRequest& request) {
                reuse(request);
                generate();
            });
    connect(gallery_, &GalleryWidget::message, this,
            [this](const QString& text, bool is_error) { show_message(text, is_error); });

    queue_panel_ = new QueuePanel(controller_->queue(), this);
    auto* queue_dock = new QDockWidget(tr("Queue"), this);
    queue_dock->setObjectName(QStringLiteral("queueDock"));
    queue_dock->setWidget(queue_panel_);
    addDockWidget(Qt::BottomDockWidgetArea, queue_dock);

    log_ = new LogView(this);
    log_->setObjectName(QStringLiteral("logView"));
    log_->setAccessibleName(tr("Log"));
    log_->setAccessibleDescription(tr("What the app and the engine reported, newest last"));
    auto* log_dock = new QDockWidget(tr("Log"), this);
    log_dock->setObjectName(QStringLiteral("logDock"));
    log_dock->setWidget(log_);
    addDockWidget(Qt::BottomDockWidgetArea, log_dock);
    tabifyDockWidget(queue_dock, log_dock);
    queue_dock->raise();
}

// ------------------------------------------------------------------------------------- menus

void MainWindow::build_menus() {
    build_file_menu();
    build_generate_menu();
    build_explore_menu();
    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());
    build_help_menu();
}

void MainWindow::build_file_menu() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* settings = file->addAction(tr("&Settings…"), this, &MainWindow::open_settings);
    file->addAction(tr("&Models…"), this, &MainWindow::open_models_dialog)
        ->setObjectName(QStringLiteral("modelsAction"));
    // The platform's key (Ctrl+, on KDE, Cmd+, on macOS) has none elsewhere (GNOME, XFCE, ...):
    // Ctrl+, there too, as most applications do.
    settings->setObjectName(QStringLiteral("settingsAction"));
    const auto platform = QKeySequence::keyBindings(QKeySequence::Preferences);
    settings->setShortcuts(platform.isEmpty() ? QList<QKeySequence>{QKeySequence(tr("Ctrl+,"))}
                                              : platform);
    file->addAction(tr("Save &gallery…"), gallery_, &GalleryWidget::save_gallery_dialog);
    file->addAction(tr("&Open gallery folder"), this,
                    [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(engine_.output_dir)); });
    file->addAction(tr("Open &folder as gallery…"), this, &MainWindow::open_folder_as_gallery)
        ->setObjectName(QStringLiteral("openFolderAsGalleryAction"));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
}

// A `lightning batch` output folder (or any folder of PNGs with parameters) as the gallery,
// indexed from its PNGs; new images still go to the output folder.
void MainWindow::open_folder_as_gallery() {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open folder as gallery"),
                                                             gallery_->model()->folder());
    if (folder.isEmpty()) return;
    // Only the output folder is the app's own: any other folder is read, never written.
    const bool own = QDir(folder).absolutePath() == QDir(engine_.output_dir).absolutePath();
    const QString note =
        gallery_->model()->open(folder, own ? GalleryFolder::Own : GalleryFolder::Foreign);
    if (!note.isEmpty()) lightning::log().info("{}", to_std(note));
}

void MainWindow::build_generate_menu() {
    QMenu* run = menuBar()->addMenu(tr("&Generate"));
    generate_action_ = run->addAction(tr("&Generate / add to queue"), this, [this] { generate(); });
    generate_action_->setObjectName(QStringLiteral("generateAction"));
    generate_action_->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    generate_action_->setShortcutContext(Qt::WindowShortcut);
    cancel_action_ = run->addAction(tr("&Cancel current image"), controller_,
                                    &GenerationController::cancel_current);
    cancel_action_->setObjectName(QStringLiteral("cancelAction"));
    cancel_action_->setShortcut(QKeySequence(Qt::Key_Escape));
    cancel_action_->setShortcutContext(Qt::WindowShortcut);
    run->addAction(tr("Cancel &all"), controller_, &GenerationController::cancel_all);
    run->addSeparator();
    run->addAction(tr("&Random seed"), form_, &GenerationForm::randomize_seed);
}

void MainWindow::build_help_menu() {
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("Getting the &models"), this, [this] {
        QMessageBox box(QMessageBox::Information, tr("Getting the models"),
                        model_download_help_html(), QMessageBox::Ok, this);
        box.setTextFormat(Qt::RichText);
        box.exec();
    });
    help->addAction(tr("&About"), this, [this] {
        QMessageBox::about(this, tr("About Lightning Studio"),
                           tr("<b>%1</b><br>SDXL-Lightning text-to-image in 1, 2, 4 or 8 steps, "
                              "native C++ (Qt + libtorch).")
                               .arg(to_qstring(lightning::program_version()).toHtmlEscaped()));
    });
}

// ------------------------------------------------------------------------------------ wiring

void MainWindow::connect_controller() {
    connect(controller_, &GenerationController::modelStateChanged, this,
            &MainWindow::on_model_state);
    connect(controller_, &GenerationController::busyChanged, this, &MainWindow::on_busy);
    connect(controller_, &GenerationController::jobStarted, this, &MainWindow::on_job_started);
    connect(controller_, &GenerationController::stepFinished, this, &MainWindow::on_step);
    connect(controller_, &GenerationController::imageSaved, this, &MainWindow::on_image_saved);
    connect(controller_, &GenerationController::jobFinished, this, &MainWindow::on_job_finished);
    connect(controller_, &GenerationController::imageMade, this, &MainWindow::on_image_made);
    connect(controller_, &GenerationController::checkpointUsed, this,
            [](int job_id, const QString& from) {
                lightning::log().debug("Job #{}: checkpoint from {}", job_id, to_std(from));
            });
    connect(live_, &LiveMode::resultReady, this, &MainWindow::on_live_result);
    connect(live_, &LiveMode::failed, this,
            [this](const QString& message) { step_label_->setText(tr("Live: %1").arg(message)); });
    connect(controller_, &GenerationController::warningsRaised, this, &MainWindow::show_warnings);
    connect(controller_, &GenerationController::stepsSwitched, this,
            [this](int steps, double seconds, const QString& from) {
                statusBar()->showMessage(tr("Switched to %1 in %2 s (from %3)")
                                             .arg(steps_text(steps))
                                             .arg(seconds, 0, 'f', 2)
                                             .arg(from),
                                         4000);
            });
    connect(controller_, &GenerationController::checkpointsPreloaded, this, [this](int cached) {
        if (cached > 1)
            statusBar()->showMessage(
                tr("%1 step checkpoints ready for instant switching").arg(cached), 5000);
    });
    connect(controller_, &GenerationController::switchFailed, this,
            [this](int steps, const QString& message) {
                show_message(tr("Could not switch to %1: %2").arg(steps_text(steps), message),
                             true);
            });
    auto* queue = controller_->queue();
    connect(queue, &QAbstractItemModel::rowsInserted, this, &MainWindow::on_queue_changed);
    connect(queue, &QAbstractItemModel::rowsRemoved, this, &MainWindow::on_queue_changed);
    connect(queue, &QAbstractItemModel::modelReset, this, &MainWindow::on_queue_changed);
    connect(banner_, &MessageBanner::settingsRequested, this, &MainWindow::open_settings);
    connect(banner_, &MessageBanner::retryRequested, controller_,
            &GenerationController::retry_load);
}

void MainWindow::connect_form() {
    // Live mode follows every change of what the image depends on; so does the CPU estimate.
    connect(form_, &GenerationForm::changed, this, &MainWindow::on_form_changed);
    connect(form_, &GenerationForm::changed, this, &MainWindow::update_cpu_notice);
    connect(form_, &GenerationForm::stepsChanged, this, &MainWindow::on_steps_changed);
    connect(device_, &DeviceSelector::chosen, this, &MainWindow::on_device_chosen);
    RefinePanel* refine = form_->refine_panel();
    connect(refine, &RefinePanel::openRequested, this, &MainWindow::choose_input_file);
    connect(refine, &RefinePanel::paintMaskRequested, this, [this] { open_mask_painter(); });
}

void MainWindow::on_queue_changed() {
    const int waiting = controller_->queue()->count();
    if (auto* dock = findChild<QDockWidget*>(QStringLiteral("queueDock")))
        dock->setWindowTitle(waiting ? tr("Queue (%1)").arg(waiting) : tr("Queue"));
    update_status_label();
}

// ------------------------------------------------------------------------------ form & state

void MainWindow::save_state() {
    QSettings settings;
    save_form_settings(settings, form_->settings());
    save_thumbnail_size(settings, gallery_->thumbnail_size());
    save_pending_jobs(settings, controller_->unfinished_gallery_jobs());
    settings.setValue(QStringLiteral("window/maximized"), isMaximized());
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    if (auto* splitter = qobject_cast<QSplitter*>(centralWidget()))
        settings.setValue(QStringLiteral("window/splitter"), splitter->saveState());
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    if (!first_layout_pending_) return;
    first_layout_pending_ = false;
    // First start: a gallery wide enough for its text, a short queue/log strip. Queued behind
    // the layout request of show(): docks take sizes only once the window is laid out.
    QTimer::singleShot(0, this, [this] {
        resizeDocks({findChild<QDockWidget*>(QStringLiteral("galleryDock"))}, {440},
                    Qt::Horizontal);
        resizeDocks({findChild<QDockWidget*>(QStringLiteral("queueDock"))}, {150}, Qt::Vertical);
    });
}

void MainWindow::closeEvent(QCloseEvent* event) {
    save_state();
    QMainWindow::closeEvent(event);
}

void MainWindow::on_device_chosen(const QString& device, lightning::Precision precision) {
    EngineSettings engine = engine_;
    engine.device = device;
    engine.precision = precision;
    if (!(engine == engine_)) apply_engine_settings(engine);
}

void MainWindow::apply_engine_settings(const EngineSettings& engine) {
    const bool gallery_moved =
        QDir(engine.output_dir).absolutePath() != gallery_->model()->folder();
    engine_ = engine;
    // Only what the selectors offer: a device found here, a precision that device computes.
    if (!is_available_device(engine_.device)) engine_.device = default_device_id();
    if (!offers_precision(engine_.device, engine_.precision))
        engine_.precision = precisions_for(engine_.device).front();
    QSettings settings;
    save_engine_settings(settings, engine_);
    device_->set(engine_.device, engine_.precision);
    if (gallery_moved) gallery_->model()->open_async(engine_.output_dir);
    form_->update_step_choices(engine_.models.lightning_dir);
    form_->set_wildcards_dir(engine_.wildcards_dir);
    update_upscalers();
    update_lora_sources();
    const bool base_ok =
        lightning::check_base_model(engine_.models.base, engine_.models.config_dir).empty();
    token_counter_->set_tokenizer_root(base_ok ? tokenizer_root(engine_.models) : QString());
    token_counter_->set_syntax(engine_.prompt_syntax);
    live_->set_output_dir(engine_.output_dir);
    controller_->set_engine(engine_);
    update_setup_views();
    update_generate_button();
    update_cpu_notice();
    on_form_changed();  // live mode: the syntax or embeddings may change the image
}

void MainWindow::update_setup_views() {
    const QStringList problems =
        model_problems(engine_.models) + output_dir_problems(engine_.output_dir);
    if (problems.isEmpty()) {
        if (center_stack_->currentWidget() == setup_page_) center_stack_->setCurrentIndex(0);
        return;
    }
    setup_page_->set_problems(problems);
    center_stack_->setCurrentWidget(setup_page_);
}

// ---------------------------------------------------------------------------- dialogs & banner

void MainWindow::open_settings() {
    SettingsDialog dialog(engine_, this);
    if (dialog.exec() == QDialog::Accepted) {
        hide_message();
        QSettings settings;
        save_language(settings, dialog.language());
        apply_engine_settings(dialog.settings());
    }
}

// Downloads into the Hugging Face cache; the cache search then picks the models up.
void MainWindow::open_models_dialog() {
    ModelsDialog dialog(this);
    connect(&dialog, &ModelsDialog::downloaded, this, &MainWindow::search_hf_cache);
    dialog.exec();
}

void MainWindow::search_hf_cache() {
    const std::string hub = lightning::default_hf_hub_dir();
    const lightning::DiscoveredModels found = lightning::discover_hf_models(hub);
    if (!found.problem.empty()) {  // unreadable: not the same as empty
        show_message(to_qstring(found.problem), true);
        return;
    }
    if (found.base_dir.empty() && found.lightning_dir.empty()) {
        show_message(tr("No SDXL models in the Hugging Face cache %1")
                         .arg(QDir::toNativeSeparators(to_qstring(hub))),
                     true);
        return;
    }
    EngineSettings engine = engine_;
    if (!found.base_dir.empty()) {
        engine.models.base = found.base_dir;
        engine.models.config_dir.clear();
    }
    if (!found.lightning_dir.empty()) engine.models.lightning_dir = found.lightning_dir;
    hide_message();
    apply_engine_settings(engine);
}

void MainWindow::show_message(const QString& text, bool is_error, const QString& details) {
    banner_->show_message(text, is_error, details,
                          controller_->model_state() == GenerationController::ModelState::Failed);
    if (is_error) lightning::log().debug("Shown to the user: {}", to_std(text));
}

void MainWindow::show_warnings(const QStringList& warnings) {
    if (warnings.isEmpty()) return;
    QStringList lines;
    for (const QString& warning : warnings)
        lines << tr("Note: %1").arg(warning.left(1).toUpper() + warning.mid(1));
    show_message(lines.join(u'\n'), false);
}

// Engine failures can be long and technical (loader text with byte offsets, tensor names):
// the banner says in one line what failed and where; the whole text is behind "Show details".
void MainWindow::show_error(const QString& context, const QString& full_text) {
    const QString summary = summarize_error(full_text);
    show_message(tr("%1: %2").arg(context, summary), true,
                 summary == full_text.trimmed() ? QString() : full_text);
}

void MainWindow::hide_message() {
    banner_->dismiss();
}

QString MainWindow::message_text() const {
    return banner_->text();
}

QString MainWindow::message_details() const {
    return banner_->details();
}

// ------------------------------------------------------------------------ controller events

}  // namespace lightning::ui
