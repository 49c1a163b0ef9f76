// The desktop trash (freedesktop.org Trash specification on Linux, through QFile::moveToTrash:
// ~/.local/share/Trash/files + info/NAME.trashinfo, or the mount's .Trash-UID), with the way
// back that an "Undo" needs.
#pragma once
#include <QString>

namespace lightning::ui {

struct TrashedFile {
    QString original;  // where it was
    QString in_trash;  // where it is now (the trash's files/ folder)
};

// Moves `file` to the trash. Throws lightning::Error naming the file with the reason (no trash
// on that file system, read-only folder, ...); the file then stays where it was.
TrashedFile move_to_trash(const QString& file);

// Moves a trashed file back to where it was and removes its .trashinfo entry. Throws
// lightning::Error when it is no longer in the trash or something else took its old name.
void restore_from_trash(const TrashedFile& trashed);

}  // namespace lightning::ui
