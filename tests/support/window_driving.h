// Driving the app's windows in ui tests: an isolated app environment, finding a named child,
// dropping a file as a file manager does.
#pragma once
#include <QtTest/QtTest>

#include <QApplication>
#include <QCoreApplication>
#include <QDir>
#include <QMimeData>
#include <QMouseEvent>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUrl>

namespace lightning::testing {

// Settings, pictures and the HF cache under `root`: nothing of the user's is read or written.
inline void isolate_app(const QTemporaryDir& root, const QString& application) {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("LightningStudioTest"));
    QCoreApplication::setApplicationName(application);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       root.filePath(QStringLiteral("settings")));
    qputenv("HF_HOME", root.filePath(QStringLiteral("empty-hf")).toUtf8());
    qunsetenv("HF_HUB_CACHE");
    // The default gallery folder (Pictures) lives under the home folder.
    qputenv("HOME", root.filePath(QStringLiteral("home")).toUtf8());
    QDir().mkpath(root.filePath(QStringLiteral("home")));
}

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

// Presses `button` at `from` (widget coordinates), moves halfway, and with `release` releases at
// `to`; without, the mouse moves on to `to` and stays pressed.
inline void mouse_drag(QWidget* widget, QPointF from, QPointF to,
                       Qt::MouseButton button = Qt::LeftButton, bool release = true) {
    auto send = [widget](QEvent::Type type, QPointF at, Qt::MouseButton changed,
                         Qt::MouseButtons held) {
        QMouseEvent event(type, at, widget->mapToGlobal(at), changed, held, Qt::NoModifier);
        QApplication::sendEvent(widget, &event);
    };
    send(QEvent::MouseButtonPress, from, button, button);
    send(QEvent::MouseMove, (from + to) / 2, Qt::NoButton, button);
    if (release)
        send(QEvent::MouseButtonRelease, to, button, Qt::NoButton);
    else
        send(QEvent::MouseMove, to, Qt::NoButton, button);
}

}  // namespace lightning::testing
