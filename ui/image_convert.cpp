#include "ui/image_convert.h"

#include <cstring>

namespace lightning::ui {

QImage to_qimage(const lightning::Image8& image) {
    if (image.width <= 0 || image.height <= 0 ||
        image.rgb.size() != size_t(image.width) * size_t(image.height) * 3)
        return {};
    QImage result(image.width, image.height, QImage::Format_RGB888);
    const size_t row_bytes = size_t(image.width) * 3;
    for (int y = 0; y < image.height; ++y)
        std::memcpy(result.scanLine(y), image.rgb.data() + size_t(y) * row_bytes, row_bytes);
    return result;
}

lightning::Image8 to_image8(const QImage& image) {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    lightning::Image8 result;
    result.width = rgb.width();
    result.height = rgb.height();
    const size_t row_bytes = size_t(rgb.width()) * 3;
    result.rgb.resize(row_bytes * size_t(rgb.height()));
    for (int y = 0; y < rgb.height(); ++y)
        std::memcpy(result.rgb.data() + size_t(y) * row_bytes, rgb.constScanLine(y), row_bytes);
    return result;
}

}  // namespace lightning::ui
