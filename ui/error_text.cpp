#include "ui/error_text.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QStringList>

namespace lightning::ui {
namespace {

constexpr int kMaxSummaryChars = 160;

// Words of the loaders' messages for a file that is cut short or not what its name says.
bool says_damaged(const QString& text) {
    static const QStringList markers = {
        QStringLiteral("data_offsets"),       QStringLiteral("truncated"),
        QStringLiteral("safetensors header"), QStringLiteral("header length"),
        QStringLiteral("cannot memory-map"),  QStringLiteral("invalid json"),
        QStringLiteral("parse error"),        QStringLiteral("unexpected end"),
    };
    for (const QString& marker : markers)
        if (text.contains(marker, Qt::CaseInsensitive)) return true;
    return false;
}

// The first model or config file the text names ("" when none).
QString named_file(const QString& text) {
    static const QRegularExpression file(
        QStringLiteral(R"(([^\s'"\[\]()]+\.(?:safetensors|json|bin|ckpt|txt|png)))"));
    const auto match = file.match(text);
    return match.hasMatch() ? QFileInfo(match.captured(1)).fileName() : QString();
}

QString shorten(QString line) {
    // Paths to their file names, tensor names in brackets and parenthesised byte counts away.
    static const QRegularExpression path(
        QStringLiteral(R"((?:/[^\s/:'"\[\]]+)+/([^\s/:'"\[\]]+))"));
    static const QRegularExpression tensor(QStringLiteral(R"(\s*\[[^\]]*\])"));
    static const QRegularExpression bytes(QStringLiteral(R"(\s*\([^()]*\bbytes?\b[^()]*\))"));
    line.replace(path, QStringLiteral("\\1"));
    line.replace(tensor, QString());
    line.replace(bytes, QString());
    line = line.simplified();
    if (line.size() > kMaxSummaryChars) {
        const qsizetype cut = line.lastIndexOf(u' ', kMaxSummaryChars);
        line = line.left(cut > kMaxSummaryChars / 2 ? cut : kMaxSummaryChars) + QChar(0x2026);
    }
    return line;
}

}  // namespace

QString summarize_error(const QString& text) {
    const QString trimmed = text.trimmed();
    const QString first_line = trimmed.section(u'\n', 0, 0).trimmed();
    if (says_damaged(trimmed)) {
        const QString file = named_file(trimmed);
        if (!file.isEmpty())
            return QStringLiteral("%1 is damaged or incomplete (download or copy it again)")
                .arg(file);
    }
    return shorten(first_line);
}

}  // namespace lightning::ui
