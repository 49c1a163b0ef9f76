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
        throw Error(where, what + ": " + json_error_without_input(e));
    }
}

}  // namespace lightning
