// Driving the app's windows in ui tests: finding a named child, dropping a file as a file
// manager does.
#pragma once
#include <QtTest/QtTest>

#include <QApplication>
#include <QMimeData>
#include <QUrl>

namespace lightning::testing {

template <class T>
T* child(QWidget* window, const char* name) {
    T* found = window->findChild<T*>(QString::fromLatin1(name));
    if (!found) qFatal("no child %s", name);
    return found;
}

// Drags `file` over `window` and drops it at `at` (window coordinates); true when both the drag
// and the drop were accepted.
inline bool drop_file(QWidget* window, const QString& file, QPoint at = QPoint(10, 10)) {
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(file)});
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window, &enter);
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window, &drop);
    return enter.isAccepted() && drop.isAccepted();
}

}  // namespace lightning::testing
