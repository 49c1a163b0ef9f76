#include "ui/log_view.h"

#include "core/util/log.h"

#include <spdlog/sinks/base_sink.h>

#include <QCoreApplication>
#include <QScrollBar>
#include <QTextBlock>

#include <mutex>

namespace lightning::ui {
namespace {

class RelaySink final : public spdlog::sinks::base_sink<std::mutex> {
protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t formatted;
        formatter_->format(msg, formatted);
        QString text = QString::fromUtf8(formatted.data(), qsizetype(formatted.size()));
        while (text.endsWith(u'\n') || text.endsWith(u'\r')) text.chop(1);
        // Emitting from any thread is safe; receivers in the GUI thread get it queued.
        Q_EMIT LogRelay::instance()->message(int(msg.level), text);
    }
    void flush_() override {}
};

}  // namespace

LogRelay* LogRelay::instance() {
    static LogRelay* relay = [] {
        auto* created = new LogRelay;
        if (QCoreApplication::instance())
            created->moveToThread(QCoreApplication::instance()->thread());
        return created;
    }();
    return relay;
}

void install_log_sink() {
    static std::once_flag once;
    std::call_once(once, [] {
        LogRelay::instance();
        auto sink = std::make_shared<RelaySink>();
        sink->set_pattern("%H:%M:%S.%e %l %v");
        lightning::add_log_sink(sink);
    });
}

LogView::LogView(QWidget* parent) : QPlainTextEdit(parent) {
    setReadOnly(true);
    setMaximumBlockCount(5000);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono = font();
    mono.setFamily(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    setFont(mono);
    connect(LogRelay::instance(), &LogRelay::message, this, &LogView::append_message,
            Qt::QueuedConnection);
}

void LogView::append_message(int level, const QString& text) {
    QTextCharFormat format;
    if (level >= int(spdlog::level::err))
        format.setForeground(QColor(0xc0, 0x20, 0x20));
    else if (level == int(spdlog::level::warn))
        format.setForeground(QColor(0xa0, 0x60, 0x00));
    else
        format.setForeground(palette().color(QPalette::Text));
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    if (!document()->isEmpty()) cursor.insertBlock();
    cursor.insertText(text, format);
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}

}  // namespace lightning::ui
