#include "ui/generation_params.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QStringList>

#include <cmath>

namespace lightning::ui {
namespace {

const QString kNegativePrefix = QStringLiteral("Negative prompt:");

// One "Key: value" pair of a settings line; the value may be a JSON-style quoted string that
// contains commas (A1111 quotes e.g. "Lora hashes").
const QRegularExpression& param_pattern() {
    static const QRegularExpression pattern(
        QStringLiteral(R"(\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$))"),
        QRegularExpression::UseUnicodePropertiesOption);
    return pattern;
}

QList<QPair<QString, QString>> split_settings_line(const QString& line) {
    QList<QPair<QString, QString>> pairs;
    auto it = param_pattern().globalMatch(line);
    while (it.hasNext()) {
        const auto match = it.next();
        if (match.capturedLength(0) == 0) break;
        QString value = match.captured(2).trimmed();
        if (value.size() >= 2 && value.startsWith(u'"') && value.endsWith(u'"')) {
            // JSON string unquoting handles \" \\ \n \uXXXX exactly as A1111's json.loads.
            const auto doc = QJsonDocument::fromJson(("[" + value + "]").toUtf8());
            if (doc.isArray() && doc.array().size() == 1 && doc.array().at(0).isString())
                value = doc.array().at(0).toString();
        }
        pairs.append({match.captured(1).trimmed(), value});
    }
    return pairs;
}

// A settings line has at least three pairs (A1111's own rule), one of them "Steps".
bool is_settings_line(const QList<QPair<QString, QString>>& pairs) {
    if (pairs.size() < 3) return false;
    for (const auto& [key, value] : pairs)
        if (key.compare(QLatin1String("Steps"), Qt::CaseInsensitive) == 0) return true;
    return false;
}

QString quote_if_needed(const QString& value) {
    if (!value.contains(u',') && !value.contains(u'"') && !value.contains(u'\n') &&
        !value.contains(u':'))
        return value;
    QString quoted = value;
    quoted.replace(QLatin1String("\\"), QLatin1String("\\\\"));
    quoted.replace(QLatin1String("\""), QLatin1String("\\\""));
    quoted.replace(QLatin1String("\n"), QLatin1String("\\n"));
    return u'"' + quoted + u'"';
}

void apply_setting(GenerationParams& params, const QString& key, const QString& value) {
    bool ok = false;
    if (key == QLatin1String("Steps")) {
        const int steps = value.toInt(&ok);
        if (ok && steps > 0) params.steps = steps;
    } else if (key == QLatin1String("CFG scale")) {
        const double guidance = value.toDouble(&ok);
        if (ok && std::isfinite(guidance)) params.guidance = guidance;
    } else if (key == QLatin1String("Seed")) {
        const qulonglong seed = value.toULongLong(&ok);
        if (ok) params.seed = seed;
    } else if (key == QLatin1String("Size")) {
        const auto parts = value.split(u'x');
        if (parts.size() == 2) {
            bool ok_w = false, ok_h = false;
            const int width = parts[0].trimmed().toInt(&ok_w);
            const int height = parts[1].trimmed().toInt(&ok_h);
            if (ok_w && ok_h && width > 0 && height > 0) {
                params.width = width;
                params.height = height;
            }
        }
    } else if (key == QLatin1String("Model")) {
        params.model = value;
    } else if (key == QLatin1String("Sampler")) {
        params.sampler = value;
    } else if (key == QLatin1String("Schedule type")) {
        params.schedule = value;
    } else {
        params.extra.insert(key, value);
    }
}

}  // namespace

bool GenerationParams::operator==(const GenerationParams& other) const {
    return prompt == other.prompt && negative_prompt == other.negative_prompt &&
           steps == other.steps && format_number(guidance) == format_number(other.guidance) &&
           width == other.width && height == other.height && seed == other.seed &&
           model == other.model && sampler == other.sampler && schedule == other.schedule &&
           extra == other.extra;
}

QString format_number(double value) {
    // Up to 4 decimals without trailing zeros: 0 -> "0", 1.5 -> "1.5", 7.25 -> "7.25".
    QString text = QString::number(value, 'f', 4);
    while (text.contains(u'.') && (text.endsWith(u'0') || text.endsWith(u'.'))) text.chop(1);
    return text == QLatin1String("-0") ? QStringLiteral("0") : text;
}

QString format_parameters(const GenerationParams& params) {
    QString text = params.prompt;
    if (params.negative_prompt) text += u'\n' + kNegativePrefix + u' ' + *params.negative_prompt;
    QStringList settings;
    settings << QStringLiteral("Steps: %1").arg(params.steps)
             << QStringLiteral("Sampler: %1").arg(quote_if_needed(params.sampler))
             << QStringLiteral("Schedule type: %1").arg(quote_if_needed(params.schedule))
             << QStringLiteral("CFG scale: %1").arg(format_number(params.guidance))
             << QStringLiteral("Seed: %1").arg(params.seed)
             << QStringLiteral("Size: %1x%2").arg(params.width).arg(params.height);
    if (!params.model.isEmpty())
        settings << QStringLiteral("Model: %1").arg(quote_if_needed(params.model));
    for (auto it = params.extra.cbegin(); it != params.extra.cend(); ++it)
        settings << it.key() + QStringLiteral(": ") + quote_if_needed(it.value());
    return text + u'\n' + settings.join(QStringLiteral(", "));
}

std::optional<GenerationParams> parse_parameters(const QString& raw_text) {
    QString text = raw_text;
    text.replace(QLatin1String("\r\n"), QLatin1String("\n"));
    const QStringList lines = text.split(u'\n');

    // The settings line is the last line that looks like one; anything below it (some tools
    // append free text) is ignored.
    int settings_index = -1;
    QList<QPair<QString, QString>> settings;
    for (int i = int(lines.size()) - 1; i >= 0 && settings_index < 0; --i) {
        const auto pairs = split_settings_line(lines[i]);
        if (is_settings_line(pairs)) {
            settings_index = i;
            settings = pairs;
        }
    }
    if (settings_index < 0) return std::nullopt;

    GenerationParams params;
    params.model.clear();
    QStringList prompt_lines;
    std::optional<QStringList> negative_lines;
    for (int i = 0; i < settings_index; ++i) {
        const QString& line = lines[i];
        if (!negative_lines && line.startsWith(kNegativePrefix)) {
            negative_lines = QStringList{line.mid(kNegativePrefix.size()).trimmed()};
        } else if (negative_lines) {
            negative_lines->append(line);
        } else {
            prompt_lines.append(line);
        }
    }
    params.prompt = prompt_lines.join(u'\n').trimmed();
    if (negative_lines) params.negative_prompt = negative_lines->join(u'\n').trimmed();
    for (const auto& [key, value] : settings) apply_setting(params, key, value);
    return params;
}

}  // namespace lightning::ui
