// The main window's prompt-exploration features: live mode, "Compare steps", "More like this"
// (seed variations) and keeping images that were not saved when made. Kept apart from
// main_window.cpp's form and job plumbing; the same class.
#include "core/request/limits.h"
#include "core/util/error.h"
#include "core/util/log.h"
#include "ui/device_choice.h"
#include "ui/gallery_model.h"
#include "ui/gallery_widget.h"
#include "ui/image_convert.h"
#include "ui/live_mode.h"
#include "ui/main_window.h"
#include "ui/preview_pane.h"
#include "ui/result_grid.h"
#include "ui/saved_jobs.h"
#include "ui/string_convert.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QListWidget>
#include <QMenuBar>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStatusBar>

#include <cmath>

namespace lightning::ui {
namespace {

// A side scaled for live mode, kept a valid size (multiple of 8 inside the limits).
int scaled_side(int side, double scale) {
    const int m = lightning::limits::kSideMultiple;
    const int scaled = int(std::lround(side * scale / m)) * m;
    return std::clamp(scaled, lightning::limits::kMinSide, lightning::limits::kMaxSide);
}

QString seconds_text(double seconds) {
    if (seconds < 1) return QObject::tr("less than a second");
    return describe_duration(std::round(seconds));
}

}  // namespace

// ---------------------------------------------------------------------------------- building

QLayout* MainWindow::build_explore_buttons(QWidget* panel) {
    compare_button_ = new QPushButton(tr("Compare steps"), panel);
    compare_button_->setObjectName(QStringLiteral("compareButton"));
    compare_button_->setToolTip(
        tr("Render this prompt and seed with every step checkpoint (1, 2, 4, 8) side by side "
           "(Ctrl+Shift+C)"));
    connect(compare_button_, &QPushButton::clicked, this, [this] { compare_steps(); });
    more_like_button_ = new QPushButton(tr("More like this"), panel);
    more_like_button_->setObjectName(QStringLiteral("moreLikeThisButton"));
    more_like_button_->setToolTip(
        tr("Render the next seeds of the image in view, everything else the same: the grid's "
           "selected image, the live image, or else the gallery's selected image "
           "(Ctrl+Shift+M)"));
    connect(more_like_button_, &QPushButton::clicked, this, [this] { more_like_selected(); });
    auto* row = new QHBoxLayout;
    row->addWidget(compare_button_);
    row->addWidget(more_like_button_);
    return row;
}

void MainWindow::build_explore_menu() {
    QMenu* explore = menuBar()->addMenu(tr("E&xplore"));
    live_action_ = explore->addAction(tr("&Live mode"));
    live_action_->setObjectName(QStringLiteral("liveAction"));
    live_action_->setCheckable(true);
    live_action_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    live_action_->setToolTip(live_button_->toolTip());
    connect(live_action_, &QAction::toggled, this, &MainWindow::set_live);
    keep_action_ = explore->addAction(tr("&Keep"), this, [this] {
        if (center_stack_->currentWidget() == grid_)
            grid_->keep_selected();
        else
            keep_live_result();
    });
    keep_action_->setObjectName(QStringLiteral("keepAction"));
    keep_action_->setShortcut(QKeySequence::Save);
    keep_action_->setToolTip(
        tr("Save the live image, or the grid's selected images, to the gallery"));
    explore->addSeparator();
    compare_action_ = explore->addAction(tr("&Compare steps"), this, [this] { compare_steps(); });
    compare_action_->setObjectName(QStringLiteral("compareAction"));
    compare_action_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    more_like_action_ =
        explore->addAction(tr("&More like this"), this, [this] { more_like_selected(); });
    more_like_action_->setObjectName(QStringLiteral("moreLikeThisAction"));
    more_like_action_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    QAction* grid = explore->addAction(tr("Show the last &grid"), this, [this] {
        show_grid(center_stack_->currentWidget() != grid_ && grid_->count() > 0);
    });
    grid->setObjectName(QStringLiteral("toggleGridAction"));
    grid->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
    for (QAction* action : explore->actions()) action->setShortcutContext(Qt::WindowShortcut);
}

void MainWindow::update_explore_actions() {
    if (!compare_action_) return;  // called while the window is built
    const bool ready =
        controller_->model_state() != GenerationController::ModelState::NotConfigured;
    compare_button_->setEnabled(ready);
    compare_action_->setEnabled(ready);
    // Not tied to the gallery's selection (its view may change); without one it says so.
    more_like_button_->setEnabled(ready);
    more_like_action_->setEnabled(ready);
    const bool live_image = live_result_.has_value() && !live_result_kept_;
    keep_live_button_->setVisible(live_image || live());
    keep_live_button_->setEnabled(live_image);
}

// ---------------------------------------------------------------------------------- live mode

bool MainWindow::live() const {
    return live_->enabled();
}

void MainWindow::set_live(bool on) {
    if (on == live()) return;
    live_button_->setChecked(on);
    live_action_->setChecked(on);
    live_->set_enabled(on);
    if (on) {
        show_grid(false);
        statusBar()->showMessage(tr("Live mode: changes render as you type"), 4000);
        on_form_changed();
    }
    update_explore_actions();
}

// Every change of what the image depends on: live mode renders the newest state of the form,
// with the seed shown, at the live resolution.
void MainWindow::on_form_changed() {
    if (restoring_ || !live_ || !live()) return;
    if (!seed_value()) {  // being typed: live mode renders the seed shown, and none is
        step_label_->setText(tr("Live: type a seed (or press Random)"));
        return;
    }
    QString why_not;
    auto request = form_request(&why_not);
    if (!request) {
        step_label_->setText(tr("Live: %1").arg(why_not));
        return;
    }
    request->batch = 1;
    request->width = scaled_side(request->width, engine_.live_scale);
    request->height = scaled_side(request->height, engine_.live_scale);
    live_->input(*request);
}

void MainWindow::on_live_result(const GalleryItem& item, const QImage& image) {
    show_grid(false);
    preview_->set_image(image);
    live_result_ = {item, image};
    live_result_kept_ = false;
    step_label_->setText(tr("Live · %1 s · seed %2 · %3")
                             .arg(item.seconds, 0, 'f', 2)
                             .arg(item.record.request.seed)
                             .arg(steps_text(item.record.request.steps)));
    update_explore_actions();
    Q_EMIT liveResultShown(item);
}

bool MainWindow::keep_live_result() {
    if (!live_result_ || live_result_kept_) return false;
    const auto [item, image] = *live_result_;
    live_result_kept_ = true;  // still the image in view ("More like this" starts from it)
    update_explore_actions();
    keep_result(item, image);
    return true;
}

// ------------------------------------------------------------------------------------ keeping

void MainWindow::keep_result(const GalleryItem& item, const QImage& image) {
    const QString folder = engine_.output_dir;
    QPointer<MainWindow> window(this);
    keep_pool_.start([window, folder, item, image] {
        GalleryItem written;
        QString error;
        try {
            written = write_gallery_png(folder, to_image8(image), item);
        } catch (const std::exception& e) {
            error = to_qstring(e.what());
        }
        // The window waits for this pool before it goes, so it is still there.
        QMetaObject::invokeMethod(
            window.data(),
            [window, written, image, error] {
                if (!error.isEmpty())
                    window->show_message(tr("Could not keep the image: %1").arg(error), true);
                else
                    window->on_kept(written, image);
            },
            Qt::QueuedConnection);
    });
}

void MainWindow::on_kept(const GalleryItem& item, const QImage& image) {
    if (QFileInfo(item.file).absolutePath() == gallery_->model()->folder())
        gallery_->model()->add(item, image);
    statusBar()->showMessage(tr("Kept %1").arg(QFileInfo(item.file).fileName()), 4000);
    lightning::log().info("Kept {}", to_std(item.file));
    Q_EMIT kept(item);
}

// ------------------------------------------------------------------------ compare & variations

void MainWindow::show_grid(bool shown) {
    if (center_stack_->currentIndex() == 1) return;  // the setup page has the say
    center_stack_->setCurrentWidget(shown ? static_cast<QWidget*>(grid_) : preview_page_);
    if (shown) grid_->view()->setFocus();
}

void MainWindow::on_image_made(int job_id, int image_index, const GalleryItem& item,
                               const QImage& image) {
    eta_.image_done(image_index, item.seconds);
    if (grid_->owns(job_id)) grid_->set_result(job_id, image_index, item, image);
}

int MainWindow::compare_steps() {
    if (!seed_value()) randomize_seed();
    QString why_not;
    auto request = form_request(&why_not);
    if (!request) {
        show_message(tr("Cannot compare: %1").arg(why_not), true);
        return 0;
    }
    request->batch = 1;
    QList<ResultGrid::Tile> tiles;
    QList<GenerationJob> jobs;
    for (int steps : lightning::kStepChoices) {
        if (!steps_available(steps)) continue;
        GenerationJob job;
        job.request = *request;
        job.request.steps = steps;
        job.output_dir = engine_.output_dir;
        job.purpose = JobPurpose::Compare;
        jobs << job;
    }
    if (jobs.isEmpty()) {
        show_message(tr("Cannot compare: no step checkpoint is available"), true);
        return 0;
    }
    hide_message();
    // A set still rendering is replaced: its jobs would only fill tiles no longer shown.
    for (int id : grid_->job_ids()) controller_->cancel(id);
    // The engine keeps every checkpoint resident (its checkpoint cache), so the four renders
    // switch between them without reading a file again.
    for (GenerationJob& job : jobs)
        tiles << ResultGrid::Tile{controller_->submit(job), 0, steps_text(job.request.steps)};
    grid_->begin(tr("Compare steps · seed %1 · %2×%3 — %4")
                     .arg(request->seed)
                     .arg(request->width)
                     .arg(request->height)
                     .arg(to_qstring(request->prompt).simplified().left(80)),
                 tiles);
    show_grid(true);
    return int(jobs.size());
}

int MainWindow::more_like_this(const lightning::GenerationRequest& source) {
    lightning::GenerationRequest request = source;
    request.seed = source.seed + 1;
    request.batch = engine_.variation_count;
    request.unet_file.clear();  // the step count chooses the checkpoint, as for the image
    request.record_trace = false;
    // Embeddings by their tokens in this app's embeddings folder (the PNG names tokens only).
    request.embeddings = embeddings_for(engine_.embeddings_dir, request);
    QStringList missing;
    for (const auto& recorded : source.embeddings) {
        const bool found = std::any_of(request.embeddings.begin(), request.embeddings.end(),
                                       [&](const auto& e) { return e.token == recorded.token; });
        if (!found) missing << to_qstring(recorded.token);
    }
    QString why_not;
    if (!missing.isEmpty())
        why_not = tr("the embeddings folder has no %1").arg(missing.join(QStringLiteral(", ")));
    try {
        if (why_not.isEmpty()) {
            lightning::limits::validate(request);
            lightning::unet_file_for(to_engine_options(engine_).models, request);
        }
    } catch (const lightning::Error& error) {
        why_not = to_qstring(error.what());
    }
    if (!why_not.isEmpty()) {
        show_message(tr("Cannot make more like this: %1").arg(why_not), true);
        return 0;
    }
    hide_message();
    for (int id : grid_->job_ids()) controller_->cancel(id);
    GenerationJob job;
    job.request = request;
    job.output_dir = engine_.output_dir;
    job.purpose = JobPurpose::Variations;
    const int id = controller_->submit(job);
    QList<ResultGrid::Tile> tiles;
    for (int i = 0; i < request.batch; ++i)
        tiles << ResultGrid::Tile{id, i, tr("seed %1").arg(request.seed + uint64_t(i))};
    grid_->begin(tr("More like seed %1 · %2 · %3×%4 — %5")
                     .arg(source.seed)
                     .arg(steps_text(request.steps))
                     .arg(request.width)
                     .arg(request.height)
                     .arg(to_qstring(request.prompt).simplified().left(80)),
                 tiles);
    show_grid(true);
    return id;
}

// The image in view: the grid's selected, rendered tile while the grid is shown, the live
// image on the preview, else the gallery's current image (found by its file, whatever the
// gallery's view sorts or filters).
int MainWindow::more_like_selected() {
    if (center_stack_->currentWidget() == grid_) {
        const QList<int> tiles = grid_->selected_tiles();
        if (!tiles.isEmpty())
            if (const auto result = grid_->result(tiles.front()))
                return more_like_this(result->first.record.request);
    } else if (live_result_) {
        return more_like_this(live_result_->first.record.request);
    }
    const QModelIndex index = gallery_->view()->currentIndex();
    const QString file = index.data(GalleryModel::FileRole).toString();
    if (file.isEmpty()) {
        show_message(tr("Select an image in the gallery first"), true);
        return 0;
    }
    for (const GalleryItem& item : gallery_->model()->items())
        if (item.file == file) return more_like_this(item.record.request);
    return 0;
}

// ------------------------------------------------------------------------- restore & restart

// What an image's PNG says beyond the form: the prompt syntax and VAE tiling it was made with
// (taken over, or the image would not come out the same) and the embeddings and VAE it used
// (which must be in this app's settings).
void MainWindow::apply_recorded_settings(const lightning::ImageRecord& record) {
    QStringList notes;
    EngineSettings engine = engine_;
    engine.prompt_syntax = record.request.prompt_syntax;
    engine.vae_tiling = record.request.vae_tiling;
    if (engine.prompt_syntax != engine_.prompt_syntax)
        notes << tr("prompt syntax set to %1, as the image was made")
                     .arg(QString::fromLatin1(lightning::to_string(engine.prompt_syntax)));
    if (engine.vae_tiling != engine_.vae_tiling)
        notes << tr("VAE tiling set to %1, as the image was made")
                     .arg(QString::fromLatin1(lightning::to_string(engine.vae_tiling)));
    const QStringList available = embedding_tokens(engine_.embeddings_dir);
    for (const auto& embedding : record.request.embeddings)
        if (!available.contains(to_qstring(embedding.token)))
            notes << tr("the embedding %1 is not in the embeddings folder")
                         .arg(to_qstring(embedding.token));
    const QString vae_name = to_qstring(record.vae.name);
    const QString own_vae = engine_.vae.isEmpty()
                                ? QString()
                                : to_qstring(lightning::model_display_name(to_std(engine_.vae)));
    if (vae_name != own_vae)
        notes << (vae_name.isEmpty() ? tr("it was made with the model's own VAE")
                                     : tr("it was made with the VAE %1").arg(vae_name));
    if (!(engine == engine_)) apply_engine_settings(engine);
    if (!notes.isEmpty())
        show_message(tr("Restored; %1.").arg(notes.join(QStringLiteral("; "))), false);
}

void MainWindow::restore_pending_jobs() {
    QSettings settings;
    const QList<GenerationJob> jobs = load_pending_jobs(settings);
    if (jobs.isEmpty()) return;
    save_pending_jobs(settings, {});  // taken: a crash now does not queue them twice
    for (const GenerationJob& job : jobs) controller_->submit(job);
    statusBar()->showMessage(
        jobs.size() == 1 ? tr("1 job from the last session queued again")
                         : tr("%1 jobs from the last session queued again").arg(jobs.size()),
        6000);
    lightning::log().info("Queued {} job(s) left from the last session", jobs.size());
}

// ------------------------------------------------------------------------------------ the ETA

void MainWindow::update_eta_text() {
    const auto remaining = eta_.remaining_seconds();
    eta_text_ = remaining ? tr("about %1 left").arg(seconds_text(*remaining)) : QString();
    update_status_label();
}

}  // namespace lightning::ui
