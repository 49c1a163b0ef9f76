// What the readers of other tools' metadata (foreign_metadata.h) share: the bounded JSON parse,
// numbers read without overflow, and how a field is said to be mapped, unused or unreadable.
// Internal to core/request/foreign_*.cpp, comfyui_graph.cpp, invokeai_metadata.cpp and
// fooocus_metadata.cpp.
#pragma once
#include "core/request/foreign_metadata.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace lightning::foreign {

// `text` as JSON through parse_bounded_json (depth limit); it must be an object. Throws
// Error(entry + " entry", ...).
nlohmann::json parse_object(const std::string& text, const std::string& entry);

// A number field, also when written as a numeric string ("6952411511246973023"): nullopt for
// anything else, for a fraction where an integer is needed, and for a value out of range.
std::optional<int> json_int(const nlohmann::json& value);
std::optional<uint64_t> json_seed(const nlohmann::json& value);
std::optional<double> json_double(const nlohmann::json& value);
std::optional<std::string> json_string(const nlohmann::json& value);
// The field `key` of `object` (nullptr when absent or `object` is no object).
const nlohmann::json* field(const nlohmann::json& object, const std::string& key);

// A value as a message shows it: a string as it is, anything else as compact JSON; cut to at
// most 1000 bytes on a UTF-8 boundary.
std::string value_text(const nlohmann::json& value);

// "sd_xl_base_1.0" of "SDXL\\sd_xl_base_1.0.safetensors": the file name without folders and
// without a model file extension, as A1111 records model and LoRA names.
std::string model_stem(const std::string& file_name);

// The app's name of a sampler the tools spell in lower case ("euler" is the app's Euler).
std::string sampler_name(const std::string& tool_sampler);

// A field taken over ("Prompt", "Seed", ...; foreign_metadata.h names them).
void mapped(ForeignRecord& out, const char* field);
// Another tool's field with no counterpart here: kept in record.extra, so unused_settings()
// names it. Null, "" and empty lists and objects say nothing and are left out.
void unused(ForeignRecord& out, const std::string& key, const nlohmann::json& value);
// A request field the file does not give in a form this reader takes: kept under the
// parameters codec's key ("Size", "Seed", "Steps", "CFG scale"), so unreadable_settings()
// names it and the form keeps its own value.
void unreadable(ForeignRecord& out, const char* request_key, const std::string& why);

// The record's mapped list in its canonical order (ForeignRecord::mapped).
void finish(ForeignRecord& out);

}  // namespace lightning::foreign
