// Decodes gallery thumbnails off the GUI thread, newest request first: what was painted last is
// what is on screen, so scrolling through thousands of images loads the visible ones first and
// drops requests for rows long scrolled past (they are asked for again if painted again).
#pragma once
#include <QHash>
#include <QImage>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <deque>
#include <mutex>

namespace lightning::ui {

// `image` scaled to fit a `size`×`size` square (aspect kept, smooth).
QImage make_thumbnail(const QImage& image, int size);

class ThumbnailLoader : public QObject {
    Q_OBJECT
public:
    // Requests beyond this many wait no more: the oldest are dropped.
    static constexpr int kMaxWaiting = 256;

    explicit ThumbnailLoader(QObject* parent = nullptr);
    ~ThumbnailLoader() override;  // drops waiting requests, waits for the decodes in flight

    // Asks for `file` decoded to fit `size`; loaded() follows (on the GUI thread). A file
    // already waiting moves to the front.
    void request(const QString& file, int size);
    // Forgets every waiting request (e.g. when another gallery opens).
    void clear();
    int waiting() const;
    // Files decoded so far (each decode once, however often its cell was painted meanwhile).
    int decoded() const { return decoded_; }

Q_SIGNALS:
    // `thumbnail` is null when the file cannot be read.
    void loaded(QString file, int size, QImage thumbnail);

private:
    struct Request {
        QString file;
        int size = 0;
    };
    void drain();

    mutable std::mutex mutex_;
    std::deque<Request> waiting_;    // front = newest
    QHash<QString, int> in_flight_;  // being decoded now: file -> size
    std::atomic<int> decoded_{0};
    int workers_ = 0;
    bool stopping_ = false;
    QThreadPool pool_;
};

}  // namespace lightning::ui
