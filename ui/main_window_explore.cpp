// The main window's prompt-exploration features: live mode, "Compare steps", "More like this"
// (the next seeds), "Variations" (A1111's variation seeds), keeping images that were not saved when
// made, and reusing an image's settings (a dropped PNG, the gallery's "Reuse" and "Regenerate").
// Kept apart from main_window.cpp's building and wiring; the same class.
#include "core/image/image_file.h"
#include "core/request/limits.h"
#include "core/request/parameters.h"
#include "core/util/error.h"
#include "core/util/log.h"
#include "ui/device_choice.h"
#include "ui/form/generation_form.h"
#include "ui/form/image_reuse.h"
#include "ui/gallery_model.h"
#include "ui/gallery_store.h"
#include "ui/gallery_widget.h"
#include "ui/image_convert.h"
#include "ui/live_mode.h"
#include "ui/main_window.h"
#include "ui/preview_pane.h"
#include "ui/result_grid.h"
#include "ui/saved_jobs.h"
#include "ui/string_convert.h"
#include "ui/upscaler_files.h"

#include <QAction>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QListWidget>
#include <QMenuBar>
#include <QMimeData>
#include <QPointer>
#include <QPushButton>
#include <QSlider>
#include <QStackedWidget>
#include <QStatusBar>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace lightning::ui {
namespace {

// A side scaled for live mode, kept a valid size (multiple of 8 inside the limits).
int scaled_side(int side, double scale) {
    const int m = lightning::limits::kSideMultiple;
    const int scaled = int(std::lround(side * scale / m)) * m;
    return std::clamp(scaled, lightning::limits::kMinSide, lightning::limits::kMaxSide);
}

// The request at the live resolution: the canvas scaled, and with an outpainted input its
// margins and the image's area each scaled (a multiple of 8 still), so that the live image
// shows the same composition as the full-size one.
void scale_for_live(lightning::GenerationRequest& request, double scale) {
    if (scale == 1.0) return;
    lightning::Margins& m = request.input.outpaint;
    const int inner_width = scaled_side(request.width - m.left - m.right, scale);
    const int inner_height = scaled_side(request.height - m.top - m.bottom, scale);
    const int step = lightning::limits::kSideMultiple;
    for (int* side : {&m.left, &m.top, &m.right, &m.bottom})
        *side = int(std::lround(*side * scale / step)) * step;
    request.width = inner_width + m.left + m.right;  // scale <= 1: within the limits
    request.height = inner_height + m.top + m.bottom;
}

// The first local file of a drag (a file manager's), "" when it carries none.
QString first_local_file(const QMimeData* mime) {
    if (!mime || !mime->hasUrls()) return {};
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile()) return url.toLocalFile();
    return {};
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
    auto* rows = new QVBoxLayout;
    rows->addLayout(row);
    rows->addLayout(build_variation_controls(panel));
    return rows;
}

// "Variations" and its strength slider (A1111's "Variation strength", in hundredths).
QLayout* MainWindow::build_variation_controls(QWidget* panel) {
    variations_button_ = new QPushButton(tr("Variations"), panel);
    variations_button_->setObjectName(QStringLiteral("variationsButton"));
    variations_button_->setToolTip(
        tr("Render the image in view with the next variation seeds, blended into its own seed's "
           "noise at the strength on the right (A1111's variation seed; Ctrl+Shift+V)"));
    connect(variations_button_, &QPushButton::clicked, this, [this] { variations_selected(); });
    variation_strength_ = new QSlider(Qt::Horizontal, panel);
    variation_strength_->setObjectName(QStringLiteral("variationStrengthSlider"));
    variation_strength_->setAccessibleName(tr("Variation strength"));
    variation_strength_->setRange(1, 100);
    variation_strength_->setValue(30);
    variation_strength_->setToolTip(
        tr("Variation strength: how much of the variation seed's noise (0.01: nearly the image "
           "itself, 1: the variation seed's own image)"));
    variation_strength_label_ = new QLabel(panel);
    variation_strength_label_->setObjectName(QStringLiteral("variationStrengthLabel"));
    const auto show_strength = [this] {
        variation_strength_label_->setText(
            QString::fromStdString(lightning::format_number(variation_strength())));
    };
    connect(variation_strength_, &QSlider::valueChanged, this, show_strength);
    show_strength();
    auto* row = new QHBoxLayout;
    row->addWidget(variations_button_);
    row->addWidget(variation_strength_, 1);
    row->addWidget(variation_strength_label_);
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
    variations_action_ =
        explore->addAction(tr("&Variations"), this, [this] { variations_selected(); });
    variations_action_->setObjectName(QStringLiteral("variationsAction"));
    variations_action_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
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
    variations_button_->setEnabled(ready);
    variations_action_->setEnabled(ready);
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
    if (!live()) return;
    if (!form_->has_seed()) {  // being typed: live mode renders the seed shown, and none is
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
    scale_for_live(*request, engine_.live_scale);
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
    if (!form_->has_seed()) form_->randomize_seed();
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
        if (!form_->steps_available(steps)) continue;
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

std::optional<lightning::GenerationRequest> MainWindow::grid_request(
    const lightning::GenerationRequest& source,
    const std::function<void(lightning::GenerationRequest&)>& adjust, const QString& refusal) {
    // A gallery image's record names its input files; they are found beside the gallery.
    lightning::GenerationRequest request = with_refine_files(gallery_record(source));
    adjust(request);
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
        show_message(refusal.arg(why_not), true);
        return std::nullopt;
    }
    hide_message();
    return request;
}

int MainWindow::start_image_grid(const lightning::GenerationRequest& request, const QString& title,
                                 const std::function<QString(int)>& label) {
    for (int id : grid_->job_ids()) controller_->cancel(id);
    GenerationJob job;
    job.request = request;
    job.output_dir = engine_.output_dir;
    job.purpose = JobPurpose::Variations;
    const int id = controller_->submit(job);
    QList<ResultGrid::Tile> tiles;
    for (int i = 0; i < request.batch; ++i) tiles << ResultGrid::Tile{id, i, label(i)};
    grid_->begin(title, tiles);
    show_grid(true);
    return id;
}

int MainWindow::more_like_this(const lightning::GenerationRequest& source) {
    const auto request = grid_request(
        source,
        [&](lightning::GenerationRequest& r) {
            r.seed = source.seed + 1;
            r.batch = engine_.variation_count;
        },
        tr("Cannot make more like this: %1"));
    if (!request) return 0;
    return start_image_grid(
        *request,
        tr("More like seed %1 · %2 · %3×%4 — %5")
            .arg(source.seed)
            .arg(steps_text(request->steps))
            .arg(request->width)
            .arg(request->height)
            .arg(to_qstring(request->prompt).simplified().left(80)),
        [&](int i) { return tr("seed %1").arg(request->single_image(i).seed); });
}

int MainWindow::variations_of(const lightning::GenerationRequest& source) {
    const auto request = grid_request(
        source,
        [&](lightning::GenerationRequest& r) {
            // The source's seed stays (its resize too); the variation seeds move on from the
            // source's own one, so a variation's variations are new ones.
            const uint64_t from = source.variation.blends() ? source.variation.seed : source.seed;
            r.variation.seed = from + 1;
            r.variation.strength = variation_strength();
            r.batch = engine_.variation_count;
        },
        tr("Cannot make variations: %1"));
    if (!request) return 0;
    return start_image_grid(
        *request,
        tr("Variations of seed %1 at strength %2 · %3 · %4×%5 — %6")
            .arg(request->seed)
            .arg(lightning::format_number(request->variation.strength).c_str())
            .arg(steps_text(request->steps))
            .arg(request->width)
            .arg(request->height)
            .arg(to_qstring(request->prompt).simplified().left(80)),
        [&](int i) {
            return tr("variation seed %1").arg(request->single_image(i).variation.seed);
        });
}

// The image in view: the grid's selected, rendered tile while the grid is shown, the live
// image on the preview, else the gallery's current image (found by its file, whatever the
// gallery's view sorts or filters).
std::optional<lightning::GenerationRequest> MainWindow::request_in_view() {
    if (center_stack_->currentWidget() == grid_) {
        const QList<int> tiles = grid_->selected_tiles();
        if (!tiles.isEmpty())
            if (const auto result = grid_->result(tiles.front()))
                return result->first.record.request;
    } else if (live_result_) {
        return live_result_->first.record.request;
    }
    const QModelIndex index = gallery_->view()->currentIndex();
    const QString file = index.data(GalleryModel::FileRole).toString();
    if (file.isEmpty()) {
        show_message(tr("Select an image in the gallery first"), true);
        return std::nullopt;
    }
    for (const GalleryItem& item : gallery_->model()->items()) {
        if (item.file != file) continue;
        if (upscaled_without_source(item.record)) {
            show_message(tr("%1 was upscaled from an image without generation settings: there is "
                            "nothing to vary")
                             .arg(QFileInfo(file).fileName()),
                         true);
            return std::nullopt;
        }
        return item.record.request;
    }
    return std::nullopt;
}

int MainWindow::more_like_selected() {
    const auto source = request_in_view();
    return source ? more_like_this(*source) : 0;
}

int MainWindow::variations_selected() {
    const auto source = request_in_view();
    return source ? variations_of(*source) : 0;
}

double MainWindow::variation_strength() const {
    return variation_strength_->value() / 100.0;
}

// ----------------------------------------------------------------------- reusing an image

void MainWindow::apply_request(const lightning::GenerationRequest& request) {
    lightning::GenerationRequest shown = request;
    shown.batch = form_->request().batch;  // how many images to make stays the user's choice
    form_->set_request(shown);
    // Reusing an image's settings means building on its seed.
    form_->set_seed_mode(SeedMode::Fixed);
    statusBar()->showMessage(tr("Settings restored"), 4000);
}

bool MainWindow::restore_from_png(const QString& file) {
    try {
        const auto found = lightning::read_image_record(to_std(file));
        const auto& record = found.record;
        if (!record) {
            // Another tool's entry that could not be read is said, with its reason.
            show_message(
                found.foreign_problem.empty()
                    ? tr("%1 has no generation parameters").arg(QFileInfo(file).fileName())
                    : tr("%1 has no generation parameters this app can read: %2")
                          .arg(QFileInfo(file).fileName(), to_qstring(found.foreign_problem)),
                true);
            return false;
        }
        // Checked before any widget sees the text: a 15 MB prompt would hold the window.
        if (const QString refusal = record_refusal(*record); !refusal.isEmpty()) {
            show_message(refusal_message(file, refusal), true);
            return false;
        }
        lightning::ImageRecord restored = *record;
        lightning::keep_unreadable_settings(restored, form_->request());
        restored.request = with_refine_files(restored);
        apply_request(restored.request);
        apply_recorded_settings(restored);
        statusBar()->showMessage(tr("Settings restored from %1").arg(QFileInfo(file).fileName()),
                                 5000);
        // Another tool's image: what was taken over, then (restore_note) what was not.
        QStringList notes;
        if (!found.foreign_summary.empty()) notes << to_qstring(found.foreign_summary);
        if (const QString note = restore_note(restored); !note.isEmpty()) notes << note;
        if (!notes.isEmpty()) show_message(notes.join(u'\n'), false);
        return true;
    } catch (const std::exception& error) {
        show_message(to_qstring(error.what()), true);
        return false;
    }
}

// Any local file is taken: one that is no image is said on the drop (ui/main_window_refine.cpp).
void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (!first_local_file(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QString file = first_local_file(event->mimeData());
    if (file.isEmpty()) return;
    event->acceptProposedAction();
    drop_file(file, event->position().toPoint());
}

// With the prompt syntax and tiling the image was made with, so it comes out the same.
void MainWindow::reuse(const lightning::GenerationRequest& request) {
    const lightning::ImageRecord record = gallery_record(request);
    apply_request(with_refine_files(record));
    apply_recorded_settings(record);
}

lightning::ImageRecord MainWindow::gallery_record(
    const lightning::GenerationRequest& request) const {
    lightning::ImageRecord record;
    record.request = request;
    for (const GalleryItem& item : gallery_->model()->items())
        if (item.record.request == request) record = item.record;
    return record;
}

// What an image's PNG says beyond the form: the prompt syntax and VAE tiling it was made with
// are taken over (or the image would not come out the same); what cannot be is said.
void MainWindow::apply_recorded_settings(const lightning::ImageRecord& record) {
    const RecordedSettings recorded = recorded_settings(engine_, record);
    if (!(recorded.engine == engine_)) apply_engine_settings(recorded.engine);
    if (!recorded.notes.isEmpty())
        show_message(tr("Restored; %1.").arg(recorded.notes.join(QStringLiteral("; "))), false);
}

}  // namespace lightning::ui
