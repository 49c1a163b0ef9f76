// The app's view of core/request/model_layout.h, in Qt terms: the same checks (no rules of its
// own) as lists the settings dialog and the welcome page show, and the download help text.
#pragma once
#include "core/request/model_layout.h"

#include <QString>
#include <QStringList>

namespace lightning::ui {

// One readable sentence per problem, naming the file and the folder; empty when usable.
QStringList base_model_problems(const QString& base, const QString& config_dir);
QStringList lightning_dir_problems(const QString& lightning_dir);
QStringList output_dir_problems(const QString& output_dir);
// Base model and Lightning folder together: what loading needs.
QStringList model_problems(const lightning::ModelLocations& models);

// The folder whose tokenizer/ and tokenizer_2/ serve the base model.
QString tokenizer_root(const lightning::ModelLocations& models);

// Help text (HTML) for a user with no model: which repositories and files to download, where to
// put them, and how to point the app at them.
QString model_download_help_html();

}  // namespace lightning::ui
