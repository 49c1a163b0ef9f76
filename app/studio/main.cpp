// lightning-studio: the desktop app.
#include "core/engine/engine.h"
#include "core/util/log.h"
#include "ui/app_settings.h"
#include "ui/command_line.h"
#include "ui/main_window.h"
#include "ui/string_convert.h"
#include "ui/translations.h"

#include <ATen/Parallel.h>

#include <QApplication>
#include <QIcon>
#include <QSettings>

#include <cstdio>
#include <thread>

namespace {

using lightning::ui::StudioCommandLine;

// --help and --version answer before a QApplication exists: they need no display.
bool answered_without_window(int argc, char** argv) {
    QStringList arguments;
    for (int i = 1; i < argc; ++i) arguments << QString::fromLocal8Bit(argv[i]);
    const StudioCommandLine command = lightning::ui::parse_studio_command_line(arguments);
    if (command.action == StudioCommandLine::Action::Help) {
        std::fputs(lightning::ui::studio_usage().toLocal8Bit().constData(), stdout);
        return true;
    }
    if (command.action == StudioCommandLine::Action::Version) {
        std::printf("%s\n", lightning::program_version().c_str());
        return true;
    }
    return false;  // errors wait until QApplication has taken its own options
}

}  // namespace

int main(int argc, char** argv) {
    if (answered_without_window(argc, argv)) return 0;
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Lightning Studio"));
    QApplication::setApplicationName(QStringLiteral("Lightning Studio"));
    QApplication::setApplicationDisplayName(QStringLiteral("Lightning Studio"));
    QApplication::setApplicationVersion(lightning::ui::to_qstring(lightning::program_version()));
    QApplication::setDesktopFileName(QStringLiteral("lightning-studio"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/lightning-studio.png")));

    const StudioCommandLine command =
        lightning::ui::parse_studio_command_line(QApplication::arguments().mid(1));
    if (command.action == StudioCommandLine::Action::Error) {
        std::fprintf(stderr, "lightning-studio: error: %s\n\n%s",
                     command.message.toLocal8Bit().constData(),
                     lightning::ui::studio_usage().toLocal8Bit().constData());
        return 2;
    }

    QSettings settings;
    lightning::ui::install_translations(
        command.language.isEmpty() ? lightning::ui::load_language(settings) : command.language);

    lightning::init_logging();
    // libtorch defaults to one intra-op thread on some systems; use every core.
    at::set_num_threads(int(std::max(1u, std::thread::hardware_concurrency())));

    lightning::ui::MainWindow window;
    window.show();
    // Opened with a PNG (file manager "Open with", the .desktop file's %F): reuse its settings.
    if (!command.png.isEmpty()) window.restore_from_png(command.png);
    return app.exec();
}
