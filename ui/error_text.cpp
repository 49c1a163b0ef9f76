#include "ui/error_text.h"

#include <QDir>
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

// A file as the user tells it apart: its name, with the component folder for the names every
// component of a diffusers model uses ("text_encoder_2/model.safetensors", not just
// "model.safetensors", which both text encoders have).
QString file_label(const QString& path) {
    static const QRegularExpression component(
        QStringLiteral(R"(^(?:text_encoder(?:_\d+)?|tokenizer(?:_\d+)?|unet|vae|scheduler)$)"));
    const QFileInfo info(path);
    const QString folder = info.dir().dirName();
    return component.match(folder).hasMatch() ? folder + u'/' + info.fileName() : info.fileName();
}

// The first model or config file the text names ("" when none).
QString named_file(const QString& text) {
    static const QRegularExpression file(
        QStringLiteral(R"(([^\s'"\[\]()]+\.(?:safetensors|json|bin|ckpt|txt|png)))"));
    const auto match = file.match(text);
    return match.hasMatch() ? file_label(match.captured(1)) : QString();
}

// Every path in `line` replaced by its file_label().
QString label_paths(const QString& line) {
    static const QRegularExpression path(QStringLiteral(R"((?:/[^\s/:'"\[\]]+)+/[^\s/:'"\[\]]+)"));
    QString out;
    qsizetype done = 0;
    for (auto it = path.globalMatch(line); it.hasNext();) {
        const auto match = it.next();
        out += line.mid(done, match.capturedStart() - done) + file_label(match.captured());
        done = match.capturedEnd();
    }
    return out + line.mid(done);
}

// At most kMaxSummaryChars. A longer "where: what: ...: reason. Advice" line loses whole
// clauses, first the where (the details keep it), then those in the middle, nearest the end
// first: its last clause says why and what to do ("Permission denied. Choose a gallery folder
// you can write to in Settings") and stays. Cut at a space at the end only when that fails.
QString cut_to_fit(const QString& line) {
    const QString separator = QStringLiteral(": ");
    QStringList clauses = line.split(separator);
    bool dropped_middle = false;
    auto joined = [&] {
        if (!dropped_middle || clauses.size() < 2) return clauses.join(separator);
        return QStringList(clauses.mid(0, clauses.size() - 1)).join(separator) +
               QStringLiteral(": \u2026 ") + clauses.last();
    };
    if (joined().size() > kMaxSummaryChars && clauses.size() > 2) clauses.removeFirst();
    while (joined().size() > kMaxSummaryChars && clauses.size() > 2) {
        clauses.removeAt(clauses.size() - 2);
        dropped_middle = true;
    }
    QString result = joined();
    if (result.size() > kMaxSummaryChars) {
        const qsizetype cut = result.lastIndexOf(u' ', kMaxSummaryChars);
        result = result.left(cut > kMaxSummaryChars / 2 ? cut : kMaxSummaryChars) + QChar(0x2026);
    }
    return result;
}

QString shorten(QString line) {
    // Paths to their file labels, tensor names in brackets and parenthesised byte counts away.
    static const QRegularExpression tensor(QStringLiteral(R"(\s*\[[^\]]*\])"));
    static const QRegularExpression bytes(QStringLiteral(R"(\s*\([^()]*\bbytes?\b[^()]*\))"));
    line = label_paths(line);
    line.replace(tensor, QString());
    line.replace(bytes, QString());
    return cut_to_fit(line.simplified());
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
