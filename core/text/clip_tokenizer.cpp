// CLIP BPE tokenizer; see clip_tokenizer.h for the exact pipeline it reproduces.
#include "core/text/clip_tokenizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <queue>
#include <shared_mutex>
#include <sstream>
#include <unordered_map>

#include "core/text/tokenizer_json.h"
#include "core/util/error.h"
#include "core/util/file_text.h"
#include "core/util/utf8.h"

namespace lightning {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr std::string_view kEndOfWord = "</w>";
// Pieces longer than this (in bytes) are not cached, so pasting a huge blob cannot grow the cache
// without bound (the reference does the same).
constexpr size_t kMaxCachedPieceBytes = 256;
// When the cache reaches this many pieces it starts over: a long-running UI sees many prompts.
constexpr size_t kCacheCapacity = 32768;

// ---------------------------------------------------------------------------------------------
// Unicode classes, as the reference's regexes (Oniguruma) see them: `\s` is the White_Space
// property (so NBSP and U+3000 separate words, U+200B and U+FEFF do not), \p{L} and \p{N} are
// general categories L* and N* (combining marks are neither).

enum class CharClass : uint8_t { Space, Letter, Number, Other };

CharClass classify(char32_t c) {
    if (c < 0x80) {
        if (c == ' ' || (c >= '\t' && c <= '\r')) return CharClass::Space;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return CharClass::Letter;
        if (c >= '0' && c <= '9') return CharClass::Number;
        return CharClass::Other;
    }
    const auto cp = static_cast<UChar32>(c);
    if (u_isUWhiteSpace(cp)) return CharClass::Space;
    const uint32_t category = U_GET_GC_MASK(cp);
    if (category & U_GC_L_MASK) return CharClass::Letter;
    if (category & U_GC_N_MASK) return CharClass::Number;
    return CharClass::Other;
}

// Full lowercase mapping of one code point on its own (root locale). Per code point, like the
// reference's normalizer: no Final_Sigma context, so 'Σ' -> 'σ'; 'İ' -> "i\u0307".
void append_lowercase(std::u32string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        return;
    }
    UChar src[2];
    int32_t src_len = 0;
    U16_APPEND_UNSAFE(src, src_len, static_cast<UChar32>(c));  // c is a valid scalar value
    UChar dest[8];
    UErrorCode status = U_ZERO_ERROR;
    const int32_t len = u_strToLower(dest, 8, src, src_len, "", &status);
    if (U_FAILURE(status) || len > 8) {  // cannot happen (max 3 code points); keep the char
        out.push_back(c);
        return;
    }
    for (int32_t i = 0; i < len;) {
        UChar32 mapped;
        U16_NEXT(dest, i, len, mapped);
        out.push_back(static_cast<char32_t>(mapped));
    }
}

const icu::Normalizer2& nfc_normalizer() {
    static const icu::Normalizer2* instance = [] {
        UErrorCode status = U_ZERO_ERROR;
        const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
        if (U_FAILURE(status) || !nfc)
            throw Error("ICU", std::string("NFC normalizer unavailable: ") + u_errorName(status));
        return nfc;
    }();
    return *instance;
}

std::u32string to_nfc(std::u32string_view text) {
    // Below U+0300 nothing decomposes or combines, so such text is already NFC (ICU's own
    // quick-check threshold); this keeps plain-ASCII prompts off the ICU path.
    if (std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x300; }))
        return std::u32string(text);
    icu::UnicodeString utf16 = icu::UnicodeString::fromUTF32(
        reinterpret_cast<const UChar32*>(text.data()), static_cast<int32_t>(text.size()));
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString composed = nfc_normalizer().normalize(utf16, status);
    if (U_FAILURE(status))
        throw Error("ICU", std::string("NFC normalization failed: ") + u_errorName(status));
    std::u32string out(static_cast<size_t>(composed.length()), U'\0');
    status = U_ZERO_ERROR;
    const int32_t len = composed.toUTF32(reinterpret_cast<UChar32*>(out.data()),
                                         static_cast<int32_t>(out.size()), status);
    if (U_FAILURE(status))
        throw Error("ICU", std::string("UTF-32 conversion failed: ") + u_errorName(status));
    out.resize(static_cast<size_t>(len));
    return out;
}

// The reference normalizer: NFC, whitespace runs -> ' ', lowercase.
std::u32string normalize(std::u32string_view text) {
    const std::u32string composed = to_nfc(text);
    std::u32string out;
    out.reserve(composed.size());
    bool in_space = false;
    for (char32_t c : composed) {
        if (classify(c) == CharClass::Space) {
            if (!in_space) out.push_back(U' ');
            in_space = true;
            continue;
        }
        in_space = false;
        append_lowercase(out, c);
    }
    return out;
}

// GPT-2's reversible byte -> printable code point table: printable Latin-1 bytes map to
// themselves, the other 68 bytes to U+0100.. in byte order.
std::array<char32_t, 256> bytes_to_unicode() {
    std::array<char32_t, 256> table{};
    char32_t next_extra = 256;
    for (int b = 0; b < 256; ++b) {
        const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
        table[b] = printable ? static_cast<char32_t>(b) : next_extra++;
    }
    return table;
}

struct AddedToken {
    std::u32string content;  // for normalized tokens: the normalized content
    int64_t id = 0;
    bool whole_word = false;  // matched only where stands_alone() (with_added_tokens)
};

bool is_word_char(char32_t c) {
    const CharClass kind = classify(c);
    return kind == CharClass::Letter || kind == CharClass::Number;
}

// text[begin, end) is not glued to a neighbour: no letter or digit at its edge next to a letter
// or digit outside it.
bool stands_alone(std::u32string_view text, size_t begin, size_t end) {
    const bool left = begin > 0 && is_word_char(text[begin - 1]) && is_word_char(text[begin]);
    const bool right = end < text.size() && is_word_char(text[end - 1]) && is_word_char(text[end]);
    return !left && !right;
}

}  // namespace

bool is_whole_word(std::string_view utf8, size_t begin, size_t end) {
    if (begin >= end || end > utf8.size()) return false;
    // The code point either side (a UTF-8 sequence is at most 4 bytes long) around the word's.
    const size_t from = begin >= 4 ? begin - 4 : 0;
    const std::u32string left = decode_utf8_lossy(utf8.substr(from, begin - from));
    const std::u32string right = decode_utf8_lossy(utf8.substr(end, 4));
    std::u32string text = left.empty() ? std::u32string() : left.substr(left.size() - 1);
    const size_t word_begin = text.size();
    text += decode_utf8_lossy(utf8.substr(begin, end - begin));
    const size_t word_end = text.size();
    text += right.substr(0, 1);
    return stands_alone(text, word_begin, word_end);
}

namespace {

// A merge rule of the BPE: its rank and the id of the merged symbol.
struct Merge {
    int32_t rank = 0;
    int32_t result = 0;
};
using MergeTable = std::unordered_map<uint64_t, Merge>;  // key: pair_key(left id, right id)

uint64_t pair_key(int32_t left, int32_t right) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
           static_cast<uint32_t>(right);
}

using Vocab = std::unordered_map<std::string, int64_t>;
class TokenDecls;

}  // namespace

// ---------------------------------------------------------------------------------------------

struct ClipTokenizer::Impl {
    struct StringHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };

    std::array<int32_t, 256> byte_id{};      // symbol id of a byte inside a piece
    std::array<int32_t, 256> byte_end_id{};  // ... of a piece's last byte ("</w>" appended)
    MergeTable merges;
    std::vector<AddedToken> raw_added;         // matched before normalization, longest first
    std::vector<AddedToken> normalized_added;  // matched after normalization, longest first
    int64_t bos = 0, eos = 0, pad = 0, vocab_count = 0;
    int max_length = 0;
    // Token strings both ways (vocab.json entries and added tokens as declared), for
    // token_id()/token_string(); shared by the copies with_added_tokens() makes.
    std::shared_ptr<const Vocab> vocab;
    std::shared_ptr<const std::vector<std::string>> vocab_by_id;
    std::map<std::string, int64_t> added_by_content;
    std::map<int64_t, std::string> added_by_id;

    mutable std::shared_mutex cache_mutex;
    mutable std::unordered_map<std::string, std::vector<int32_t>, StringHash, std::equal_to<>>
        cache;

    // from_folder's steps that fill the vocabulary and the added tokens.
    void set_vocabulary(Vocab vocabulary);
    void set_added_tokens(const TokenDecls& decls);

    void tokenize(std::u32string_view text, std::vector<int64_t>& out) const;
    void pretokenize(std::u32string_view text, std::vector<int64_t>& out) const;
    void append_piece(std::u32string_view piece, std::vector<int64_t>& out) const;
    std::vector<int32_t> bpe(std::string_view bytes) const;
};

namespace {

// Calls on_text for each stretch of `text` between added tokens and appends the added tokens'
// ids, matching leftmost-longest like the reference's Aho-Corasick (tokens sorted longest first).
template <class OnText>
void split_added_tokens(std::u32string_view text, const std::vector<AddedToken>& tokens,
                        std::vector<int64_t>& out, OnText&& on_text) {
    if (tokens.empty()) {
        if (!text.empty()) on_text(text);
        return;
    }
    size_t start = 0;
    for (size_t i = 0; i < text.size();) {
        const AddedToken* match = nullptr;
        for (const auto& token : tokens) {
            if (text.substr(i, token.content.size()) == token.content &&
                (!token.whole_word || stands_alone(text, i, i + token.content.size()))) {
                match = &token;
                break;
            }
        }
        if (!match) {
            ++i;
            continue;
        }
        if (i > start) on_text(text.substr(start, i - start));
        out.push_back(match->id);
        i += match->content.size();
        start = i;
    }
    if (start < text.size()) on_text(text.substr(start));
}

}  // namespace

void ClipTokenizer::Impl::tokenize(std::u32string_view text, std::vector<int64_t>& out) const {
    split_added_tokens(text, raw_added, out, [&](std::u32string_view raw) {
        const std::u32string normalized = normalize(raw);
        split_added_tokens(normalized, normalized_added, out,
                           [&](std::u32string_view segment) { pretokenize(segment, out); });
    });
}

// The CLIP pre-tokenizer regex, alternatives tried in order at each position:
//   <|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
void ClipTokenizer::Impl::pretokenize(std::u32string_view text, std::vector<int64_t>& out) const {
    static constexpr std::u32string_view kSpecialLiterals[] = {U"<|startoftext|>",
                                                               U"<|endoftext|>"};
    static constexpr std::u32string_view kContractions[] = {U"'s", U"'t",  U"'re", U"'ve",
                                                            U"'m", U"'ll", U"'d"};
    const size_t n = text.size();
    size_t i = 0;
    auto run_end = [&](size_t from, CharClass cls) {
        while (from < n && classify(text[from]) == cls) ++from;
        return from;
    };
    while (i < n) {
        const CharClass cls = classify(text[i]);
        if (cls == CharClass::Space) {
            ++i;
            continue;
        }
        const std::u32string_view rest = text.substr(i);
        size_t length = 0;
        bool literal = false;
        for (auto special : kSpecialLiterals) {
            if (rest.starts_with(special)) {
                length = special.size();
                literal = true;
                break;
            }
        }
        if (!length) {
            for (auto contraction : kContractions) {
                if (rest.starts_with(contraction)) {
                    length = contraction.size();
                    break;
                }
            }
        }
        if (!length) {
            if (cls == CharClass::Letter)
                length = run_end(i, cls) - i;
            else if (cls == CharClass::Number)
                length = 1;
            else
                length = run_end(i, CharClass::Other) - i;
        }
        if (literal) {
            // Reached only when the folder does not declare the special token (or declares it
            // raw-only and the prompt spells it differently). The reference's ByteLevel step then
            // re-splits the piece with GPT-2's regex, i.e. into "<|", the name, "|>".
            const std::u32string_view piece = rest.substr(0, length);
            for (size_t k = 0; k < piece.size();) {
                const size_t end = [&] {
                    size_t e = k;
                    while (e < piece.size() && classify(piece[e]) == classify(piece[k])) ++e;
                    return e;
                }();
                append_piece(piece.substr(k, end - k), out);
                k = end;
            }
        } else {
            append_piece(rest.substr(0, length), out);
        }
        i += length;
    }
}

void ClipTokenizer::Impl::append_piece(std::u32string_view piece, std::vector<int64_t>& out) const {
    const std::string bytes = to_utf8(piece);
    const bool cacheable = bytes.size() <= kMaxCachedPieceBytes;
    if (cacheable) {
        std::shared_lock lock(cache_mutex);
        if (auto it = cache.find(std::string_view(bytes)); it != cache.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    std::vector<int32_t> ids = bpe(bytes);
    out.insert(out.end(), ids.begin(), ids.end());
    if (cacheable) {
        std::unique_lock lock(cache_mutex);
        if (cache.size() >= kCacheCapacity) cache.clear();
        cache.emplace(bytes, std::move(ids));
    }
}

// Rank-ordered pair BPE over the piece's bytes: repeatedly merge the adjacent pair with the
// lowest merge rank, leftmost first among equal ranks. A heap of candidate pairs keeps this
// O(n log n) for pathological pieces (a pasted blob without spaces).
std::vector<int32_t> ClipTokenizer::Impl::bpe(std::string_view bytes) const {
    struct Symbol {
        int32_t id;
        int32_t prev, next;  // neighbours in the linked list; -1 at the ends
    };
    struct Candidate {
        int32_t rank, pos, left, right, result;
        bool operator>(const Candidate& o) const {
            return rank != o.rank ? rank > o.rank : pos > o.pos;
        }
    };
    const auto n = static_cast<int32_t>(bytes.size());
    std::vector<Symbol> symbols(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i) {
        const auto b = static_cast<unsigned char>(bytes[static_cast<size_t>(i)]);
        symbols[i] = {i + 1 == n ? byte_end_id[b] : byte_id[b], i - 1, i + 1 < n ? i + 1 : -1};
    }
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
    auto push_pair = [&](int32_t left_pos) {
        if (left_pos < 0) return;
        const int32_t right_pos = symbols[left_pos].next;
        if (right_pos < 0) return;
        const auto it = merges.find(pair_key(symbols[left_pos].id, symbols[right_pos].id));
        if (it == merges.end()) return;
        queue.push({it->second.rank, left_pos, symbols[left_pos].id, symbols[right_pos].id,
                    it->second.result});
    };
    for (int32_t i = 0; i + 1 < n; ++i) push_pair(i);

    while (!queue.empty()) {
        const Candidate top = queue.top();
        queue.pop();
        Symbol& left = symbols[top.pos];
        // Stale if either side changed since the pair was queued (ids pin down the spans).
        if (left.id != top.left || left.next < 0) continue;
        Symbol& right = symbols[left.next];
        if (right.id != top.right) continue;
        left.id = top.result;
        left.next = right.next;
        if (right.next >= 0) symbols[right.next].prev = top.pos;
        right.id = -1;
        push_pair(left.prev);
        push_pair(top.pos);
    }

    std::vector<int32_t> ids;
    for (int32_t i = n > 0 ? 0 : -1; i >= 0; i = symbols[i].next) ids.push_back(symbols[i].id);
    return ids;
}

// ---------------------------------------------------------------------------------------------
// Tokenizer files. The BPE (vocabulary, merges, tokenizer.json's added tokens) comes from one of
// two sources, each with its own reader; the special tokens from tokenizer_config.json and
// special_tokens_map.json. Every check names the file (and key or line) at fault.

namespace {

// The BPE of a tokenizer folder as its files hold it, and which file holds each part.
struct BpeSource {
    Vocab vocab;
    std::string vocab_file;
    std::string merges_text;  // "#version" header, then one "left right" pair per line
    std::string merges_file;
    json added_tokens = json::array();  // tokenizer.json's declarations, each with its id
};

Vocab vocab_from_json(const json& doc, const std::string& file) {
    if (!doc.is_object() || doc.empty())
        throw Error(file, "expected a non-empty JSON object of token -> id");
    Vocab vocab;
    vocab.reserve(doc.size());
    for (const auto& [token, id] : doc.items()) {
        if (!id.is_number_integer() || id.get<int64_t>() < 0 ||
            id.get<int64_t>() > std::numeric_limits<int32_t>::max())
            throw Error(file, "the id of token " + std::to_string(vocab.size() + 1) +
                                  " (in file order) must be a non-negative integer");
        // Ids number the vocabulary 0..size-1 (the text encoder's embedding rows): a larger
        // one would reach the model as an index past its table (found by
        // fuzz_tokenizer_files), and sized the id -> token table (up to 2^31 strings).
        if (id.get<int64_t>() >= static_cast<int64_t>(doc.size()))
            throw Error(file, "the id of token " + std::to_string(vocab.size() + 1) +
                                  " (in file order) is " + std::to_string(id.get<int64_t>()) +
                                  ", not below the vocabulary's " + std::to_string(doc.size()) +
                                  " entries");
        vocab.emplace(token, id.get<int64_t>());
    }
    return vocab;
}

// The diffusers layout: vocab.json and merges.txt.
BpeSource read_vocab_and_merges(const fs::path& folder) {
    BpeSource source;
    source.vocab_file = (folder / "vocab.json").string();
    source.vocab = vocab_from_json(read_json_file(source.vocab_file), source.vocab_file);
    source.merges_file = (folder / "merges.txt").string();
    source.merges_text = read_file_text(source.merges_file);
    return source;
}

// tokenizer.json alone (what transformers 5 may save): the same vocabulary, merges and added
// tokens in one file.
BpeSource read_one_file_bpe(const fs::path& file) {
    TokenizerJsonBpe bpe = read_tokenizer_json(file.string());
    BpeSource source;
    source.vocab_file = source.merges_file = file.string();
    source.vocab = vocab_from_json(bpe.vocab, source.vocab_file);
    source.merges_text = std::move(bpe.merges_text);
    source.added_tokens = std::move(bpe.added_tokens);
    return source;
}

BpeSource read_bpe_source(const fs::path& folder) {
    if (!fs::exists(folder / "vocab.json") && fs::exists(folder / "tokenizer.json"))
        return read_one_file_bpe(folder / "tokenizer.json");
    return read_vocab_and_merges(folder);
}

std::optional<int32_t> find_id(const Vocab& vocab, const std::string& token) {
    const auto it = vocab.find(token);
    if (it == vocab.end()) return std::nullopt;
    return static_cast<int32_t>(it->second);
}

// Byte-level alphabet: every byte must exist as a symbol, with and without "</w>".
void read_byte_symbols(const BpeSource& source, std::array<int32_t, 256>& byte_id,
                       std::array<int32_t, 256>& byte_end_id) {
    const auto byte_chars = bytes_to_unicode();
    for (int b = 0; b < 256; ++b) {
        std::string symbol;
        append_utf8(symbol, byte_chars[b]);
        const auto plain = find_id(source.vocab, symbol);
        const auto end = find_id(source.vocab, symbol + std::string(kEndOfWord));
        if (!plain || !end)
            throw Error(source.vocab_file, "missing byte-level symbol \"" + symbol +
                                               (plain ? std::string(kEndOfWord) : "") +
                                               "\" (not a CLIP BPE vocabulary)");
        byte_id[b] = *plain;
        byte_end_id[b] = *end;
    }
}

// merges.txt: "#version" header, then one "left right" pair per line in rank order.
MergeTable parse_merges(const BpeSource& source) {
    MergeTable merges;
    merges.reserve(source.vocab.size());
    std::istringstream lines(source.merges_text);
    std::string line;
    int line_no = 0;
    int32_t rank = 0;
    while (std::getline(lines, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line.starts_with("#version")) continue;
        const std::string at_line = "line " + std::to_string(line_no) + ": ";
        const size_t space = line.find(' ');
        if (space == std::string::npos || space == 0 || space + 1 == line.size() ||
            line.find(' ', space + 1) != std::string::npos)
            throw Error(source.merges_file, at_line + "expected two space-separated symbols");
        const std::string left = line.substr(0, space), right = line.substr(space + 1);
        const auto left_id = find_id(source.vocab, left), right_id = find_id(source.vocab, right);
        const auto result_id = find_id(source.vocab, left + right);
        // The symbols are not quoted: the file may not be a merges list at all.
        if (!left_id || !right_id || !result_id)
            throw Error(source.merges_file, at_line + "the " +
                                                (!left_id    ? "left symbol"
                                                 : !right_id ? "right symbol"
                                                             : "merged symbol") +
                                                " is not in vocab.json");
        // A repeated pair takes its later rank, as the reference's dict construction does.
        merges[pair_key(*left_id, *right_id)] = {rank++, *result_id};
    }
    if (merges.empty()) throw Error(source.merges_file, "no merges");
    return merges;
}

// A JSON document and the file it came from.
struct JsonFile {
    json doc;
    std::string file;
};

// tokenizer_config.json and (optional) special_tokens_map.json, where the special tokens are
// declared; special_tokens_map.json wins, so it comes first.
struct SpecialTokenFiles {
    JsonFile map, config;

    explicit SpecialTokenFiles(const fs::path& folder) {
        config.file = (folder / "tokenizer_config.json").string();
        config.doc = read_json_file(config.file);
        if (!config.doc.is_object()) throw Error(config.file, "expected a JSON object");
        map.file = (folder / "special_tokens_map.json").string();
        map.doc = fs::exists(map.file) ? read_json_file(map.file) : json::object();
        if (!map.doc.is_object()) throw Error(map.file, "expected a JSON object");
    }
    std::array<const JsonFile*, 2> in_order() const { return {&map, &config}; }
};

int read_max_length(const JsonFile& config) {
    const auto it = config.doc.find("model_max_length");
    // transformers writes ~1e30 for "unbounded"; CLIP needs its positional limit (77).
    if (it == config.doc.end() || !it->is_number_integer() || it->get<int64_t>() < 2 ||
        it->get<int64_t>() > 1'000'000)
        throw Error(config.file, "model_max_length: expected an integer in [2, 1e6]");
    return static_cast<int>(it->get<int64_t>());
}

struct TokenDecl {
    std::string content;
    bool normalized = false;
};

// A special token as transformers writes it: a plain string (matched on the raw text, like
// every special token added by name) or an AddedToken object with its own `normalized` flag.
std::optional<TokenDecl> parse_token_decl(const json& value, const std::string& file,
                                          const std::string& key) {
    if (value.is_null()) return std::nullopt;
    if (value.is_string()) return TokenDecl{value.get<std::string>(), false};
    if (value.is_object() && value.contains("content") && value["content"].is_string()) {
        TokenDecl decl{value["content"].get<std::string>(), false};
        // Whitespace-absorbing or whole-word-only matching is not implemented: refuse rather
        // than tokenize such a folder differently from the reference.
        for (const char* flag : {"lstrip", "rstrip", "single_word"}) {
            if (value.contains(flag) && value[flag] != false)
                throw Error(file, key + "." + flag + ": only false is supported");
        }
        if (value.contains("normalized")) {
            if (!value["normalized"].is_boolean())
                throw Error(file, key + ".normalized: expected true or false");
            decl.normalized = value["normalized"].get<bool>();
        }
        return decl;
    }
    throw Error(file, key + ": expected a string or an object with a string \"content\"");
}

// The added and special tokens the files declare: content -> (id, normalized). A content
// declared several times (CLIP's eos, unk and pad) is matched after normalization if any
// declaration says so.
class TokenDecls {
public:
    explicit TokenDecls(const Vocab& vocab) : vocab_(vocab) {}

    // Declares `value` (if not null) under `key` of `file`; without an id, the token must be in
    // the vocabulary. Returns the token's id.
    std::optional<int64_t> declare(const json& value, std::optional<int64_t> id,
                                   const std::string& file, const std::string& key) {
        const auto decl = parse_token_decl(value, file, key);
        if (!decl) return std::nullopt;
        if (decl->content.empty()) throw Error(file, key + ": empty token");
        if (!id) {
            const auto found = find_id(vocab_, decl->content);
            if (!found) throw Error(file, key + ": the token is not in vocab.json");
            id = *found;
        }
        auto [it, inserted] = entries_.try_emplace(decl->content, *id, decl->normalized);
        if (!inserted) {
            if (it->second.first != *id)
                throw Error(file, key + ": the token is declared with two ids");
            it->second.second = it->second.second || decl->normalized;
        }
        return id;
    }

    const std::map<std::string, std::pair<int64_t, bool>>& entries() const { return entries_; }

private:
    const Vocab& vocab_;
    std::map<std::string, std::pair<int64_t, bool>> entries_;
};

// bos/eos/unk/pad: the first file (in_order) that declares one decides it.
std::optional<int64_t> declare_special(const SpecialTokenFiles& files, const char* key,
                                       bool required, TokenDecls& decls) {
    for (const JsonFile* source : files.in_order()) {
        if (auto it = source->doc.find(key); it != source->doc.end()) {
            if (auto id = decls.declare(*it, std::nullopt, source->file, key)) return id;
        }
    }
    if (required)
        throw Error(files.map.file, std::string("no ") + key + " here or in tokenizer_config.json");
    return std::nullopt;
}

// additional_special_tokens of both files and tokenizer_config.json's added_tokens_decoder.
void declare_other_special(const SpecialTokenFiles& files, TokenDecls& decls) {
    for (const JsonFile* source : files.in_order()) {
        const auto it = source->doc.find("additional_special_tokens");
        if (it == source->doc.end() || it->is_null()) continue;
        if (!it->is_array())
            throw Error(source->file, "additional_special_tokens: expected an array");
        for (const auto& value : *it)
            decls.declare(value, std::nullopt, source->file, "additional_special_tokens");
    }
    const JsonFile& config = files.config;
    const auto it = config.doc.find("added_tokens_decoder");
    if (it == config.doc.end() || it->is_null()) return;
    if (!it->is_object()) throw Error(config.file, "added_tokens_decoder: expected an object");
    for (const auto& [id_text, value] : it->items()) {
        int64_t id = -1;
        const auto [end, err] =
            std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
        if (err != std::errc() || end != id_text.data() + id_text.size() || id < 0)
            throw Error(config.file, "added_tokens_decoder: a key is not a token id");
        decls.declare(value, id, config.file, "added_tokens_decoder." + id_text);
    }
}

// tokenizer.json's added_tokens: declarations with their ids.
void declare_listed_tokens(const BpeSource& source, TokenDecls& decls) {
    for (const auto& value : source.added_tokens) {
        if (!value.is_object() || !value.contains("id") || !value["id"].is_number_integer())
            throw Error(source.vocab_file, "added_tokens: each entry needs an integer id");
        decls.declare(value, value["id"].get<int64_t>(), source.vocab_file, "added_tokens");
    }
}

// Empty contents never match; longer tokens are tried first (leftmost-longest matching).
void sort_for_matching(std::vector<AddedToken>& tokens) {
    std::erase_if(tokens, [](const AddedToken& t) { return t.content.empty(); });
    std::stable_sort(tokens.begin(), tokens.end(), [](const auto& a, const auto& b) {
        return a.content.size() > b.content.size();
    });
}

}  // namespace

ClipTokenizer::ClipTokenizer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

void ClipTokenizer::Impl::set_vocabulary(Vocab vocabulary) {
    auto shared = std::make_shared<const Vocab>(std::move(vocabulary));
    auto by_id = std::make_shared<std::vector<std::string>>();
    for (const auto& [token, id] : *shared) {
        if (id >= static_cast<int64_t>(by_id->size())) by_id->resize(id + 1);
        (*by_id)[id] = token;
    }
    vocab_count = static_cast<int64_t>(shared->size());
    vocab = std::move(shared);
    vocab_by_id = std::move(by_id);
}

void ClipTokenizer::Impl::set_added_tokens(const TokenDecls& decls) {
    for (const auto& [content, entry] : decls.entries()) {
        const auto [id, normalized] = entry;
        added_by_content[content] = id;
        added_by_id[id] = content;
        const std::u32string text = decode_utf8_lossy(content);
        // Normalized tokens are matched in normalized text, so their content is normalized too.
        if (normalized)
            normalized_added.push_back({normalize(text), id});
        else
            raw_added.push_back({text, id});
    }
    sort_for_matching(raw_added);
    sort_for_matching(normalized_added);
}

ClipTokenizer ClipTokenizer::from_folder(const std::string& dir) {
    const fs::path folder(dir);
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) throw Error(dir, "tokenizer folder not found");
    BpeSource source = read_bpe_source(folder);

    auto impl = std::make_shared<Impl>();
    read_byte_symbols(source, impl->byte_id, impl->byte_end_id);
    impl->merges = parse_merges(source);
    const SpecialTokenFiles files(folder);
    impl->max_length = read_max_length(files.config);

    TokenDecls decls(source.vocab);
    impl->bos = *declare_special(files, "bos_token", true, decls);
    impl->eos = *declare_special(files, "eos_token", true, decls);
    declare_special(files, "unk_token", false, decls);
    impl->pad = *declare_special(files, "pad_token", true, decls);
    declare_other_special(files, decls);
    declare_listed_tokens(source, decls);
    impl->set_added_tokens(decls);
    impl->set_vocabulary(std::move(source.vocab));
    return ClipTokenizer(std::move(impl));
}

std::optional<int64_t> ClipTokenizer::token_id(const std::string& token) const {
    if (auto it = impl_->added_by_content.find(token); it != impl_->added_by_content.end())
        return it->second;
    if (auto it = impl_->vocab->find(token); it != impl_->vocab->end()) return it->second;
    return std::nullopt;
}

std::string ClipTokenizer::token_string(int64_t id) const {
    if (auto it = impl_->added_by_id.find(id); it != impl_->added_by_id.end()) return it->second;
    if (id >= 0 && id < static_cast<int64_t>(impl_->vocab_by_id->size()))
        return (*impl_->vocab_by_id)[id];
    return {};
}

int64_t ClipTokenizer::size() const {
    const int64_t highest_added =
        impl_->added_by_id.empty() ? -1 : impl_->added_by_id.rbegin()->first;
    return std::max(impl_->vocab_count, highest_added + 1);
}

ClipTokenizer ClipTokenizer::with_added_tokens(const std::vector<std::string>& tokens) const {
    const Impl& base = *impl_;
    auto impl = std::make_shared<Impl>();
    impl->byte_id = base.byte_id;
    impl->byte_end_id = base.byte_end_id;
    impl->merges = base.merges;
    impl->raw_added = base.raw_added;
    impl->normalized_added = base.normalized_added;
    impl->bos = base.bos;
    impl->eos = base.eos;
    impl->pad = base.pad;
    impl->vocab_count = base.vocab_count;
    impl->max_length = base.max_length;
    impl->vocab = base.vocab;
    impl->vocab_by_id = base.vocab_by_id;
    impl->added_by_content = base.added_by_content;
    impl->added_by_id = base.added_by_id;
    int64_t next = size();
    for (const auto& token : tokens) {
        if (token.empty()) throw Error("tokenizer", "an added token must not be empty");
        if (token_id(token) || impl->added_by_content.count(token))
            throw Error("tokenizer", "token \"" + token + "\" is already in the vocabulary");
        impl->added_by_content[token] = next;
        impl->added_by_id[next] = token;
        // transformers' add_tokens: normalized, not special, so matched in normalized text;
        // as whole words only (A1111's rule), not inside another word as transformers does.
        impl->normalized_added.push_back({normalize(decode_utf8_lossy(token)), next, true});
        ++next;
    }
    sort_for_matching(impl->normalized_added);
    return ClipTokenizer(std::move(impl));
}

std::vector<int64_t> ClipTokenizer::tokenize(const std::string& utf8) const {
    std::vector<int64_t> ids;
    impl_->tokenize(decode_utf8_lossy(utf8), ids);
    return ids;
}

std::vector<int64_t> ClipTokenizer::encode(const std::string& utf8) const {
    const std::vector<int64_t> ids = tokenize(utf8);
    const auto max = static_cast<size_t>(impl_->max_length);
    std::vector<int64_t> out;
    out.reserve(max);
    out.push_back(impl_->bos);
    out.insert(out.end(), ids.begin(),
               ids.begin() + static_cast<ptrdiff_t>(std::min(ids.size(), max - 2)));
    out.push_back(impl_->eos);
    out.resize(max, impl_->pad);
    return out;
}

std::vector<int64_t> ClipTokenizer::encode_untruncated(const std::string& utf8) const {
    std::vector<int64_t> out{impl_->bos};
    impl_->tokenize(decode_utf8_lossy(utf8), out);
    out.push_back(impl_->eos);
    return out;
}

int64_t ClipTokenizer::bos_id() const {
    return impl_->bos;
}
int64_t ClipTokenizer::eos_id() const {
    return impl_->eos;
}
int64_t ClipTokenizer::pad_id() const {
    return impl_->pad;
}
int ClipTokenizer::max_length() const {
    return impl_->max_length;
}
int64_t ClipTokenizer::vocab_size() const {
    return impl_->vocab_count;
}

}  // namespace lightning
