// The translations in the running app: the main window in German and in Chinese shows the .ts
// files' texts, and no label, button, check box, group box or tab of the main window and of each
// dialog needs more width than it has at its default size, in any language.
#include "ui/app_settings.h"
#include "ui/command_line.h"
#include "ui/eliding_label.h"
#include "ui/image_viewer.h"
#include "ui/main_window.h"
#include "ui/mask_painter.h"
#include "ui/models_dialog.h"
#include "ui/settings_dialog.h"
#include "ui/string_convert.h"
#include "ui/translations.h"

#include "support/fixtures.h"
#include "support/window_driving.h"

#include <QtTest/QtTest>

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QGroupBox>
#include <QLabel>
#include <QMenuBar>
#include <QPushButton>
#include <QRadioButton>
#include <QStyle>
#include <QStyleOption>
#include <QTabBar>
#include <QTextDocument>
#include <QToolButton>
#include <QXmlStreamReader>

#include <memory>

using namespace lightning::ui;
using lightning::testing::child;

namespace {

// The translations of `language`'s .ts file: context -> source -> translation (a plural's forms
// run together).
using TsTable = QHash<QString, QHash<QString, QString>>;

TsTable read_ts(const QString& language) {
    const QString path = QDir(qEnvironmentVariable("LIGHTNING_TEST_DATA"))
                             .filePath(QStringLiteral("../../resources/translations/"
                                                      "lightning-studio_%1.ts")
                                           .arg(language));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(path));
    TsTable table;
    QXmlStreamReader xml(&file);
    QString context, source;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement) continue;
        const QString element = xml.name().toString();
        if (element == u"name")
            context = xml.readElementText();
        else if (element == u"source")
            source = xml.readElementText();
        else if (element == u"translation" &&
                 xml.attributes().value(QStringLiteral("type")).isEmpty())
            table[context].insert(source,
                                  xml.readElementText(QXmlStreamReader::IncludeChildElements));
    }
    if (xml.hasError()) qFatal("%s: %s", qPrintable(path), qPrintable(xml.errorString()));
    return table;
}

QString without_mnemonic(QString text) {
    text.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
    text.remove(u'&');
    return text.replace(u'\x01', u'&');
}

// Widest line of `text` (plain) in `metrics`.
int text_width(const QFontMetrics& metrics, const QString& text) {
    int widest = 0;
    for (const QString& line : text.split(u'\n'))
        widest = std::max(widest, metrics.horizontalAdvance(line));
    return widest;
}

QString describe(const QWidget* widget, const QString& text) {
    return QStringLiteral("%1 '%2' (\"%3\")")
        .arg(QString::fromLatin1(widget->metaObject()->className()), widget->objectName(),
             text.left(60));
}

QString check_label(const QLabel* label) {
    if (qobject_cast<const ElidingLabel*>(label) || label->text().isEmpty()) return {};
    const QRect room = label->contentsRect().adjusted(label->margin(), label->margin(),
                                                      -label->margin(), -label->margin());
    const bool rich = label->textFormat() == Qt::RichText ||
                      (label->textFormat() == Qt::AutoText && Qt::mightBeRichText(label->text()));
    if (label->wordWrap()) {  // wrapped: what matters is whether every line gets its height
        const int needed = label->heightForWidth(label->width());
        if (needed > label->height())
            return describe(label, label->text()) + QStringLiteral(" needs %1 px of height, has %2")
                                                        .arg(needed)
                                                        .arg(label->height());
        return {};
    }
    int needed = 0;
    if (rich) {
        QTextDocument document;
        document.setDefaultFont(label->font());
        document.setDocumentMargin(0);
        document.setHtml(label->text());
        needed = int(std::ceil(document.idealWidth()));
    } else {
        needed = text_width(label->fontMetrics(),
                            label->buddy() ? without_mnemonic(label->text()) : label->text());
    }
    if (needed > room.width())
        return describe(label, label->text()) +
               QStringLiteral(" needs %1 px, has %2").arg(needed).arg(room.width());
    return {};
}

// The room a button's style gives its text and icon.
QRect button_contents(const QAbstractButton* button) {
    QStyleOptionButton option;
    option.initFrom(button);
    option.text = button->text();
    option.icon = button->icon();
    option.iconSize = button->iconSize();
    if (qobject_cast<const QCheckBox*>(button))
        return button->style()->subElementRect(QStyle::SE_CheckBoxContents, &option, button);
    if (qobject_cast<const QRadioButton*>(button))
        return button->style()->subElementRect(QStyle::SE_RadioButtonContents, &option, button);
    if (qobject_cast<const QPushButton*>(button))
        return button->style()->subElementRect(QStyle::SE_PushButtonContents, &option, button);
    const int frame = button->style()->pixelMetric(QStyle::PM_DefaultFrameWidth, &option, button);
    QRect room = button->rect().adjusted(frame, frame, -frame, -frame);
    if (const auto* tool = qobject_cast<const QToolButton*>(button);
        tool && tool->popupMode() == QToolButton::MenuButtonPopup)
        room.setWidth(room.width() - button->style()->pixelMetric(QStyle::PM_MenuButtonIndicator,
                                                                  &option, button));
    return room;
}

QString check_button(const QAbstractButton* button) {
    const auto* tool = qobject_cast<const QToolButton*>(button);
    const bool text_shown =
        !tool || tool->toolButtonStyle() != Qt::ToolButtonIconOnly || tool->icon().isNull();
    if (button->text().isEmpty() || !text_shown) return {};
    int needed = text_width(button->fontMetrics(), without_mnemonic(button->text()));
    const bool beside = !tool || tool->toolButtonStyle() == Qt::ToolButtonTextBesideIcon;
    if (!button->icon().isNull() && beside) needed += button->iconSize().width() + 4;
    const int room = button_contents(button).width();
    if (needed > room)
        return describe(button, button->text()) +
               QStringLiteral(" needs %1 px, has %2").arg(needed).arg(room);
    return {};
}

QString check_group_box(const QGroupBox* box) {
    if (box->title().isEmpty()) return {};
    QStyleOptionGroupBox option;
    option.initFrom(box);
    option.text = box->title();
    option.subControls = QStyle::SC_GroupBoxLabel;
    if (box->isCheckable()) option.subControls |= QStyle::SC_GroupBoxCheckBox;
    const QRect label =
        box->style()->subControlRect(QStyle::CC_GroupBox, &option, QStyle::SC_GroupBoxLabel, box);
    if (label.right() > box->rect().right())
        return describe(box, box->title()) +
               QStringLiteral(" needs %1 px, has %2").arg(label.right() + 1).arg(box->width());
    return {};
}

QStringList check_tabs(const QTabBar* bar) {
    QStringList clipped;
    const int space = bar->style()->pixelMetric(QStyle::PM_TabBarTabHSpace, nullptr, bar);
    for (int i = 0; i < bar->count(); ++i) {
        int needed = text_width(bar->fontMetrics(), without_mnemonic(bar->tabText(i))) + space;
        if (!bar->tabIcon(i).isNull()) needed += bar->iconSize().width() + 4;
        if (needed > bar->tabRect(i).width())
            clipped << describe(bar, bar->tabText(i)) +
                           QStringLiteral(" tab %1 needs %2 px, has %3")
                               .arg(i)
                               .arg(needed)
                               .arg(bar->tabRect(i).width());
    }
    return clipped;
}

// Every visible text of `window` that needs more room than it has, named.
QStringList clipped_texts(QWidget* window) {
    QStringList clipped;
    for (QWidget* widget : window->findChildren<QWidget*>()) {
        if (!widget->isVisible() || widget->window() != window) continue;
        QString problem;
        if (const auto* label = qobject_cast<const QLabel*>(widget))
            problem = check_label(label);
        else if (const auto* button = qobject_cast<const QAbstractButton*>(widget))
            problem = check_button(button);
        else if (const auto* box = qobject_cast<const QGroupBox*>(widget))
            problem = check_group_box(box);
        else if (const auto* bar = qobject_cast<const QTabBar*>(widget))
            clipped << check_tabs(bar);
        if (!problem.isEmpty()) clipped << problem;
    }
    return clipped;
}

}  // namespace

class TestTranslations : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void main_window_speaks_the_language_chosen_data();
    void main_window_speaks_the_language_chosen();
    void language_setting_and_command_line_choose_the_language();
    void no_text_is_clipped_at_the_default_size_data();
    void no_text_is_clipped_at_the_default_size();

private:
    void open_window();
    QStringList clipped_in_dialogs();

    QTemporaryDir root_;
    std::unique_ptr<MainWindow> window_;
};

void TestTranslations::initTestCase() {
    QVERIFY(root_.isValid());
    lightning::testing::isolate_app(root_, QStringLiteral("test_translations"));
}

// The tiny fixture model, so that the window shows the form rather than the setup page.
void TestTranslations::init() {
    QSettings().clear();
    EngineSettings engine;
    const QString fixtures = to_qstring(lightning::testing::fixtures_dir());
    engine.models.base = to_std(fixtures + QStringLiteral("/tiny-sdxl"));
    engine.models.lightning_dir = to_std(fixtures + QStringLiteral("/tiny-lightning"));
    engine.output_dir = root_.filePath(QStringLiteral("gallery"));
    engine.device = QStringLiteral("cpu");
    QSettings settings;
    save_engine_settings(settings, engine);
}

void TestTranslations::cleanup() {
    window_.reset();
    install_translations(QStringLiteral("en"));
}

void TestTranslations::open_window() {
    window_ = std::make_unique<MainWindow>();
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    QTRY_VERIFY_WITH_TIMEOUT(
        window_->controller()->model_state() != GenerationController::ModelState::Loading, 60000);
}

void TestTranslations::main_window_speaks_the_language_chosen_data() {
    QTest::addColumn<QString>("language");
    QTest::newRow("German") << QStringLiteral("de");
    QTest::newRow("Chinese") << QStringLiteral("zh_CN");
}

// A few key texts of the window are the .ts file's translations (not the English source).
void TestTranslations::main_window_speaks_the_language_chosen() {
    QFETCH(QString, language);
    const QString installed = install_translations(language);
    QVERIFY2(installed.startsWith(language), qPrintable(installed));
    const TsTable ts = read_ts(language);
    const QHash<QString, QString> main_window =
        ts.value(QStringLiteral("lightning::ui::MainWindow"));
    open_window();

    const QString generate = main_window.value(QStringLiteral("Generate"));
    QVERIFY2(!generate.isEmpty() && generate != QStringLiteral("Generate"), qPrintable(generate));
    QCOMPARE(child<QPushButton>(window_.get(), "generateButton")->text(), generate);

    QStringList menus;
    for (QAction* action : window_->menuBar()->actions()) menus << action->text();
    for (const char* menu : {"&File", "&View", "&Generate", "&Help"}) {
        const QString translated = main_window.value(QString::fromLatin1(menu));
        QVERIFY2(menus.contains(translated),
                 qPrintable(QStringLiteral("menu %1 (%2) not in %3")
                                .arg(QString::fromLatin1(menu), translated, menus.join(u','))));
    }
    const auto* gallery = child<QDockWidget>(window_.get(), "galleryDock");
    QCOMPARE(gallery->windowTitle(), main_window.value(QStringLiteral("Gallery")));
    if (language == QStringLiteral("zh_CN"))  // Chinese indeed, not a Latin-script fallback
        QCOMPARE(generate.at(0).script(), QChar::Script_Han);
}

// The stored setting and --lang name the language; an unknown one is refused or ignored.
void TestTranslations::language_setting_and_command_line_choose_the_language() {
    QSettings settings;
    QCOMPARE(load_language(settings), QString());  // unset: the system's
    save_language(settings, QStringLiteral("zh_CN"));
    QCOMPARE(load_language(settings), QStringLiteral("zh_CN"));
    save_language(settings, QStringLiteral("xx"));
    QCOMPARE(load_language(settings), QString());

    const StudioCommandLine joined =
        parse_studio_command_line({QStringLiteral("--lang=de"), QStringLiteral("a.png")});
    QCOMPARE(joined.action, StudioCommandLine::Action::Run);
    QCOMPARE(joined.language, QStringLiteral("de"));
    QCOMPARE(joined.png, QStringLiteral("a.png"));
    const StudioCommandLine separate =
        parse_studio_command_line({QStringLiteral("--lang"), QStringLiteral("zh_CN")});
    QCOMPARE(separate.language, QStringLiteral("zh_CN"));
    const StudioCommandLine unknown =
        parse_studio_command_line({QStringLiteral("--lang"), QStringLiteral("xx")});
    QCOMPARE(unknown.action, StudioCommandLine::Action::Error);
    QVERIFY2(unknown.message.contains(QStringLiteral("xx")), qPrintable(unknown.message));
    QCOMPARE(parse_studio_command_line({QStringLiteral("--lang")}).action,
             StudioCommandLine::Action::Error);

    // The Settings dialog offers every language, preselects the stored one and returns it.
    save_language(settings, QStringLiteral("de"));
    SettingsDialog dialog(load_engine_settings(settings));
    auto* combo = child<QComboBox>(&dialog, "settingsLanguage");
    QCOMPARE(combo->count(), int(languages().size()));
    QCOMPARE(dialog.language(), QStringLiteral("de"));
    combo->setCurrentIndex(combo->findData(QStringLiteral("zh_CN")));
    QCOMPARE(dialog.language(), QStringLiteral("zh_CN"));
}

void TestTranslations::no_text_is_clipped_at_the_default_size_data() {
    QTest::addColumn<QString>("language");
    QTest::newRow("English") << QStringLiteral("en");
    QTest::newRow("German") << QStringLiteral("de");
    QTest::newRow("Chinese") << QStringLiteral("zh_CN");
}

QStringList TestTranslations::clipped_in_dialogs() {
    QStringList clipped;
    auto check = [&clipped](QWidget* dialog, const QString& name) {
        dialog->show();
        if (!QTest::qWaitForWindowExposed(dialog)) qFatal("%s not shown", qPrintable(name));
        for (const QString& problem : clipped_texts(dialog))
            clipped << name + QStringLiteral(": ") + problem;
        dialog->hide();
    };
    QSettings settings;
    SettingsDialog settings_dialog(load_engine_settings(settings), window_.get());
    check(&settings_dialog, QStringLiteral("Settings"));
    ModelsDialog models(window_.get());
    check(&models, QStringLiteral("Models"));
    QImage image(256, 192, QImage::Format_RGB888);
    image.fill(Qt::gray);
    MaskPainter painter(image, QImage(), window_.get());
    check(&painter, QStringLiteral("Paint mask"));
    const QString png = root_.filePath(QStringLiteral("viewer.png"));
    if (!image.save(png)) qFatal("cannot write %s", qPrintable(png));
    ImageViewer viewer(window_.get());
    viewer.show_image(png, QStringLiteral("caption"));
    viewer.set_position(0, 3);
    check(&viewer, QStringLiteral("Image viewer"));
    return clipped;
}

// The main window at its default size (1280×800) and each dialog at its own: every label, button,
// check box, group box title and tab shows its whole text.
void TestTranslations::no_text_is_clipped_at_the_default_size() {
    QFETCH(QString, language);
    install_translations(language);
    open_window();
    QCOMPARE(window_->size(), QSize(1280, 800));
    QStringList clipped;
    for (const QString& problem : clipped_texts(window_.get()))
        clipped << QStringLiteral("Main window: ") + problem;
    clipped << clipped_in_dialogs();
    QVERIFY2(
        clipped.isEmpty(),
        qPrintable(QStringLiteral("%1 clipped text(s) in %2:\n").arg(clipped.size()).arg(language) +
                   clipped.join(u'\n')));
}

QTEST_MAIN(TestTranslations)
#include "test_translations.moc"
