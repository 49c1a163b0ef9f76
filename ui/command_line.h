// `lightning-studio [--lang LANG] [FILE.png]`, `--help`, `--version`: what the app's command line
// asks for. Parsed without a QApplication, so --help and --version work without a display.
#pragma once
#include <QString>
#include <QStringList>

namespace lightning::ui {

struct StudioCommandLine {
    enum class Action { Run, Help, Version, Error };
    Action action = Action::Run;
    QString png;       // Run: the (first) PNG whose parameters fill the form ("" = none)
    QString message;   // Error: what is wrong, one line
    QString language;  // Run: --lang's language code ("" = the setting's)
};

// `arguments` without the program name (and, for Run, without Qt's own options such as
// -platform, which QApplication removes).
StudioCommandLine parse_studio_command_line(const QStringList& arguments);

QString studio_usage();

}  // namespace lightning::ui
