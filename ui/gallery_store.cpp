#include "ui/gallery_store.h"

#include "core/image/png.h"
#include "core/util/error.h"
#include "ui/string_convert.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSet>

#include <algorithm>

namespace lightning::ui {
namespace {

QString studio_chunk(const GalleryItem& item) {
    QJsonObject object;
    object[QStringLiteral("seconds")] = item.seconds;
    object[QStringLiteral("created")] = item.created.toString(Qt::ISODateWithMs);
    if (!item.device.isEmpty()) object[QStringLiteral("device")] = item.device;
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

void apply_studio_chunk(const std::string& text, GalleryItem& item) {
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(text));
    if (!doc.isObject()) return;
    const QJsonObject object = doc.object();
    item.seconds = object.value(QStringLiteral("seconds")).toDouble(item.seconds);
    const auto created = QDateTime::fromString(object.value(QStringLiteral("created")).toString(),
                                               Qt::ISODateWithMs);
    if (created.isValid()) item.created = created;
    item.device = object.value(QStringLiteral("device")).toString();
}

void sort_newest_first(QList<GalleryItem>& items) {
    std::stable_sort(items.begin(), items.end(), [](const GalleryItem& a, const GalleryItem& b) {
        if (a.created != b.created) return a.created > b.created;
        return a.file > b.file;
    });
}

QString unique_png_name(const QDir& dir, const GalleryItem& item) {
    const QString stem =
        QStringLiteral("lightning-%1-%2")
            .arg(item.created.toLocalTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")))
            .arg(item.record.request.seed);
    QString name = stem + QStringLiteral(".png");
    for (int n = 2; QFileInfo::exists(dir.filePath(name)); ++n)
        name = QStringLiteral("%1-%2.png").arg(stem).arg(n);
    return name;
}

QString html_escape(const QString& text) {
    return text.toHtmlEscaped();
}

}  // namespace

QString checkpoint_name(const lightning::ImageRecord& record) {
    return to_qstring(record.unet.name.empty() ? record.model.name : record.unet.name);
}

lightning::ImageRecord as_written(const lightning::ImageRecord& record) {
    return lightning::parse_parameters(lightning::format_parameters(record)).value_or(record);
}

QJsonObject item_to_json(const GalleryItem& item, const QString& file_name) {
    const lightning::GenerationRequest& r = item.record.request;
    QJsonObject object;
    object[QStringLiteral("file")] = file_name;
    object[QStringLiteral("prompt")] = to_qstring(r.prompt);
    if (r.negative_prompt)
        object[QStringLiteral("negative_prompt")] = to_qstring(*r.negative_prompt);
    object[QStringLiteral("seed")] = QString::number(r.seed);  // a string: exact in any reader
    object[QStringLiteral("steps")] = r.steps;
    object[QStringLiteral("model")] = checkpoint_name(item.record);
    object[QStringLiteral("guidance")] = r.guidance;
    object[QStringLiteral("width")] = r.width;
    object[QStringLiteral("height")] = r.height;
    object[QStringLiteral("seconds")] = item.seconds;
    object[QStringLiteral("created")] = item.created.toString(Qt::ISODateWithMs);
    if (!item.device.isEmpty()) object[QStringLiteral("device")] = item.device;
    object[QStringLiteral("parameters")] = to_qstring(lightning::format_parameters(item.record));
    return object;
}

std::optional<GalleryItem> item_from_json(const QJsonObject& object, const QString& folder) {
    const QString file_name = object.value(QStringLiteral("file")).toString();
    // Only plain names inside the gallery folder: an index must not point elsewhere.
    if (file_name.isEmpty() || file_name.contains(u'/') || file_name.contains(u'\\'))
        return std::nullopt;
    auto record =
        lightning::parse_parameters(to_std(object.value(QStringLiteral("parameters")).toString()));
    if (!record) return std::nullopt;
    GalleryItem item;
    item.file = QDir(folder).filePath(file_name);
    item.record = std::move(*record);
    item.seconds = object.value(QStringLiteral("seconds")).toDouble();
    item.created = QDateTime::fromString(object.value(QStringLiteral("created")).toString(),
                                         Qt::ISODateWithMs);
    item.device = object.value(QStringLiteral("device")).toString();
    if (!item.created.isValid()) return std::nullopt;
    return item;
}

GalleryItem write_gallery_png(const QString& folder, const lightning::Image8& image,
                              GalleryItem item) {
    const QDir dir(folder);
    if (!QDir().mkpath(folder))
        throw lightning::Error(to_std(folder), "cannot create the gallery folder");
    if (!item.created.isValid()) item.created = QDateTime::currentDateTimeUtc();
    item.file = dir.filePath(unique_png_name(dir, item));
    lightning::PngText text;
    text.entries[kParametersKey] = lightning::format_parameters(item.record);
    item.record = as_written(item.record);
    text.entries[kStudioKey] = to_std(studio_chunk(item));
    lightning::write_png(to_std(item.file), image, text);
    return item;
}

std::optional<GalleryItem> read_gallery_png(const QString& file) {
    const lightning::PngText text = lightning::read_png_text(to_std(file));
    const auto parameters = text.entries.find(kParametersKey);
    if (parameters == text.entries.end()) return std::nullopt;
    auto record = lightning::parse_parameters(parameters->second);
    if (!record) return std::nullopt;
    GalleryItem item;
    item.file = QFileInfo(file).absoluteFilePath();
    item.record = std::move(*record);
    item.created = QFileInfo(file).lastModified().toUTC();
    if (const auto studio = text.entries.find(kStudioKey); studio != text.entries.end())
        apply_studio_chunk(studio->second, item);
    return item;
}

QList<GalleryItem> scan_gallery_pngs(const QString& folder, QStringList* skipped) {
    QList<GalleryItem> items;
    const QDir dir(folder);
    for (const QFileInfo& info : dir.entryInfoList({QStringLiteral("*.png")}, QDir::Files)) {
        try {
            if (auto item = read_gallery_png(info.absoluteFilePath())) items.append(*item);
        } catch (const std::exception& error) {
            if (skipped) *skipped << to_qstring(error.what());
        }
    }
    sort_newest_first(items);
    return items;
}

QString GalleryStore::index_path() const {
    return QDir(folder_).filePath(kIndexFile);
}

bool GalleryStore::read_index(QList<GalleryItem>& items) const {
    QFile file(index_path());
    if (!file.open(QIODevice::ReadOnly)) return false;
    QJsonParseError error{};
    const auto doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) return false;
    const QJsonValue list = doc.object().value(QStringLiteral("items"));
    if (!list.isArray()) return false;
    for (const QJsonValue& value : list.toArray()) {
        auto item = value.isObject() ? item_from_json(value.toObject(), folder_) : std::nullopt;
        if (!item) return false;  // one bad entry: trust none of it, rebuild from the PNGs
        items.append(*item);
    }
    return true;
}

QString GalleryStore::open(const QString& folder) {
    folder_ = QDir(folder).absolutePath();
    items_.clear();
    QDir().mkpath(folder_);

    QList<GalleryItem> indexed;
    QString note;
    bool changed = false;
    if (!read_index(indexed)) {
        QStringList skipped;
        items_ = scan_gallery_pngs(folder_, &skipped);
        changed = true;
        note = QFileInfo::exists(index_path())
                   ? QStringLiteral("Gallery index was unreadable; rebuilt it from %1 images")
                   : QStringLiteral("Gallery index created from %1 images");
        note = note.arg(items_.size());
        if (!skipped.isEmpty())
            note += QStringLiteral(" (skipped: %1)").arg(skipped.join(QStringLiteral("; ")));
    } else {
        // Keep indexed items whose PNG is still there; pick up PNGs added behind our back.
        QSet<QString> known;
        for (const GalleryItem& item : indexed) {
            if (QFileInfo(item.file).isFile()) {
                items_.append(item);
                known.insert(QFileInfo(item.file).fileName());
            } else {
                changed = true;
            }
        }
        const QDir dir(folder_);
        for (const QString& name : dir.entryList({QStringLiteral("*.png")}, QDir::Files)) {
            if (known.contains(name)) continue;
            try {
                if (auto item = read_gallery_png(dir.filePath(name))) {
                    items_.append(*item);
                    changed = true;
                }
            } catch (const std::exception&) {
                // Not a readable PNG: not part of the gallery.
            }
        }
        sort_newest_first(items_);
    }
    if (changed) save_index();
    return note;
}

int GalleryStore::index_of(const QString& file) const {
    for (int i = 0; i < items_.size(); ++i)
        if (items_[i].file == file) return i;
    return -1;
}

void GalleryStore::add(const GalleryItem& item) {
    items_.prepend(item);
    save_index();
}

bool GalleryStore::remove(const QString& file) {
    const int row = index_of(file);
    if (row < 0) return false;
    if (QFileInfo::exists(file) && !QFile::remove(file)) return false;
    items_.removeAt(row);
    save_index();
    return true;
}

void GalleryStore::save_index() const {
    QJsonArray list;
    for (const GalleryItem& item : items_)
        list.append(item_to_json(item, QFileInfo(item.file).fileName()));
    QJsonObject root;
    root[QStringLiteral("version")] = 1;
    root[QStringLiteral("items")] = list;
    QSaveFile file(index_path());  // atomic: a crash leaves the old index, never half a new one
    if (file.open(QIODevice::WriteOnly)) {
        file.write(QJsonDocument(root).toJson(QJsonDocument::Indented));
        file.commit();
    }
}

namespace {

// One contact-sheet entry: the image, its prompt, negative and settings.
QString html_figure(const GalleryItem& item, const QString& name) {
    const lightning::GenerationRequest& r = item.record.request;
    const QString negative = r.negative_prompt
                                 ? QStringLiteral("<p class=\"negative\">Negative: %1</p>")
                                       .arg(html_escape(to_qstring(*r.negative_prompt)))
                                 : QString();
    // One multi-argument arg(): user text is never re-scanned for %N placeholders.
    return QStringLiteral(
               "<figure><a href=\"%1\"><img src=\"%1\" loading=\"lazy\" alt=\"\"></a>"
               "<figcaption><p class=\"prompt\">%2</p>%3<p class=\"meta\">Seed %4 · %5 "
               "step%6 (%7) · CFG %8 · %9×%10 · %11 s</p></figcaption></figure>\n")
        .arg(html_escape(name), html_escape(to_qstring(r.prompt)), negative,
             QString::number(r.seed), QString::number(r.steps),
             r.steps == 1 ? QString() : QStringLiteral("s"),
             html_escape(checkpoint_name(item.record)),
             to_qstring(lightning::format_number(r.guidance)), QString::number(r.width),
             QString::number(r.height), QString::number(item.seconds, 'f', 2));
}

QString contact_sheet_html(qsizetype count, const QString& figures) {
    return QStringLiteral(
               "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Lightning Studio "
               "gallery</title>\n<style>body{font-family:sans-serif;margin:16px;background:#fafafa}"
               "main{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:"
               "16px}figure{margin:0;background:#fff;border:1px solid #ddd;border-radius:6px;"
               "padding:8px}img{width:100%;height:auto;display:block}p{margin:4px 0;font-size:13px}"
               ".negative{color:#a33}.meta{color:#666;font-size:12px}</style></head>\n<body><h1>"
               "Lightning Studio gallery</h1><p>%1 images</p>\n<main>\n%2</main></body></html>\n")
        .arg(QString::number(count), figures);
}

// A byte copy keeps the PNG's chunks; exporting into the gallery folder itself copies nothing.
QString copy_into(const QDir& dir, const GalleryItem& item) {
    const QString destination = dir.filePath(QFileInfo(item.file).fileName());
    if (QFileInfo(destination).absoluteFilePath() == QFileInfo(item.file).absoluteFilePath())
        return destination;
    QFile::remove(destination);
    if (!QFile::copy(item.file, destination))
        throw lightning::Error(to_std(destination), "cannot copy " + to_std(item.file) + " here");
    return destination;
}

}  // namespace

QStringList export_gallery(const QList<GalleryItem>& items, const QString& target) {
    if (!QDir().mkpath(target))
        throw lightning::Error(to_std(target), "cannot create the export folder");
    const QDir dir(target);
    QStringList written;
    QJsonArray list;
    QString figures;
    for (const GalleryItem& item : items) {
        const QString name = QFileInfo(item.file).fileName();
        written << copy_into(dir, item);
        list.append(item_to_json(item, name));
        figures += html_figure(item, name);
    }
    auto write_text = [&](const QString& name, const QByteArray& bytes) {
        QSaveFile file(dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
            throw lightning::Error(to_std(dir.filePath(name)), "cannot write");
        written << dir.filePath(name);
    };
    QJsonObject root;
    root[QStringLiteral("version")] = 1;
    root[QStringLiteral("items")] = list;
    write_text(QStringLiteral("gallery.json"), QJsonDocument(root).toJson());
    write_text(QStringLiteral("index.html"), contact_sheet_html(items.size(), figures).toUtf8());
    return written;
}

}  // namespace lightning::ui
