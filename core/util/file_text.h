// Whole files read into memory (configs, tokenizer files, manifests, golden manifests), with
// errors that name the file. One reader, so every such file fails the same clear way: a missing
// file, a folder or an unreadable one is "PATH: cannot open/read ...: <reason>".
#pragma once
#include "core/util/bounded_json.h"

#include <nlohmann/json.hpp>
#include <string>

namespace lightning {

// The file's bytes. Throws Error(path, "cannot open WHAT: <reason>") or
// Error(path, "cannot read WHAT: <reason>"); `what` ("the manifest", ...) may be empty.
std::string read_file_text(const std::string& path, const std::string& what = "");

// The file parsed as JSON with parse_bounded_json's limits: Error(path, "not valid JSON: ...")
// when it is not JSON (the file's bytes are never quoted), file errors as read_file_text's.
nlohmann::json read_json_file(const std::string& path, const std::string& what = "",
                              DuplicateKeys duplicates = DuplicateKeys::KeepLast);

}  // namespace lightning
