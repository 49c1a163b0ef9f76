// The page shown instead of the preview while the model setup is incomplete: what is missing, how
// to get the models, and buttons to download them, open Settings or search the cache again.
#pragma once
#include <QStringList>
#include <QWidget>

class QLabel;

namespace lightning::ui {

class SetupPage : public QWidget {
    Q_OBJECT
public:
    explicit SetupPage(QWidget* parent = nullptr);

    void set_problems(const QStringList& problems);

Q_SIGNALS:
    void downloadRequested();
    void settingsRequested();
    void searchRequested();  // look in the Hugging Face cache again

private:
    QLabel* problems_;
};

}  // namespace lightning::ui
