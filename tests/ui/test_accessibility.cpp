// Accessibility of the real windows with the tiny fixture model on the CPU: every focusable or
// interactive control in each window and dialog has an accessible name and description (walked
// through QAccessible as a screen reader sees it), and generate → view → keep → star works from
// the keyboard alone.
#include "ui/app_settings.h"
#include "ui/gallery_model.h"
#include "ui/gallery_widget.h"
#include "ui/image_viewer.h"
#include "ui/live_mode.h"
#include "ui/main_window.h"
#include "ui/mask_painter.h"
#include "ui/models_dialog.h"
#include "ui/settings_dialog.h"
#include "ui/string_convert.h"

#include "support/fixtures.h"
#include "support/window_driving.h"

#include <QtTest/QtTest>

#include <QAccessible>
#include <QApplication>
#include <QImage>
#include <QListView>
#include <QMainWindow>
#include <QPlainTextEdit>
#include <QSettings>

#include <memory>

using namespace lightning::ui;
using lightning::testing::child;

namespace {

constexpr int kTimeoutMs = 120000;

QString fixture(const QString& name) {
    return QString::fromStdString(lightning::testing::fixtures_dir()) + u'/' + name;
}

// Roles a user tabs to or operates: each needs a name (what it is) and a description (what it
// does) for a screen reader to announce it usefully.
bool is_interactive(QAccessible::Role role) {
    switch (role) {
        case QAccessible::PushButton:
        case QAccessible::CheckBox:
        case QAccessible::RadioButton:
        case QAccessible::ComboBox:
        case QAccessible::EditableText:
        case QAccessible::Slider:
        case QAccessible::SpinBox:
        case QAccessible::Dial:
        case QAccessible::List:
        case QAccessible::Table:
        case QAccessible::Tree:
        case QAccessible::PageTabList:
        case QAccessible::ButtonMenu:
        case QAccessible::ButtonDropDown:
        case QAccessible::ButtonDropGrid:
        case QAccessible::Graphic:
            return true;
        default:
            return false;
    }
}

// "MainWindow/centralWidget/QPushButton(generateButton)": where a control is, for the failure.
QString object_path(const QObject* object) {
    QStringList parts;
    for (; object; object = object->parent()) {
        const QString name = object->objectName();
        parts.prepend(name.isEmpty()
                          ? QString::fromLatin1(object->metaObject()->className())
                          : QStringLiteral("%1(%2)").arg(
                                QString::fromLatin1(object->metaObject()->className()), name));
    }
    return parts.join(u'/');
}

// Every visible interactive control under `node` that lacks a name or a description, as
// "path: no name" lines. Invisible ones (hidden pages, closed panels) are skipped: a screen
// reader does not reach them either.
void find_nameless(QAccessibleInterface* node, QStringList& found, int depth = 0) {
    if (!node || !node->isValid() || depth > 64) return;
    if (node->state().invisible) return;
    if (is_interactive(node->role()) && node->object()) {
        const bool focusable = node->state().focusable || node->role() == QAccessible::PushButton;
        // QMainWindow's own tab bar over tabbed docks: its tabs carry the docks' titles.
        const bool dock_tabs = node->role() == QAccessible::PageTabList &&
                               qobject_cast<const QMainWindow*>(node->object()->parent());
        if (dock_tabs) {
            for (int i = 0; i < node->childCount(); ++i)
                find_nameless(node->child(i), found, depth);
            return;
        }
        if (focusable) {
            QStringList missing;
            if (node->text(QAccessible::Name).trimmed().isEmpty())
                missing << QStringLiteral("name");
            if (node->text(QAccessible::Description).trimmed().isEmpty())
                missing << QStringLiteral("description");
            if (!missing.isEmpty())
                found << QStringLiteral("%1 (role %2): no %3")
                             .arg(object_path(node->object()))
                             .arg(int(node->role()))
                             .arg(missing.join(QStringLiteral(", no ")));
        }
    }
    for (int i = 0; i < node->childCount(); ++i) find_nameless(node->child(i), found, depth + 1);
}

void verify_all_named(QWidget* window) {
    QStringList found;
    find_nameless(QAccessible::queryAccessibleInterface(window), found);
    found.removeDuplicates();
    if (!found.isEmpty())
        QFAIL(qPrintable(QStringLiteral("controls without an accessible name or description in "
                                        "%1:\n  %2")
                             .arg(object_path(window), found.join(QStringLiteral("\n  ")))));
}

}  // namespace

class TestAccessibility : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void main_window_controls_have_names_and_descriptions();
    void dialogs_controls_have_names_and_descriptions();
    void generate_view_keep_star_from_the_keyboard_alone();

private:
    EngineSettings tiny_engine() const;
    void open_window();
    void press(int key, Qt::KeyboardModifiers modifiers = Qt::NoModifier);
    QWidget* tab_to(const QString& object_name);

    QTemporaryDir root_;
    QString gallery_dir_;
    int test_number_ = 0;
    std::unique_ptr<MainWindow> window_;
};

void TestAccessibility::initTestCase() {
    QVERIFY(root_.isValid());
    lightning::testing::isolate_app(root_, QStringLiteral("test_accessibility"));
    QAccessible::setActive(true);
}

void TestAccessibility::init() {
    QSettings().clear();
    gallery_dir_ = root_.filePath(QStringLiteral("gallery-%1").arg(++test_number_));
    QSettings settings;
    save_engine_settings(settings, tiny_engine());
}

void TestAccessibility::cleanup() {
    window_.reset();
}

EngineSettings TestAccessibility::tiny_engine() const {
    EngineSettings engine;
    engine.models.base = to_std(fixture(QStringLiteral("tiny-sdxl")));
    engine.models.lightning_dir = to_std(fixture(QStringLiteral("tiny-lightning")));
    engine.output_dir = gallery_dir_;
    engine.device = QStringLiteral("cpu");
    engine.precision = lightning::Precision::FP32;
    engine.preview = lightning::PreviewMode::Reduced;
    return engine;
}

void TestAccessibility::open_window() {
    window_ = std::make_unique<MainWindow>();
    window_->show();
    window_->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window_.get()));
    QTRY_VERIFY_WITH_TIMEOUT(
        window_->controller()->model_state() != GenerationController::ModelState::Loading,
        kTimeoutMs);
    QCOMPARE(window_->controller()->model_state(), GenerationController::ModelState::Ready);
}

// A key press where the keyboard focus is, as a user's keyboard sends it.
void TestAccessibility::press(int key, Qt::KeyboardModifiers modifiers) {
    QWidget* target = QApplication::focusWidget();
    if (!target) target = QApplication::activeWindow();
    QVERIFY(target);
    QTest::keyClick(target, Qt::Key(key), modifiers);
}

// Tabs until the control named `object_name` has the focus (nullptr when the tab chain never
// reaches it).
QWidget* TestAccessibility::tab_to(const QString& object_name) {
    for (int i = 0; i < 200; ++i) {
        QWidget* focus = QApplication::focusWidget();
        if (focus && focus->objectName() == object_name) return focus;
        press(Qt::Key_Tab);
    }
    return nullptr;
}

// ------------------------------------------------------------------------------- named controls

void TestAccessibility::main_window_controls_have_names_and_descriptions() {
    open_window();
    verify_all_named(window_.get());
    if (QTest::currentTestFailed()) return;
    // Live mode and the result grid show other controls.
    window_->set_live(true);
    QApplication::processEvents();
    verify_all_named(window_.get());
}

void TestAccessibility::dialogs_controls_have_names_and_descriptions() {
    SettingsDialog settings(tiny_engine());
    settings.show();
    verify_all_named(&settings);
    if (QTest::currentTestFailed()) return;

    ModelsDialog models;
    models.show();
    verify_all_named(&models);
    if (QTest::currentTestFailed()) return;

    QImage image(64, 48, QImage::Format_RGB32);
    image.fill(Qt::darkGreen);
    MaskPainter painter(image, QImage());
    painter.show();
    verify_all_named(&painter);
    if (QTest::currentTestFailed()) return;

    const QString file = root_.filePath(QStringLiteral("viewed.png"));
    QVERIFY(image.save(file));
    ImageViewer viewer;
    viewer.show_image(file, QStringLiteral("a green field"));
    viewer.set_position(0, 1);
    viewer.show();
    verify_all_named(&viewer);
    QCOMPARE(QAccessible::queryAccessibleInterface(viewer.view())->text(QAccessible::Name),
             QStringLiteral("a green field"));
}

// ------------------------------------------------------------------------------------ keyboard

void TestAccessibility::generate_view_keep_star_from_the_keyboard_alone() {
    open_window();
    GalleryModel* gallery = window_->gallery()->model();
    const int before = gallery->rowCount();

    // Generate: the prompt has the focus on start; Ctrl+Return runs it.
    QWidget* prompt = tab_to(QStringLiteral("promptEdit"));
    QVERIFY2(prompt, "Tab never reaches the prompt");
    QTest::keyClicks(prompt, QStringLiteral("a red fox"));
    press(Qt::Key_Return, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(gallery->rowCount(), before + 1, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!window_->controller()->busy(), kTimeoutMs);

    // Keep: live mode (Ctrl+L) renders the prompt; Ctrl+S keeps what it shows.
    QSignalSpy shown(window_.get(), &MainWindow::liveResultShown);
    QSignalSpy kept(window_.get(), &MainWindow::kept);
    press(Qt::Key_L, Qt::ControlModifier);
    QTRY_VERIFY(window_->live_mode()->scheduler().running());
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), kTimeoutMs);
    press(Qt::Key_S, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(kept.count(), 1, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(gallery->rowCount(), before + 2, kTimeoutMs);
    press(Qt::Key_L, Qt::ControlModifier);
    QTRY_VERIFY_WITH_TIMEOUT(!window_->controller()->busy(), kTimeoutMs);

    // View: Tab reaches the gallery, an arrow key selects an image, Enter opens the viewer.
    auto* view = qobject_cast<QListView*>(tab_to(QStringLiteral("galleryView")));
    QVERIFY2(view, "Tab never reaches the gallery");
    press(Qt::Key_Home);
    QVERIFY(view->currentIndex().isValid());
    const QString file = view->currentIndex().data(GalleryModel::FileRole).toString();
    press(Qt::Key_Return);
    auto* viewer = window_->findChild<ImageViewer*>();
    QVERIFY2(viewer && viewer->isVisible(), "Enter on a gallery image opens no viewer");
    QTRY_VERIFY(viewer->isActiveWindow());

    // Star: S in the viewer stars the image shown; Escape goes back to the gallery, where S
    // unstars the selected image.
    auto favourite_of = [&] {
        for (int row = 0; row < gallery->rowCount(); ++row)
            if (gallery->item(row).file == file) return gallery->item(row).favourite;
        return false;
    };
    press(Qt::Key_S);
    QTRY_VERIFY(favourite_of());
    QVERIFY(view->currentIndex().data(Qt::AccessibleTextRole).toString().contains(u'('));
    press(Qt::Key_Escape);
    QTRY_VERIFY(!viewer->isVisible());
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(view));
    press(Qt::Key_S);
    QTRY_VERIFY(!favourite_of());
}

QTEST_MAIN(TestAccessibility)
#include "test_accessibility.moc"
