// The main window's side of refining an image (img2img, inpainting): taking an input image
// (dropped on the window, "Use as input" in the gallery or viewer, Open… in the form), keeping
// its file and the painted mask beside the gallery (ui/refine_files.h), the mask painter, and
// finding those files again for a gallery image's record. The same class as main_window.cpp.
#include "core/image/image_file.h"
#include "core/util/error.h"
#include "core/util/log.h"
#include "ui/form/generation_form.h"
#include "ui/form/refine_panel.h"
#include "ui/main_window.h"
#include "ui/mask_painter.h"
#include "ui/refine_files.h"
#include "ui/string_convert.h"
#include "ui/upscaler_files.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QImageReader>
#include <QStatusBar>

namespace lightning::ui {

bool MainWindow::use_as_input(const QString& file) {
    const QString name = QFileInfo(file).fileName();
    try {
        // Read first: a file that is no image is refused before anything is copied.
        const QImage pixels = read_refine_image(file);
        const QString kept = keep_refine_file(file, engine_.output_dir);
        form_->set_input_image(kept, pixels);
    } catch (const lightning::Error& error) {
        show_message(
            tr("Cannot use %1 as the input image: %2").arg(name, to_qstring(error.message())),
            true);
        return false;
    }
    hide_message();
    statusBar()->showMessage(tr("Input image: %1").arg(name), 4000);
    lightning::log().info("Input image {}", to_std(file));
    return true;
}

void MainWindow::choose_input_file() {
    QStringList patterns;
    for (const QByteArray& format : QImageReader::supportedImageFormats())
        patterns << QStringLiteral("*.") + QString::fromLatin1(format);
    // OpenImageIO reads more than Qt lists (e.g. EXR, HDR); "All files" offers those.
    const QString file =
        QFileDialog::getOpenFileName(this, tr("Input image"), QString(),
                                     tr("Images (%1);;All files (*)").arg(patterns.join(u' ')));
    if (!file.isEmpty()) use_as_input(file);
}

MaskPainter* MainWindow::open_mask_painter() {
    RefinePanel* panel = form_->refine_panel();
    if (panel->image().isNull()) {
        show_message(tr("Set an input image first"), true);
        return nullptr;
    }
    QImage mask;
    if (!panel->mask_path().isEmpty()) {
        try {
            mask = read_refine_image(panel->mask_path());
        } catch (const lightning::Error& error) {  // painted afresh
            lightning::log().warn("{}", error.what());
        }
    }
    // The canvas as the form's request has it: the size less the margins is the image's area.
    const lightning::GenerationRequest before = form_->request();
    const lightning::Margins& margins = before.input.outpaint;
    PaintCanvas canvas;
    canvas.inner = QSize(before.width - margins.left - margins.right,
                         before.height - margins.top - margins.bottom);
    canvas.fit = before.input.fit;
    canvas.margins = margins;
    auto* painter = new MaskPainter(panel->image(), mask, this, canvas);
    painter->setAttribute(Qt::WA_DeleteOnClose);
    // A mask file per stroke is written only while live mode renders each one.
    connect(painter, &MaskPainter::stepDone, this,
            [this, painter] { apply_painted(*painter, live()); });
    connect(painter, &QDialog::accepted, this, [this, painter] { apply_painted(*painter, true); });
    connect(painter, &QDialog::rejected, this, [this, before] {
        form_->set_painted(to_qstring(before.input.mask), before.input.outpaint);
    });
    painter->open();
    return painter;
}

// An empty mask is no inpainting at all: the form goes back to img2img (or outpainting alone).
void MainWindow::apply_painted(const MaskPainter& painter, bool with_mask) {
    QString file = form_->refine_panel()->mask_path();
    if (with_mask) {
        try {
            file = painter.model().any_repaint() ? save_mask_png(painter.mask(), engine_.output_dir)
                                                 : QString();
        } catch (const lightning::Error& error) {
            show_message(tr("Could not save the mask: %1").arg(to_qstring(error.what())), true);
        }
    }
    form_->set_painted(file, painter.margins());
}

lightning::GenerationRequest MainWindow::with_refine_files(const lightning::ImageRecord& record) {
    ResolvedRequest resolved = resolve_refine_files(record, engine_.output_dir);
    if (!resolved.missing.isEmpty())
        show_message(tr("Not found beside the gallery (%1): %2. Set the input image again.")
                         .arg(QDir::toNativeSeparators(refine_files_dir(engine_.output_dir)),
                              resolved.missing.join(QStringLiteral(", "))),
                     true);
    // Its upscaler models are found by name and hash in the settings' upscaler folder.
    QStringList missing;
    resolve_upscaler_files(record, engine_.upscalers_dir, resolved.request, missing);
    if (!missing.isEmpty())
        show_message(
            tr("No upscaler model %1 in the Upscaler models folder (%2); put it there (Settings).")
                .arg(missing.join(QStringLiteral(", ")),
                     engine_.upscalers_dir.isEmpty()
                         ? tr("not set")
                         : QDir::toNativeSeparators(engine_.upscalers_dir)),
            true);
    return resolved.request;
}

void MainWindow::drop_file(const QString& file, QPoint position) {
    RefinePanel* panel = form_->refine_panel();
    const bool onto_input =
        panel->isVisible() && panel->rect().contains(panel->mapFrom(this, position));
    if (!onto_input && file.endsWith(QLatin1String(".png"), Qt::CaseInsensitive)) {
        bool has_record = true;  // unreadable: restoring says why, as before images were inputs
        try {
            // Another tool's metadata that cannot be read is said too, not taken as an input.
            const auto found = lightning::read_image_record(to_std(file));
            has_record = found.record.has_value() || !found.foreign_problem.empty();
        } catch (const lightning::Error&) {
        }
        if (has_record) {
            restore_from_png(file);
            return;
        }
    }
    use_as_input(file);
}

}  // namespace lightning::ui
