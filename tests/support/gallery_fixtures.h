// Gallery images for the ui tests: small deterministic pictures with records as the engine
// writes them, and fast copies of a PNG under new parameters (thousands for the scale test).
#pragma once
#include "core/image/image_file.h"
#include "core/image/png.h"
#include "core/image/png_text_edit.h"
#include "core/request/parameters.h"
#include "ui/gallery_store.h"
#include "ui/string_convert.h"

#include <QDir>
#include <QFile>

#include <fstream>
#include <string>
#include <vector>

namespace lightning::testing {

inline lightning::Image8 gallery_test_image(int width, int height, int salt) {
    lightning::Image8 image;
    image.width = width;
    image.height = height;
    image.rgb.resize(size_t(width) * height * 3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            uint8_t* p = &image.rgb[(size_t(y) * width + x) * 3];
            p[0] = uint8_t(x * 255 / std::max(1, width - 1));
            p[1] = uint8_t(y * 255 / std::max(1, height - 1));
            p[2] = uint8_t((salt * 67 + (x / 8 + y / 8) * 13) % 256);
        }
    return image;
}

// A record as the engine describes an image: `steps` steps with that step count's Lightning
// UNet, made on 2024-05-01 plus `n` minutes unless `created` is given.
inline lightning::ui::GalleryItem gallery_test_item(const QString& prompt, int steps, uint64_t seed,
                                                    QDateTime created = {}) {
    lightning::ui::GalleryItem item;
    lightning::GenerationRequest& r = item.record.request;
    r.prompt = lightning::ui::to_std(prompt);
    r.steps = steps;
    r.width = 64;
    r.height = 64;
    r.seed = seed;
    r.timestep_spacing = lightning::TimestepSpacing::Trailing;
    item.record.model = {"tiny-sdxl", "0123456789"};
    item.record.unet = {"sdxl_lightning_" + std::to_string(steps) + "step_unet", "abcdef0123"};
    item.record.version = "Lightning Studio 0.2.0";
    item.seconds = 0.5;
    item.device = QStringLiteral("cpu");
    item.created = created.isValid() ? created
                                     : QDateTime(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC)
                                           .addSecs(60 * qint64(seed % 100000));
    return item;
}

inline std::vector<unsigned char> read_bytes(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The PNG `base` (bytes of a gallery PNG) as the image of `item`: its parameters and studio
// chunks rewritten with the project's text writer, pixels kept. Written plainly (no fsync) into
// `folder`; returns the path.
inline QString write_gallery_copy(const std::vector<unsigned char>& base, const QString& folder,
                                  const QString& name, const lightning::ui::GalleryItem& item) {
    lightning::PngText text;
    text.entries[lightning::kParametersKey] = lightning::format_parameters(item.record);
    text.entries[lightning::kStudioKey] = lightning::format_studio_info(
        {item.seconds, item.created.toString(Qt::ISODateWithMs).toStdString(),
         item.device.toStdString(), item.favourite});
    const QString path = QDir(folder).filePath(name);
    const auto bytes = lightning::replace_png_text(base, text, path.toStdString());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return {};
    file.write(reinterpret_cast<const char*>(bytes.data()), qint64(bytes.size()));
    return path;
}

}  // namespace lightning::testing
