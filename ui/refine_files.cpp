#include "ui/refine_files.h"

#include "core/image/image_pixels.h"
#include "core/request/file_hashes.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "core/util/sha256.h"
#include "ui/image_convert.h"
#include "ui/string_convert.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace lightning::ui {
namespace {

QString short_hash_of(const QString& file) {
    return to_qstring(lightning::short_file_hash(to_std(file)));
}

// The folder, created when missing; throws naming it when it cannot be.
QDir made_dir(const QString& gallery_folder) {
    const QString dir = refine_files_dir(gallery_folder);
    if (!QDir().mkpath(dir)) throw lightning::Error(to_std(dir), "cannot create the folder");
    return QDir(dir);
}

// Streams `from` into an AtomicFile at `to` (inputs may be large; none is held whole).
void copy_atomically(const QString& from, const QString& to) {
    QFile in(from);
    if (!in.open(QIODevice::ReadOnly))
        throw lightning::Error(to_std(from), "cannot be read: " + to_std(in.errorString()));
    lightning::AtomicFile out(to_std(to));
    while (!in.atEnd()) {
        const QByteArray chunk = in.read(1 << 20);
        if (chunk.isEmpty() && in.error() != QFileDevice::NoError)
            throw lightning::Error(to_std(from), "cannot be read: " + to_std(in.errorString()));
        out.write(chunk.constData(), size_t(chunk.size()));
    }
    out.commit();
}

}  // namespace

QImage read_refine_image(const QString& file) {
    return to_qimage(lightning::read_image_pixels(to_std(file)));
}

QString refine_files_dir(const QString& gallery_folder) {
    return QDir(gallery_folder).filePath(QStringLiteral("inputs"));
}

QString keep_refine_file(const QString& file, const QString& gallery_folder) {
    const QFileInfo info(file);
    if (info.absolutePath() == QDir(refine_files_dir(gallery_folder)).absolutePath())
        return info.absoluteFilePath();
    const QString hash = short_hash_of(file);
    // A kept file copied elsewhere and back keeps its name (no second hash appended).
    QString stem = info.completeBaseName();
    if (!stem.endsWith(u'-' + hash)) stem += u'-' + hash;
    const QString suffix = info.suffix().isEmpty() ? QString() : u'.' + info.suffix();
    const QDir dir = made_dir(gallery_folder);
    const QString kept = dir.filePath(stem + suffix);
    if (!QFileInfo::exists(kept)) copy_atomically(file, kept);
    return kept;
}

QString save_mask_png(const QImage& mask, const QString& gallery_folder) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!mask.convertToFormat(QImage::Format_Grayscale8).save(&buffer, "PNG"))
        throw lightning::Error("mask", "cannot be encoded as PNG");
    const std::string hash =
        lightning::sha256_hex(bytes.toStdString()).substr(0, lightning::kShortHashLength);
    const QDir dir = made_dir(gallery_folder);
    const QString path = dir.filePath(QStringLiteral("mask-%1.png").arg(to_qstring(hash)));
    if (!QFileInfo::exists(path)) {
        lightning::AtomicFile out(to_std(path));
        out.write(bytes.constData(), size_t(bytes.size()));
        out.commit();
    }
    return path;
}

QString find_refine_file(const lightning::FileIdentity& id, const QString& gallery_folder) {
    if (id.name.empty()) return {};
    const QString name = to_qstring(id.name);
    const QDir dir(refine_files_dir(gallery_folder));
    for (const QFileInfo& info : dir.entryInfoList(QDir::Files)) {
        if (info.completeBaseName() != name) continue;
        try {
            if (id.hash.empty() || short_hash_of(info.filePath()) == to_qstring(id.hash))
                return info.absoluteFilePath();
        } catch (const lightning::Error&) {  // unreadable: not the file
        }
    }
    return {};
}

ResolvedRequest resolve_refine_files(const lightning::ImageRecord& record,
                                     const QString& gallery_folder) {
    ResolvedRequest out{record.request, {}};
    lightning::RefineInput& input = out.request.input;
    auto resolve = [&](std::string& path, const lightning::FileIdentity& id) {
        if (path.empty() || QFileInfo(to_qstring(path)).isFile()) return;
        lightning::FileIdentity named = id;
        if (named.name.empty()) named.name = path;
        if (const QString kept = find_refine_file(named, gallery_folder); !kept.isEmpty())
            path = to_std(kept);
        else
            out.missing << to_qstring(named.name);
    };
    resolve(input.image, record.input_image);
    resolve(input.mask, record.mask);
    return out;
}

}  // namespace lightning::ui
