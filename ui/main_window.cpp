#include "ui/main_window.h"

#include "core/image/image_file.h"
#include "core/request/limits.h"
#include "core/request/parameters.h"
#include "core/util/error.h"
#include "core/util/log.h"
#include "ui/device_choice.h"
#include "ui/eliding_label.h"
#include "ui/error_text.h"
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

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QStatusBar>
#include <QTextBrowser>
#include <QThread>
#include <QTimer>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace lightning::ui {
namespace {

namespace limits = lightning::limits;

constexpr int kCustomSize = -1;

// Width and height as the engine accepts them: a multiple of 8 inside the limits table.
int round_to_valid_side(int value) {
    const int m = limits::kSideMultiple;
    return std::clamp((value + m / 2) / m * m, limits::kMinSide, limits::kMaxSide);
}

// A form label whose mnemonic focuses `field` (QFormLayout only sets buddies for widget rows).
QLabel* buddy_label(const QString& text, QWidget* field, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    label->setBuddy(field);
    return label;
}

QStringList local_pngs(const QMimeData* mime) {
    QStringList files;
    if (!mime || !mime->hasUrls()) return files;
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile() &&
            url.toLocalFile().endsWith(QLatin1String(".png"), Qt::CaseInsensitive))
            files << url.toLocalFile();
    return files;
}

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
    splitter->addWidget(build_form());
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
    central_layout->addWidget(build_banner(central));
    central_layout->addWidget(splitter, 1);
    setCentralWidget(central);
    build_docks();
    // Recent prompts (fed by the gallery) under the prompt box; Alt+Down in it opens them too.
    auto* history = attach_prompt_history(gallery_->model()->prompt_history(), prompt_->editor());
    prompt_->layout()->addWidget(history);
    // Created after the form, it would be the last Tab stop: it belongs right after the prompt.
    QWidget::setTabOrder(prompt_->editor(), history);
    build_menus();
    build_status_bar();

    restore_form(load_form_settings(settings));
    resize(1280, 800);
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    // Said explicitly: restoreGeometry() alone loses it on some window managers.
    if (settings.value(QStringLiteral("window/maximized"), false).toBool())
        setWindowState(windowState() | Qt::WindowMaximized);
    if (!restoreState(settings.value(QStringLiteral("window/state")).toByteArray()))
        first_layout_pending_ = true;  // sized in showEvent()
    splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());

    connect_controller();
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

QWidget* MainWindow::build_form() {
    auto* panel = new QWidget;
    auto* layout = new QVBoxLayout(panel);
    build_prompt_fields(panel, layout);

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("&Steps"), build_steps_combo(panel));
    form->addRow(tr("&Guidance"), build_guidance_spin(panel));
    QLayout* size_row = build_size_row(panel);
    form->addRow(buddy_label(tr("Si&ze"), size_, panel), size_row);
    QLayout* seed_row = build_seed_row(panel);
    form->addRow(buddy_label(tr("S&eed"), seed_, panel), seed_row);

    batch_ = new QSpinBox(panel);
    batch_->setObjectName(QStringLiteral("batchSpin"));
    batch_->setRange(1, limits::kMaxBatch);
    batch_->setToolTip(tr("Images per job, with seeds seed, seed+1, …"));
    connect(batch_, &QSpinBox::valueChanged, this, &MainWindow::update_cpu_notice);
    form->addRow(tr("&Batch"), batch_);
    QLayout* engine_row = build_engine_row(panel);
    form->addRow(buddy_label(tr("&Device"), device_, panel), engine_row);
    layout->addLayout(form);
    layout->addLayout(build_buttons(panel));
    layout->addLayout(build_explore_buttons(panel));

    auto* scroll = new FormScrollArea;
    scroll->setObjectName(QStringLiteral("formScroll"));
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    return scroll;
}

void MainWindow::build_prompt_fields(QWidget* panel, QVBoxLayout* layout) {
    prompt_ = new PromptBox(QStringLiteral("prompt"), tr("Describe the image…"), panel);
    prompt_->set_counter(token_counter_);
    layout->addWidget(buddy_label(tr("&Prompt"), prompt_->editor(), panel));
    layout->addWidget(prompt_, 3);

    negative_ = new PromptBox(QStringLiteral("negative"), tr("What to avoid…"), panel);
    negative_->set_counter(token_counter_);
    negative_hint_ = new QLabel(panel);
    negative_hint_->setObjectName(QStringLiteral("negativeHint"));
    negative_hint_->setWordWrap(true);
    layout->addWidget(new QLabel(tr("Negative prompt"), panel));
    layout->addWidget(negative_, 2);
    layout->addWidget(negative_hint_);
}

QComboBox* MainWindow::build_steps_combo(QWidget* panel) {
    steps_ = new QComboBox(panel);
    steps_->setObjectName(QStringLiteral("stepsCombo"));
    steps_model_ = new QStandardItemModel(steps_);
    for (int steps : lightning::kStepChoices) {
        auto* item = new QStandardItem(steps_text(steps));
        item->setData(steps, Qt::UserRole);
        steps_model_->appendRow(item);
    }
    steps_->setModel(steps_model_);
    steps_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    connect(steps_, &QComboBox::currentIndexChanged, this, &MainWindow::on_steps_changed);
    return steps_;
}

QDoubleSpinBox* MainWindow::build_guidance_spin(QWidget* panel) {
    guidance_ = new QDoubleSpinBox(panel);
    guidance_->setObjectName(QStringLiteral("guidanceSpin"));
    guidance_->setRange(0, limits::kMaxGuidance);
    guidance_->setSingleStep(0.5);
    guidance_->setDecimals(1);
    guidance_->setSpecialValueText(tr("0 (off)"));
    guidance_->setToolTip(
        tr("Classifier-free guidance. SDXL-Lightning is distilled for 0 (off); above 1 every step "
           "runs the UNet twice and the negative prompt takes effect."));
    connect(guidance_, &QDoubleSpinBox::valueChanged, this, &MainWindow::update_guidance_dependent);
    return guidance_;
}

QLayout* MainWindow::build_size_row(QWidget* panel) {
    size_ = new QComboBox(panel);
    size_->setObjectName(QStringLiteral("sizeCombo"));
    for (const SizePreset& preset : kSizePresets)
        size_->addItem(QStringLiteral("%1 × %2").arg(preset.width).arg(preset.height),
                       QSize(preset.width, preset.height));
    size_->addItem(tr("Custom"), kCustomSize);
    width_ = new QSpinBox(panel);
    width_->setObjectName(QStringLiteral("widthSpin"));
    height_ = new QSpinBox(panel);
    height_->setObjectName(QStringLiteral("heightSpin"));
    for (QSpinBox* spin : {width_, height_}) {
        spin->setRange(limits::kMinSide, limits::kMaxSide);
        spin->setSingleStep(limits::kSideMultiple);
        spin->setSuffix(QStringLiteral(" px"));
        spin->setToolTip(tr("Multiples of %1; SDXL works best near 1024×1024 pixels in total")
                             .arg(limits::kSideMultiple));
        connect(spin, &QSpinBox::editingFinished, this,
                [spin] { spin->setValue(round_to_valid_side(spin->value())); });
        connect(spin, &QSpinBox::valueChanged, this, &MainWindow::update_cpu_notice);
    }
    connect(size_, &QComboBox::currentIndexChanged, this, &MainWindow::on_size_preset_changed);
    auto* row = new QHBoxLayout;
    row->addWidget(size_, 1);
    row->addWidget(width_);
    row->addWidget(new QLabel(QStringLiteral("×"), panel));
    row->addWidget(height_);
    return row;
}

QLayout* MainWindow::build_seed_row(QWidget* panel) {
    seed_ = new QLineEdit(panel);
    seed_->setObjectName(QStringLiteral("seedEdit"));
    // Digits only; the range (up to 2^53 - 1) is checked with the rest of the request, with the
    // same message the CLI gives.
    const int max_digits = int(QString::number(limits::kMaxSeed).size());
    seed_->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("\\d{1,%1}").arg(max_digits)), seed_));
    seed_->setToolTip(tr("Image i of a batch uses seed + i"));
    random_seed_ = new QPushButton(tr("Random"), panel);
    random_seed_->setObjectName(QStringLiteral("randomSeedButton"));
    random_seed_->setToolTip(tr("Pick a new random seed"));
    // The seed shown is the one that runs; the mode only says what is shown after a run.
    seed_mode_ = new QComboBox(panel);
    seed_mode_->setObjectName(QStringLiteral("seedModeCombo"));
    seed_mode_->addItem(tr("then random"), int(SeedMode::Random));
    seed_mode_->setItemData(0, tr("After each run, show a new random seed"), Qt::ToolTipRole);
    seed_mode_->addItem(tr("then same"), int(SeedMode::Fixed));
    seed_mode_->setItemData(1, tr("Keep this seed for the next runs"), Qt::ToolTipRole);
    seed_mode_->addItem(tr("then +1"), int(SeedMode::Increment));
    seed_mode_->setItemData(
        2,
        tr("Step on to the next seed after each run (+1 per image, so batches never repeat one)"),
        Qt::ToolTipRole);
    seed_mode_->setToolTip(
        tr("The seed shown always runs next; this chooses the seed shown after a run: a random "
           "one, the same one, or the next one"));
    connect(random_seed_, &QPushButton::clicked, this, &MainWindow::randomize_seed);
    // Typing a seed means wanting that seed, also for the runs after.
    connect(seed_, &QLineEdit::textEdited, this, [this] {
        if (SeedMode(seed_mode_->currentData().toInt()) == SeedMode::Random)
            seed_mode_->setCurrentIndex(seed_mode_->findData(int(SeedMode::Fixed)));
    });
    auto* row = new QHBoxLayout;
    row->addWidget(seed_, 1);
    row->addWidget(random_seed_);
    row->addWidget(seed_mode_);
    return row;
}

QLayout* MainWindow::build_engine_row(QWidget* panel) {
    device_ = new QComboBox(panel);
    device_->setObjectName(QStringLiteral("deviceCombo"));
    device_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    device_->setMinimumContentsLength(12);
    precision_ = new QComboBox(panel);
    precision_->setObjectName(QStringLiteral("precisionCombo"));
    auto* row = new QHBoxLayout;
    row->addWidget(device_, 3);
    row->addWidget(precision_, 1);
    return row;
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

QWidget* MainWindow::build_center() {
    auto* center = new QWidget;
    auto* layout = new QVBoxLayout(center);
    layout->setContentsMargins(0, 0, 0, 0);

    center_stack_ = new QStackedWidget(center);
    center_stack_->setObjectName(QStringLiteral("centerStack"));
    auto* preview_page = new QWidget(center_stack_);
    preview_page->setObjectName(QStringLiteral("previewPage"));
    preview_page_ = preview_page;
    auto* preview_layout = new QVBoxLayout(preview_page);
    preview_ = new PreviewPane(preview_page);
    preview_->set_placeholder(
        tr("Type a prompt and press Generate (Ctrl+Enter).\n"
           "Drop a PNG here to reuse its settings."));
    // Long status texts ("Done in … · seed … · checkpoint") are elided, never cut off silently
    // and never widening the window's minimum (which would squeeze the gallery).
    step_label_ = new ElidingLabel(preview_page);
    step_label_->setObjectName(QStringLiteral("stepLabel"));
    progress_ = new QProgressBar(preview_page);
    progress_->setObjectName(QStringLiteral("progressBar"));
    progress_->setRange(0, 100);
    progress_->setValue(0);
    progress_->setTextVisible(false);
    progress_->setMaximumHeight(8);
    progress_->setMaximumWidth(240);
    progress_->hide();  // shown while a job runs, so the "Done in …" line has the whole row
    keep_live_button_ = new QPushButton(tr("Keep"), preview_page);
    keep_live_button_->setObjectName(QStringLiteral("keepLiveButton"));
    keep_live_button_->setToolTip(tr("Save the live image shown to the gallery (Ctrl+S)"));
    keep_live_button_->hide();
    connect(keep_live_button_, &QPushButton::clicked, this, [this] { keep_live_result(); });
    preview_layout->addWidget(preview_, 1);
    auto* status_row = new QHBoxLayout;
    status_row->addWidget(step_label_, 1);
    status_row->addWidget(progress_);
    status_row->addWidget(keep_live_button_);
    preview_layout->addLayout(status_row);
    center_stack_->addWidget(preview_page);
    center_stack_->addWidget(build_welcome());
    grid_ = new ResultGrid(center_stack_);
    center_stack_->addWidget(grid_);
    connect(grid_, &ResultGrid::keepRequested, this, &MainWindow::keep_result);
    connect(grid_, &ResultGrid::closeRequested, this, [this] { show_grid(false); });
    layout->addWidget(center_stack_, 1);
    return center;
}

QWidget* MainWindow::build_banner(QWidget* parent) {
    banner_ = new QFrame(parent);
    banner_->setObjectName(QStringLiteral("messageBanner"));
    banner_->setAutoFillBackground(true);
    banner_text_ = new QLabel(banner_);
    banner_text_->setObjectName(QStringLiteral("messageText"));
    banner_text_->setWordWrap(true);
    banner_text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A word longer than the space (a path) must not widen the window: it is wrapped or cut.
    banner_text_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    banner_text_->setMinimumWidth(120);
    banner_action_ = new QPushButton(tr("Settings…"), banner_);
    connect(banner_action_, &QPushButton::clicked, this, &MainWindow::open_settings);
    auto* retry = new QPushButton(tr("Retry"), banner_);
    retry->setObjectName(QStringLiteral("retryButton"));
    connect(retry, &QPushButton::clicked, this, [this] {
        hide_message();
        controller_->retry_load();
    });
    auto* close = new QPushButton(tr("Dismiss"), banner_);
    close->setObjectName(QStringLiteral("dismissButton"));
    connect(close, &QPushButton::clicked, this, &MainWindow::hide_message);
    banner_details_button_ = new QPushButton(tr("Show details"), banner_);
    banner_details_button_->setObjectName(QStringLiteral("showDetailsButton"));
    banner_details_button_->setCheckable(true);
    banner_details_button_->setToolTip(tr("The engine's full message, to copy into a bug report"));
    banner_details_ = new QPlainTextEdit(banner_);
    banner_details_->setObjectName(QStringLiteral("messageDetails"));
    banner_details_->setReadOnly(true);
    banner_details_->setMaximumHeight(120);
    banner_details_->hide();
    connect(banner_details_button_, &QPushButton::toggled, this, [this](bool shown) {
        banner_details_->setVisible(shown);
        banner_details_button_->setText(shown ? tr("Hide details") : tr("Show details"));
    });
    auto* banner_row = new QHBoxLayout;
    banner_row->addWidget(banner_text_, 1);
    banner_row->addWidget(banner_details_button_);
    banner_row->addWidget(retry);
    banner_row->addWidget(banner_action_);
    banner_row->addWidget(close);
    auto* banner_layout = new QVBoxLayout(banner_);
    banner_layout->addLayout(banner_row);
    banner_layout->addWidget(banner_details_);
    banner_->hide();
    return banner_;
}

QWidget* MainWindow::build_welcome() {
    auto* page = new QWidget;
    page->setObjectName(QStringLiteral("welcomePage"));
    auto* layout = new QVBoxLayout(page);
    welcome_problems_ = new QLabel(page);
    welcome_problems_->setObjectName(QStringLiteral("welcomeProblems"));
    welcome_problems_->setWordWrap(true);
    welcome_problems_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    welcome_text_ = new QTextBrowser(page);
    welcome_text_->setObjectName(QStringLiteral("welcomeText"));
    welcome_text_->setOpenExternalLinks(true);
    welcome_text_->setHtml(model_download_help_html());
    auto* settings = new QPushButton(tr("Open Settings…"), page);
    settings->setObjectName(QStringLiteral("welcomeSettingsButton"));
    connect(settings, &QPushButton::clicked, this, &MainWindow::open_settings);
    auto* search = new QPushButton(tr("Search again"), page);
    search->setObjectName(QStringLiteral("welcomeSearchButton"));
    search->setToolTip(
        tr("Look in the Hugging Face cache (%1) again")
            .arg(QDir::toNativeSeparators(to_qstring(lightning::default_hf_hub_dir()))));
    connect(search, &QPushButton::clicked, this, &MainWindow::search_hf_cache);
    auto* download = new QPushButton(tr("Download models…"), page);
    download->setObjectName(QStringLiteral("welcomeDownloadButton"));
    connect(download, &QPushButton::clicked, this, [this] { open_models_dialog(); });
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(download);
    buttons->addWidget(settings);
    buttons->addWidget(search);
    buttons->addStretch();
    layout->addWidget(welcome_problems_);
    layout->addWidget(welcome_text_, 1);
    layout->addLayout(buttons);
    return page;
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
    // With the prompt syntax and tiling the image was made with, so it comes out the same.
    auto reuse = [this](const lightning::GenerationRequest& request) {
        apply_request(request);
        lightning::ImageRecord record;
        record.request = request;
        for (const GalleryItem& item : gallery_->model()->items())
            if (item.record.request == request) record = item.record;
        apply_recorded_settings(record);
    };
    connect(gallery_, &GalleryWidget::reuseRequested, this, reuse);
    connect(gallery_, &GalleryWidget::regenerateRequested, this,
            [this, reuse](const lightning::GenerationRequest& request) {
                reuse(request);
                generate();
            });
    connect(gallery_, &GalleryWidget::message, this,
            [this](const QString& text, bool is_error) { show_message(text, is_error); });

    auto* queue_dock = new QDockWidget(tr("Queue"), this);
    queue_dock->setObjectName(QStringLiteral("queueDock"));
    queue_dock->setWidget(build_queue_panel());
    addDockWidget(Qt::BottomDockWidgetArea, queue_dock);

    log_ = new LogView(this);
    log_->setObjectName(QStringLiteral("logView"));
    auto* log_dock = new QDockWidget(tr("Log"), this);
    log_dock->setObjectName(QStringLiteral("logDock"));
    log_dock->setWidget(log_);
    addDockWidget(Qt::BottomDockWidgetArea, log_dock);
    tabifyDockWidget(queue_dock, log_dock);
    queue_dock->raise();
}

QWidget* MainWindow::build_queue_panel() {
    auto* panel = new QWidget(this);
    running_label_ = new QLabel(tr("Idle"), panel);
    running_label_->setObjectName(QStringLiteral("runningLabel"));
    running_label_->setWordWrap(true);
    queue_view_ = new QListView(panel);
    queue_view_->setObjectName(QStringLiteral("queueView"));
    queue_view_->setModel(controller_->queue());
    queue_view_->setSelectionMode(QAbstractItemView::SingleSelection);
    auto selected_row = [this] {
        const QModelIndex index = queue_view_->currentIndex();
        return index.isValid() ? index.row() : -1;
    };
    auto move_selected = [this, selected_row](int by) {
        const int row = selected_row();
        if (controller_->queue()->move(row, row + by))
            queue_view_->setCurrentIndex(controller_->queue()->index(row + by));
    };
    auto add_button = [panel](const QString& text, const char* name) {
        auto* button = new QPushButton(text, panel);
        button->setObjectName(QString::fromLatin1(name));
        return button;
    };
    auto* remove = add_button(tr("Remove"), "removeJobButton");
    connect(remove, &QPushButton::clicked, this,
            [this, selected_row] { controller_->queue()->remove(selected_row()); });
    auto* up = add_button(tr("Up"), "moveUpButton");
    connect(up, &QPushButton::clicked, this, [move_selected] { move_selected(-1); });
    auto* down = add_button(tr("Down"), "moveDownButton");
    connect(down, &QPushButton::clicked, this, [move_selected] { move_selected(+1); });
    auto* clear = add_button(tr("Clear"), "clearQueueButton");
    connect(clear, &QPushButton::clicked, this, [this] { controller_->queue()->clear(); });
    auto* buttons = new QHBoxLayout;
    for (QPushButton* button : {remove, up, down}) buttons->addWidget(button);
    buttons->addStretch();
    buttons->addWidget(clear);
    auto* layout = new QVBoxLayout(panel);
    layout->addWidget(running_label_);
    layout->addWidget(queue_view_, 1);
    layout->addLayout(buttons);
    return panel;
}

void MainWindow::build_menus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* settings = file->addAction(tr("&Settings…"), this, &MainWindow::open_settings);
    file->addAction(tr("&Models…"), this, [this] { open_models_dialog(); })
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
    // A `lightning batch` output folder (or any folder of PNGs with parameters) as the gallery,
    // indexed from its PNGs; new images still go to the output folder.
    const auto open_folder_as_gallery = [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Open folder as gallery"),
                                                                 gallery_->model()->folder());
        if (folder.isEmpty()) return;
        // Only the output folder is the app's own: any other folder is read, never written.
        const bool own = QDir(folder).absolutePath() == QDir(engine_.output_dir).absolutePath();
        const QString note =
            gallery_->model()->open(folder, own ? GalleryFolder::Own : GalleryFolder::Foreign);
        if (!note.isEmpty()) lightning::log().info("{}", to_std(note));
    };
    file->addAction(tr("Open &folder as gallery…"), this, open_folder_as_gallery)
        ->setObjectName(QStringLiteral("openFolderAsGalleryAction"));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

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
    run->addAction(tr("&Random seed"), this, &MainWindow::randomize_seed);
    build_explore_menu();

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());

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
    // Live mode follows every change of what the image depends on.
    connect(prompt_, &PromptBox::textChanged, this, &MainWindow::on_form_changed);
    connect(negative_, &PromptBox::textChanged, this, &MainWindow::on_form_changed);
    connect(steps_, &QComboBox::currentIndexChanged, this, &MainWindow::on_form_changed);
    connect(guidance_, &QDoubleSpinBox::valueChanged, this, &MainWindow::on_form_changed);
    connect(width_, &QSpinBox::valueChanged, this, &MainWindow::on_form_changed);
    connect(height_, &QSpinBox::valueChanged, this, &MainWindow::on_form_changed);
    connect(seed_, &QLineEdit::textChanged, this, &MainWindow::on_form_changed);
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
    auto on_queue_changed = [this] {
        const int waiting = controller_->queue()->count();
        if (auto* dock = findChild<QDockWidget*>(QStringLiteral("queueDock")))
            dock->setWindowTitle(waiting ? tr("Queue (%1)").arg(waiting) : tr("Queue"));
        update_status_label();
    };
    connect(queue, &QAbstractItemModel::rowsInserted, this, on_queue_changed);
    connect(queue, &QAbstractItemModel::rowsRemoved, this, on_queue_changed);
    connect(queue, &QAbstractItemModel::modelReset, this, on_queue_changed);

    connect(device_, &QComboBox::activated, this, &MainWindow::on_device_changed);
    connect(precision_, &QComboBox::activated, this, &MainWindow::on_engine_option_changed);
}

// ------------------------------------------------------------------------------ form & state
// ------------------------------------------------------------------------------ form & state

void MainWindow::restore_form(const FormSettings& form) {
    const lightning::GenerationRequest& r = form.request;
    restoring_ = true;
    fill_device_combo(device_, engine_.device);
    fill_precision_combo(precision_, engine_.device, engine_.precision);
    prompt_->set_text(to_qstring(r.prompt));
    negative_->set_text(to_qstring(r.negative_prompt.value_or(std::string())));
    guidance_->setValue(r.guidance);
    select_steps(r.steps);
    select_size(r.width, r.height);
    if (form.size_preset == QLatin1String("custom")) size_->setCurrentIndex(size_->count() - 1);
    seed_->setText(QString::number(r.seed));
    seed_mode_->setCurrentIndex(seed_mode_->findData(int(form.seed_mode)));
    batch_->setValue(r.batch);
    restoring_ = false;
    // Nothing stored yet (first start): a random seed, shown before it runs.
    if (seed_->text() == QLatin1String("0") && form.seed_mode == SeedMode::Random) randomize_seed();
    update_guidance_dependent();
    on_size_preset_changed();
}

FormSettings MainWindow::form() const {
    FormSettings form;
    lightning::GenerationRequest& r = form.request;
    r.prompt = to_std(prompt_->text().trimmed());
    const QString negative = negative_->text().trimmed();
    if (!negative.isEmpty()) r.negative_prompt = to_std(negative);
    r.steps = steps_->currentData(Qt::UserRole).toInt();
    r.guidance = guidance_->value();
    r.width = round_to_valid_side(width_->value());
    r.height = round_to_valid_side(height_->value());
    r.seed = seed_value().value_or(0);
    r.batch = batch_->value();
    form.seed_mode = SeedMode(seed_mode_->currentData().toInt());
    form.size_preset = size_->currentData().toInt() == kCustomSize
                           ? QStringLiteral("custom")
                           : QStringLiteral("%1x%2").arg(r.width).arg(r.height);
    return form;
}

void MainWindow::save_state() {
    QSettings settings;
    save_form_settings(settings, form());
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

std::optional<uint64_t> MainWindow::seed_value() const {
    bool ok = false;
    const qulonglong value = seed_->text().toULongLong(&ok);
    return ok ? std::optional<uint64_t>(value) : std::nullopt;
}

void MainWindow::randomize_seed() {
    // 32-bit seeds: short enough to read out and type, as other SD tools do.
    seed_->setText(QString::number(QRandomGenerator::global()->generate()));
}

void MainWindow::select_steps(int steps) {
    for (int row = 0; row < steps_model_->rowCount(); ++row)
        if (steps_model_->item(row)->data(Qt::UserRole).toInt() == steps) {
            steps_->setCurrentIndex(row);
            return;
        }
}

void MainWindow::select_size(int width, int height) {
    width = round_to_valid_side(width);
    height = round_to_valid_side(height);
    const int preset = size_->findData(QSize(width, height));
    const bool was_restoring = restoring_;
    restoring_ = true;
    size_->setCurrentIndex(preset >= 0 ? preset : size_->count() - 1);
    width_->setValue(width);
    height_->setValue(height);
    restoring_ = was_restoring;
    on_size_preset_changed();
}

void MainWindow::on_size_preset_changed() {
    const QVariant data = size_->currentData();
    const bool custom = data.typeId() != QMetaType::QSize;
    width_->setEnabled(custom);
    height_->setEnabled(custom);
    if (!custom && !restoring_) {
        const QSize size = data.toSize();
        width_->setValue(size.width());
        height_->setValue(size.height());
    }
}

void MainWindow::update_guidance_dependent() {
    const bool cfg = guidance_->value() > 1.0;
    negative_->setEnabled(cfg);
    negative_hint_->setText(
        cfg ? tr("Guidance %1: each step runs the UNet twice (slower); the negative prompt "
                 "steers away.")
                  .arg(to_qstring(lightning::format_number(guidance_->value())))
            : tr("The negative prompt takes effect only with guidance above 1 (Lightning is "
                 "distilled for guidance 0)."));
    update_cpu_notice();
}

void MainWindow::on_steps_changed() {
    if (steps_->currentIndex() < 0) return;
    steps_->setToolTip(steps_model_->item(steps_->currentIndex())->toolTip());
    update_generate_button();
    update_cpu_notice();
    // Idle: make the chosen checkpoint active now (instant from the engine's cache), so the
    // next Generate starts at once. Busy: the next job switches by itself.
    if (!restoring_ && steps_available(steps_->currentData(Qt::UserRole).toInt()))
        controller_->switch_to_steps(steps_->currentData(Qt::UserRole).toInt());
}

// The entries show the step count only; the file (or which file is missing where) is in the
// tooltip, so nothing is cut off in a narrow form.
void MainWindow::update_step_choices() {
    const std::string& dir = engine_.models.lightning_dir;
    const QString shown_dir =
        dir.empty() ? tr("(not set)") : QDir::toNativeSeparators(to_qstring(dir));
    for (int row = 0; row < steps_model_->rowCount(); ++row) {
        QStandardItem* item = steps_model_->item(row);
        const int steps = item->data(Qt::UserRole).toInt();
        const QString file = to_qstring(lightning::lightning_file(dir, steps));
        item->setEnabled(!file.isEmpty());
        if (file.isEmpty()) {
            item->setText(tr("%1 (file missing)").arg(steps_text(steps)));
            item->setToolTip(
                tr("No %1 in the SDXL-Lightning folder %2. Download it from %3 (Settings).")
                    .arg(to_qstring(lightning::published_lightning_file(steps)), shown_dir,
                         QString::fromLatin1(lightning::kLightningRepo)));
        } else {
            item->setText(steps_text(steps));
            item->setToolTip(tr("Uses %1 in %2").arg(QFileInfo(file).fileName(), shown_dir));
        }
    }
    // Keep the choice if possible; else prefer 4 steps, then any available.
    if (!steps_model_->item(steps_->currentIndex())->isEnabled()) {
        for (int preferred : {4, 8, 2, 1})
            if (steps_available(preferred)) {
                select_steps(preferred);
                break;
            }
    }
    steps_->setToolTip(steps_model_->item(steps_->currentIndex())->toolTip());
}

bool MainWindow::steps_available(int steps) const {
    for (int row = 0; row < steps_model_->rowCount(); ++row) {
        const QStandardItem* item = steps_model_->item(row);
        if (item->data(Qt::UserRole).toInt() == steps) return item->isEnabled();
    }
    return false;
}

void MainWindow::on_device_changed() {
    if (restoring_) return;
    // Each device offers its own precisions (fp16 only on GPUs); keep the choice where offered.
    restoring_ = true;
    fill_precision_combo(precision_, device_->currentData().toString(),
                         lightning::Precision(precision_->currentData().toInt()));
    restoring_ = false;
    on_engine_option_changed();
}

void MainWindow::on_engine_option_changed() {
    if (restoring_) return;
    EngineSettings engine = engine_;
    engine.device = device_->currentData().toString();
    engine.precision = lightning::Precision(precision_->currentData().toInt());
    if (engine == engine_) return;
    apply_engine_settings(engine);
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
    restoring_ = true;
    fill_device_combo(device_, engine_.device);
    fill_precision_combo(precision_, engine_.device, engine_.precision);
    restoring_ = false;
    if (gallery_moved) gallery_->model()->open_async(engine_.output_dir);
    update_step_choices();
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
        if (center_stack_->currentIndex() == 1) center_stack_->setCurrentIndex(0);  // not the grid
        return;
    }
    QStringList lines;
    for (const QString& problem : problems) lines << problem.toHtmlEscaped();
    welcome_problems_->setText(
        QStringLiteral("<b>%1</b><br><span style='color:#b02020'>✘ %2</span>")
            .arg(tr("The model setup is not complete:"), lines.join(QStringLiteral("<br>✘ "))));
    center_stack_->setCurrentIndex(1);
}

void MainWindow::update_generate_button() {
    // Live mode's background renders leave Generate as it is (it queues a gallery job).
    const bool busy = controller_->busy_with_user_job();
    const bool configured =
        controller_->model_state() != GenerationController::ModelState::NotConfigured;
    const int steps = steps_->currentData(Qt::UserRole).toInt();
    QString why_not;
    if (!configured)
        why_not = tr("Set up the model first (File ▸ Settings)");
    else if (!steps_available(steps))
        why_not = tr("The %1 file is missing").arg(steps_text(steps));

    if (busy) {
        generate_button_->setText(tr("Cancel"));
        generate_button_->setToolTip(tr("Stop the running image before its next step (Esc)"));
        generate_button_->setEnabled(true);
    } else {
        generate_button_->setText(tr("Generate"));
        generate_button_->setToolTip(why_not.isEmpty() ? tr("Generate (Ctrl+Enter)") : why_not);
        generate_button_->setEnabled(why_not.isEmpty());
    }
    queue_button_->setEnabled(busy && why_not.isEmpty());
    queue_button_->setToolTip(why_not.isEmpty() ? tr("Queue another job (Ctrl+Enter)") : why_not);
    cancel_action_->setEnabled(controller_->busy());
    update_explore_actions();
}

// The state of the model, or of the job while one runs ("Ready" only when it is).
void MainWindow::update_status_label() {
    QString text = controller_->model_message();
    if (controller_->model_state() == GenerationController::ModelState::NotConfigured)
        text = tr("Model not set up");
    else if (controller_->model_state() == GenerationController::ModelState::Failed)
        text = tr("Model failed to load");
    else if (const auto& job = controller_->current_job()) {
        if (job->purpose == JobPurpose::Live)
            text = tr("Live mode: rendering the newest change");
        else
            text = controller_->queue()->count() > 0 ? tr("Generating job #%1 (%2 more queued)")
                                                           .arg(job->id)
                                                           .arg(controller_->queue()->count())
                                                     : tr("Generating job #%1").arg(job->id);
        if (!eta_text_.isEmpty()) text += QStringLiteral(" · ") + eta_text_;
    }
    model_state_label_->setText(text);
}

QString MainWindow::status_text() const {
    return model_state_label_->text();
}

// On the CPU an image takes minutes: say so, with a rough time for the form's settings.
void MainWindow::update_cpu_notice() {
    if (!cpu_label_) return;  // called while the form is built
    if (!is_cpu_device(engine_.device)) {
        cpu_label_->clear();
        cpu_label_->hide();
        return;
    }
    const lightning::GenerationRequest request = form().request;
    const double seconds = estimated_cpu_seconds(request, QThread::idealThreadCount());
    cpu_label_->setText(tr("Running on the CPU: about %1 per %2×%3 image")
                            .arg(describe_duration(seconds))
                            .arg(request.width)
                            .arg(request.height));
    cpu_label_->show();
}

QString MainWindow::cpu_notice() const {
    return cpu_label_->isHidden() ? QString() : cpu_label_->text();
}

void MainWindow::on_generate_clicked() {
    if (controller_->busy_with_user_job())
        controller_->cancel_current();
    else
        generate();
}

int MainWindow::generate() {
    if (controller_->model_state() == GenerationController::ModelState::NotConfigured) {
        show_message(tr("Set up the model first: %1").arg(controller_->model_message()), true);
        return 0;
    }
    if (!seed_value()) randomize_seed();  // an empty field: the seed shown is what runs
    QString why_not;
    const auto request = form_request(&why_not);
    if (!request) {
        show_message(tr("Cannot generate: %1").arg(why_not), true);
        return 0;
    }
    hide_message();
    GenerationJob job;
    job.request = *request;
    job.output_dir = engine_.output_dir;
    const int id = controller_->submit(job);
    advance_seed(job.request);
    QSettings settings;
    save_form_settings(settings, form());
    return id;
}

std::optional<lightning::GenerationRequest> MainWindow::form_request(QString* why_not) const {
    lightning::GenerationRequest request = form().request;
    // Without guidance a negative prompt does nothing; the image's record must not claim it did.
    if (!request.uses_guidance()) request.negative_prompt.reset();
    request.prompt_syntax = engine_.prompt_syntax;
    request.vae_tiling = engine_.vae_tiling;
    request.embeddings = embeddings_for(engine_.embeddings_dir, request);
    // The checks the CLI makes before loading, from the same table and with the same words; the
    // engine checks again against the loaded model.
    try {
        lightning::limits::validate(request);
        lightning::unet_file_for(to_engine_options(engine_).models, request);
    } catch (const lightning::Error& error) {
        if (why_not) *why_not = to_qstring(error.what());
        return std::nullopt;
    }
    return request;
}

// What the seed field shows next, by the seed mode: the seed that ran stays on screen only
// when asked to, so what is shown is always what runs.
void MainWindow::advance_seed(const lightning::GenerationRequest& ran) {
    const auto mode = SeedMode(seed_mode_->currentData().toInt());
    seed_->setText(QString::number(next_seed(mode, ran, QRandomGenerator::global()->generate())));
}

void MainWindow::apply_request(const lightning::GenerationRequest& request) {
    prompt_->set_text(to_qstring(request.prompt));
    negative_->set_text(to_qstring(request.negative_prompt.value_or(std::string())));
    guidance_->setValue(request.guidance);
    if (steps_available(request.steps)) {
        select_steps(request.steps);
    } else {
        lightning::log().info("{} steps are not available here; keeping {}", request.steps,
                              steps_->currentData(Qt::UserRole).toInt());
    }
    select_size(request.width, request.height);
    seed_->setText(QString::number(request.seed));
    // Reusing an image's settings means building on its seed.
    seed_mode_->setCurrentIndex(seed_mode_->findData(int(SeedMode::Fixed)));
    statusBar()->showMessage(tr("Settings restored"), 4000);
}

// What restoring a PNG did not take over, said rather than done silently: values the settings
// line holds but that could not be read (the form keeps its own) and another tool's settings
// with no counterpart here (its sampler, hires fix, ...).
namespace {
QString restore_note(const lightning::ImageRecord& record) {
    QStringList notes;
    if (const auto keys = lightning::unreadable_settings(record); !keys.empty())
        notes << MainWindow::tr("Not readable in the image, kept as they were: %1")
                     .arg(to_qstring_list(keys).join(QStringLiteral(", ")));
    try {
        lightning::limits::validate(record.request);
    } catch (const lightning::Error& error) {  // e.g. CFG 50: the form holds the nearest value
        notes << MainWindow::tr("Outside the limits, the form holds the nearest allowed value: %1")
                     .arg(to_qstring(error.what()));
    }
    if (const auto unused = lightning::unused_settings(record); !unused.empty())
        notes << MainWindow::tr("Not used here (Lightning Studio samples with Euler, one pass): %1")
                     .arg(to_qstring_list(unused).join(QStringLiteral(", ")));
    return notes.join(u'\n');
}
}  // namespace

bool MainWindow::restore_from_png(const QString& file) {
    try {
        const auto record = lightning::read_image_record(to_std(file)).record;
        if (!record) {
            show_message(tr("%1 has no generation parameters").arg(QFileInfo(file).fileName()),
                         true);
            return false;
        }
        // Checked before any widget sees the text: a 15 MB prompt would hold the window.
        if (const QString refusal = record_refusal(*record); !refusal.isEmpty()) {
            show_message(refusal_message(file, refusal), true);
            return false;
        }
        lightning::ImageRecord restored = *record;
        lightning::keep_unreadable_settings(restored, form().request);
        apply_request(restored.request);
        apply_recorded_settings(restored);
        statusBar()->showMessage(tr("Settings restored from %1").arg(QFileInfo(file).fileName()),
                                 5000);
        if (const QString note = restore_note(restored); !note.isEmpty()) show_message(note, false);
        return true;
    } catch (const std::exception& error) {
        show_message(to_qstring(error.what()), true);
        return false;
    }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (!local_pngs(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QStringList files = local_pngs(event->mimeData());
    if (files.isEmpty()) return;
    event->acceptProposedAction();
    restore_from_png(files.first());
}

// ---------------------------------------------------------------------------- dialogs & banner

void MainWindow::open_settings() {
    SettingsDialog dialog(engine_, this);
    if (dialog.exec() == QDialog::Accepted) {
        hide_message();
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
    banner_text_->setText(text);
    banner_details_->setPlainText(details);
    banner_details_button_->setChecked(false);
    banner_details_button_->setVisible(!details.isEmpty());
    QPalette palette = banner_->palette();
    palette.setColor(QPalette::Window,
                     is_error ? QColor(0xfd, 0xe2, 0xe2) : QColor(0xe2, 0xef, 0xfd));
    palette.setColor(QPalette::WindowText, QColor(0x20, 0x20, 0x20));
    banner_->setPalette(palette);
    banner_text_->setPalette(palette);
    banner_->findChild<QPushButton*>(QStringLiteral("retryButton"))
        ->setVisible(controller_->model_state() == GenerationController::ModelState::Failed);
    banner_->show();
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
    banner_->hide();
    banner_text_->clear();
    banner_details_->clear();
    banner_details_button_->setChecked(false);
}

QString MainWindow::message_text() const {
    return banner_->isHidden() ? QString() : banner_text_->text();
}

QString MainWindow::message_details() const {
    return banner_->isHidden() ? QString() : banner_details_->toPlainText();
}

// ------------------------------------------------------------------------ controller events

void MainWindow::on_model_state(GenerationController::ModelState state, const QString& message) {
    if (state == GenerationController::ModelState::Failed)
        show_error(tr("Could not load the model"), message);
    update_status_label();
    update_setup_views();
    update_generate_button();
}

void MainWindow::on_busy(bool busy) {
    update_generate_button();
    update_status_label();
    progress_->setVisible(busy);
    if (!busy) {
        running_label_->setText(tr("Idle"));
        progress_->setValue(0);
        eta_.stop();
        eta_text_.clear();
    }
}

void MainWindow::on_job_started(const GenerationJob& job) {
    running_label_->setText(tr("Running: %1").arg(describe_job(job)));
    if (job.purpose != JobPurpose::Live)
        step_label_->setText(tr("Starting %1…").arg(describe_job(job, 40)));
    progress_->setValue(0);
    progress_->show();
    eta_.start(job.request.batch, job.request.steps);
    eta_text_.clear();
    update_generate_button();
    update_status_label();
}

void MainWindow::on_step(int job_id, int image_index, int batch, int step, int total,
                         double seconds, const QImage& preview) {
    eta_.step_done(image_index, step, seconds);
    update_eta_text();
    QString text = tr("step %1/%2 · %3 s").arg(step + 1).arg(total).arg(seconds, 0, 'f', 2);
    if (batch > 1) text = tr("image %1/%2 · ").arg(image_index + 1).arg(batch) + text;
    if (!eta_text_.isEmpty()) text += QStringLiteral(" · ") + eta_text_;
    const int done = image_index * total + step + 1;
    progress_->setValue(int(100.0 * done / std::max(1, batch * total)));
    if (grid_->owns(job_id)) {  // compare / variations: the tile shows its own render
        grid_->set_progress(job_id, image_index, step, total, preview);
        step_label_->setText(text);
        return;
    }
    if (live_->owns(job_id)) text = tr("Live · ") + text;
    step_label_->setText(text);
    if (!preview.isNull()) {
        show_grid(false);
        preview_->set_image(preview);
        Q_EMIT previewShown(job_id, image_index, step, total);
    }
}

// Short enough for the row under the preview at any usual window size; the checkpoint is the
// step count's (the gallery has the file name).
void MainWindow::on_image_saved(const GalleryItem& item, const QImage& image) {
    if (const auto& job = controller_->current_job())  // image i of a batch has seed + i
        eta_.image_done(int(item.record.request.seed - job->request.seed), item.seconds);
    // The gallery folder may have been changed while this image was generated.
    if (QFileInfo(item.file).absolutePath() == gallery_->model()->folder())
        gallery_->model()->add(item, image);
    show_grid(false);
    preview_->set_image(image);
    live_result_.reset();
    keep_live_button_->hide();
    step_label_->setText(tr("Done in %1 s · seed %2 · %3")
                             .arg(item.seconds, 0, 'f', 2)
                             .arg(item.record.request.seed)
                             .arg(steps_text(item.record.request.steps)));
}

void MainWindow::on_job_finished(int job_id, bool cancelled, const QString& error) {
    if (grid_->owns(job_id)) grid_->set_finished(job_id, cancelled, error);
    if (live_->owns(job_id) || (cancelled && error.isEmpty() && grid_->owns(job_id)))
        return;  // live mode reports its own; a cancelled tile says so itself
    if (!error.isEmpty()) {
        show_error(tr("Job #%1 failed").arg(job_id), error);
        step_label_->setText(tr("Failed"));
    } else if (cancelled) {
        step_label_->setText(tr("Cancelled"));
        statusBar()->showMessage(tr("Job #%1 cancelled").arg(job_id), 4000);
    }
}

}  // namespace lightning::ui
