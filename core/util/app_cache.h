// The app's own cache folder (file hashes, the indexes of galleries in folders that are not the
// app's): $XDG_CACHE_HOME/lightning-studio, else $HOME/.cache/lightning-studio (/tmp/.cache/...
// without a HOME). One place, so the CLI and the app agree on it.
#pragma once
#include <string>

namespace lightning {

std::string app_cache_dir();

}  // namespace lightning
