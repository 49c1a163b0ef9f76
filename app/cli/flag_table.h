// A command's flags as one table: each row names its flag(s) and value, says what it is for and
// applies it, so the help text, the parsing and which flags take a value come from one place
// (as stable-diffusion.cpp declares flag, help and field together).
#pragma once
#include "app/cli/args.h"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace lightning::cli {

// A flag and the name of its value in the help; a switch has no value ("").
struct FlagName {
    std::string flag;
    std::string value;
};

template <typename Target>
struct Flag {
    std::vector<FlagName> names;  // one help row: "--width W, --height H"
    std::string help;             // lines; the first one follows the names
    // One occurrence: `flag` is the name given, `value` its value ("" for a switch).
    std::function<void(Target&, const std::string& flag, const std::string& value)> set;
    bool repeatable = false;     // --lora, --embedding: each occurrence adds one
    bool generate_only = false;  // batch does not take it (batch's own --out, --device, ...)
};

template <typename Target>
struct FlagSection {
    std::string title;  // "Model:"; "" = none
    std::vector<Flag<Target>> flags;
    bool names_only = false;  // the help lists only the names (explained elsewhere)
};

template <typename Target>
using FlagTable = std::vector<FlagSection<Target>>;

// A flag as given on the command line, with the row that applies it.
template <typename Target>
struct GivenFlag {
    const Flag<Target>* row = nullptr;
    std::string flag;
    std::string value;
};

// The row of `flag`, or null; `takes_value` says whether that name has a value.
template <typename Target>
const Flag<Target>* find_flag(const FlagTable<Target>& table, const std::string& flag,
                              bool* takes_value) {
    for (const auto& section : table)
        for (const auto& row : section.flags)
            for (const auto& name : row.names)
                if (name.flag == flag) {
                    *takes_value = !name.value.empty();
                    return &row;
                }
    return nullptr;
}

// --name VALUE or --name=VALUE, in order. With `refuse_repeats`, a flag that is not repeatable
// may be given once. Throws UsageError naming the argument.
template <typename Target>
std::vector<GivenFlag<Target>> read_flags(const FlagTable<Target>& table,
                                          const std::vector<std::string>& args,
                                          bool refuse_repeats) {
    std::vector<GivenFlag<Target>> given;
    std::set<std::string> seen;
    for (size_t i = 0; i < args.size();) {
        std::string flag = args[i++];
        if (flag.rfind("--", 0) != 0)
            throw UsageError("unexpected argument '" + flag + "' (options start with --)");
        std::optional<std::string> inline_value;
        if (const auto eq = flag.find('='); eq != std::string::npos) {
            inline_value = flag.substr(eq + 1);
            flag = flag.substr(0, eq);
        }
        bool takes_value = false;
        const auto* row = find_flag(table, flag, &takes_value);
        if (!row) throw UsageError("unknown option '" + flag + "'");
        if (!takes_value && inline_value) throw UsageError(flag + " takes no value");
        if (takes_value && !inline_value && i == args.size())
            throw UsageError(flag + " needs a value");
        std::string value = !takes_value ? "" : inline_value ? *inline_value : args[i++];
        if (refuse_repeats && !row->repeatable && !seen.insert(flag).second)
            throw UsageError(flag + " given more than once");
        given.push_back({row, flag, std::move(value)});
    }
    return given;
}

template <typename Target>
void apply_flags(const std::vector<GivenFlag<Target>>& given, Target& target) {
    for (const auto& g : given) g.row->set(target, g.flag, g.value);
}

// "  --model, --config, ...": a section's flag names, wrapped.
template <typename Target>
std::string flag_name_list(const FlagSection<Target>& section) {
    constexpr size_t kWidth = 90;
    std::vector<std::string> names;
    for (const auto& row : section.flags)
        for (const auto& name : row.names) names.push_back(name.flag);
    std::string out, line;
    for (size_t i = 0; i < names.size(); ++i) {
        const std::string item = names[i] + (i + 1 < names.size() ? "," : "");
        if (!line.empty() && line.size() + 1 + item.size() > kWidth) {
            out += line + '\n';
            line.clear();
        }
        line += (line.empty() ? "  " : " ") + item;
    }
    return out + line + '\n';
}

// "  --width W, --height H image size ..."; names too long for the column get a line of their
// own, and later help lines are indented to the column.
template <typename Target>
std::string flag_rows(const FlagSection<Target>& section) {
    constexpr size_t kColumn = 24;
    std::string out;
    for (const auto& row : section.flags) {
        std::string names;
        for (const auto& name : row.names)
            names += (names.empty() ? "" : ", ") + name.flag +
                     (name.value.empty() ? "" : " " + name.value);
        out += "  " + names;
        out += names.size() + 3 <= kColumn ? std::string(kColumn - 2 - names.size(), ' ')
                                           : "\n" + std::string(kColumn, ' ');
        for (const char c : row.help)
            out += c == '\n' ? "\n" + std::string(kColumn, ' ') : std::string(1, c);
        out += '\n';
    }
    return out;
}

// The table's part of a command's help: its sections, a blank line apart.
template <typename Target>
std::string flag_help(const FlagTable<Target>& table) {
    std::string out;
    for (const auto& section : table) {
        if (!out.empty()) out += '\n';
        if (!section.title.empty()) out += section.title + '\n';
        out += section.names_only ? flag_name_list(section) : flag_rows(section);
    }
    return out;
}

// A table's rows for another target: `part` gives the part of Outer the rows write into.
template <typename Outer, typename Inner, typename Part>
Flag<Outer> lifted(const Flag<Inner>& row, Part part) {
    Flag<Outer> out{row.names, row.help, nullptr, row.repeatable, row.generate_only};
    out.set = [set = row.set, part](Outer& outer, const std::string& flag,
                                    const std::string& value) { set(part(outer), flag, value); };
    return out;
}

}  // namespace lightning::cli
