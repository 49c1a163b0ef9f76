// The two weighting parsers. Compel's grammar is a pyparsing grammar; the parser below mirrors
// its elements one by one with pyparsing's semantics: ordered choice that commits to the first
// alternative that matches, greedy repetition without backtracking, and leading whitespace
// (" \t\n\r") skipped by every element except those pyparsing exempts (CharsNotIn, White,
// NotAny and the inside of Combine).
#include "core/request/prompt_syntax.h"

#include "core/request/limits.h"
#include "core/util/error.h"
#include "core/util/utf8.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <string_view>

namespace lightning {
namespace {

// A weight as given or multiplied, within the limits table's range. Clamping every factor and
// every product keeps them finite, so no inf * 0 makes a NaN either.
double clamp_weight(double weight) {
    return std::clamp(weight, -limits::kMaxPromptWeight, limits::kMaxPromptWeight);
}

std::u32string to_u32(const std::string& utf8) {
    return decode_utf8_lossy(utf8);
}

// Python's str.isspace (what re's \s and str.strip() use).
bool py_space(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 ||
           (c > 0x7F && u_isUWhiteSpace(static_cast<UChar32>(c)));
}
bool py_digit(char32_t c) {
    return c >= '0' && c <= '9';
}
// Python's re \w: alphanumerics and '_'.
bool py_word(char32_t c) {
    return c == '_' || u_isalnum(static_cast<UChar32>(c));
}

std::u32string py_strip(std::u32string_view text) {
    size_t begin = 0, end = text.size();
    while (begin < end && py_space(text[begin])) ++begin;
    while (end > begin && py_space(text[end - 1])) --end;
    return std::u32string(text.substr(begin, end - begin));
}

void replace_all(std::u32string& text, std::u32string_view from, std::u32string_view to) {
    for (size_t at = text.find(from); at != std::u32string::npos;
         at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

double to_double(std::u32string_view digits) {
    return std::strtod(to_utf8(digits).c_str(), nullptr);
}

// =============================================================================================
// Compel

// string.whitespace (free words, non-syntax words) and pyparsing's default skip set.
bool string_whitespace(char32_t c) {
    return c == ' ' || (c >= 0x09 && c <= 0x0D);
}
bool pp_white(char32_t c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool syntactic(char32_t c) {
    return std::u32string_view(U"()\",.+-=").find(c) != std::u32string_view::npos;
}
bool keyword_char(char32_t c) {
    return (c < 0x80 && std::isalnum(static_cast<int>(c))) || c == '_' || c == '-';
}

// compel's Fragment(): `\(`, `\)` and `\"` lose their backslash each time a Fragment is made.
std::u32string fragment_text(std::u32string text) {
    if (text.find(U"\\\"") != std::u32string::npos || text.find(U"\\(") != std::u32string::npos ||
        text.find(U"\\)") != std::u32string::npos) {
        replace_all(text, U"\\(", U"(");
        replace_all(text, U"\\)", U")");
        replace_all(text, U"\\\"", U"\"");
    }
    return text;
}

// str.expandtabs(): pyparsing's parse_string applies it to its input.
std::u32string expand_tabs(std::u32string_view text) {
    std::u32string out;
    size_t column = 0;
    for (char32_t c : text) {
        if (c == '\t') {
            const size_t spaces = 8 - column % 8;
            out.append(spaces, U' ');
            column += spaces;
        } else {
            out.push_back(c);
            column = (c == '\n' || c == '\r') ? 0 : column + 1;
        }
    }
    return out;
}

struct Node {
    enum class Kind { Fragment, Attention, Lora, Swap } kind = Kind::Fragment;
    std::u32string text;
    double weight = 1.0;
    std::vector<Node> children;
};
using Nodes = std::vector<Node>;

Node fragment(std::u32string text) {
    return {Node::Kind::Fragment, fragment_text(std::move(text)), 1.0, {}};
}

struct Part {
    Nodes nodes;
    bool blend = false;
};
struct Conjunction {
    std::vector<Part> parts;
    std::vector<double> weights;  // as given; empty = all 1
    bool explicit_and = false;
};

class CompelParser {
public:
    explicit CompelParser(std::u32string text) : s_(std::move(text)) {}

    std::optional<Conjunction> conjunction() {
        size_t pos = 0;
        if (auto c = explicit_conjunction(pos)) return c;  // text after `.and()` is ignored
        pos = 0;
        return implicit_conjunction(pos);
    }

    // (expression + StringEnd).parse_string(text) for the grammar inside quotes.
    static std::optional<Nodes> parse_whole(const std::u32string& text, bool prompt_grammar) {
        CompelParser sub(expand_tabs(text));
        size_t pos = 0;
        Nodes out;
        if (prompt_grammar)
            sub.prompt(pos, out);
        else
            sub.fragments(pos, out, /*commas=*/true);
        if (sub.skip(pos) != sub.s_.size()) return std::nullopt;
        return out;
    }

private:
    const std::u32string s_;
    // A parenthesized group is tried up to three times at one position (as an explicit
    // `.attend` target, as a weighted group, as a plain group); its parse depends only on the
    // position, so it is kept: without this, nested groups cost 3^depth (fuzz_prompt_syntax).
    struct GroupParse {
        size_t end;
        Nodes nodes;
    };
    mutable std::map<size_t, std::optional<GroupParse>> groups_;

    size_t skip(size_t pos) const {
        while (pos < s_.size() && pp_white(s_[pos])) ++pos;
        return pos;
    }
    bool at(size_t pos, std::u32string_view lit) const {
        return s_.compare(pos, lit.size(), lit) == 0;
    }
    bool literal(size_t& pos, std::u32string_view lit) const {
        const size_t p = skip(pos);
        if (!at(p, lit)) return false;
        pos = p + lit.size();
        return true;
    }
    size_t run(size_t pos, const std::function<bool(char32_t)>& pred) const {
        size_t end = pos;
        while (end < s_.size() && pred(s_[end])) ++end;
        return end;
    }
    // Word('+') / Word('-'): the number of repeated characters.
    std::optional<size_t> repeated(size_t& pos, char32_t c) const {
        const size_t p = skip(pos);
        const size_t end = run(p, [c](char32_t x) { return x == c; });
        if (end == p) return std::nullopt;
        pos = end;
        return end - p;
    }
    // pyparsing_common.real | Combine(Optional("-") + Word(nums)), always a float.
    std::optional<double> number(size_t& pos) const {
        const size_t p = skip(pos);
        size_t q = p;
        if (q < s_.size() && (s_[q] == '+' || s_[q] == '-')) ++q;
        const size_t int_end = run(q, py_digit);
        if (int_end > q && int_end < s_.size() && s_[int_end] == '.') {
            pos = run(int_end + 1, py_digit);
            return to_double(std::u32string_view(s_).substr(p, pos - p));
        }
        if (int_end == q && q < s_.size() && s_[q] == '.') {
            const size_t frac_end = run(q + 1, py_digit);
            if (frac_end > q + 1) {
                pos = frac_end;
                return to_double(std::u32string_view(s_).substr(p, pos - p));
            }
        }
        q = p;
        if (q < s_.size() && s_[q] == '-') ++q;
        const size_t digits_end = run(q, py_digit);
        if (digits_end == q) return std::nullopt;
        pos = digits_end;
        return to_double(std::u32string_view(s_).substr(p, pos - p));
    }
    // Word('+') -> 1.1^n | Word('-') -> 0.9^n | number.
    std::optional<double> weight_operator(size_t& pos, bool numbers) const {
        if (auto n = repeated(pos, '+')) return clamp_weight(std::pow(1.1, double(*n)));
        if (auto n = repeated(pos, '-')) return clamp_weight(std::pow(0.9, double(*n)));
        if (numbers)
            if (auto w = number(pos)) return clamp_weight(*w);
        return std::nullopt;
    }
    std::optional<std::u32string> keyword(size_t& pos) const {
        const size_t p = skip(pos);
        const size_t end = run(p, keyword_char);
        if (end == p) return std::nullopt;
        pos = end;
        return s_.substr(p, end - p);
    }

    // Combine(OneOrMore(escaped symbol | [-+] not before white/syntax/end | -?digits | other))
    std::optional<std::u32string> non_syntax_word(size_t& pos) const {
        const size_t start = skip(pos);
        size_t p = start;
        const size_t n = s_.size();
        while (p < n) {
            const char32_t c = s_[p];
            if (c == '\\' && p + 1 < n && syntactic(s_[p + 1])) {
                p += 2;
            } else if ((c == '-' || c == '+') &&
                       !(p + 1 == n || pp_white(s_[p + 1]) || syntactic(s_[p + 1]))) {
                p += 1;
            } else if (c == '-' && p + 1 < n && py_digit(s_[p + 1])) {
                p = run(p + 1, py_digit);
            } else if (py_digit(c)) {
                p = run(p, py_digit);
            } else if (!string_whitespace(c) && !syntactic(c)) {
                p += 1;
            } else {
                break;
            }
        }
        if (p == start) return std::nullopt;
        pos = p;
        return s_.substr(start, p - start);
    }

    // QuotedString('"', esc_quote='\\"'): the content, unquoted as pyparsing does.
    std::optional<std::u32string> quoted(size_t& pos) const {
        const size_t p = skip(pos);
        if (p >= s_.size() || s_[p] != '"') return std::nullopt;
        // "(?:\\"|[^"\n\r])*" with backtracking: if no unescaped closing quote is reached, the
        // last `\"` taken as an escape is retaken as a backslash and the closing quote.
        size_t i = p + 1, last_escape = std::u32string::npos, end = std::u32string::npos;
        while (i < s_.size()) {
            if (s_[i] == '\\' && i + 1 < s_.size() && s_[i + 1] == '"') {
                last_escape = i;
                i += 2;
            } else if (s_[i] == '"') {
                end = i;
                break;
            } else if (s_[i] == '\n' || s_[i] == '\r') {
                break;
            } else {
                ++i;
            }
        }
        if (end == std::u32string::npos) {
            if (last_escape == std::u32string::npos) return std::nullopt;
            end = last_escape + 1;
        }
        pos = end + 1;
        return unquote(s_.substr(p + 1, end - p - 1));
    }
    static std::u32string unquote(std::u32string_view raw) {
        std::u32string out;
        auto hex = [](char32_t c) { return std::isxdigit(static_cast<int>(c < 0x80 ? c : 0)); };
        for (size_t i = 0; i < raw.size();) {
            if (raw[i] == '\\' && i + 1 < raw.size()) {
                const char32_t e = raw[i + 1];
                const char32_t ws = e == 't'   ? U'\t'
                                    : e == 'n' ? U'\n'
                                    : e == 'f' ? U'\f'
                                    : e == 'r' ? U'\r'
                                               : 0;
                if (ws) {
                    out.push_back(ws);
                    i += 2;
                    continue;
                }
                auto digits = [&](size_t from, size_t count, auto pred) {
                    if (from + count > raw.size()) return false;
                    for (size_t k = 0; k < count; ++k)
                        if (!pred(raw[from + k])) return false;
                    return true;
                };
                auto octal = [](char32_t c) { return c >= '0' && c <= '7'; };
                auto value = [&](size_t from, size_t count, int base) {
                    return char32_t(std::stoul(to_utf8(raw.substr(from, count)), nullptr, base));
                };
                if (digits(i + 1, 3, octal)) {
                    out.push_back(value(i + 1, 3, 8));
                    i += 4;
                    continue;
                }
                if (e == '0') {
                    out.push_back(0);
                    i += 2;
                    continue;
                }
                if (e == 'x' && digits(i + 2, 2, hex)) {
                    out.push_back(value(i + 2, 2, 16));
                    i += 4;
                    continue;
                }
                if (e == 'u' && digits(i + 2, 4, hex)) {
                    out.push_back(value(i + 2, 4, 16));
                    i += 6;
                    continue;
                }
            }
            out.push_back(raw[i]);
            ++i;
        }
        replace_all(out, U"\\\"", U"\"");
        return out;
    }
    // The quoted text parsed again (parse_fragment_str, in_quotes=True).
    bool quoted_inner(size_t& pos, Nodes& out, bool prompt_grammar) const {
        size_t p = pos;
        auto content = quoted(p);
        if (!content) return false;
        if (py_strip(*content).empty()) {
            out.push_back(fragment({}));
        } else {
            replace_all(*content, U"\"", U"\\\"");
            auto nodes = parse_whole(*content, prompt_grammar);
            if (!nodes) return false;
            out.insert(out.end(), nodes->begin(), nodes->end());
        }
        pos = p;
        return true;
    }
    bool quoted_fragment(size_t& pos, Nodes& out) const { return quoted_inner(pos, out, false); }
    bool quoted_prompt(size_t& pos, Nodes& out) const { return quoted_inner(pos, out, true); }

    bool parenthesized(size_t& pos, Nodes& out) const {
        auto known = groups_.find(pos);
        if (known == groups_.end()) known = groups_.emplace(pos, parse_group(pos)).first;
        if (!known->second) return false;
        out.insert(out.end(), known->second->nodes.begin(), known->second->nodes.end());
        pos = known->second->end;
        return true;
    }
    std::optional<GroupParse> parse_group(size_t pos) const {
        size_t p = pos;
        Nodes inner;
        if (!literal(p, U"(")) return std::nullopt;
        fragments(p, inner, /*commas=*/true);
        if (!literal(p, U")")) return std::nullopt;
        return GroupParse{p, std::move(inner)};
    }
    bool word_fragment(size_t& pos, Nodes& out) const {
        auto word = non_syntax_word(pos);
        if (!word) return false;
        out.push_back(fragment(*word));
        return true;
    }
    bool potential_target(size_t& pos, Nodes& out) const {
        return quoted_fragment(pos, out) || parenthesized(pos, out) || word_fragment(pos, out);
    }

    bool attention(size_t& pos, Nodes& out) const {
        Node node{Node::Kind::Attention, {}, 1.0, {}};
        size_t p = pos;  // explicit: target.attend(weight)
        if (potential_target(p, node.children) && literal(p, U".attend") && literal(p, U"(")) {
            if (auto w = weight_operator(p, true); w && literal(p, U")")) {
                node.weight = *w;
                out.push_back(std::move(node));
                pos = p;
                return true;
            }
        }
        // implicit: ("quoted" | (parenthesized)) then +/-/number, or word then +/-, no space
        for (const bool grouped : {true, false}) {
            node.children.clear();
            p = pos;
            const bool target =
                grouped ? (quoted_fragment(p, node.children) || parenthesized(p, node.children))
                        : word_fragment(p, node.children);
            if (!target || (p < s_.size() && pp_white(s_[p]))) continue;
            if (auto w = weight_operator(p, grouped)) {
                node.weight = *w;
                out.push_back(std::move(node));
                pos = p;
                return true;
            }
        }
        return false;
    }

    // Dict(Optional(DelimitedList(option))): the first token of each option (a number as text,
    // or a keyword), which is all `.and()` reads.
    std::vector<std::u32string> options(size_t& pos) const {
        std::vector<std::u32string> result;
        auto option = [&](size_t& p) -> std::optional<std::u32string> {
            size_t q = p;
            if (auto key = keyword(q); key && literal(q, U"=")) {
                size_t r = q;
                if (number(r) || keyword(r)) {
                    p = r;
                    return key;
                }
            }
            q = p;
            if (auto value = number(q)) {
                p = q;
                char buffer[64];
                std::snprintf(buffer, sizeof buffer, "%.17g", *value);
                return to_u32(buffer);
            }
            q = p;
            if (auto key = keyword(q)) {
                p = q;
                return key;
            }
            return std::nullopt;
        };
        size_t p = pos;
        if (auto first = option(p)) {
            result.push_back(*first);
            pos = p;
            for (;;) {
                size_t q = pos;
                if (!literal(q, U",")) break;
                auto next = option(q);
                if (!next) break;
                result.push_back(*next);
                pos = q;
            }
        }
        return result;
    }

    bool swap(size_t& pos, Nodes& out) const {
        size_t p = pos;
        Nodes target, replacement;
        if (!potential_target(p, target) || !literal(p, U".swap") || !literal(p, U"("))
            return false;
        fragments(p, replacement, /*commas=*/false);
        size_t q = p;
        if (literal(q, U",")) {
            options(q);
            p = q;
        }
        if (!literal(p, U")")) return false;
        out.push_back({Node::Kind::Swap, {}, 1.0, {}});
        pos = p;
        return true;
    }

    bool lora(size_t& pos, Nodes& out) const {
        size_t p = pos;
        if (!(literal(p, U"useLora") || literal(p, U"withLora")) || !literal(p, U"(")) return false;
        if (!keyword(p)) return false;
        size_t q = p;
        if (literal(q, U",") && number(q)) p = q;
        if (!literal(p, U")")) return false;
        out.push_back({Node::Kind::Lora, {}, 1.0, {}});
        pos = p;
        return true;
    }

    // ZeroOrMore(lora | attention | swap | (...) | "..." | word [| ',' | '.'])
    void fragments(size_t& pos, Nodes& out, bool commas) const {
        for (;;) {
            if (lora(pos, out) || attention(pos, out) || swap(pos, out) ||
                parenthesized(pos, out) || quoted_fragment(pos, out) || word_fragment(pos, out))
                continue;
            size_t p = pos;
            if (commas && (literal(p, U",") || literal(p, U"."))) {
                out.push_back(fragment(s_.substr(p - 1, 1)));
                pos = p;
                continue;
            }
            return;
        }
    }

    // ZeroOrMore(swap | lora | attention | "..." | (...) | free word | whitespace)
    void prompt(size_t& pos, Nodes& out) const {
        for (;;) {
            if (swap(pos, out) || lora(pos, out) || attention(pos, out) ||
                quoted_fragment(pos, out) || parenthesized(pos, out))
                continue;
            const size_t word_end = run(pos, [](char32_t c) { return !string_whitespace(c); });
            if (word_end > pos) {
                out.push_back(fragment(s_.substr(pos, word_end - pos)));
                pos = word_end;
                continue;
            }
            const size_t white_end = run(pos, pp_white);
            if (white_end > pos) {
                pos = white_end;
                continue;
            }
            return;
        }
    }

    // "(" target, target, ... ")" — the targets of .and()/.blend()
    std::optional<std::vector<Part>> target_list(size_t& pos) const {
        size_t p = pos;
        if (!literal(p, U"(")) return std::nullopt;
        std::vector<Part> parts;
        auto item = [&](size_t& q) {
            Part part;
            if (!potential_target(q, part.nodes) && !quoted_prompt(q, part.nodes)) return false;
            parts.push_back(std::move(part));
            return true;
        };
        if (!item(p)) return std::nullopt;
        for (;;) {
            size_t q = p;
            if (!literal(q, U",") || !item(q)) break;
            p = q;
        }
        if (!literal(p, U")")) return std::nullopt;
        pos = p;
        return parts;
    }

    std::optional<Conjunction> explicit_conjunction(size_t& pos) const {
        size_t p = pos;
        auto parts = target_list(p);
        if (!parts || !(literal(p, U".and") || literal(p, U".add")) || !literal(p, U"("))
            return std::nullopt;
        const auto weights = options(p);
        if (!literal(p, U")")) return std::nullopt;
        Conjunction c;
        c.parts = std::move(*parts);
        c.explicit_and = true;
        for (const auto& w : weights) {
            char* end = nullptr;
            const std::string text = to_utf8(w);
            const double value = std::strtod(text.c_str(), &end);
            if (end != text.c_str() + text.size())
                throw Error("prompt", "compel syntax: .and() option '" + text +
                                          "' is not a weight (compel 2.4.0 fails on it)");
            c.weights.push_back(value);
        }
        pos = p;
        return c;
    }

    std::optional<Conjunction> implicit_conjunction(size_t& pos) const {
        size_t p = pos;
        Nodes loras;
        while (lora(p, loras)) {
        }
        Conjunction c;
        size_t q = p;
        auto blend_parts = target_list(q);
        if (blend_parts && literal(q, U".blend") && literal(q, U"(")) {
            options(q);
            if (literal(q, U")")) {
                c.parts.push_back({{}, /*blend=*/true});
                p = q;
            }
        }
        if (c.parts.empty()) {
            Part part;
            prompt(p, part.nodes);
            c.parts.push_back(std::move(part));
        }
        while (lora(p, loras)) {
        }
        if (skip(p) != s_.size()) return std::nullopt;
        pos = p;
        return c;
    }
};

// flatten(): weights multiply down the tree; fragments of equal weight fuse with one space.
void flatten(const Nodes& nodes, double scale, std::vector<WeightedText>& out,
             std::vector<std::u32string>& texts) {
    for (const auto& node : nodes) {
        switch (node.kind) {
            case Node::Kind::Fragment:
                texts.push_back(fragment_text(node.text));
                out.push_back({{}, clamp_weight(node.weight * scale)});
                break;
            case Node::Kind::Attention:
                flatten(node.children, clamp_weight(scale * node.weight), out, texts);
                break;
            case Node::Kind::Lora:
                break;
            case Node::Kind::Swap:
                throw Error("prompt",
                            "compel syntax: .swap() is not supported (compel 2.4.0 "
                            "cannot encode it)");
        }
    }
}

std::vector<WeightedText> fuse(const Nodes& nodes) {
    std::vector<WeightedText> flat;
    std::vector<std::u32string> texts;
    flatten(nodes, 1.0, flat, texts);
    std::vector<WeightedText> fused;
    std::vector<std::u32string> fused_texts;
    for (size_t i = 0; i < flat.size(); ++i) {
        if (!fused.empty() && fused.back().weight == flat[i].weight) {
            fused_texts.back() = fragment_text(fused_texts.back() + U" " + texts[i]);
        } else {
            fused.push_back(flat[i]);
            fused_texts.push_back(texts[i]);
        }
    }
    for (size_t i = 0; i < fused.size(); ++i) fused[i].text = to_utf8(fused_texts[i]);
    return fused;
}

// re.sub(r',(\S)', r', \1', prompt)
std::u32string space_after_commas(const std::u32string& text) {
    std::u32string out;
    for (size_t i = 0; i < text.size(); ++i) {
        out.push_back(text[i]);
        if (text[i] == ',' && i + 1 < text.size() && !py_space(text[i + 1])) {
            out.push_back(' ');
            out.push_back(text[++i]);
        }
    }
    return out;
}

// =============================================================================================
// A1111

// re_break = \s*\bBREAK\b\s* ; re.split
std::vector<std::u32string> split_breaks(const std::u32string& text) {
    std::vector<std::u32string> parts;
    size_t piece_start = 0, search = 0;
    for (;;) {
        size_t at = text.find(U"BREAK", search);
        while (at != std::u32string::npos && ((at > 0 && py_word(text[at - 1])) ||
                                              (at + 5 < text.size() && py_word(text[at + 5]))))
            at = text.find(U"BREAK", at + 1);
        if (at == std::u32string::npos) break;
        size_t begin = at;
        while (begin > piece_start && py_space(text[begin - 1])) --begin;
        size_t end = at + 5;
        while (end < text.size() && py_space(text[end])) ++end;
        parts.push_back(text.substr(piece_start, begin - piece_start));
        piece_start = search = end;
    }
    parts.push_back(text.substr(piece_start));
    return parts;
}

}  // namespace

CompelPrompt parse_compel_prompt(const std::string& prompt) {
    const std::u32string text = space_after_commas(to_u32(prompt));
    CompelPrompt result;
    if (py_strip(text).empty()) {
        result.parts.push_back({{"", 1.0}});
        return result;
    }
    auto conjunction = CompelParser(expand_tabs(text)).conjunction();
    if (!conjunction)
        throw Error("prompt", "compel syntax: cannot parse the prompt (compel 2.4.0 rejects it)");
    auto& c = *conjunction;
    if (!c.weights.empty() && c.weights.size() != c.parts.size())
        throw Error("prompt", "compel syntax: .and() has " + std::to_string(c.parts.size()) +
                                  " parts but " + std::to_string(c.weights.size()) + " weights");
    for (size_t i = 0; i < c.parts.size(); ++i) {
        if (c.parts[i].blend)
            throw Error("prompt",
                        "compel syntax: .blend() is not supported (compel 2.4.0 "
                        "cannot encode it)");
        auto fragments = fuse(c.parts[i].nodes);
        if (fragments.empty()) continue;  // a part of only withLora(...) terms
        if (!c.weights.empty() && c.weights[i] != 1.0)
            throw Error("prompt",
                        "compel syntax: weighted .and() is not supported (compel "
                        "2.4.0 cannot encode it)");
        result.parts.push_back(std::move(fragments));
    }
    if (result.parts.empty())
        throw Error("prompt", "compel syntax: the prompt has no text to encode");
    return result;
}

namespace {

// A1111's parse_prompt_attention over one prompt: weights multiply over the entries since the
// bracket that opened them.
class A1111Parser {
public:
    explicit A1111Parser(std::u32string text) : text_(std::move(text)) {}

    std::vector<WeightedText> parse() {
        for (size_t i = 0; i < text_.size();) i = step(i);
        for (size_t pos : round_) multiply_range(pos, 1.1);
        for (size_t pos : square_) multiply_range(pos, 1 / 1.1);
        if (entries_.empty()) entries_.push_back({U"", 1.0});
        merge_equal_weights();
        std::vector<WeightedText> out;
        for (auto& e : entries_) out.push_back({to_utf8(e.text), e.weight});
        return out;
    }

private:
    struct Entry {
        std::u32string text;
        double weight;
    };

    // Reads the token at i; returns where the next one starts.
    size_t step(size_t i) {
        const char32_t c = text_[i];
        if (c == '\\') return escaped(i);
        if (c == '(' || c == '[') {
            (c == '(' ? round_ : square_).push_back(entries_.size());
            return i + 1;
        }
        if (c == ':') return weight(i);
        if (c == ')' || c == ']') {
            auto& stack = c == ')' ? round_ : square_;
            if (!stack.empty()) {
                const size_t start = stack.back();
                stack.pop_back();
                multiply_range(start, c == ')' ? 1.1 : 1 / 1.1);
            } else {
                plain(std::u32string(1, c));
            }
            return i + 1;
        }
        size_t end = i;
        while (end < text_.size() &&
               std::u32string_view(U"\\()[]:").find(text_[end]) == std::u32string_view::npos)
            ++end;
        plain(text_.substr(i, end - i));
        return end;
    }

    // \( \) \[ \] \\ and a lone backslash: the next character, literally.
    size_t escaped(size_t i) {
        const bool pair = i + 1 < text_.size() && std::u32string_view(U"()[]\\").find(
                                                      text_[i + 1]) != std::u32string_view::npos;
        entries_.push_back({pair ? text_.substr(i + 1, 1) : U"", 1.0});
        return i + (pair ? 2 : 1);
    }

    // :\s*([+-]?[.\d]+)\s*\) closes the innermost '(' with that weight.
    size_t weight(size_t i) {
        const size_t n = text_.size();
        size_t p = i + 1;
        while (p < n && py_space(text_[p])) ++p;
        const size_t number_start = p;
        if (p < n && (text_[p] == '+' || text_[p] == '-')) ++p;
        const size_t digits_start = p;
        while (p < n && (text_[p] == '.' || py_digit(text_[p]))) ++p;
        const size_t number_end = p;
        while (p < n && py_space(text_[p])) ++p;
        if (number_end <= digits_start || p >= n || text_[p] != ')') {
            plain(U":");
            return i + 1;
        }
        if (round_.empty()) {
            plain(text_.substr(i, p + 1 - i));
            return p + 1;
        }
        const std::string number = to_utf8(text_.substr(number_start, number_end - number_start));
        char* end = nullptr;
        const double value = std::strtod(number.c_str(), &end);
        if (end != number.c_str() + number.size() || number == "+" || number == "-")
            throw Error("prompt",
                        "a1111 syntax: '" + number + "' is not a number (A1111 fails on it)");
        const size_t start = round_.back();
        round_.pop_back();
        multiply_range(start, value);
        return p + 1;
    }

    void multiply_range(size_t start, double multiplier) {
        multiplier = clamp_weight(multiplier);
        for (size_t p = start; p < entries_.size(); ++p)
            entries_[p].weight = clamp_weight(entries_[p].weight * multiplier);
    }

    void plain(const std::u32string& piece) {
        const auto parts = split_breaks(piece);
        for (size_t i = 0; i < parts.size(); ++i) {
            if (i > 0) entries_.push_back({U"BREAK", kA1111BreakWeight});
            entries_.push_back({parts[i], 1.0});
        }
    }

    // Neighbours of equal weight become one entry.
    void merge_equal_weights() {
        for (size_t i = 0; i + 1 < entries_.size();) {
            if (entries_[i].weight == entries_[i + 1].weight) {
                entries_[i].text += entries_[i + 1].text;
                entries_.erase(entries_.begin() + long(i) + 1);
            } else {
                ++i;
            }
        }
    }

    const std::u32string text_;
    std::vector<Entry> entries_;
    std::vector<size_t> round_, square_;  // entries_.size() at each open bracket
};

}  // namespace

std::vector<WeightedText> parse_a1111_prompt(const std::string& prompt) {
    return A1111Parser(to_u32(prompt)).parse();
}

}  // namespace lightning
