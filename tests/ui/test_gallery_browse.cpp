// Browsing the gallery: search, filters, stars kept in the PNGs, delete to the trash and undo,
// prompt history, copy actions, the grid and its thumbnail size, the viewer's next/previous and
// zoom toggle, keyboard access and tooltips. Offscreen, on small generated galleries.
#include "support/gallery_fixtures.h"
#include "ui/gallery_widget.h"
#include "ui/image_viewer.h"
#include "ui/prompt_history.h"

#include <QtTest/QtTest>

#include <QAbstractButton>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSlider>
#include <QTemporaryDir>
#include <QToolButton>

using namespace lightning::ui;
using lightning::testing::gallery_test_image;
using lightning::testing::gallery_test_item;

namespace {

struct Entry {
    const char* prompt;
    int steps;
    bool favourite = false;
};

// Six images, newest first in the gallery: seed 6 is the newest.
const Entry kEntries[] = {
    {"red fox in the snow", 4},        {"blue fox at night", 2},   {"red sports car", 4},
    {"a lighthouse, oil painting", 1}, {"red fox in the snow", 8}, {"portrait of a cat", 4},
};

QString studio_chunk(const QString& file) {
    return QString::fromStdString(
        lightning::read_png_text(file.toStdString()).entries.at(lightning::kStudioKey));
}

}  // namespace

class TestGalleryBrowse : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void search_matches_every_word_of_the_prompt();
    void filters_by_steps_model_date_and_favourites();
    void star_is_written_into_the_png_and_survives_an_index_rebuild();
    void delete_moves_to_the_desktop_trash_and_undo_restores();
    void prompt_history_lists_recent_prompts_and_fills_the_prompt_box();
    void copy_actions_put_prompt_seed_and_parameters_on_the_clipboard();
    void grid_has_columns_and_an_adjustable_thumbnail_size();
    void viewer_steps_through_the_shown_images_and_toggles_fit_and_100_percent();
    void every_control_has_a_tooltip();

private:
    GalleryWidget* open_gallery();
    void make_images();
    int shown() const { return gallery_->filter_model()->rowCount(); }

    QTemporaryDir root_;
    QString folder_;
    int test_number_ = 0;
    std::unique_ptr<GalleryWidget> gallery_;
};

void TestGalleryBrowse::initTestCase() {
    QVERIFY(root_.isValid());
    // The desktop trash of this test: $XDG_DATA_HOME/Trash, on the same file system as the
    // galleries (the home trash is used for files of the home's file system).
    qputenv("HOME", root_.filePath(QStringLiteral("home")).toUtf8());
    qputenv("XDG_DATA_HOME", root_.filePath(QStringLiteral("home/.local/share")).toUtf8());
    QDir().mkpath(root_.filePath(QStringLiteral("home/.local/share")));
}

void TestGalleryBrowse::init() {
    folder_ = root_.filePath(QStringLiteral("gallery-%1").arg(++test_number_));
    make_images();
}

void TestGalleryBrowse::cleanup() {
    gallery_.reset();
}

void TestGalleryBrowse::make_images() {
    uint64_t seed = 0;
    for (const Entry& entry : kEntries) {
        ++seed;
        GalleryItem item = gallery_test_item(QString::fromUtf8(entry.prompt), entry.steps, seed);
        write_gallery_png(folder_, gallery_test_image(64, 64, int(seed)), item);
    }
}

GalleryWidget* TestGalleryBrowse::open_gallery() {
    gallery_ = std::make_unique<GalleryWidget>();
    gallery_->resize(700, 600);
    gallery_->model()->open(folder_);
    gallery_->show();
    if (!QTest::qWaitForWindowExposed(gallery_.get())) return nullptr;
    gallery_->view()->setFocus();
    return gallery_.get();
}

void TestGalleryBrowse::search_matches_every_word_of_the_prompt() {
    QVERIFY(open_gallery());
    QCOMPARE(shown(), 6);
    QLineEdit* search = gallery_->search_field();
    QTest::keyClick(gallery_.get(), Qt::Key_F, Qt::ControlModifier);  // Ctrl+F: to the field
    QVERIFY(search->hasFocus());
    QTest::keyClicks(search, QStringLiteral("FOX red"));
    QTRY_COMPARE(shown(), 2);  // after the typing pause; any case, any order
    for (int row = 0; row < shown(); ++row)
        QCOMPARE(gallery_->filter_model()->index(row, 0).data().toString(),
                 QStringLiteral("red fox in the snow"));
    search->clear();
    QTest::keyClicks(search, QStringLiteral("fox"));
    QTest::keyClick(search, Qt::Key_Return);  // at once, and back to the grid
    QCOMPARE(shown(), 3);
    QVERIFY(gallery_->view()->hasFocus());
    search->setText(QStringLiteral("zebra"));
    gallery_->apply_filter();
    QCOMPARE(shown(), 0);
    QVERIFY(gallery_->findChild<QLabel*>(QStringLiteral("galleryCount"))
                ->text()
                .startsWith(QLatin1String("0 of 6")));
    search->clear();
    gallery_->apply_filter();
    QCOMPARE(shown(), 6);
}

void TestGalleryBrowse::filters_by_steps_model_date_and_favourites() {
    // One image made today, the rest in 2024.
    GalleryItem today =
        gallery_test_item(QStringLiteral("made today"), 2, 77, QDateTime::currentDateTimeUtc());
    write_gallery_png(folder_, gallery_test_image(64, 64, 77), today);
    QVERIFY(open_gallery());
    QCOMPARE(shown(), 7);

    auto* steps = gallery_->findChild<QComboBox*>(QStringLiteral("galleryStepsFilter"));
    QStringList choices;
    for (int i = 0; i < steps->count(); ++i) choices << steps->itemText(i);
    QCOMPARE(choices, (QStringList{"Any steps", "1 step", "2 steps", "4 steps", "8 steps"}));
    steps->setCurrentIndex(steps->findData(4));
    QCOMPARE(shown(), 3);

    auto* model = gallery_->findChild<QComboBox*>(QStringLiteral("galleryModelFilter"));
    QVERIFY(model->findData(QStringLiteral("sdxl_lightning_8step_unet")) > 0);
    model->setCurrentIndex(model->findData(QStringLiteral("sdxl_lightning_2step_unet")));
    QCOMPARE(shown(), 0);  // 4 steps and the 2-step UNet: nothing
    steps->setCurrentIndex(0);
    QCOMPARE(shown(), 2);

    model->setCurrentIndex(0);
    auto* date = gallery_->findChild<QComboBox*>(QStringLiteral("galleryDateFilter"));
    date->setCurrentIndex(date->findData(int(DateRange::Today)));
    QCOMPARE(shown(), 1);
    QCOMPARE(gallery_->filter_model()->index(0, 0).data().toString(), QStringLiteral("made today"));
    date->setCurrentIndex(0);

    gallery_->model()->set_favourite({1, 3}, true);
    QTRY_COMPARE(gallery_->model()->item(3).favourite, true);
    auto* favourites = gallery_->findChild<QToolButton*>(QStringLiteral("favouritesOnlyButton"));
    favourites->click();
    QCOMPARE(shown(), 2);
    favourites->click();
    QCOMPARE(shown(), 7);
}

void TestGalleryBrowse::star_is_written_into_the_png_and_survives_an_index_rebuild() {
    QVERIFY(open_gallery());
    const GalleryItem before = gallery_->model()->item(2);
    const lightning::Image8 pixels = lightning::read_png(before.file.toStdString());
    gallery_->select_rows({2});
    QTest::keyClick(gallery_->view(), Qt::Key_S);  // keyboard: star
    QTRY_VERIFY(gallery_->model()->item(2).favourite);
    QVERIFY(gallery_->model()->index(2).data(GalleryModel::FavouriteRole).toBool());

    // In the PNG, next to the pixels and parameters it had.
    QVERIFY2(studio_chunk(before.file).contains(QLatin1String("\"favourite\":true")),
             qPrintable(studio_chunk(before.file)));
    QVERIFY(lightning::read_png(before.file.toStdString()).rgb == pixels.rgb);
    const auto record = read_gallery_png(before.file);
    QVERIFY(record);
    QCOMPARE(record->record, before.record);
    QCOMPARE(record->created, before.created);
    QVERIFY(record->favourite);
    QVERIFY(QDir(folder_).entryList({QStringLiteral("*.tmp.*")}, QDir::Files).isEmpty());

    // The index agrees (no re-read next time), and a rebuilt one keeps the star.
    gallery_->model()->flush();
    GalleryStore reopened;
    QCOMPARE(reopened.open(folder_), QString());
    QVERIFY(reopened.items()[2].favourite);
    QVERIFY(QFile::remove(reopened.index_path()));
    GalleryStore rebuilt;
    QVERIFY(rebuilt.open(folder_).startsWith(QLatin1String("Gallery index created from 6")));
    QVERIFY(rebuilt.items()[2].favourite);
    QCOMPARE(rebuilt.items()[2].file, before.file);

    // Unstarring goes through the same way; the star on the cell toggles with a click too.
    QTest::keyClick(gallery_->view(), Qt::Key_S);
    QTRY_VERIFY(!gallery_->model()->item(2).favourite);
    QVERIFY(!studio_chunk(before.file).contains(QLatin1String("favourite")));
    auto* delegate = qobject_cast<GalleryGridDelegate*>(gallery_->view()->itemDelegate());
    const QRect cell = gallery_->view()->visualRect(gallery_->filter_model()->index(2, 0));
    QTest::mouseClick(gallery_->view()->viewport(), Qt::LeftButton, {},
                      delegate->star_rect(cell).center());
    QTRY_VERIFY(gallery_->model()->item(2).favourite);
    QVERIFY(!gallery_->viewer() || !gallery_->viewer()->isVisible());  // a star click only stars
}

void TestGalleryBrowse::delete_moves_to_the_desktop_trash_and_undo_restores() {
    QVERIFY(open_gallery());
    gallery_->model()->set_favourite({1}, true);
    QTRY_VERIFY(gallery_->model()->item(1).favourite);
    const GalleryItem first = gallery_->model()->item(1);
    const GalleryItem second = gallery_->model()->item(4);
    const auto first_bytes = lightning::testing::read_bytes(first.file);

    gallery_->select_rows({1, 4});
    QTest::keyClick(gallery_->view(), Qt::Key_Delete);
    QCOMPARE(gallery_->model()->rowCount(), 4);
    QVERIFY(!QFileInfo::exists(first.file));
    QVERIFY(!QFileInfo::exists(second.file));
    QVERIFY(gallery_->notice()->isVisible());
    QVERIFY2(gallery_->notice()->text().contains(QLatin1String("Moved 2 images to the trash")),
             qPrintable(gallery_->notice()->text()));

    // freedesktop.org layout: files/NAME and info/NAME.trashinfo with the original path.
    const QDir trash(qEnvironmentVariable("XDG_DATA_HOME") + QStringLiteral("/Trash"));
    const QString name = QFileInfo(first.file).fileName();
    QVERIFY(QFileInfo::exists(trash.filePath(QStringLiteral("files/") + name)));
    QFile info(trash.filePath(QStringLiteral("info/%1.trashinfo").arg(name)));
    QVERIFY(info.open(QIODevice::ReadOnly));
    const QString trash_info = QString::fromUtf8(info.readAll());
    QVERIFY2(trash_info.startsWith(QLatin1String("[Trash Info]")), qPrintable(trash_info));
    QVERIFY2(trash_info.contains(QLatin1String("Path=")) && trash_info.contains(name),
             qPrintable(trash_info));
    info.close();
    gallery_->model()->flush();
    GalleryStore without;
    QCOMPARE(without.open(folder_), QString());  // the index already knew
    QCOMPARE(without.items().size(), 4);

    // Ctrl+Z: back in place, bytes and star intact, trash entry gone.
    QTest::keyClick(gallery_->view(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(gallery_->model()->rowCount(), 6);
    QCOMPARE(gallery_->model()->item(1).file, first.file);
    QCOMPARE(gallery_->model()->item(4).file, second.file);
    QVERIFY(gallery_->model()->item(1).favourite);
    QVERIFY(lightning::testing::read_bytes(first.file) == first_bytes);
    QVERIFY(!QFileInfo::exists(trash.filePath(QStringLiteral("files/") + name)));
    QVERIFY(!info.exists());
    QVERIFY(!gallery_->undo_delete());  // nothing more to undo
    gallery_->model()->flush();
    GalleryStore restored;
    QCOMPARE(restored.open(folder_), QString());
    QCOMPARE(restored.items().size(), 6);

    // A deletion through the context-menu action, undone with the notice's button.
    gallery_->select_rows({0});
    gallery_->action("deleteAction")->trigger();
    QCOMPARE(gallery_->model()->rowCount(), 5);
    auto* undo = gallery_->findChild<QPushButton*>(QStringLiteral("galleryUndoButton"));
    QVERIFY(undo->isVisible());
    undo->click();
    QCOMPARE(gallery_->model()->rowCount(), 6);
}

void TestGalleryBrowse::prompt_history_lists_recent_prompts_and_fills_the_prompt_box() {
    QVERIFY(open_gallery());
    PromptHistory* history = gallery_->model()->prompt_history();
    // Newest first, each prompt once.
    QCOMPARE(history->prompts(),
             (QStringList{"portrait of a cat", "red fox in the snow", "a lighthouse, oil painting",
                          "red sports car", "blue fox at night"}));
    // A new image's prompt goes on top; a known one moves there.
    GalleryItem item =
        gallery_test_item(QStringLiteral("a new idea"), 4, 900, QDateTime::currentDateTimeUtc());
    item = write_gallery_png(folder_, gallery_test_image(64, 64, 9), item);
    gallery_->model()->add(item, QImage());
    history->record(QStringLiteral("  red sports car "));
    QCOMPARE(history->prompts().mid(0, 3),
             (QStringList{"red sports car", "a new idea", "portrait of a cat"}));
    QCOMPARE(history->rowCount(), 6);

    // From the prompt box: Alt+Down opens the list, typing filters, Enter puts it in; Ctrl+Z
    // brings back what was typed before.
    QPlainTextEdit editor;
    std::unique_ptr<QToolButton> button(attach_prompt_history(history, &editor));
    QVERIFY(!button->toolTip().isEmpty());
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    editor.setPlainText(QStringLiteral("my draft"));
    editor.setFocus();
    QTest::keyClick(&editor, Qt::Key_Down, Qt::AltModifier);
    auto* popup = editor.findChild<PromptHistoryPopup*>();
    QVERIFY(popup);
    QTRY_VERIFY(popup->isVisible());
    QTest::keyClicks(popup->filter(), QStringLiteral("fox"));
    QCOMPARE(popup->list()->model()->rowCount(), 2);
    QTest::keyClick(popup->filter(), Qt::Key_Down);
    QTest::keyClick(popup->filter(), Qt::Key_Return);
    QCOMPARE(editor.toPlainText(), QStringLiteral("blue fox at night"));
    QVERIFY(!popup->isVisible());
    editor.undo();
    QCOMPARE(editor.toPlainText(), QStringLiteral("my draft"));
    button->click();  // the button opens it too
    QTRY_VERIFY(popup->isVisible());
    QTest::keyClick(popup->filter(), Qt::Key_Escape);
    QTRY_VERIFY(!popup->isVisible());

    // The history comes from the images: a restart (and a rebuilt index) gives it back.
    gallery_->model()->flush();
    QFile::remove(QDir(folder_).filePath(kIndexFile));
    GalleryWidget again;
    again.model()->open(folder_);
    QCOMPARE(again.model()->prompt_history()->prompts().first(), QStringLiteral("a new idea"));
}

void TestGalleryBrowse::copy_actions_put_prompt_seed_and_parameters_on_the_clipboard() {
    QVERIFY(open_gallery());
    gallery_->select_rows({3});  // seed 3: rows are newest first
    const GalleryItem& item = gallery_->model()->item(3);
    QTest::keyClick(gallery_->view(), Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("red sports car"));
    QTest::keyClick(gallery_->view(), Qt::Key_C, Qt::ControlModifier | Qt::AltModifier);
    QCOMPARE(QApplication::clipboard()->text(), QString::number(item.record.request.seed));
    QTest::keyClick(gallery_->view(), Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
    const auto parsed =
        lightning::parse_parameters(QApplication::clipboard()->text().toStdString());
    QVERIFY(parsed);
    QCOMPARE(*parsed, item.record);
}

void TestGalleryBrowse::grid_has_columns_and_an_adjustable_thumbnail_size() {
    QVERIFY(open_gallery());
    QListView* view = gallery_->view();
    const QRect first = view->visualRect(gallery_->filter_model()->index(0, 0));
    const QRect second = view->visualRect(gallery_->filter_model()->index(1, 0));
    QCOMPARE(second.top(), first.top());  // side by side: a grid, not a list
    QVERIFY(second.left() > first.right());

    auto* slider = gallery_->findChild<QSlider*>(QStringLiteral("thumbnailSizeSlider"));
    const int before = gallery_->thumbnail_size();
    slider->setValue(256);
    QCOMPARE(gallery_->thumbnail_size(), 256);
    QCOMPARE(gallery_->model()->thumbnail_size(), 256);
    QVERIFY(view->gridSize().width() > 256);
    QTest::keyClick(view, Qt::Key_Minus, Qt::ControlModifier);
    QCOMPARE(gallery_->thumbnail_size(), 224);
    QCOMPARE(slider->value(), 224);
    slider->setValue(before);
    // Thumbnails arrive off the GUI thread for the painted cells.
    QTRY_VERIFY(!gallery_->model()->index(0).data(Qt::DecorationRole).value<QImage>().isNull());
}

void TestGalleryBrowse::viewer_steps_through_the_shown_images_and_toggles_fit_and_100_percent() {
    QVERIFY(open_gallery());
    gallery_->search_field()->setText(QStringLiteral("fox"));
    gallery_->apply_filter();
    QCOMPARE(shown(), 3);
    gallery_->select_rows({gallery_->filter_model()->source_row(0)});
    QTest::keyClick(gallery_->view(), Qt::Key_Return);  // Enter opens the large view
    ImageViewer* viewer = gallery_->viewer();
    QVERIFY(viewer);
    QTRY_VERIFY(viewer->isVisible());
    // Its shortcuts are the active window's. (qWaitForWindowActive() would not do: a dialog
    // counts as active while its parent window is.)
    QTRY_COMPARE(QApplication::activeWindow(), static_cast<QWidget*>(viewer));
    auto* position = viewer->findChild<QLabel*>(QStringLiteral("viewerPosition"));
    QCOMPARE(position->text(), QStringLiteral("1 / 3"));
    QVERIFY(!viewer->findChild<QPushButton*>(QStringLiteral("viewerPrevious"))->isEnabled());

    QTest::keyClick(viewer, Qt::Key_Right);
    QCOMPARE(position->text(), QStringLiteral("2 / 3"));
    QCOMPARE(gallery_->current_row(), gallery_->filter_model()->source_row(1));
    QCOMPARE(viewer->windowTitle(),
             QFileInfo(gallery_->model()->item(gallery_->current_row()).file).fileName());
    viewer->findChild<QPushButton*>(QStringLiteral("viewerNext"))->click();
    QCOMPARE(position->text(), QStringLiteral("3 / 3"));
    QVERIFY(!viewer->findChild<QPushButton*>(QStringLiteral("viewerNext"))->isEnabled());
    QTest::keyClick(viewer, Qt::Key_Right);  // past the end: stays
    QCOMPARE(position->text(), QStringLiteral("3 / 3"));
    QTest::keyClick(viewer, Qt::Key_PageUp);
    QCOMPARE(position->text(), QStringLiteral("2 / 3"));

    // Z toggles zoom-to-fit and 100 %; the button says what it does next.
    auto* toggle = viewer->findChild<QPushButton*>(QStringLiteral("viewerZoomToggle"));
    QVERIFY(viewer->view()->fitting());
    QCOMPARE(toggle->text(), QStringLiteral("100 %"));
    QTest::keyClick(viewer, Qt::Key_Z);
    QVERIFY(!viewer->view()->fitting());
    QCOMPARE(viewer->view()->zoom(), 1.0);
    QCOMPARE(toggle->text(), QStringLiteral("Fit"));
    QTest::keyClick(viewer, Qt::Key_Left);  // the zoom stays while stepping
    QCOMPARE(viewer->view()->zoom(), 1.0);
    toggle->click();
    QVERIFY(viewer->view()->fitting());
    QVERIFY(viewer->view()->zoom() != 1.0);  // 64² in a large window: fitted is larger

    // S stars the image shown.
    const int row = gallery_->current_row();
    QTest::keyClick(viewer, Qt::Key_S);
    QTRY_VERIFY(gallery_->model()->item(row).favourite);
}

void TestGalleryBrowse::every_control_has_a_tooltip() {
    QVERIFY(open_gallery());
    gallery_->open_viewer(0);
    QVERIFY(gallery_->viewer());
    QList<QWidget*> controls;
    for (QWidget* root :
         {static_cast<QWidget*>(gallery_.get()), static_cast<QWidget*>(gallery_->viewer())}) {
        for (auto* w : root->findChildren<QAbstractButton*>()) controls << w;
        for (auto* w : root->findChildren<QComboBox*>()) controls << w;
        for (auto* w : root->findChildren<QLineEdit*>()) controls << w;
        for (auto* w : root->findChildren<QSlider*>()) controls << w;
    }
    QVERIFY(controls.size() >= 14);
    for (QWidget* control : controls) {
        if (qobject_cast<QLineEdit*>(control->parentWidget())) continue;  // the clear button
        if (control->parentWidget() && qobject_cast<QComboBox*>(control->parentWidget()))
            continue;  // a combo's own line edit
        QVERIFY2(!control->toolTip().isEmpty(),
                 qPrintable(control->objectName() + QLatin1Char(' ') +
                            control->metaObject()->className()));
    }
    // The gallery's own commands (not Qt's, such as the search field's clear action).
    for (QAction* action :
         gallery_->findChildren<QAction*>(QString(), Qt::FindDirectChildrenOnly)) {
        if (action->objectName().isEmpty()) continue;
        QVERIFY2(!action->shortcut().isEmpty() || action->objectName() == "openImageAction",
                 qPrintable(action->objectName()));
    }
}

QTEST_MAIN(TestGalleryBrowse)
#include "test_gallery_browse.moc"
