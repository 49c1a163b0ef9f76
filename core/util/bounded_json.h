// JSON from files we do not control, parsed with a nesting limit. nlohmann::json parses any
// depth without recursion, but dump(), copies and comparisons recurse: 100k nested '[' in a
// config or safetensors header overflowed the stack as soon as an error message showed the
// offending value (found with the fuzz/ targets). Real files are a few levels deep.
#pragma once
#include "core/util/error.h"

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace lightning {

constexpr int kMaxJsonDepth = 64;

// What an object that holds a key twice means: nlohmann keeps the last value silently, so a
// manifest line {"seed": 1, ..., "seed": 2} ran with one of them without a word. Requests and
// manifests reject it; files of other tools (configs, safetensors headers) are read as those
// tools read them.
enum class DuplicateKeys { KeepLast, Reject };

// Parses `text`; malformed or too deeply nested JSON throws Error(where, what + ": " + reason),
// and with DuplicateKeys::Reject a key given twice in one object throws
// Error(where, "key \"K\" is given twice in one object").
inline nlohmann::json parse_bounded_json(std::string_view text, const std::string& where,
                                         const std::string& what,
                                         DuplicateKeys duplicates = DuplicateKeys::KeepLast) {
    struct TooDeep {};
    struct Duplicate {
        std::string key;
    };
    std::vector<std::set<std::string>> open_objects;  // the keys seen in each, innermost last
    const auto check = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        using Event = nlohmann::json::parse_event_t;
        if (depth > kMaxJsonDepth) throw TooDeep{};
        if (duplicates == DuplicateKeys::KeepLast) return true;
        if (event == Event::object_start) open_objects.emplace_back();
        if (event == Event::object_end) open_objects.pop_back();
        if (event == Event::key && !open_objects.back().insert(parsed.get<std::string>()).second)
            throw Duplicate{parsed.get<std::string>()};
        return true;
    };
    try {
        return nlohmann::json::parse(text.begin(), text.end(), check);
    } catch (const TooDeep&) {
        throw Error(where,
                    what + ": nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    } catch (const Duplicate& duplicate) {
        throw Error(
            where, "key " + nlohmann::json(duplicate.key).dump() + " is given twice in one object");
    } catch (const nlohmann::json::exception& e) {
        throw Error(where, what + ": " + e.what());
    }
}

}  // namespace lightning
