// The app's languages: the translations built from resources/translations/*.ts (embedded under
// :/i18n) plus Qt's own (qtbase_<lang>.qm from Debian's qt6-translations-l10n, where installed),
// chosen by the language setting or `lightning-studio --lang`.
#pragma once
#include <QString>
#include <QStringList>

namespace lightning::ui {

struct Language {
    QString code;  // "" = the system's language, "en", "de", "zh_CN"
    QString name;  // in its own language ("Deutsch"), so anyone finds theirs
};

// "System", English and every translated language, in the Settings dialog's order.
QList<Language> languages();

// Whether `code` is one of languages() (or "" for the system's).
bool is_known_language(const QString& code);

// Installs the translators for `code` ("" = QLocale::system()) on the application, replacing
// those of an earlier call; English (or a language without a translation) installs none. Returns
// the locale name whose translation was installed, or "" for none.
QString install_translations(const QString& code);

}  // namespace lightning::ui
