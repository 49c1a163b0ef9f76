// One readable line for an engine failure shown in the window. The engine's texts are exact and
// technical ("/long/path/x.safetensors [tensor]: data_offsets [1, 2] reach beyond the data
// section (5000 bytes; truncated file?)"); the banner says what is wrong with which file, and
// the whole text stays available behind "Show details".
#pragma once
#include <QString>

namespace lightning::ui {

// At most one line of about 160 characters: paths become file names, tensor names and byte
// counts are dropped, and damaged model files are called that; a longer line loses whole
// clauses but keeps its last (why, and what to do). A short, plain text comes back as it is.
QString summarize_error(const QString& text);

}  // namespace lightning::ui
