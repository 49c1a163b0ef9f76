// The log panel: every message of the shared spdlog logger (engine and app, any thread) shows up
// here through a thread-safe sink that forwards to the GUI thread as a queued Qt signal.
#pragma once
#include <QObject>
#include <QPlainTextEdit>

namespace lightning::ui {

// Process-wide relay from the spdlog sink to widgets. Created on first use (call
// install_log_sink() from the GUI thread); never destroyed, because the logger may outlive every
// window and keep calling the sink until exit.
class LogRelay : public QObject {
    Q_OBJECT
public:
    static LogRelay* instance();

Q_SIGNALS:
    // level: spdlog::level::level_enum value; text: one formatted line without newline.
    void message(int level, QString text);
};

// Adds the relay's sink to lightning::log() once per process.
void install_log_sink();

class LogView : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit LogView(QWidget* parent = nullptr);

    void append_message(int level, const QString& text);
};

}  // namespace lightning::ui
