#include "ui/translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <memory>
#include <vector>

// The translations live in a static library: this makes sure their resource is linked and
// registered (Q_INIT_RESOURCE must be called outside any namespace).
static void init_translation_resource() {
    Q_INIT_RESOURCE(lightning_translations);
}

namespace lightning::ui {

namespace {

// The translators installed now (one for the app, one for Qt's own strings).
std::vector<std::unique_ptr<QTranslator>>& installed() {
    static std::vector<std::unique_ptr<QTranslator>> translators;
    return translators;
}

void remove_installed() {
    for (const auto& translator : installed()) QCoreApplication::removeTranslator(translator.get());
    installed().clear();
}

void install(std::unique_ptr<QTranslator> translator) {
    QCoreApplication::installTranslator(translator.get());
    installed().push_back(std::move(translator));
}

}  // namespace

QList<Language> languages() {
    // The names stay untranslated: each in its own language.
    return {{QString(), QStringLiteral("System")},
            {QStringLiteral("en"), QStringLiteral("English")},
            {QStringLiteral("de"), QStringLiteral("Deutsch")},
            {QStringLiteral("zh_CN"), QStringLiteral("简体中文")}};
}

bool is_known_language(const QString& code) {
    for (const Language& language : languages())
        if (language.code == code) return true;
    return false;
}

QString install_translations(const QString& code) {
    init_translation_resource();
    remove_installed();
    const QLocale locale = code.isEmpty() ? QLocale::system() : QLocale(code);
    auto app = std::make_unique<QTranslator>();
    // QTranslator tries lightning-studio_zh_CN, then _zh, for the locale's UI languages.
    if (locale.language() == QLocale::English ||
        !app->load(locale, QStringLiteral("lightning-studio"), QStringLiteral("_"),
                   QStringLiteral(":/i18n")))
        return QString();
    const QString name = app->language();
    install(std::move(app));
    auto qt = std::make_unique<QTranslator>();
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        install(std::move(qt));
    return name;
}

}  // namespace lightning::ui
