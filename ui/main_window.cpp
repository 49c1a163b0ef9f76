#include "ui/main_window.h"

#include "core/image/png.h"
#include "core/pipeline/pipeline.h"
#include "core/util/log.h"
#include "ui/gallery_widget.h"
#include "ui/hf_cache.h"
#include "ui/log_view.h"
#include "ui/models_dialog.h"
#include "ui/preview_pane.h"
#include "ui/prompt_box.h"
#include "ui/settings_dialog.h"
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
#include <QFileInfo>
#include <QFormLayout>
#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QStatusBar>
#include <QTextBrowser>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

namespace lightning::ui {
namespace {

constexpr int kCustomSize = -1;
constexpr int kMinSide = 64;
constexpr int kMaxSide = 4096;

int round_to_multiple_of_8(int value) {
    return std::clamp((value + 4) / 8 * 8, kMinSide, kMaxSide);
}

QString steps_text(int steps) {
    return steps == 1 ? QObject::tr("1 step") : QObject::tr("%1 steps").arg(steps);
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

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Lightning Studio"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/lightning-studio.png")));
    setAcceptDrops(true);
    install_log_sink();

    QSettings settings;
    engine_ = load_engine_settings(settings);
    if (engine_.models_unset()) {
        // First start: a user who ran `huggingface-cli download` needs no setup at all.
        const QString hub = default_hf_hub_dir();
        const DiscoveredModels found = discover_hf_models(hub);
        if (!found.base_dir.isEmpty() || !found.lightning_dir.isEmpty()) {
            engine_.models.base = found.base_dir;
            engine_.models.lightning_dir = found.lightning_dir;
            save_engine_settings(settings, engine_);
            lightning::log().info(
                "Found models in the Hugging Face cache {}: base '{}', "
                "Lightning '{}'",
                hub.toStdString(), found.base_dir.toStdString(), found.lightning_dir.toStdString());
        }
    }

    controller_ = new GenerationController(this);
    token_counter_ = new TokenCounter(this);

    auto* splitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->addWidget(build_form());
    splitter->addWidget(build_center());
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({380, 620});
    setCentralWidget(splitter);
    build_docks();
    build_menus();
    model_state_label_ = new QLabel(this);
    model_state_label_->setObjectName(QStringLiteral("modelStateLabel"));
    statusBar()->addPermanentWidget(model_state_label_);

    restore_form(load_form_settings(settings));
    resize(1280, 800);
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    if (!restoreState(settings.value(QStringLiteral("window/state")).toByteArray())) {
        first_layout_pending_ = true;  // sized in showEvent()
    }
    splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());

    connect_controller();
    const QString note = gallery_->model()->open(engine_.output_dir);
    if (!note.isEmpty()) lightning::log().info("{}", note.toStdString());
    apply_engine_settings(engine_);
}

MainWindow::~MainWindow() {
    save_state();
}

// ---------------------------------------------------------------------------------- building

QWidget* MainWindow::build_form() {
    auto* panel = new QWidget;
    auto* layout = new QVBoxLayout(panel);

    prompt_ = new PromptBox(QStringLiteral("prompt"), tr("Describe the image…"), panel);
    prompt_->set_counter(token_counter_);
    layout->addWidget(new QLabel(tr("&Prompt"), panel));
    qobject_cast<QLabel*>(layout->itemAt(0)->widget())->setBuddy(prompt_->editor());
    layout->addWidget(prompt_, 3);

    negative_ = new PromptBox(QStringLiteral("negative"), tr("What to avoid…"), panel);
    negative_->set_counter(token_counter_);
    negative_hint_ = new QLabel(panel);
    negative_hint_->setObjectName(QStringLiteral("negativeHint"));
    negative_hint_->setWordWrap(true);
    layout->addWidget(new QLabel(tr("Negative prompt"), panel));
    layout->addWidget(negative_, 2);
    layout->addWidget(negative_hint_);

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);

    steps_ = new QComboBox(panel);
    steps_->setObjectName(QStringLiteral("stepsCombo"));
    steps_model_ = new QStandardItemModel(steps_);
    for (int steps : kStepChoices) {
        auto* item = new QStandardItem(steps_text(steps));
        item->setData(steps, Qt::UserRole);
        steps_model_->appendRow(item);
    }
    steps_->setModel(steps_model_);
    steps_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    steps_->setMinimumContentsLength(12);
    steps_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    connect(steps_, &QComboBox::currentIndexChanged, this, [this] {
        update_generate_button();
        steps_->setToolTip(steps_model_->item(steps_->currentIndex())->toolTip());
    });
    form->addRow(tr("&Steps"), steps_);

    guidance_ = new QDoubleSpinBox(panel);
    guidance_->setObjectName(QStringLiteral("guidanceSpin"));
    guidance_->setRange(0, 20);
    guidance_->setSingleStep(0.5);
    guidance_->setDecimals(1);
    guidance_->setSpecialValueText(tr("0 (off)"));
    guidance_->setToolTip(
        tr("Classifier-free guidance. SDXL-Lightning is distilled for 0 (off); above 1 every step "
           "runs the UNet twice and the negative prompt takes effect."));
    connect(guidance_, &QDoubleSpinBox::valueChanged, this, &MainWindow::update_guidance_dependent);
    form->addRow(tr("&Guidance"), guidance_);

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
        spin->setRange(kMinSide, kMaxSide);
        spin->setSingleStep(8);
        spin->setSuffix(QStringLiteral(" px"));
        spin->setToolTip(tr("Multiples of 8; SDXL works best near 1024×1024 pixels in total"));
        connect(spin, &QSpinBox::editingFinished, this,
                [spin] { spin->setValue(round_to_multiple_of_8(spin->value())); });
    }
    connect(size_, &QComboBox::currentIndexChanged, this, &MainWindow::on_size_preset_changed);
    auto* size_row = new QHBoxLayout;
    size_row->addWidget(size_, 1);
    size_row->addWidget(width_);
    size_row->addWidget(new QLabel(QStringLiteral("×"), panel));
    size_row->addWidget(height_);
    form->addRow(buddy_label(tr("Si&ze"), size_, panel), size_row);

    seed_ = new QLineEdit(panel);
    seed_->setObjectName(QStringLiteral("seedEdit"));
    seed_->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{1,20}")), seed_));
    seed_->setToolTip(tr("Image i of a batch uses seed + i"));
    random_seed_ = new QPushButton(tr("Random"), panel);
    random_seed_->setObjectName(QStringLiteral("randomSeedButton"));
    random_seed_->setToolTip(tr("Pick a new random seed"));
    keep_seed_ = new QCheckBox(tr("Keep"), panel);
    keep_seed_->setObjectName(QStringLiteral("keepSeedCheck"));
    keep_seed_->setToolTip(
        tr("Use this seed again for the next image instead of a new random one"));
    connect(random_seed_, &QPushButton::clicked, this, &MainWindow::randomize_seed);
    // Typing a seed means wanting that seed.
    connect(seed_, &QLineEdit::textEdited, this, [this] { keep_seed_->setChecked(true); });
    auto* seed_row = new QHBoxLayout;
    seed_row->addWidget(seed_, 1);
    seed_row->addWidget(random_seed_);
    seed_row->addWidget(keep_seed_);
    form->addRow(buddy_label(tr("S&eed"), seed_, panel), seed_row);

    batch_ = new QSpinBox(panel);
    batch_->setObjectName(QStringLiteral("batchSpin"));
    batch_->setRange(1, 64);
    batch_->setToolTip(tr("Images per job, with seeds seed, seed+1, …"));
    form->addRow(tr("&Batch"), batch_);

    device_ = new QComboBox(panel);
    device_->setObjectName(QStringLiteral("deviceCombo"));
    precision_ = new QComboBox(panel);
    precision_->setObjectName(QStringLiteral("precisionCombo"));
    auto* engine_row = new QHBoxLayout;
    engine_row->addWidget(device_, 1);
    engine_row->addWidget(precision_, 1);
    form->addRow(buddy_label(tr("&Device"), device_, panel), engine_row);
    layout->addLayout(form);

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
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(generate_button_, 2);
    buttons->addWidget(queue_button_, 1);
    layout->addLayout(buttons);

    auto* scroll = new QScrollArea;
    scroll->setObjectName(QStringLiteral("formScroll"));
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(340);
    return scroll;
}

QWidget* MainWindow::build_center() {
    auto* center = new QWidget;
    auto* layout = new QVBoxLayout(center);
    layout->setContentsMargins(0, 0, 0, 0);

    banner_ = new QFrame(center);
    banner_->setObjectName(QStringLiteral("messageBanner"));
    banner_->setAutoFillBackground(true);
    banner_text_ = new QLabel(banner_);
    banner_text_->setObjectName(QStringLiteral("messageText"));
    banner_text_->setWordWrap(true);
    banner_text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    banner_action_ = new QPushButton(tr("Settings…"), banner_);
    connect(banner_action_, &QPushButton::clicked, this, &MainWindow::open_settings);
    auto* retry = new QPushButton(tr("Retry"), banner_);
    retry->setObjectName(QStringLiteral("retryButton"));
    connect(retry, &QPushButton::clicked, this, [this] {
        hide_message();
        controller_->retry_load();
    });
    auto* close = new QPushButton(tr("Dismiss"), banner_);
    connect(close, &QPushButton::clicked, this, &MainWindow::hide_message);
    auto* banner_layout = new QHBoxLayout(banner_);
    banner_layout->addWidget(banner_text_, 1);
    banner_layout->addWidget(retry);
    banner_layout->addWidget(banner_action_);
    banner_layout->addWidget(close);
    banner_->hide();
    layout->addWidget(banner_);

    center_stack_ = new QStackedWidget(center);
    center_stack_->setObjectName(QStringLiteral("centerStack"));
    auto* preview_page = new QWidget(center_stack_);
    auto* preview_layout = new QVBoxLayout(preview_page);
    preview_ = new PreviewPane(preview_page);
    preview_->set_placeholder(
        tr("Type a prompt and press Generate (Ctrl+Enter).\n"
           "Drop a PNG here to reuse its settings."));
    step_label_ = new QLabel(preview_page);
    step_label_->setObjectName(QStringLiteral("stepLabel"));
    // Long status texts must not widen the window's minimum (and squeeze the gallery).
    step_label_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    progress_ = new QProgressBar(preview_page);
    progress_->setObjectName(QStringLiteral("progressBar"));
    progress_->setRange(0, 100);
    progress_->setValue(0);
    progress_->setTextVisible(false);
    progress_->setMaximumHeight(8);
    preview_layout->addWidget(preview_, 1);
    auto* status_row = new QHBoxLayout;
    status_row->addWidget(step_label_, 1);
    status_row->addWidget(progress_, 2);
    preview_layout->addLayout(status_row);
    center_stack_->addWidget(preview_page);
    center_stack_->addWidget(build_welcome());
    layout->addWidget(center_stack_, 1);
    return center;
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
    search->setToolTip(tr("Look in the Hugging Face cache (%1) again")
                           .arg(QDir::toNativeSeparators(default_hf_hub_dir())));
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
    connect(gallery_, &GalleryWidget::reuseRequested, this, &MainWindow::apply_parameters);
    connect(gallery_, &GalleryWidget::regenerateRequested, this,
            [this](const GenerationParams& params) {
                apply_parameters(params);
                generate();
            });
    connect(gallery_, &GalleryWidget::message, this, &MainWindow::show_message);

    auto* queue_panel = new QWidget(this);
    running_label_ = new QLabel(tr("Idle"), queue_panel);
    running_label_->setObjectName(QStringLiteral("runningLabel"));
    running_label_->setWordWrap(true);
    queue_view_ = new QListView(queue_panel);
    queue_view_->setObjectName(QStringLiteral("queueView"));
    queue_view_->setModel(controller_->queue());
    queue_view_->setSelectionMode(QAbstractItemView::SingleSelection);
    auto selected_row = [this] {
        const QModelIndex index = queue_view_->currentIndex();
        return index.isValid() ? index.row() : -1;
    };
    auto* remove = new QPushButton(tr("Remove"), queue_panel);
    remove->setObjectName(QStringLiteral("removeJobButton"));
    connect(remove, &QPushButton::clicked, this,
            [this, selected_row] { controller_->queue()->remove(selected_row()); });
    auto* up = new QPushButton(tr("Up"), queue_panel);
    up->setObjectName(QStringLiteral("moveUpButton"));
    connect(up, &QPushButton::clicked, this, [this, selected_row] {
        const int row = selected_row();
        if (controller_->queue()->move(row, row - 1))
            queue_view_->setCurrentIndex(controller_->queue()->index(row - 1));
    });
    auto* down = new QPushButton(tr("Down"), queue_panel);
    down->setObjectName(QStringLiteral("moveDownButton"));
    connect(down, &QPushButton::clicked, this, [this, selected_row] {
        const int row = selected_row();
        if (controller_->queue()->move(row, row + 1))
            queue_view_->setCurrentIndex(controller_->queue()->index(row + 1));
    });
    auto* clear = new QPushButton(tr("Clear"), queue_panel);
    clear->setObjectName(QStringLiteral("clearQueueButton"));
    connect(clear, &QPushButton::clicked, this, [this] { controller_->queue()->clear(); });
    auto* queue_buttons = new QHBoxLayout;
    queue_buttons->addWidget(remove);
    queue_buttons->addWidget(up);
    queue_buttons->addWidget(down);
    queue_buttons->addStretch();
    queue_buttons->addWidget(clear);
    auto* queue_layout = new QVBoxLayout(queue_panel);
    queue_layout->addWidget(running_label_);
    queue_layout->addWidget(queue_view_, 1);
    queue_layout->addLayout(queue_buttons);
    auto* queue_dock = new QDockWidget(tr("Queue"), this);
    queue_dock->setObjectName(QStringLiteral("queueDock"));
    queue_dock->setWidget(queue_panel);
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

void MainWindow::build_menus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* settings = file->addAction(tr("&Settings…"), this, &MainWindow::open_settings);
    file->addAction(tr("&Models…"), this, [this] { open_models_dialog(); })
        ->setObjectName(QStringLiteral("modelsAction"));
    settings->setShortcut(QKeySequence::Preferences);
    file->addAction(tr("Save &gallery…"), gallery_, &GalleryWidget::save_gallery_dialog);
    file->addAction(tr("&Open gallery folder"), this,
                    [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(engine_.output_dir)); });
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
                           tr("<b>Lightning Studio</b><br>SDXL-Lightning text-to-image in 1, 2, 4 "
                              "or 8 steps, native C++ (Qt + libtorch)."));
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
    auto* queue = controller_->queue();
    auto update_title = [this] {
        const int waiting = controller_->queue()->count();
        if (auto* dock = findChild<QDockWidget*>(QStringLiteral("queueDock")))
            dock->setWindowTitle(waiting ? tr("Queue (%1)").arg(waiting) : tr("Queue"));
    };
    connect(queue, &QAbstractItemModel::rowsInserted, this, update_title);
    connect(queue, &QAbstractItemModel::rowsRemoved, this, update_title);
    connect(queue, &QAbstractItemModel::modelReset, this, update_title);

    connect(device_, &QComboBox::activated, this, &MainWindow::on_engine_option_changed);
    connect(device_->lineEdit(), &QLineEdit::editingFinished, this,
            &MainWindow::on_engine_option_changed);
    connect(precision_, &QComboBox::activated, this, &MainWindow::on_engine_option_changed);
}

// ------------------------------------------------------------------------------ form & state

void MainWindow::restore_form(const FormSettings& form) {
    restoring_ = true;
    fill_device_combo(device_, engine_.device);
    fill_precision_combo(precision_, engine_.precision);
    prompt_->set_text(form.params.prompt);
    negative_->set_text(form.params.negative_prompt.value_or(QString()));
    guidance_->setValue(form.params.guidance);
    select_steps(form.params.steps);
    select_size(form.params.width, form.params.height);
    if (form.size_preset == QLatin1String("custom")) size_->setCurrentIndex(size_->count() - 1);
    seed_->setText(QString::number(form.params.seed));
    keep_seed_->setChecked(form.keep_seed);
    batch_->setValue(form.batch);
    restoring_ = false;
    if (seed_->text() == QLatin1String("0") && !form.keep_seed) randomize_seed();
    update_guidance_dependent();
    on_size_preset_changed();
}

FormSettings MainWindow::form() const {
    FormSettings form;
    GenerationParams& p = form.params;
    p.prompt = prompt_->text().trimmed();
    const QString negative = negative_->text().trimmed();
    if (!negative.isEmpty()) p.negative_prompt = negative;
    p.steps = steps_->currentData(Qt::UserRole).toInt();
    p.guidance = guidance_->value();
    p.width = round_to_multiple_of_8(width_->value());
    p.height = round_to_multiple_of_8(height_->value());
    p.seed = seed_value().value_or(0);
    form.keep_seed = keep_seed_->isChecked();
    form.batch = batch_->value();
    form.size_preset = size_->currentData().toInt() == kCustomSize
                           ? QStringLiteral("custom")
                           : QStringLiteral("%1x%2").arg(p.width).arg(p.height);
    return form;
}

void MainWindow::save_state() {
    QSettings settings;
    save_form_settings(settings, form());
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
    width = round_to_multiple_of_8(width);
    height = round_to_multiple_of_8(height);
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
                  .arg(format_number(guidance_->value()))
            : tr("The negative prompt takes effect only with guidance above 1 (Lightning is "
                 "distilled for guidance 0)."));
}

void MainWindow::update_step_choices() {
    const std::string dir = engine_.models.lightning_dir.toStdString();
    for (int row = 0; row < steps_model_->rowCount(); ++row) {
        QStandardItem* item = steps_model_->item(row);
        const int steps = item->data(Qt::UserRole).toInt();
        const QString file =
            dir.empty()
                ? QString()
                : QFileInfo(QString::fromStdString(lightning::lightning_unet_file(dir, steps)))
                      .fileName();
        if (file.isEmpty()) {
            item->setText(tr("%1 — file missing").arg(steps_text(steps)));
            item->setEnabled(false);
            item->setToolTip(
                tr("No %1 in the SDXL-Lightning folder %2. Download it from %3 (Settings).")
                    .arg(published_lightning_file(steps),
                         engine_.models.lightning_dir.isEmpty()
                             ? tr("(not set)")
                             : QDir::toNativeSeparators(engine_.models.lightning_dir),
                         QString::fromLatin1(kLightningRepo)));
        } else {
            item->setText(QStringLiteral("%1 — %2").arg(steps_text(steps), file));
            item->setEnabled(true);
            item->setToolTip(tr("Uses %1").arg(file));
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

void MainWindow::on_engine_option_changed() {
    if (restoring_) return;
    EngineSettings engine = engine_;
    engine.device = device_->currentText().trimmed();
    engine.precision = precision_->currentText();
    if (engine == engine_) return;
    apply_engine_settings(engine);
}

void MainWindow::apply_engine_settings(const EngineSettings& engine) {
    const bool gallery_moved =
        QDir(engine.output_dir).absolutePath() != gallery_->model()->folder();
    engine_ = engine;
    QSettings settings;
    save_engine_settings(settings, engine_);
    restoring_ = true;
    fill_device_combo(device_, engine_.device);
    fill_precision_combo(precision_, engine_.precision);
    restoring_ = false;
    if (gallery_moved) {
        const QString note = gallery_->model()->open(engine_.output_dir);
        if (!note.isEmpty()) lightning::log().info("{}", note.toStdString());
    }
    update_step_choices();
    const SetupCheck base = check_base_model(engine_.models.base, engine_.models.config_dir);
    token_counter_->set_tokenizer_root(base.ok() ? tokenizer_root(engine_.models) : QString());
    controller_->set_engine(engine_);
    update_setup_views();
    update_generate_button();
}

void MainWindow::update_setup_views() {
    QStringList problems =
        check_base_model(engine_.models.base, engine_.models.config_dir).problems;
    problems += check_lightning_dir(engine_.models.lightning_dir).problems;
    problems += check_output_dir(engine_.output_dir).problems;
    if (problems.isEmpty()) {
        center_stack_->setCurrentIndex(0);
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
    const bool busy = controller_->busy();
    const bool configured =
        controller_->model_state() != GenerationController::ModelState::NotConfigured;
    const int steps = steps_->currentData(Qt::UserRole).toInt();
    const bool steps_ok = steps_available(steps);
    QString why_not;
    if (!configured)
        why_not = tr("Set up the model first (File ▸ Settings)");
    else if (!steps_ok)
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
    cancel_action_->setEnabled(busy);
}

void MainWindow::on_generate_clicked() {
    if (controller_->busy())
        controller_->cancel_current();
    else
        generate();
}

int MainWindow::generate() {
    FormSettings current = form();
    const int steps = current.params.steps;
    if (controller_->model_state() == GenerationController::ModelState::NotConfigured) {
        show_message(tr("Set up the model first: %1").arg(controller_->model_message()), true);
        return 0;
    }
    if (!steps_available(steps)) {
        show_message(tr("Cannot generate with %1: %2 is missing in %3")
                         .arg(steps_text(steps), published_lightning_file(steps),
                              QDir::toNativeSeparators(engine_.models.lightning_dir)),
                     true);
        return 0;
    }
    if (!keep_seed_->isChecked() || !seed_value()) {
        randomize_seed();
        current.params.seed = *seed_value();
    }
    hide_message();
    GenerationJob job;
    job.params = current.params;
    job.batch = current.batch;
    job.output_dir = engine_.output_dir;
    if (!job.params.negative_prompt || job.params.guidance <= 1.0)
        job.params.negative_prompt.reset();  // without CFG a negative prompt does nothing
    QSettings settings;
    save_form_settings(settings, current);
    return controller_->submit(job);
}

void MainWindow::apply_parameters(const GenerationParams& params) {
    prompt_->set_text(params.prompt);
    negative_->set_text(params.negative_prompt.value_or(QString()));
    guidance_->setValue(params.guidance);
    bool steps_known = false;
    for (int steps : kStepChoices) steps_known |= steps == params.steps;
    if (steps_known && steps_available(params.steps)) {
        select_steps(params.steps);
    } else {
        lightning::log().info("{} steps are not available here; keeping {}", params.steps,
                              steps_->currentData(Qt::UserRole).toInt());
    }
    select_size(params.width, params.height);
    seed_->setText(QString::number(params.seed));
    keep_seed_->setChecked(true);
    statusBar()->showMessage(tr("Settings restored"), 4000);
}

bool MainWindow::restore_from_png(const QString& file) {
    try {
        const lightning::PngText text = lightning::read_png_text(file.toStdString());
        const auto found = text.entries.find(kParametersKey);
        const auto params = found == text.entries.end()
                                ? std::nullopt
                                : parse_parameters(QString::fromStdString(found->second));
        if (!params) {
            show_message(tr("%1 has no generation parameters").arg(QFileInfo(file).fileName()),
                         true);
            return false;
        }
        apply_parameters(*params);
        statusBar()->showMessage(tr("Settings restored from %1").arg(QFileInfo(file).fileName()),
                                 5000);
        return true;
    } catch (const std::exception& error) {
        show_message(QString::fromStdString(error.what()), true);
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
    const QString hub = default_hf_hub_dir();
    const DiscoveredModels found = discover_hf_models(hub);
    if (found.base_dir.isEmpty() && found.lightning_dir.isEmpty()) {
        show_message(
            tr("No SDXL models in the Hugging Face cache %1").arg(QDir::toNativeSeparators(hub)),
            true);
        return;
    }
    EngineSettings engine = engine_;
    if (!found.base_dir.isEmpty()) {
        engine.models.base = found.base_dir;
        engine.models.config_dir.clear();
    }
    if (!found.lightning_dir.isEmpty()) engine.models.lightning_dir = found.lightning_dir;
    hide_message();
    apply_engine_settings(engine);
}

void MainWindow::show_message(const QString& text, bool is_error) {
    banner_text_->setText(text);
    QPalette palette = banner_->palette();
    palette.setColor(QPalette::Window,
                     is_error ? QColor(0xfd, 0xe2, 0xe2) : QColor(0xe2, 0xef, 0xfd));
    palette.setColor(QPalette::WindowText, QColor(0x20, 0x20, 0x20));
    banner_->setPalette(palette);
    banner_text_->setPalette(palette);
    banner_->findChild<QPushButton*>(QStringLiteral("retryButton"))
        ->setVisible(controller_->model_state() == GenerationController::ModelState::Failed);
    banner_->show();
    if (is_error) lightning::log().debug("Shown to the user: {}", text.toStdString());
}

void MainWindow::hide_message() {
    banner_->hide();
    banner_text_->clear();
}

QString MainWindow::message_text() const {
    return banner_->isHidden() ? QString() : banner_text_->text();
}

// ------------------------------------------------------------------------ controller events

void MainWindow::on_model_state(GenerationController::ModelState state, const QString& message) {
    using State = GenerationController::ModelState;
    switch (state) {
        case State::NotConfigured:
            model_state_label_->setText(tr("Model not set up"));
            break;
        case State::Loading:
            model_state_label_->setText(message);
            break;
        case State::Ready:
            model_state_label_->setText(message);
            break;
        case State::Failed:
            model_state_label_->setText(tr("Model failed to load"));
            show_message(tr("Could not load the model: %1").arg(message), true);
            break;
    }
    model_state_label_->setToolTip(message);
    update_setup_views();
    update_generate_button();
}

void MainWindow::on_busy(bool busy) {
    update_generate_button();
    if (!busy) {
        running_label_->setText(tr("Idle"));
        progress_->setValue(0);
    }
}

void MainWindow::on_job_started(const GenerationJob& job) {
    running_label_->setText(tr("Running: %1").arg(describe_job(job)));
    step_label_->setText(tr("Starting %1…").arg(describe_job(job, 40)));
    progress_->setValue(0);
}

void MainWindow::on_step(int job_id, int image_index, int batch, int step, int total,
                         double seconds, const QImage& preview) {
    QString text = tr("step %1/%2 · %3 s").arg(step + 1).arg(total).arg(seconds, 0, 'f', 2);
    if (batch > 1) text = tr("image %1/%2 · ").arg(image_index + 1).arg(batch) + text;
    step_label_->setText(text);
    const int done = image_index * total + step + 1;
    progress_->setValue(int(100.0 * done / std::max(1, batch * total)));
    if (!preview.isNull()) {
        preview_->set_image(preview);
        Q_EMIT previewShown(job_id, image_index, step, total);
    }
}

void MainWindow::on_image_saved(const GalleryItem& item, const QImage& image) {
    // The gallery folder may have been changed while this image was generated.
    if (QFileInfo(item.file).absolutePath() == gallery_->model()->folder())
        gallery_->model()->add(item, image);
    preview_->set_image(image);
    step_label_->setText(tr("Done in %1 s · seed %2 · %3")
                             .arg(item.seconds, 0, 'f', 2)
                             .arg(item.params.seed)
                             .arg(item.params.model));
}

void MainWindow::on_job_finished(int job_id, bool cancelled, const QString& error) {
    if (!error.isEmpty()) {
        show_message(tr("Job #%1 failed: %2").arg(job_id).arg(error), true);
        step_label_->setText(tr("Failed"));
    } else if (cancelled) {
        step_label_->setText(tr("Cancelled"));
        statusBar()->showMessage(tr("Job #%1 cancelled").arg(job_id), 4000);
    }
}

}  // namespace lightning::ui
