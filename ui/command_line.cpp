#include "ui/command_line.h"

#include "ui/translations.h"

namespace lightning::ui {

StudioCommandLine parse_studio_command_line(const QStringList& arguments) {
    StudioCommandLine command;
    auto fail = [&command](const QString& message) {
        command.action = StudioCommandLine::Action::Error;
        command.message = message;
        return command;
    };
    for (const QString& argument : arguments) {
        if (argument == QLatin1String("--help") || argument == QLatin1String("-h")) {
            command.action = StudioCommandLine::Action::Help;
            return command;
        }
        if (argument == QLatin1String("--version")) {
            command.action = StudioCommandLine::Action::Version;
            return command;
        }
    }
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& argument = arguments[i];
        if (argument == QLatin1String("--lang") || argument.startsWith(QLatin1String("--lang="))) {
            const bool joined = argument.contains(u'=');
            if (!joined && i + 1 == arguments.size())
                return fail(QStringLiteral("--lang needs a language"));
            command.language = joined ? argument.section(u'=', 1) : arguments[++i];
            if (command.language.isEmpty() || !is_known_language(command.language))
                return fail(QStringLiteral("unknown language '%1' (en, de or zh_CN)")
                                .arg(command.language));
            continue;
        }
        if (argument.startsWith(u'-'))
            return fail(QStringLiteral("unknown option %1").arg(argument));
        if (!argument.endsWith(QLatin1String(".png"), Qt::CaseInsensitive))
            return fail(QStringLiteral("%1 is not a PNG image").arg(argument));
        // Several (a file manager's "Open with" on a selection): the first one fills the form.
        if (command.png.isEmpty()) command.png = argument;
    }
    return command;
}

QString studio_usage() {
    return QStringLiteral(
        "Usage: lightning-studio [--lang LANG] [FILE.png]\n"
        "\n"
        "The Lightning Studio desktop app: SDXL-Lightning text-to-image in 1, 2, 4 or 8 steps.\n"
        "\n"
        "  FILE.png    open with the prompt and settings stored in this image\n"
        "  --lang LANG the language of this run: en, de or zh_CN (default: the Settings\n"
        "              dialog's choice, else the system's)\n"
        "  --help      print this help and exit\n"
        "  --version   print the version and exit\n"
        "\n"
        "Qt's own options (-platform, -style, ...) are accepted too. The command-line program\n"
        "`lightning` generates without a window.\n");
}

}  // namespace lightning::ui
