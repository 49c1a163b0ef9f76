#include "ui/trash.h"

#include "core/util/error.h"
#include "ui/string_convert.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace lightning::ui {
namespace {

// The spec keeps one info/NAME.trashinfo beside files/NAME.
QString trash_info_path(const QString& in_trash) {
    const QFileInfo info(in_trash);
    return QDir(info.absolutePath())
        .filePath(QStringLiteral("../info/%1.trashinfo").arg(info.fileName()));
}

}  // namespace

TrashedFile move_to_trash(const QString& file) {
    QFile handle(file);
    if (!handle.exists()) throw lightning::Error(to_std(file), "no such file");
    if (!handle.moveToTrash()) {
        throw lightning::Error(to_std(file),
                               "cannot move it to the trash: " + to_std(handle.errorString()));
    }
    return {QFileInfo(file).absoluteFilePath(), handle.fileName()};
}

void restore_from_trash(const TrashedFile& trashed) {
    if (!QFileInfo::exists(trashed.in_trash))
        throw lightning::Error(to_std(trashed.original),
                               "is no longer in the trash (" + to_std(trashed.in_trash) + ")");
    if (QFileInfo::exists(trashed.original))
        throw lightning::Error(to_std(trashed.original),
                               "cannot be restored: another file has taken its name");
    QFile handle(trashed.in_trash);
    // rename() falls back to copy + remove when the trash is on another file system.
    if (!handle.rename(trashed.original))
        throw lightning::Error(to_std(trashed.original), "cannot be restored from the trash: " +
                                                             to_std(handle.errorString()));
    QFile::remove(trash_info_path(trashed.in_trash));
}

}  // namespace lightning::ui
