// lightning-studio: the desktop app.
#include "core/util/log.h"
#include "ui/main_window.h"

#include <ATen/Parallel.h>

#include <QApplication>
#include <QIcon>

#include <thread>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Lightning Studio"));
    QApplication::setApplicationName(QStringLiteral("Lightning Studio"));
    QApplication::setApplicationDisplayName(QStringLiteral("Lightning Studio"));
    QApplication::setDesktopFileName(QStringLiteral("lightning-studio"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/lightning-studio.png")));

    lightning::init_logging();
    // libtorch defaults to one intra-op thread on some systems; use every core.
    at::set_num_threads(int(std::max(1u, std::thread::hardware_concurrency())));

    lightning::ui::MainWindow window;
    window.show();
    // Opened with PNGs (file manager "Open with", the .desktop file's %F): reuse their settings.
    const QStringList arguments = QApplication::arguments().mid(1);
    for (const QString& argument : arguments)
        if (argument.endsWith(QLatin1String(".png"), Qt::CaseInsensitive)) {
            window.restore_from_png(argument);
            break;
        }
    return app.exec();
}
