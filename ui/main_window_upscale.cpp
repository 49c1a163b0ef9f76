// The main window's side of upscaling: "Upscale ×2 / ×4" of a gallery image (its context menu
// and viewer) checked before any work and queued as a job on the generation worker, and the
// upscaler model files of the settings offered to the gallery and the form. The same class as
// main_window.cpp.
#include "core/request/model_layout.h"
#include "core/util/log.h"
#include "ui/form/generation_form.h"
#include "ui/form/lora_panel.h"
#include "ui/gallery_widget.h"
#include "ui/main_window.h"
#include "ui/string_convert.h"
#include "ui/upscaler_files.h"

#include <QFileInfo>
#include <QImageReader>

namespace lightning::ui {

void MainWindow::update_upscalers() {
    const QStringList files = upscaler_model_files(engine_.upscalers_dir);
    gallery_->set_upscalers(files, upscaler_setup_hint(engine_.upscalers_dir));
    form_->set_upscaler_models(files);
}

void MainWindow::update_lora_sources() {
    form_->lora_panel()->set_sources(engine_.loras_dir.split(u';', Qt::SkipEmptyParts),
                                     to_qstring(lightning::default_hf_hub_dir()));
}

std::optional<lightning::ImageRecord> MainWindow::upscale_source_record(const QString& file) const {
    for (const GalleryItem& item : gallery_->model()->items())
        if (item.file == file && item.refused.isEmpty()) return item.record;
    return std::nullopt;
}

// Everything that can be known without the engine is checked here, so a wrong model file or a
// result beyond the limits is said at once and nothing is queued.
int MainWindow::upscale_image(const QString& file, const QString& model, int scale) {
    const QString name = QFileInfo(file).fileName();
    QImageReader reader(file);
    const QSize size = reader.size();  // the header only
    QString problem = size.isValid()
                          ? upscale_problem(model, scale, size)
                          : tr("the image cannot be read (%1)").arg(reader.errorString());
    if (problem.isEmpty() &&
        controller_->model_state() == GenerationController::ModelState::NotConfigured)
        problem = tr("set up the model first (%1)").arg(controller_->model_message());
    if (!problem.isEmpty()) {
        show_message(tr("Cannot upscale %1: %2").arg(name, problem), true);
        return 0;
    }
    hide_message();
    GenerationJob job;
    job.purpose = JobPurpose::Upscale;
    job.request.upscale = {to_std(model), scale};
    job.upscale_source =
        UpscaleSource{file, upscale_source_record(file), size.width(), size.height()};
    job.output_dir = engine_.output_dir;
    lightning::log().info("Upscale ×{} of {} with {}", scale, to_std(file), to_std(model));
    return controller_->submit(job);
}

}  // namespace lightning::ui
