// The big picture in the middle: live previews while a job runs, then the finished image.
#pragma once
#include <QImage>
#include <QWidget>

namespace lightning::ui {

class PreviewPane : public QWidget {
    Q_OBJECT
public:
    explicit PreviewPane(QWidget* parent = nullptr);

    void set_image(const QImage& image);
    void set_placeholder(const QString& text);
    const QImage& image() const { return image_; }
    QSize sizeHint() const override { return {400, 400}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QImage image_;
    QString placeholder_;
};

}  // namespace lightning::ui
