#include "core/request/wildcards.h"

#include "core/request/limits.h"
#include "core/util/error.h"
#include "core/util/file_text.h"

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <optional>
#include <set>

namespace lightning {
namespace fs = std::filesystem;
namespace {

const std::string kPromptField = "prompt template";
const std::string kNegativeField = "negative template";
const std::string kBlanks = " \t\r\n\v\f";

// The template parsed: text, variants and wildcards.
struct Option;
struct Node {
    enum class Kind { Text, Variant, Wildcard };
    Kind kind = Kind::Text;
    std::string text;    // Text: the text; Wildcard: the name as written
    size_t at = 0;       // byte offset in its source
    int lo = 1, hi = 1;  // Variant: how many options (hi -1: all of them)
    std::string separator = ",";
    std::vector<Option> options;
};
using Sequence = std::vector<Node>;
struct Option {
    double weight = 1;
    Sequence body;
};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Recursive descent over bytes (every syntax character is ASCII, so UTF-8 text passes through).
class Parser {
public:
    Parser(const std::string& text, const std::string& field, std::string where)
        : t_(text), field_(field), where_(std::move(where)) {}

    Sequence parse() { return sequence(false); }

private:
    const std::string& t_;
    const std::string& field_;
    std::string where_;
    size_t i_ = 0;

    [[noreturn]] void fail(size_t at, const std::string& what) const {
        throw Error(field_, what + " at byte " + std::to_string(at) + " of " + where_);
    }
    bool at(const char* s) const {
        return t_.compare(i_, std::char_traits<char>::length(s), s) == 0;
    }
    void skip_blanks() {
        while (i_ < t_.size() && kBlanks.find(t_[i_]) != std::string::npos) ++i_;
    }

    Sequence sequence(bool in_variant) {
        Sequence out;
        auto add_char = [&](char c) {
            if (out.empty() || out.back().kind != Node::Kind::Text) out.push_back({.at = i_});
            out.back().text += c;
        };
        while (i_ < t_.size()) {
            const char c = t_[i_];
            if (in_variant && (c == '|' || c == '}')) break;
            if (at("${")) fail(i_, "variables (${...}) are not supported");
            if (c == '{') {
                out.push_back(variant());
            } else if (auto name = at("__") ? wildcard_name() : std::nullopt) {
                out.push_back({.kind = Node::Kind::Wildcard, .text = *name, .at = i_});
                i_ += name->size() + 4;
            } else {
                add_char(c);
                ++i_;
            }
        }
        return out;
    }

    // The name of a wildcard starting here, when a "__" closes one: a "__" without a name that
    // could be a file's (a blank edge, braces, '|', '$', '#', parentheses) is plain text.
    std::optional<std::string> wildcard_name() const {
        const size_t close = t_.find("__", i_ + 2);
        if (close == std::string::npos) return std::nullopt;
        std::string name = t_.substr(i_ + 2, close - i_ - 2);
        if (name.empty() || name.find_first_of("{}|$#()\n\r") != std::string::npos ||
            kBlanks.find(name.front()) != std::string::npos ||
            kBlanks.find(name.back()) != std::string::npos)
            return std::nullopt;
        return name;
    }

    Node variant() {
        Node v{.kind = Node::Kind::Variant, .at = i_};
        ++i_;  // '{'
        skip_blanks();
        if (i_ < t_.size() && t_[i_] == '~') {
            ++i_;  // random sampling: what every choice here is
        } else if (i_ < t_.size() && (t_[i_] == '!' || t_[i_] == '@')) {
            fail(i_, std::string("the sampler '") + t_[i_] +
                         "' is not supported (choices come from the seed; a manifest line's "
                         "\"combinatorial\" makes every combination)");
        }
        bounds(v);
        for (;;) {
            v.options.push_back(option());
            if (i_ >= t_.size()) fail(v.at, "unbalanced '{'");  // no '}' closes it
            if (t_[i_++] == '}') break;                         // else '|'
        }
        return v;
    }

    std::optional<int> count() {
        const size_t begin = i_;
        while (i_ < t_.size() && is_digit(t_[i_])) ++i_;
        if (i_ == begin) return std::nullopt;
        if (i_ - begin > 6) fail(begin, "a count of more than 6 digits");
        return std::stoi(t_.substr(begin, i_ - begin));
    }

    // "N$$", "N-$$", "-M$$", "N-M$$", then an optional "SEPARATOR$$"; nothing when the text
    // here is no count (an option such as "1990s").
    void bounds(Node& v) {
        const size_t start = i_;
        const auto lo = count();
        const bool dash = i_ < t_.size() && t_[i_] == '-';
        std::optional<int> hi;
        if (dash) ++i_, hi = count();
        if ((!lo && !hi) || !at("$$")) {
            i_ = start;
            return;
        }
        i_ += 2;
        v.lo = lo.value_or(1);
        v.hi = dash ? hi.value_or(-1) : v.lo;
        if (v.hi >= 0 && v.lo > v.hi)
            fail(start, "the count range " + std::to_string(v.lo) + "-" + std::to_string(v.hi) +
                            " has its lower bound above the upper");
        const size_t end = t_.find_first_of("${}", i_);
        if (end != std::string::npos && end > i_ && t_.compare(end, 2, "$$") == 0) {
            v.separator = t_.substr(i_, end - i_);
            i_ = end + 2;
        }
    }

    Option option() {
        Option o;
        skip_blanks();
        size_t j = i_;
        while (j < t_.size() && (is_digit(t_[j]) || t_[j] == '.')) ++j;
        if (j > i_ && t_.compare(j, 2, "::") == 0) {
            const std::string number = t_.substr(i_, j - i_);
            if (number == "." || std::count(number.begin(), number.end(), '.') > 1)
                fail(i_, "the weight '" + number + "' is not a number");
            o.weight = std::stod(number);
            i_ = j + 2;
        }
        o.body = sequence(true);
        trim_edges(o.body);
        return o;
    }

    static void trim_edges(Sequence& body) {
        if (!body.empty() && body.front().kind == Node::Kind::Text) {
            auto& text = body.front().text;
            text.erase(0, std::min(text.size(), text.find_first_not_of(kBlanks)));
            if (text.empty()) body.erase(body.begin());
        }
        if (!body.empty() && body.back().kind == Node::Kind::Text) {
            auto& text = body.back().text;
            const size_t last = text.find_last_not_of(kBlanks);
            text.erase(last == std::string::npos ? 0 : last + 1);
            if (text.empty()) body.pop_back();
        }
    }
};

Sequence parse_template(const std::string& text, const std::string& field,
                        const std::string& where) {
    return Parser(text, field, where).parse();
}

std::string shown(const std::string& name) {
    return "__" + name + "__";
}

std::string where_line(const WildcardFolder& folder, const std::string& name,
                       const WildcardLine& line) {
    return "line " + std::to_string(line.line) + " of " + shown(name) + " (" +
           folder.file_of(name) + ")";
}

// "a/b" from "a\b", "/a//b/" (the library's cleaning); ".." and globs refused.
std::string clean_name(const std::string& raw, const std::string& field) {
    std::string name;
    for (char c : raw) {
        if (c == '\\') c = '/';
        if (c == '/' && (name.empty() || name.back() == '/')) continue;
        name += c;
    }
    if (!name.empty() && name.back() == '/') name.pop_back();
    if (name.find("..") != std::string::npos)
        throw Error(field, "the wildcard " + shown(raw) + " may not contain '..'");
    if (name.find('*') != std::string::npos)
        throw Error(field,
                    "the wildcard " + shown(raw) + ": globbing is not supported; name one file");
    if (name.empty()) throw Error(field, "the wildcard " + shown(raw) + " names no file");
    return name;
}

// The usable lines of a wildcard file: trimmed, without blanks and '#' comments.
std::vector<WildcardLine> split_lines(const std::string& text, const std::string& path,
                                      const std::string& name) {
    std::vector<WildcardLine> lines;
    size_t begin = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;  // a byte-order mark
    for (int number = 1; begin <= text.size(); ++number) {
        size_t end = text.find('\n', begin);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(begin, end - begin);
        begin = end + 1;
        if (line.find('\0') != std::string::npos)
            throw Error(path, "line " + std::to_string(number) + " holds a NUL byte (wildcard " +
                                  shown(name) + ")");
        if (const size_t bad = limits::find_invalid_utf8(line); bad != std::string::npos)
            throw Error(path, "line " + std::to_string(number) + " is not valid UTF-8 (byte " +
                                  std::to_string(bad) + " of the line; wildcard " + shown(name) +
                                  ")");
        const size_t first = line.find_first_not_of(kBlanks);
        if (first == std::string::npos || line[first] == '#') continue;
        line = line.substr(first, line.find_last_not_of(kBlanks) - first + 1);
        lines.push_back({line, number});
    }
    if (lines.empty())
        throw Error(path, "wildcard " + shown(name) +
                              " has no options (every line is blank or a # comment)");
    return lines;
}

}  // namespace

std::string WildcardFolder::file_of(const std::string& name) const {
    return (fs::path(dir_) / (name + ".txt")).string();
}

const std::vector<WildcardLine>& WildcardFolder::lines(const std::string& raw,
                                                       const std::string& field) {
    const std::string name = clean_name(raw, field);
    if (const auto found = files_.find(name); found != files_.end()) return found->second;
    if (dir_.empty())
        throw Error(field, "unknown wildcard " + shown(raw) +
                               ": no wildcards folder is set (--wildcards DIR, or the wildcards "
                               "folder in the settings)");
    const std::string path = file_of(name);
    std::error_code error;
    if (!fs::is_regular_file(path, error))
        throw Error(field, "unknown wildcard " + shown(raw) + ": there is no file " + path);
    auto check_size = [&](uint64_t size) {
        if (size > limits::kMaxWildcardFileBytes)
            throw Error(path, "wildcard " + shown(raw) + " is " + std::to_string(size) +
                                  " bytes; at most " +
                                  std::to_string(limits::kMaxWildcardFileBytes) + " are read");
        if (bytes_read_ + size > limits::kMaxWildcardBytes)
            throw Error(field, "the wildcard files this prompt reaches hold more than " +
                                   std::to_string(limits::kMaxWildcardBytes) +
                                   " bytes in all (at " + shown(raw) + ")");
    };
    check_size(fs::file_size(path, error));
    const std::string text = read_file_text(path, "the wildcard file");
    check_size(text.size());  // it may have grown since
    bytes_read_ += text.size();
    return files_[name] = split_lines(text, path, raw);
}

namespace {

// The variant's options, or for {k$$__name__} the wildcard's lines as equal options.
std::vector<Option> lone_wildcard_options(const Node& v, WildcardFolder& folder,
                                          const std::string& field) {
    std::vector<Option> options;
    const std::string& name = v.options.front().body.front().text;
    for (const auto& line : folder.lines(name, field))
        options.push_back({1.0, parse_template(line.text, field, where_line(folder, name, line))});
    return options;
}

bool is_lone_wildcard(const Node& v) {
    return v.options.size() == 1 && v.options.front().body.size() == 1 &&
           v.options.front().body.front().kind == Node::Kind::Wildcard;
}

// The seed-independent checks: every wildcard reachable is known and readable, no cycle, at
// most kMaxWildcardDepth deep. Each wildcard is walked once (its height remembered).
class Checker {
public:
    Checker(WildcardFolder& folder, const std::string& field) : folder_(folder), field_(field) {}

    int height(const Sequence& sequence, const std::string& where) {
        int deepest = 0;
        for (const Node& node : sequence) {
            if (node.kind == Node::Kind::Wildcard)
                deepest = std::max(deepest, wildcard(node, where));
            if (node.kind != Node::Kind::Variant) continue;
            double total = 0;
            for (const Option& option : node.options) {
                total += option.weight;
                deepest = std::max(deepest, height(option.body, where));
            }
            if (total <= 0)
                throw Error(field_, "every option of the variant at byte " +
                                        std::to_string(node.at) + " of " + where + " weighs 0");
        }
        return deepest;
    }

private:
    WildcardFolder& folder_;
    const std::string& field_;
    std::vector<std::string> stack_;
    std::map<std::string, int> heights_;

    int wildcard(const Node& node, const std::string& where) {
        const std::string& name = node.text;
        auto chain = [&] {
            std::string text;
            for (const auto& n : stack_) text += shown(n) + " -> ";
            return text + shown(name);
        };
        if (std::find(stack_.begin(), stack_.end(), name) != stack_.end())
            throw Error(field_, "wildcard cycle: " + chain());
        int h = 0;
        if (const auto found = heights_.find(name); found != heights_.end()) {
            h = found->second;
        } else {
            const std::vector<WildcardLine>* lines = nullptr;
            try {
                lines = &folder_.lines(name, field_);
            } catch (const Error& e) {
                throw Error(e.where(), e.message() + " (at byte " + std::to_string(node.at) +
                                           " of " + where + ")");
            }
            stack_.push_back(name);
            for (const auto& line : *lines) {
                const std::string line_where = where_line(folder_, name, line);
                h = std::max(h, height(parse_template(line.text, field_, line_where), line_where));
            }
            stack_.pop_back();
            heights_[name] = ++h;
        }
        if (int(stack_.size()) + h > limits::kMaxWildcardDepth)
            throw Error(field_, "wildcards nested more than " +
                                    std::to_string(limits::kMaxWildcardDepth) +
                                    " deep: " + chain() + " -> ...");
        return h;
    }
};

// SplitMix64 (see wildcards.h).
class ChoiceGenerator {
public:
    explicit ChoiceGenerator(uint64_t seed) : state_(seed) {}

    uint64_t next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) {
        const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
        for (;;)
            if (const uint64_t r = next(); r >= threshold) return r % n;
    }
    double unit() { return double(next() >> 11) * 0x1.0p-53; }

private:
    uint64_t state_;
};

constexpr uint64_t kNegativeStream = 0xD1B54A32D192ED03ull;

class Resolver {
public:
    Resolver(WildcardFolder& folder, const std::string& field, uint64_t seed)
        : folder_(folder), field_(field), random_(seed) {}

    void sequence(const Sequence& sequence, std::string& out, int depth) {
        for (const Node& node : sequence) {
            if (node.kind == Node::Kind::Text) append(out, node.text);
            if (node.kind == Node::Kind::Variant) variant(node, out, depth);
            if (node.kind == Node::Kind::Wildcard) wildcard(node.text, out, depth);
        }
    }

private:
    WildcardFolder& folder_;
    const std::string& field_;
    ChoiceGenerator random_;
    int choices_ = 0;

    void append(std::string& out, const std::string& text) const {
        if (out.size() + text.size() > limits::kMaxPromptBytes)
            throw Error(field_, "resolves to more than " + std::to_string(limits::kMaxPromptBytes) +
                                    " bytes");
        out += text;
    }
    void count_choice() {
        if (++choices_ > limits::kMaxTemplateChoices)
            throw Error(field_, "makes more than " + std::to_string(limits::kMaxTemplateChoices) +
                                    " choices");
    }

    void wildcard(const std::string& name, std::string& out, int depth) {
        if (depth >= limits::kMaxWildcardDepth)
            throw Error(field_, "wildcards nested more than " +
                                    std::to_string(limits::kMaxWildcardDepth) + " deep at " +
                                    shown(name));
        const auto& lines = folder_.lines(name, field_);
        count_choice();
        const WildcardLine& line = lines[random_.below(lines.size())];
        sequence(parse_template(line.text, field_, where_line(folder_, name, line)), out,
                 depth + 1);
    }

    // One of the options left (`left`, indices into `options`), drawn by weight.
    size_t pick(const std::vector<Option>& options, std::vector<size_t>& left) {
        count_choice();
        const bool equal = std::all_of(left.begin(), left.end(), [&](size_t i) {
            return options[i].weight == options[left.front()].weight;
        });
        size_t chosen = 0;  // position in `left`
        if (equal) {
            chosen = random_.below(left.size());
        } else {
            double total = 0;
            for (size_t i : left) total += options[i].weight;
            const double r = random_.unit() * total;
            double sum = 0;
            for (chosen = 0; chosen + 1 < left.size(); ++chosen)
                if (r < (sum += options[left[chosen]].weight)) break;
        }
        const size_t index = left[chosen];
        left.erase(left.begin() + std::ptrdiff_t(chosen));
        return index;
    }

    void variant(const Node& v, std::string& out, int depth) {
        const bool lone = is_lone_wildcard(v);
        const std::vector<Option> lines =
            lone ? lone_wildcard_options(v, folder_, field_) : std::vector<Option>{};
        const std::vector<Option>& options = lone ? lines : v.options;
        const int n = int(options.size());
        const int lo = std::min(v.lo, n), hi = v.hi < 0 ? n : std::min(v.hi, n);
        const int k = lo < hi ? lo + int(random_.below(uint64_t(hi - lo) + 1)) : lo;
        std::vector<size_t> left(options.size());
        std::iota(left.begin(), left.end(), size_t(0));
        for (int c = 0; c < k; ++c) {
            if (c > 0) append(out, v.separator);
            sequence(options[pick(options, left)].body, out, depth + (lone ? 1 : 0));
        }
    }
};

// Every combination (template_combinations), each list kept within `limit`.
class Combiner {
public:
    Combiner(WildcardFolder& folder, const std::string& field, size_t limit)
        : folder_(folder), field_(field), limit_(limit) {}

    std::vector<std::string> sequence(const Sequence& sequence) {
        std::vector<std::string> texts = {""};
        for (const Node& node : sequence) texts = cross(texts, values(node), "");
        return texts;
    }

private:
    WildcardFolder& folder_;
    const std::string& field_;
    size_t limit_;

    void check(size_t count) const {
        if (count > limit_)
            throw Error(field_, "has more than " + std::to_string(limit_) + " combinations");
    }
    // Each of `a` followed by `separator` and each of `b`.
    std::vector<std::string> cross(const std::vector<std::string>& a,
                                   const std::vector<std::string>& b,
                                   const std::string& separator) const {
        if (!b.empty() && a.size() > limit_ / b.size()) check(limit_ + 1);
        std::vector<std::string> out;
        out.reserve(a.size() * b.size());
        for (const auto& first : a)
            for (const auto& second : b) {
                std::string joined = first;
                joined += separator;
                joined += second;
                out.push_back(std::move(joined));
            }
        return out;
    }

    std::vector<std::string> values(const Node& node) {
        if (node.kind == Node::Kind::Text) return {node.text};
        std::vector<std::string> out;
        if (node.kind == Node::Kind::Wildcard) {
            for (const auto& line : folder_.lines(node.text, field_))
                for (auto& text : sequence(
                         parse_template(line.text, field_, where_line(folder_, node.text, line)))) {
                    out.push_back(std::move(text));
                    check(out.size());
                }
            return out;
        }
        const std::vector<Option> options =
            is_lone_wildcard(node) ? lone_wildcard_options(node, folder_, field_) : node.options;
        std::vector<std::vector<std::string>> each;
        each.reserve(options.size());
        for (const Option& option : options) each.push_back(sequence(option.body));
        const int n = int(options.size());
        const int lo = std::min(node.lo, n), hi = node.hi < 0 ? n : std::min(node.hi, n);
        for (int k = lo; k <= hi; ++k) subsets(each, k, 0, {""}, "", node.separator, out);
        return out;
    }

    // The texts of every k-subset of the options from `from` on, in written order.
    void subsets(const std::vector<std::vector<std::string>>& each, int k, size_t from,
                 const std::vector<std::string>& prefix, const std::string& before,
                 const std::string& separator, std::vector<std::string>& out) const {
        if (k == 0) {
            out.insert(out.end(), prefix.begin(), prefix.end());
            check(out.size());
            return;
        }
        for (size_t i = from; i + size_t(k) <= each.size(); ++i)
            subsets(each, k - 1, i + 1, cross(prefix, each[i], before), separator, separator, out);
    }
};

}  // namespace

bool has_template_syntax(const std::string& text) {
    if (text.find('{') != std::string::npos) return true;
    if (text.find("__") == std::string::npos) return false;
    const Sequence parsed = parse_template(text, kPromptField, "the prompt");
    return std::any_of(parsed.begin(), parsed.end(),
                       [](const Node& n) { return n.kind == Node::Kind::Wildcard; });
}

void check_template(const std::string& text, WildcardFolder& folder, const std::string& field) {
    Checker(folder, field).height(parse_template(text, field, "the template"), "the template");
}

std::string resolve_template(const std::string& text, uint64_t seed, TemplateStream stream,
                             WildcardFolder& folder, const std::string& field) {
    const Sequence parsed = parse_template(text, field, "the template");
    Resolver resolver(folder, field,
                      stream == TemplateStream::Negative ? seed + kNegativeStream : seed);
    std::string out;
    resolver.sequence(parsed, out, 0);
    return out;
}

std::vector<std::string> template_combinations(const std::string& text, WildcardFolder& folder,
                                               size_t limit, const std::string& field) {
    check_template(text, folder, field);
    return Combiner(folder, field, limit).sequence(parse_template(text, field, "the template"));
}

void mark_prompt_templates(GenerationRequest& request) {
    if (request.prompt_template.empty() && has_template_syntax(request.prompt))
        request.prompt_template = request.prompt;
    if (!request.negative_template && request.negative_prompt &&
        has_template_syntax(*request.negative_prompt))
        request.negative_template = request.negative_prompt;
}

GenerationRequest resolved_image(const GenerationRequest& request, int index,
                                 WildcardFolder& folder) {
    GenerationRequest image = request.single_image(index);
    if (!request.prompt_template.empty())
        image.prompt = resolve_template(request.prompt_template, image.seed, TemplateStream::Prompt,
                                        folder, kPromptField);
    if (request.negative_template)
        image.negative_prompt = resolve_template(*request.negative_template, image.seed,
                                                 TemplateStream::Negative, folder, kNegativeField);
    return image;
}

std::vector<GenerationRequest> resolved_images(const GenerationRequest& request) {
    WildcardFolder folder(request.wildcards_dir);
    if (!request.prompt_template.empty())
        check_template(request.prompt_template, folder, kPromptField);
    if (request.negative_template)
        check_template(*request.negative_template, folder, kNegativeField);
    std::vector<GenerationRequest> images;
    images.reserve(size_t(std::max(request.batch, 0)));
    for (int i = 0; i < request.batch; ++i) images.push_back(resolved_image(request, i, folder));
    return images;
}

}  // namespace lightning
