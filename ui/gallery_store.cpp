#include "ui/gallery_store.h"

#include "ui/gallery_index.h"

#include "core/image/image_file.h"
#include "core/request/request_json.h"
#include "core/util/app_cache.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "ui/string_convert.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <nlohmann/json.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace lightning::ui {
namespace {

// The item's part of its PNG's `lightning-studio` chunk (core/image/image_file.h), and back.
lightning::StudioInfo studio_info(const GalleryItem& item) {
    return {item.seconds, to_std(item.created.toString(Qt::ISODateWithMs)), to_std(item.device),
            item.favourite};
}

void apply_studio_info(const lightning::StudioInfo& info, GalleryItem& item) {
    item.seconds = info.seconds;
    const auto created = QDateTime::fromString(to_qstring(info.created), Qt::ISODateWithMs);
    if (created.isValid()) item.created = created;
    item.device = to_qstring(info.device);
    item.favourite = info.favourite;
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

// Writes the PNG under a name no file has, set in item.file, and the record as written in
// item.record. A name taken between picking it and writing (another window or process saving
// into this folder) is never replaced: the next free name is picked.
void write_under_free_name(const QDir& dir, const lightning::Image8& image, GalleryItem& item) {
    for (int attempt = 1;; ++attempt) {
        item.file = dir.filePath(unique_png_name(dir, item));
        try {
            item.record =
                lightning::write_image_file(to_std(item.file), image, item.record,
                                            studio_info(item), lightning::IfExists::Refuse);
            return;
        } catch (const lightning::TargetExists&) {
            if (attempt == 10) throw;
        }
    }
}

QString html_escape(const QString& text) {
    return text.toHtmlEscaped();
}

bool mentions_error(const std::string& reason, std::initializer_list<int> codes) {
    return std::any_of(codes.begin(), codes.end(), [&](int code) {
        return reason.find(std::strerror(code)) != std::string::npos;
    });
}

// What the user can do about a failed save, for the causes they can fix themselves.
std::string save_advice(const std::string& reason) {
    if (mentions_error(reason, {ENOSPC, EDQUOT, EFBIG}))
        return ". Free some disk space or choose another gallery folder in Settings";
    if (mentions_error(reason, {EACCES, EPERM, EROFS}))
        return ". Choose a gallery folder you can write to in Settings";
    return {};
}

void stamp_from(const QFileInfo& info, GalleryItem& item) {
    item.file_size = info.size();
    item.modified_ms = info.lastModified().toMSecsSinceEpoch();
}

QString stamp_text(const QFileInfo& info) {
    return QStringLiteral("%1/%2").arg(info.size()).arg(info.lastModified().toMSecsSinceEpoch());
}

bool stamp_matches(const GalleryItem& item, const QFileInfo& info) {
    return item.file_size == info.size() &&
           item.modified_ms == info.lastModified().toMSecsSinceEpoch();
}

// What index.json holds; false when it is missing or not trustworthy as a whole.
bool read_index_file(const QString& folder, GalleryFolder kind, GalleryIndexContents& index) {
    const QString path = gallery_index_path(folder, kind);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return false;
    const QByteArray bytes = file.readAll();
    auto parsed = parse_gallery_index(std::string_view(bytes.constData(), size_t(bytes.size())),
                                      path, folder);
    if (!parsed) return false;
    index = std::move(*parsed);
    return true;
}

// Creates and removes a file: access() knows nothing of read-only mounts, quotas or /proc.
QString write_problem(const QString& folder) {
    QByteArray probe =
        QDir(folder).filePath(QStringLiteral(".lightning-write-test-XXXXXX")).toLocal8Bit();
    const int fd = ::mkstemp(probe.data());
    if (fd < 0) {
        return QStringLiteral(
                   "The gallery folder %1 cannot be written (%2): new images cannot be "
                   "saved, and stars and deletions cannot be kept. Choose another "
                   "folder in Settings.")
            .arg(QDir::toNativeSeparators(folder), QString::fromLocal8Bit(std::strerror(errno)));
    }
    ::close(fd);
    ::unlink(probe.constData());
    return {};
}

// Reads the PNGs that the index does not describe; reports the unreadable ones.
void read_pngs(const QList<QFileInfo>& files, GalleryLoad& load, QStringList& skipped,
               const std::function<void(int, int)>& progress) {
    for (int i = 0; i < files.size(); ++i) {
        try {
            if (auto item = read_gallery_png(files[i].absoluteFilePath()))
                load.items.append(std::move(*item));
            else
                load.ignored.insert(files[i].fileName(), stamp_text(files[i]));
        } catch (const std::exception& error) {
            skipped << to_qstring(error.what());
        }
        if (progress && (i % 64 == 63 || i + 1 == files.size())) progress(i + 1, files.size());
    }
}

QString load_note(bool had_index, bool index_valid, const GalleryLoad& load, int read, int dropped,
                  const QStringList& skipped, size_t temporaries) {
    QString note;
    if (!index_valid) {
        note = had_index ? QStringLiteral("Gallery index was unreadable; rebuilt it from %1 images")
                         : QStringLiteral("Gallery index created from %1 images");
        note = note.arg(load.items.size());
    } else if (read > 0 || dropped > 0) {
        note = QStringLiteral("Gallery index updated: %1 new or changed images read, %2 gone")
                   .arg(read)
                   .arg(dropped);
    }
    if (!skipped.isEmpty())
        note += QStringLiteral(" (skipped: %1)").arg(skipped.join(QStringLiteral("; ")));
    if (temporaries > 0) {
        if (!note.isEmpty()) note += QStringLiteral("; ");
        note += QStringLiteral("removed %1 unfinished file(s) left by an interrupted save")
                    .arg(temporaries);
    }
    return note;
}

}  // namespace

QString refusal_message(const QString& file, const QString& refusal) {
    return QObject::tr("The settings of %1 were not used: its %2")
        .arg(QFileInfo(file).fileName(), refusal);
}

QString gallery_index_path(const QString& folder, GalleryFolder kind) {
    if (kind == GalleryFolder::Own) return QDir(folder).filePath(kIndexFile);
    const QByteArray key =
        QCryptographicHash::hash(QDir(folder).absolutePath().toUtf8(), QCryptographicHash::Sha256)
            .toHex()
            .left(32);
    return to_qstring(lightning::app_cache_dir()) + QStringLiteral("/galleries/") +
           QString::fromLatin1(key) + QStringLiteral(".json");
}

QString checkpoint_name(const lightning::ImageRecord& record) {
    return to_qstring(record.unet.name.empty() ? record.model.name : record.unet.name);
}

nlohmann::json item_to_json(const GalleryItem& item, const QString& file_name) {
    nlohmann::json object = {{"file", to_std(file_name)},
                             {"record", lightning::record_to_json(item.record)},
                             {"seconds", item.seconds},
                             {"created", to_std(item.created.toString(Qt::ISODateWithMs))}};
    if (!item.device.isEmpty()) object["device"] = to_std(item.device);
    if (item.favourite) object["favourite"] = true;
    if (item.file_size >= 0) object["size"] = item.file_size;
    if (item.modified_ms >= 0) object["mtime"] = item.modified_ms;
    if (!item.refused.isEmpty()) object["refused"] = to_std(item.refused);
    return object;
}

GalleryItem write_gallery_png(const QString& folder, const lightning::Image8& image,
                              GalleryItem item) {
    const QDir dir(folder);
    if (!QDir().mkpath(folder))
        throw lightning::Error(to_std(folder), "cannot create the gallery folder");
    if (!item.created.isValid()) item.created = QDateTime::currentDateTimeUtc();
    try {
        write_under_free_name(dir, image, item);
    } catch (const lightning::Error& error) {
        // One line that says what failed before the system's reason (e.g. "No space left on
        // device"); the image was not saved, nothing partial is left.
        throw lightning::Error(error.where(), "the image could not be saved in the gallery: " +
                                                  error.message() + save_advice(error.message()));
    }
    stamp_from(QFileInfo(item.file), item);
    return item;
}

std::optional<GalleryItem> read_gallery_png(const QString& file) {
    auto found = lightning::read_image_record(to_std(file), lightning::ImageCheck::TextOnly);
    if (!found.record) return std::nullopt;
    const QFileInfo info(file);
    GalleryItem item;
    item.file = info.absoluteFilePath();
    item.record = std::move(*found.record);
    item.created = info.lastModified().toUTC();
    stamp_from(info, item);
    if (found.studio) apply_studio_info(*found.studio, item);
    apply_limits(item);
    return item;
}

void write_favourite(GalleryItem& item, bool favourite) {
    // PNGs written by other tools get a chunk made from the item.
    lightning::write_favourite_mark(to_std(item.file), favourite, studio_info(item));
    item.favourite = favourite;
    stamp_from(QFileInfo(item.file), item);
}

QList<GalleryItem> scan_gallery_pngs(const QString& folder, QStringList* skipped) {
    GalleryLoad load;
    QStringList unreadable;
    read_pngs(QDir(folder).entryInfoList({QStringLiteral("*.png")}, QDir::Files), load, unreadable,
              {});
    if (skipped) *skipped << unreadable;
    sort_newest_first(load.items);
    return load.items;
}

GalleryLoad load_gallery(const QString& folder, const std::function<void(int, int)>& progress,
                         GalleryFolder kind) {
    GalleryLoad load;
    load.folder = QDir(folder).absolutePath();
    load.kind = kind;
    const bool own = kind == GalleryFolder::Own;
    if (own ? !QDir().mkpath(load.folder) : !QFileInfo(load.folder).isDir()) {
        load.problem = (own ? QStringLiteral("The gallery folder %1 does not exist and cannot be "
                                             "created.")
                            : QStringLiteral("The folder %1 does not exist."))
                           .arg(QDir::toNativeSeparators(load.folder));
        return load;
    }
    // A pid only says whether a writer runs on this machine: a foreign folder may be written by
    // `lightning batch` shards elsewhere, so only the app's own folder is tidied.
    const size_t temporaries =
        own ? lightning::remove_abandoned_temporaries(to_std(load.folder)).size() : 0;
    GalleryIndexContents index;
    const bool had_index = QFileInfo::exists(gallery_index_path(load.folder, kind));
    const bool index_valid = read_index_file(load.folder, kind, index);
    if (!index_valid) index = {};  // a half-read index is not used at all

    // Index entries whose file still has the stamp they were read with; the rest is read again.
    QList<QFileInfo> to_read;
    const QFileInfoList pngs =
        QDir(load.folder).entryInfoList({QStringLiteral("*.png")}, QDir::Files, QDir::NoSort);
    int dropped = int(index.items.size());
    for (const QFileInfo& info : pngs) {
        const QString name = info.fileName();
        if (const auto found = index.items.constFind(name);
            found != index.items.constEnd() && stamp_matches(*found, info)) {
            load.items.append(*found);
            --dropped;
        } else if (index.ignored.value(name) == stamp_text(info)) {
            load.ignored.insert(name, stamp_text(info));
        } else {
            if (index.items.contains(name)) --dropped;
            to_read.append(info);
        }
    }
    QStringList skipped;
    read_pngs(to_read, load, skipped, progress);
    sort_newest_first(load.items);
    load.index_outdated = !index_valid || !to_read.isEmpty() || dropped > 0 ||
                          load.ignored.size() != index.ignored.size();
    load.note =
        load_note(had_index, index_valid, load, int(to_read.size()), dropped, skipped, temporaries);
    if (own) load.problem = write_problem(load.folder);
    return load;
}

namespace {

// Index and export files: bytes that are not UTF-8 (another tool's text) become U+FFFD.
QByteArray json_bytes(const nlohmann::json& root) {
    return QByteArray::fromStdString(
        root.dump(1, '\t', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace

QString write_gallery_index(const QString& folder, GalleryFolder kind,
                            const QList<GalleryItem>& items,
                            const QHash<QString, QString>& ignored) {
    nlohmann::json list = nlohmann::json::array();
    for (const GalleryItem& item : items)
        list.push_back(item_to_json(item, QFileInfo(item.file).fileName()));
    nlohmann::json root = {{"version", kIndexVersion}};
    if (kind == GalleryFolder::Foreign) root[kIndexFolderKey] = to_std(QDir(folder).absolutePath());
    root["items"] = std::move(list);
    if (!ignored.isEmpty()) {
        nlohmann::json& ignored_object = root["ignored"];
        for (auto it = ignored.begin(); it != ignored.end(); ++it)
            ignored_object[to_std(it.key())] = to_std(it.value());
    }
    const QByteArray bytes = json_bytes(root);
    const QString path = gallery_index_path(folder, kind);
    try {
        if (!QDir().mkpath(QFileInfo(path).absolutePath()))
            throw lightning::Error(to_std(path), "cannot create its folder");
        // Atomic: a crash leaves the old index, never half a new one.
        lightning::AtomicFile file(to_std(path));
        file.write(bytes.constData(), size_t(bytes.size()));
        file.commit();
        return {};
    } catch (const std::exception& error) {
        return to_qstring(error.what());
    }
}

QString GalleryStore::index_path() const {
    return gallery_index_path(folder_, kind_);
}

QString GalleryStore::open(const QString& folder, GalleryFolder kind) {
    GalleryLoad loaded = load_gallery(folder, {}, kind);
    const bool outdated = loaded.index_outdated;
    const QString note = loaded.note;
    adopt(std::move(loaded));
    if (outdated && problem_.isEmpty()) {
        index_error_ = write_gallery_index(folder_, kind_, items_, ignored_);
        index_outdated_ = !index_error_.isEmpty();
    }
    return note;
}

void GalleryStore::adopt(GalleryLoad loaded) {
    folder_ = loaded.folder;
    kind_ = loaded.kind;
    items_ = std::move(loaded.items);
    ignored_ = std::move(loaded.ignored);
    problem_ = loaded.problem;
    index_outdated_ = loaded.index_outdated;
    index_error_.clear();
    rows_valid_ = false;
}

void GalleryStore::rebuild_rows() const {
    rows_.clear();
    rows_.reserve(items_.size());
    for (int i = 0; i < items_.size(); ++i) rows_.insert(items_[i].file, i);
    rows_valid_ = true;
}

int GalleryStore::index_of(const QString& file) const {
    if (!rows_valid_) rebuild_rows();
    return rows_.value(file, -1);
}

void GalleryStore::changed() {
    rows_valid_ = false;
    index_outdated_ = true;
    if (deferred_ || folder_.isEmpty()) return;
    index_error_ = write_gallery_index(folder_, kind_, items_, ignored_);
    index_outdated_ = !index_error_.isEmpty();
}

QList<GalleryItem> GalleryStore::take_index_snapshot() {
    index_outdated_ = false;
    return items_;
}

void GalleryStore::add(const GalleryItem& item) {
    items_.prepend(item);
    changed();
}

int GalleryStore::position_for(const GalleryItem& item) const {
    // The order of sort_newest_first(): by time, then by file name, both descending.
    const auto at = std::find_if(items_.begin(), items_.end(), [&](const GalleryItem& other) {
        return other.created < item.created ||
               (other.created == item.created && other.file < item.file);
    });
    return int(at - items_.begin());
}

void GalleryStore::insert(int row, const GalleryItem& item) {
    items_.insert(std::clamp(row, 0, int(items_.size())), item);
    changed();
}

void GalleryStore::update(const GalleryItem& item) {
    const int row = index_of(item.file);
    if (row < 0) return;
    items_[row] = item;
    changed();
}

bool GalleryStore::remove(const QString& file) {
    const int row = index_of(file);
    if (row < 0) return false;
    if (QFileInfo::exists(file) && !QFile::remove(file)) return false;
    items_.removeAt(row);
    changed();
    return true;
}

void GalleryStore::forget(const QString& file) {
    const int row = index_of(file);
    if (row < 0) return;
    items_.removeAt(row);
    changed();
}

void GalleryStore::set_favourite(const QString& file, bool favourite) {
    const int row = index_of(file);
    if (row < 0) throw lightning::Error(to_std(file), "not in the gallery");
    GalleryItem item = items_[row];
    write_favourite(item, favourite);
    items_[row] = item;
    changed();
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
    nlohmann::json list = nlohmann::json::array();
    QString figures;
    for (const GalleryItem& item : items) {
        const QString name = QFileInfo(item.file).fileName();
        written << copy_into(dir, item);
        list.push_back(item_to_json(item, name));
        figures += html_figure(item, name);
    }
    auto write_text = [&](const QString& name, const QByteArray& bytes) {
        QSaveFile file(dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
            throw lightning::Error(to_std(dir.filePath(name)), "cannot write");
        written << dir.filePath(name);
    };
    // Version 2: each item's record in the one JSON form (version 1 had the prompt, seed and
    // sizes at the top and the rest as parameters text).
    write_text(QStringLiteral("gallery.json"),
               json_bytes({{"version", 2}, {"items", std::move(list)}}));
    write_text(QStringLiteral("index.html"), contact_sheet_html(items.size(), figures).toUtf8());
    return written;
}

}  // namespace lightning::ui
