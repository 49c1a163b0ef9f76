// Lightning Studio's main window: the generation form on the left, the live preview in the
// middle, gallery / queue / log in docks. Everything slow runs on the generation worker thread.
#pragma once
#include "core/engine/live_scheduler.h"
#include "ui/app_settings.h"
#include "ui/eta_estimate.h"
#include "ui/generation_controller.h"

#include <QImage>
#include <QMainWindow>
#include <QThreadPool>

#include <functional>
#include <optional>

class QAction;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;
class QStackedWidget;

namespace lightning::ui {

class DeviceSelector;
class GalleryWidget;
class GenerationForm;
class LiveMode;
class LogView;
class MaskPainter;
class MessageBanner;
class PreviewPane;
class QueuePanel;
class ResultGrid;
class SetupPage;
class TokenCounter;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // Reads QSettings (organisation/application names of the QCoreApplication). With no model
    // configured, looks in the Hugging Face cache first. `live_clock` drives live mode's
    // scheduler (tests pass a clock they move by hand).
    explicit MainWindow(QWidget* parent = nullptr,
                        lightning::SecondsClock live_clock = lightning::steady_clock_seconds);
    ~MainWindow() override;  // saves the form, layout and window state

    GenerationController* controller() const { return controller_; }
    GalleryWidget* gallery() const { return gallery_; }
    TokenCounter* token_counter() const { return token_counter_; }
    PreviewPane* preview() const { return preview_; }
    LiveMode* live_mode() const { return live_; }
    ResultGrid* result_grid() const { return grid_; }
    const EngineSettings& engine_settings() const { return engine_; }
    GenerationForm* form() const { return form_; }

    // What the settings dialog's OK does: validate, save, reload the model if needed.
    void apply_engine_settings(const EngineSettings& engine);
    // Puts a request into the form (from the gallery or a dropped PNG), keeping the form's batch
    // size, its LoRAs into the LoRA panel (by name from the LoRA folders when the record names
    // only a name); settings the form has no control for (clip skip, schedule) are not taken
    // over.
    void apply_request(const lightning::GenerationRequest& request);
    // Reads a PNG's parameters chunk into the form; false (and a message) when it has none.
    bool restore_from_png(const QString& file);
    // Makes `file` (any image the engine reads) the form's input image, through a copy kept
    // beside the gallery (ui/refine_files.h); false, with the reason shown, when it cannot be
    // read or kept (the form is left as it was).
    bool use_as_input(const QString& file);
    // Opens the mask painter over the form's input image (non-modal to the event loop: the
    // painter's "Use mask" saves the mask beside the gallery and sets it in the form). Each step
    // in it (a stroke or a drag of the canvas edges ended, undo, redo) shows in the form at
    // once: the outpaint margins and the size always, the mask while live mode is on (so that
    // it re-renders); Cancel puts back the mask and margins it started from.
    MaskPainter* open_mask_painter();
    // Queues "Upscale ×scale" of the image `file` with the upscaler model file `model`: a new
    // gallery image whose record is the source's with the upscale (Engine::upscaled_record), so
    // it regenerates. Returns the job's id, 0 when refused before any work (a file that is no
    // upscaler, a scale above the model's, a result over the limits: said in the banner).
    int upscale_image(const QString& file, const QString& model, int scale);
    // Queues a job from the form (Ctrl+Enter) after the checks the CLI makes too. Returns its
    // id, 0 when refused (with the check's message).
    int generate();
    // The request Generate would queue now (seed as shown, settings' syntax, tiling, the
    // embeddings the prompts use, the prompt's <lora:name:weight> tags as LoRAs after the LoRA
    // panel's), or the reason it cannot run.
    std::optional<lightning::GenerationRequest> form_request(QString* why_not) const;

    // Live mode (the toggle next to Generate): every form change renders the newest input.
    void set_live(bool on);
    bool live() const;
    // Saves the live image on screen to the gallery; false when there is none (or it is kept).
    bool keep_live_result();
    // Renders the form's prompt and seed with every available checkpoint side by side. Returns
    // how many jobs were queued (0 when refused, with the reason shown).
    int compare_steps();
    // Renders `source` with seeds seed+1 .. seed+N (N from the settings) as a grid.
    int more_like_this(const lightning::GenerationRequest& source);
    // "More like this" for the image in view: the grid's selected tile, the live image, or the
    // gallery's current image.
    int more_like_selected();
    // A1111's variation seeds as a grid: `source`'s seed with N variation seeds (N from the
    // settings; from the source's seed + 1, or its variation seed + 1) at the strength slider's
    // value. Returns the job's id (0 when refused, with the reason shown).
    int variations_of(const lightning::GenerationRequest& source);
    // "Variations" for the image in view (as more_like_selected).
    int variations_selected();
    // The strength slider's value, 0.01 .. 1.
    double variation_strength() const;
    // Writes an image that was not saved yet (live, compare, variations) into the gallery, off
    // the GUI thread; kept() follows.
    void keep_result(const GalleryItem& item, const QImage& image);
    bool steps_available(int steps) const;
    QString message_text() const;     // the banner's text, "" when hidden
    QString message_details() const;  // the full text behind "Show details" ("" when none)
    QString status_text() const;      // the model/job state in the status bar
    QString cpu_notice() const;       // the status bar's CPU estimate, "" on a GPU

    void save_state();

Q_SIGNALS:
    // A live preview was drawn (step is 0-based).
    void previewShown(int job_id, int image_index, int step, int total_steps);
    // A live-mode image is on screen (the newest result).
    void liveResultShown(lightning::ui::GalleryItem item);
    // An image was kept (written into the gallery folder and added to the gallery).
    void kept(lightning::ui::GalleryItem item);

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    QWidget* build_form_panel();
    QLayout* build_buttons(QWidget* panel);
    QLayout* build_explore_buttons(QWidget* panel);
    QLayout* build_variation_controls(QWidget* panel);
    // The request of the image in view (as more_like_selected finds it); nullopt with the
    // reason shown when there is none.
    std::optional<lightning::GenerationRequest> request_in_view();
    // `source` as a grid's job renders it: its input files and embeddings found here, `adjust`
    // applied (seeds, batch), checked. nullopt when it cannot run, with `refusal` (a "%1" for
    // the reason) shown.
    std::optional<lightning::GenerationRequest> grid_request(
        const lightning::GenerationRequest& source,
        const std::function<void(lightning::GenerationRequest&)>& adjust, const QString& refusal);
    // Queues `request` as one job whose images fill the grid, tile i labelled label(i).
    int start_image_grid(const lightning::GenerationRequest& request, const QString& title,
                         const std::function<QString(int)>& label);
    void build_status_bar();
    QWidget* build_center();
    QWidget* build_preview_page();
    void build_docks();
    void build_menus();
    void build_file_menu();
    void build_generate_menu();
    void build_explore_menu();
    void build_help_menu();
    void connect_controller();
    void connect_form();

    void update_generate_button();
    void update_setup_views();
    void update_status_label();
    void update_cpu_notice();
    void on_steps_changed(int steps);
    void on_device_chosen(const QString& device, lightning::Precision precision);
    void on_generate_clicked();
    void open_settings();
    void search_hf_cache();
    void open_models_dialog();
    void open_folder_as_gallery();
    void show_message(const QString& text, bool is_error, const QString& details = {});
    // An engine failure: its one-line summary, the whole text behind "Show details".
    void show_error(const QString& context, const QString& full_text);
    void show_warnings(const QStringList& warnings);
    void hide_message();

    void on_model_state(GenerationController::ModelState state, const QString& message);
    void on_busy(bool busy);
    void on_job_started(const GenerationJob& job);
    void on_step(int job_id, int image_index, int batch, int step, int total, double seconds,
                 const QImage& preview);
    void on_upscale_tile(int tile, int tiles, double seconds);
    void on_image_saved(const GalleryItem& item, const QImage& image);
    void on_job_finished(int job_id, bool cancelled, const QString& error);
    void on_image_made(int job_id, int image_index, const GalleryItem& item, const QImage& image);
    void on_live_result(const GalleryItem& item, const QImage& image);
    void on_queue_changed();
    void on_form_changed();
    void on_kept(const GalleryItem& item, const QImage& image);
    void show_grid(bool shown);
    void update_explore_actions();
    void update_eta_text();
    void restore_pending_jobs();
    void reuse(const lightning::GenerationRequest& request);
    // The gallery's record of the image made with `request` (its files by name and hash), or a
    // record of the request alone.
    lightning::ImageRecord gallery_record(const lightning::GenerationRequest& request) const;
    // The record's request with its input image and mask found beside the gallery, and a note
    // when one is missing.
    lightning::GenerationRequest with_refine_files(const lightning::ImageRecord& record);
    void choose_input_file();
    // The painter's mask (saved beside the gallery; an empty one is none: img2img) and margins
    // into the form; with `with_mask` false the margins only.
    void apply_painted(const MaskPainter& painter, bool with_mask);
    // What a file dropped at `position` (window coordinates) is taken as: a PNG with parameters
    // restores them, any other image (or any image dropped on the input section) is the input.
    void drop_file(const QString& file, QPoint position);
    void apply_recorded_settings(const lightning::ImageRecord& record);
    // The upscaler model files of the settings' folder, offered by the form and the gallery.
    void update_upscalers();
    // The LoRA panel's sources: the settings' LoRA folders and the Hugging Face cache.
    void update_lora_sources();
    // The gallery's record of `file` when it can be regenerated; nullopt for an image without
    // a usable one.
    std::optional<lightning::ImageRecord> upscale_source_record(const QString& file) const;

    EngineSettings engine_;
    GenerationController* controller_ = nullptr;
    TokenCounter* token_counter_ = nullptr;

    GenerationForm* form_ = nullptr;
    DeviceSelector* device_ = nullptr;
    QPushButton* generate_button_ = nullptr;
    QPushButton* queue_button_ = nullptr;
    QPushButton* live_button_ = nullptr;
    QPushButton* compare_button_ = nullptr;
    QPushButton* more_like_button_ = nullptr;
    QPushButton* variations_button_ = nullptr;
    QSlider* variation_strength_ = nullptr;
    QLabel* variation_strength_label_ = nullptr;
    QPushButton* keep_live_button_ = nullptr;

    MessageBanner* banner_ = nullptr;
    QStackedWidget* center_stack_ = nullptr;
    QWidget* preview_page_ = nullptr;
    SetupPage* setup_page_ = nullptr;
    PreviewPane* preview_ = nullptr;
    ResultGrid* grid_ = nullptr;
    QLabel* step_label_ = nullptr;
    QProgressBar* progress_ = nullptr;

    GalleryWidget* gallery_ = nullptr;
    QueuePanel* queue_panel_ = nullptr;
    LogView* log_ = nullptr;
    QLabel* model_state_label_ = nullptr;
    QLabel* cpu_label_ = nullptr;

    QAction* generate_action_ = nullptr;
    QAction* cancel_action_ = nullptr;
    QAction* live_action_ = nullptr;
    QAction* keep_action_ = nullptr;
    QAction* compare_action_ = nullptr;
    QAction* more_like_action_ = nullptr;
    QAction* variations_action_ = nullptr;

    LiveMode* live_ = nullptr;
    // The live image on screen, until a gallery image replaces it.
    std::optional<std::pair<GalleryItem, QImage>> live_result_;
    bool live_result_kept_ = false;
    EtaEstimate eta_;
    QString eta_text_;                   // "about 3 s left", "" when unknown
    QThreadPool keep_pool_;              // PNG encoding of kept images
    bool first_layout_pending_ = false;  // no saved layout: size the docks once shown
};

}  // namespace lightning::ui
