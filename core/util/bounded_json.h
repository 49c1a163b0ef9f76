// JSON from files we do not control, parsed with a nesting limit. nlohmann::json parses any
// depth without recursion, but dump(), copies and comparisons recurse: 100k nested '[' in a
// config or safetensors header overflowed the stack as soon as an error message showed the
// offending value (found with the fuzz/ targets). Real files are a few levels deep.
#pragma once
#include "core/util/error.h"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace lightning {

constexpr int kMaxJsonDepth = 64;

// nlohmann's reason for refusing a text, without the text it quotes: parse errors end in "; last
// read: '<the input's bytes>'" and number overflows name the number. The input may be a file that
// is not JSON at all (a key file given as a config or a manifest), so its bytes must not reach
// an error message; the line, column and kind of error remain.
inline std::string json_error_without_input(const nlohmann::json::exception& e) {
    if (dynamic_cast<const nlohmann::json::parse_error*>(&e)) {
        std::string reason = e.what();
        if (const auto id_end = reason.find("] "); reason.starts_with("[json.exception."))
            reason.erase(0, id_end + 2);
        if (const auto quoted = reason.find("; last read"); quoted != std::string::npos)
            reason.resize(quoted);
        return reason;
    }
    return e.id == 406 ? "a number is out of range" : "malformed JSON";
}

// Parses `text`; malformed or too deeply nested JSON throws Error(where, what + ": " + reason).
inline nlohmann::json parse_bounded_json(std::string_view text, const std::string& where,
                                         const std::string& what) {
    struct TooDeep {};
    const auto limit_depth = [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
        if (depth > kMaxJsonDepth) throw TooDeep{};
        return true;
    };
    try {
        return nlohmann::json::parse(text.begin(), text.end(), limit_depth);
    } catch (const TooDeep&) {
        throw Error(where,
                    what + ": nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    } catch (const nlohmann::json::exception& e) {
        throw Error(where, what + ": " + json_error_without_input(e));
    }
}

}  // namespace lightning
