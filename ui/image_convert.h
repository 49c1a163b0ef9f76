// Pixel hand-over between the engine's Image8 and Qt's QImage (always deep copies).
#pragma once
#include "core/request/image8.h"

#include <QImage>

namespace lightning::ui {

QImage to_qimage(const lightning::Image8& image);
lightning::Image8 to_image8(const QImage& image);

}  // namespace lightning::ui
