#include "ui/thumbnail_loader.h"

#include <QImageReader>

#include <algorithm>

namespace lightning::ui {

QImage make_thumbnail(const QImage& image, int size) {
    if (image.isNull()) return {};
    if (image.width() <= size && image.height() <= size) return image;
    return image.scaled(size, size, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}

ThumbnailLoader::ThumbnailLoader(QObject* parent) : QObject(parent) {
    // One decoder: thumbnails must not compete with generation for the cores.
    pool_.setMaxThreadCount(1);
}

ThumbnailLoader::~ThumbnailLoader() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        waiting_.clear();
    }
    pool_.waitForDone();
}

void ThumbnailLoader::request(const QString& file, int size) {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    // Repaints ask again while the decode runs: the result is on its way already.
    if (const auto busy = in_flight_.constFind(file);
        busy != in_flight_.constEnd() && *busy >= size)
        return;
    const auto same = std::find_if(waiting_.begin(), waiting_.end(),
                                   [&](const Request& request) { return request.file == file; });
    if (same != waiting_.end()) waiting_.erase(same);
    waiting_.push_front({file, size});
    if (int(waiting_.size()) > kMaxWaiting) waiting_.pop_back();
    if (workers_ < pool_.maxThreadCount()) {
        ++workers_;
        pool_.start([this] { drain(); });
    }
}

void ThumbnailLoader::clear() {
    std::lock_guard lock(mutex_);
    waiting_.clear();
}

int ThumbnailLoader::waiting() const {
    std::lock_guard lock(mutex_);
    return int(waiting_.size());
}

void ThumbnailLoader::drain() {
    while (true) {
        Request request;
        {
            std::lock_guard lock(mutex_);
            if (waiting_.empty() || stopping_) {
                --workers_;
                return;
            }
            request = std::move(waiting_.front());
            waiting_.pop_front();
            in_flight_.insert(request.file, request.size);
        }
        QImageReader reader(request.file);
        reader.setAutoTransform(true);
        const QImage thumbnail = make_thumbnail(reader.read(), request.size);
        ++decoded_;
        {
            std::lock_guard lock(mutex_);
            in_flight_.remove(request.file);
        }
        // Emitted from the pool thread: receivers on the GUI thread get it queued.
        Q_EMIT loaded(request.file, request.size, thumbnail);
    }
}

}  // namespace lightning::ui
