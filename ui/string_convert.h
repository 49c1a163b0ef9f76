// Text hand-over between the Qt-free engine (std::string, UTF-8) and the widgets (QString).
// Paths travel as UTF-8 too, which is what the engine's std::filesystem expects on Linux.
#pragma once
#include <QString>
#include <QStringList>

#include <string>
#include <vector>

namespace lightning::ui {

inline QString to_qstring(const std::string& text) {
    return QString::fromStdString(text);
}

inline std::string to_std(const QString& text) {
    return text.toStdString();
}

inline QStringList to_qstring_list(const std::vector<std::string>& lines) {
    QStringList list;
    list.reserve(qsizetype(lines.size()));
    for (const auto& line : lines) list << to_qstring(line);
    return list;
}

}  // namespace lightning::ui
