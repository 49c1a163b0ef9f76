// Images side by side for choosing: "Compare steps" (the prompt and seed with each checkpoint)
// and "More like this" (the next seeds of an image). Each tile has a label, shows its render's
// step previews and then the image with its time; nothing is saved until kept (Enter or a
// double-click on a tile, "Keep selected", "Keep all").
#pragma once
#include "ui/gallery_store.h"

#include <QImage>
#include <QList>
#include <QWidget>

#include <optional>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QPushButton;

namespace lightning::ui {

class ResultGrid : public QWidget {
    Q_OBJECT
public:
    struct Tile {
        int job_id = 0;
        int image_index = 0;  // within the job's batch
        QString label;        // "4 steps", "seed 43"
    };

    explicit ResultGrid(QWidget* parent = nullptr);

    // A new set of tiles (the previous set is dropped; its jobs are the caller's to cancel).
    void begin(const QString& title, const QList<Tile>& tiles);
    bool owns(int job_id) const;
    QList<int> job_ids() const;  // of tiles still without an image

    void set_progress(int job_id, int image_index, int step, int total, const QImage& preview);
    void set_result(int job_id, int image_index, const GalleryItem& item, const QImage& image);
    // The job ended; its tiles without an image say why ("cancelled", the error).
    void set_finished(int job_id, bool cancelled, const QString& error);

    int count() const { return int(tiles_.size()); }
    int finished_count() const;
    // The tile's image and record (nullopt until it is rendered).
    std::optional<std::pair<GalleryItem, QImage>> result(int tile) const;
    QList<int> selected_tiles() const;
    QListWidget* view() const { return view_; }
    QString title() const;

    // Emits keepRequested for each rendered, not yet kept tile of `tiles`.
    void keep(const QList<int>& tiles);
    void keep_selected();
    void keep_all();

Q_SIGNALS:
    void keepRequested(lightning::ui::GalleryItem item, QImage image);
    void closeRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct State {
        Tile tile;
        QImage image;  // the finished image, else the latest step preview
        std::optional<GalleryItem> item;
        QString status;  // "waiting", "step 2/4", "0.84 s", "cancelled"
        bool kept = false;
    };
    int find(int job_id, int image_index) const;
    void refresh(int tile);
    void fit_tiles();

    QLabel* title_;
    QListWidget* view_;
    QPushButton* keep_selected_;
    QPushButton* keep_all_;
    QList<State> tiles_;
};

}  // namespace lightning::ui
