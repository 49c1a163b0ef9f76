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
        throw Error(where, what + ": " + e.what());
    }
}

}  // namespace lightning
