// CLIP tokenizer: all golden prompts exact for both SDXL tokenizers, plus bad input, long input,
// cache consistency under concurrency, and loader errors.
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/text/clip_tokenizer.h"
#include "core/util/error.h"
#include "core/util/file_text.h"
#include "core/util/utf8.h"
#include "support/fixtures.h"

using lightning::ClipTokenizer;
namespace fs = std::filesystem;

namespace {

struct GoldenCase {
    std::string prompt;
    std::vector<int64_t> ids, ids_2, ids_untruncated;
};

std::string ids_text(const std::vector<int64_t>& ids) {
    std::ostringstream out;
    out << "[";
    for (size_t i = 0; i < ids.size(); ++i) out << (i ? ", " : "") << ids[i];
    out << "]";
    return out.str();
}

std::string tokenizer_dir(const char* name) {
    return lightning::testing::fixtures_dir() + "/tiny-sdxl/" + name;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Writes a tokenizer folder copied from `source` with `file` replaced by `content`
// (or removed when content is null).
void write_variant(const QString& target, const std::string& source, const std::string& file,
                   const char* content) {
    for (const char* name :
         {"vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"}) {
        const fs::path to = fs::path(target.toStdString()) / name;
        if (file == name) {
            if (content) std::ofstream(to, std::ios::binary) << content;
        } else {
            fs::copy_file(fs::path(source) / name, to, fs::copy_options::overwrite_existing);
        }
    }
}

}  // namespace

class TestTokenizer : public QObject {
    Q_OBJECT

private:
    std::vector<GoldenCase> cases_;
    std::optional<ClipTokenizer> tok1_, tok2_;
    nlohmann::json meta_;

    // Expects from_folder(dir) to throw an Error whose text names `needle`.
    static void expect_load_error(const std::string& dir, const std::string& needle) {
        try {
            ClipTokenizer::from_folder(dir);
        } catch (const lightning::Error& e) {
            const std::string what = e.what();
            QVERIFY2(what.find(needle) != std::string::npos,
                     ("error does not name " + needle + ": " + what).c_str());
            return;
        }
        QFAIL(("no error for a bad " + needle).c_str());
    }

private Q_SLOTS:
    void initTestCase() {
        const std::string path = lightning::testing::golden_dir() + "/tokenizer_cases.json";
        std::ifstream in(path);
        QVERIFY2(in, ("cannot open " + path).c_str());
        meta_ = nlohmann::json::parse(in);
        for (const auto& c : meta_.at("cases")) {
            cases_.push_back({c.at("prompt").get<std::string>(),
                              c.at("ids").get<std::vector<int64_t>>(),
                              c.at("ids_2").get<std::vector<int64_t>>(),
                              c.at("ids_untruncated").get<std::vector<int64_t>>()});
        }
        QCOMPARE(cases_.size(), size_t(297));

        const auto start = std::chrono::steady_clock::now();
        tok1_ = ClipTokenizer::from_folder(tokenizer_dir("tokenizer"));
        tok2_ = ClipTokenizer::from_folder(tokenizer_dir("tokenizer_2"));
        qInfo("loaded both tokenizers in %.3f s", seconds_since(start));
    }

    void specialIds() {
        for (const auto& [tok, key] : {std::pair{&*tok1_, "tokenizer"}, {&*tok2_, "tokenizer_2"}}) {
            const auto& expected = meta_.at(key);
            QCOMPARE(tok->bos_id(), expected.at("bos_token_id").get<int64_t>());
            QCOMPARE(tok->eos_id(), expected.at("eos_token_id").get<int64_t>());
            QCOMPARE(tok->pad_id(), expected.at("pad_token_id").get<int64_t>());
            QCOMPARE(tok->max_length(), meta_.at("max_length").get<int>());
            QCOMPARE(tok->vocab_size(), int64_t(49408));
        }
    }

    // Every golden case, exact, for ids (tokenizer), ids_2 (tokenizer_2) and ids_untruncated.
    void goldenCases() {
        int matches = 0, mismatches = 0;
        auto check = [&](const char* what, const std::string& prompt,
                         const std::vector<int64_t>& expected, const std::vector<int64_t>& actual) {
            if (expected == actual) {
                ++matches;
                return;
            }
            ++mismatches;
            qWarning("%s mismatch for prompt \"%s\"\n  expected %s\n  actual   %s", what,
                     prompt.c_str(), ids_text(expected).c_str(), ids_text(actual).c_str());
        };
        const auto start = std::chrono::steady_clock::now();
        for (const auto& c : cases_) {
            check("ids", c.prompt, c.ids, tok1_->encode(c.prompt));
            check("ids_2", c.prompt, c.ids_2, tok2_->encode(c.prompt));
            check("ids_untruncated", c.prompt, c.ids_untruncated,
                  tok1_->encode_untruncated(c.prompt));
        }
        qInfo("golden tokenizer cases: %d of %d match (%zu prompts x 3) in %.3f s", matches,
              matches + mismatches, cases_.size(), seconds_since(start));
        QCOMPARE(mismatches, 0);
        QCOMPARE(matches, int(cases_.size() * 3));
    }

    // openai/clip-vit-large-patch14's own tokenizer.json (tests/data/foreign/README.md), read
    // alone (no vocab.json): every golden case exact. The goldens are transformers' ids for
    // the fixture's vocab.json/merges.txt, which are byte-identical to that repository's, so
    // they are the reference's ids for this file too; the file's special tokens and padding
    // (<|endoftext|>) are those of `tokenizer`.
    void realClipTokenizerJson() {
        const std::string dir =
            lightning::testing::test_data_dir() + "/foreign/clip-vit-large-patch14";
        QVERIFY2(!fs::exists(dir + "/vocab.json"), "the folder must hold tokenizer.json alone");
        const ClipTokenizer real = ClipTokenizer::from_folder(dir);
        const auto& expected = meta_.at("tokenizer");
        QCOMPARE(real.bos_id(), expected.at("bos_token_id").get<int64_t>());
        QCOMPARE(real.eos_id(), expected.at("eos_token_id").get<int64_t>());
        QCOMPARE(real.pad_id(), expected.at("pad_token_id").get<int64_t>());
        QCOMPARE(real.max_length(), meta_.at("max_length").get<int>());
        QCOMPARE(real.vocab_size(), int64_t(49408));
        int mismatches = 0;
        for (const auto& c : cases_) {
            const auto ids = real.encode(c.prompt);
            const auto untruncated = real.encode_untruncated(c.prompt);
            if (ids == c.ids && untruncated == c.ids_untruncated) continue;
            ++mismatches;
            qWarning("prompt \"%s\"\n  expected %s\n  actual   %s", c.prompt.c_str(),
                     ids_text(c.ids_untruncated).c_str(), ids_text(untruncated).c_str());
        }
        QCOMPARE(mismatches, 0);
    }

    // tokenize() is encode_untruncated() without the framing, and "!" differs per tokenizer.
    void tokenizeAgreesWithEncode() {
        for (const auto& c : cases_) {
            std::vector<int64_t> framed{tok1_->bos_id()};
            const auto ids = tok1_->tokenize(c.prompt);
            framed.insert(framed.end(), ids.begin(), ids.end());
            framed.push_back(tok1_->eos_id());
            QCOMPARE(framed, c.ids_untruncated);
        }
        QCOMPARE(tok2_->tokenize("wow!"), (std::vector<int64_t>{2781, 0}));
        QCOMPARE(tok1_->tokenize("wow!"), (std::vector<int64_t>{2781, 256}));
    }

    // Invalid UTF-8 becomes U+FFFD (one per maximal ill-formed subpart) and tokenizes as such.
    void invalidUtf8() {
        const std::string fffd = "\xEF\xBF\xBD";
        const std::vector<std::pair<std::string, std::string>> cases = {
            {"a\x80"
             "b",
             "a" + fffd + "b"},                                // lone continuation byte
            {"cat \xE2\x82", "cat " + fffd},                   // truncated at the end
            {"\xE2\x82x dog", fffd + "x dog"},                 // truncated before ASCII
            {"\xF0\x9F\x90 cat", fffd + " cat"},               // truncated 4-byte sequence
            {"\xC0\xAF", fffd + fffd},                         // overlong '/'
            {"\xE0\x80\xAF", fffd + fffd + fffd},              // overlong, 3 bytes
            {"\xED\xA0\x80", fffd + fffd + fffd},              // UTF-16 surrogate
            {"\xF4\x90\x80\x80", fffd + fffd + fffd + fffd},   // above U+10FFFF
            {"x\xFFy\xFE", "x" + fffd + "y" + fffd},           // bytes never valid
            {std::string("a\0b", 3), std::string("a\0b", 3)},  // NUL is valid UTF-8
        };
        for (const auto& [bad, replaced] : cases) {
            QCOMPARE(lightning::replace_invalid_utf8(bad), replaced);
            for (const ClipTokenizer* tok : {&*tok1_, &*tok2_}) {
                const auto ids = tok->tokenize(bad);
                QVERIFY(!ids.empty());
                QCOMPARE(ids, tok->tokenize(replaced));
                QCOMPARE(tok->encode(bad).size(), size_t(77));
            }
        }
        // U+FFFD is an ordinary symbol ("ï¿½" after the byte mapping), not a separator.
        QCOMPARE(tok1_->tokenize("\xFF"), tok1_->tokenize(fffd));
        QVERIFY(tok1_
                    ->tokenize("a\xFF"
                               "b")
                    .size() == 3);
        // Valid text passes through unchanged.
        const std::string valid = "caf\xC3\xA9 \xF0\x9F\x90\xB1 \xE6\x9D\xB1";
        QCOMPARE(lightning::replace_invalid_utf8(valid), valid);
    }

    // A 10,000-word prompt (words, punctuation runs, weighting syntax, accents, CJK, emoji)
    // gives transformers' ids, untruncated, from both tokenizers
    // (tests/data/long_prompt_tokens.json, bench/reference/make_long_prompt_tokens.py), cold
    // and warm; truncated, its first 75 tokens between the begin and end tokens.
    void longPrompt() {
        const auto golden = lightning::read_json_file(lightning::testing::test_data_dir() +
                                                      "/long_prompt_tokens.json");
        const auto prompt = golden.at("prompt").get<std::string>();
        const auto expected1 = golden.at("ids").get<std::vector<int64_t>>();
        const auto expected2 = golden.at("ids_2").get<std::vector<int64_t>>();
        const ClipTokenizer cold = ClipTokenizer::from_folder(tokenizer_dir("tokenizer"));
        auto start = std::chrono::steady_clock::now();
        const auto ids1 = cold.encode_untruncated(prompt);
        qInfo("10k-word prompt (%zu bytes, %zu tokens): %.4f s cold cache", prompt.size(),
              ids1.size(), seconds_since(start));
        start = std::chrono::steady_clock::now();
        QCOMPARE(cold.encode_untruncated(prompt), ids1);
        qInfo("10k-word prompt: %.4f s warm cache", seconds_since(start));
        QCOMPARE(ids1, expected1);
        QCOMPARE(tok2_->encode_untruncated(prompt), expected2);

        const auto encoded = tok1_->encode(prompt);
        QCOMPARE(encoded.size(), size_t(77));
        QCOMPARE(encoded.front(), tok1_->bos_id());
        QCOMPARE(encoded.back(), tok1_->eos_id());
        QCOMPARE(std::vector<int64_t>(encoded.begin() + 1, encoded.end() - 1),
                 std::vector<int64_t>(ids1.begin() + 1, ids1.begin() + 76));
    }

    // One huge piece must not make BPE quadratic: ten times the letters may take at most 30
    // times as long (linear: 10, quadratic: 100). A ratio of the machine's own times, the
    // fastest of three cold runs each, so the bound holds on a slow or busy machine.
    void bpeTimeGrowsLinearlyWithThePiece() {
        const auto fastest = [](const std::string& piece, size_t& tokens) {
            double best = INFINITY;
            for (int run = 0; run < 3; ++run) {
                const auto cold = ClipTokenizer::from_folder(tokenizer_dir("tokenizer"));
                const auto start = std::chrono::steady_clock::now();
                tokens = cold.tokenize(piece).size();
                best = std::min(best, seconds_since(start));
            }
            return best;
        };
        size_t short_tokens = 0, long_tokens = 0;
        const double short_s = fastest(std::string(10000, 'x'), short_tokens);
        const double long_s = fastest(std::string(100000, 'x'), long_tokens);
        qInfo("10000 letters: %zu tokens in %.4f s; 100000: %zu tokens in %.4f s (x%.1f)",
              short_tokens, short_s, long_tokens, long_s, long_s / short_s);
        QVERIFY(short_tokens > 0 && long_tokens >= 9 * short_tokens);
        QVERIFY2(long_s <= 30 * short_s, "BPE time grows faster than linearly");
    }

    // The per-piece cache never changes results: cold vs warm, and concurrent callers.
    void cacheConsistency() {
        const ClipTokenizer cold = ClipTokenizer::from_folder(tokenizer_dir("tokenizer_2"));
        std::vector<std::vector<int64_t>> first;
        for (const auto& c : cases_) first.push_back(cold.encode(c.prompt));
        for (size_t i = 0; i < cases_.size(); ++i) {
            QCOMPARE(cold.encode(cases_[i].prompt), first[i]);
            QCOMPARE(first[i], cases_[i].ids_2);
        }

        // Several threads (a UI counting tokens while a worker encodes) share one cache.
        const ClipTokenizer shared = ClipTokenizer::from_folder(tokenizer_dir("tokenizer"));
        std::atomic<int> wrong{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                for (int round = 0; round < 5; ++round) {
                    for (size_t i = t; i < cases_.size(); i += 1 + t % 3) {
                        if (shared.encode(cases_[i].prompt) != cases_[i].ids) ++wrong;
                    }
                }
            });
        }
        for (auto& thread : threads) thread.join();
        QCOMPARE(wrong.load(), 0);
    }

    // Not covered by the goldens, so pinned here: SDXL declares <|startoftext|>/<|endoftext|>
    // with "normalized": true, so they are matched after lowercasing (any case spelling); "!"
    // (a plain-string pad token) is matched in the raw text. A folder declaring the specials as
    // plain strings leaves "<|STARTOFTEXT|>" to the pre-tokenizer regex, whose literal
    // alternative the byte-level step re-splits into "<|", "startoftext", "|>".
    void specialTokenMatching() {
        QCOMPARE(tok1_->tokenize("a<|ENDOFTEXT|>b"), (std::vector<int64_t>{320, 49407, 321}));
        QCOMPARE(tok2_->tokenize("<|StartOfText|>!"), (std::vector<int64_t>{49406, 0}));
        // Declared tokens are split out before the regex, so even inside a punctuation run.
        QCOMPARE(tok1_->tokenize("<<|endoftext|>"), (std::vector<int64_t>{283, 49407}));

        QTemporaryDir dir;
        const std::string plain = R"({"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>",
                                      "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>"})";
        write_variant(dir.path(), tokenizer_dir("tokenizer"), "special_tokens_map.json",
                      plain.c_str());
        const auto config_path = fs::path(dir.path().toStdString()) / "tokenizer_config.json";
        std::ofstream(config_path) << R"({"model_max_length": 77})";
        const ClipTokenizer raw = ClipTokenizer::from_folder(dir.path().toStdString());
        QCOMPARE(raw.tokenize("<|endoftext|>"), (std::vector<int64_t>{49407}));
        const auto upper = raw.tokenize("<|ENDOFTEXT|>");
        QCOMPARE(upper, raw.tokenize("<| endoftext |>"));
        QVERIFY(upper.size() >= 3);
        QVERIFY(std::find(upper.begin(), upper.end(), int64_t(49407)) == upper.end());
        // The regex's literal alternative only starts a piece; inside a run "<<|" stays one piece.
        const auto run = raw.tokenize("<<|ENDOFTEXT|>");
        QVERIFY(run != raw.tokenize("< <|ENDOFTEXT|>"));
        QCOMPARE(run, raw.tokenize("<<| endoftext |>"));
    }

    void loaderErrors() {
        const std::string source = tokenizer_dir("tokenizer");
        expect_load_error(lightning::testing::fixtures_dir() + "/no-such-tokenizer",
                          "no-such-tokenizer");

        struct Variant {
            const char* file;
            const char* content;  // nullptr: file removed
            const char* needle;
        };
        const Variant variants[] = {
            {"vocab.json", nullptr, "vocab.json"},
            {"vocab.json", "{\"a\": 1, ", "vocab.json"},
            {"vocab.json", "[1, 2, 3]", "vocab.json"},
            {"vocab.json", "{\"a\": \"one\"}", "vocab.json"},
            {"vocab.json", "{\"a\": 0, \"b\": 1}", "vocab.json"},  // no byte alphabet
            {"merges.txt", nullptr, "merges.txt"},
            {"merges.txt", "#version: 0.2\ni n\nthree symbols here\n", "merges.txt"},
            {"merges.txt", "#version: 0.2\ni n\nqq zz\n", "merges.txt"},
            {"tokenizer_config.json", nullptr, "tokenizer_config.json"},
            {"tokenizer_config.json", "{\"model_max_length\": 1e30}", "tokenizer_config.json"},
            {"special_tokens_map.json", "{\"bos_token\": 5}", "special_tokens_map.json"},
            {"special_tokens_map.json", "{\"pad_token\": \"no such token\"}",
             "special_tokens_map.json"},
        };
        for (const auto& v : variants) {
            QTemporaryDir dir;
            QVERIFY(dir.isValid());
            write_variant(dir.path(), source, v.file, v.content);
            expect_load_error(dir.path().toStdString(), v.needle);
        }

        // special_tokens_map.json may be absent when tokenizer_config.json declares the tokens.
        QTemporaryDir dir;
        write_variant(dir.path(), tokenizer_dir("tokenizer_2"), "special_tokens_map.json", nullptr);
        const ClipTokenizer from_config = ClipTokenizer::from_folder(dir.path().toStdString());
        QCOMPARE(from_config.pad_id(), int64_t(0));
        QCOMPARE(from_config.encode("word!word"), tok2_->encode("word!word"));
    }

    // Guards the JSON nesting limit on every tokenizer file (they come with downloaded models):
    // a value nested 100,000 deep is refused with the file named, before anything recurses
    // into it (nlohmann's dump() in an error message overflowed the stack on such files).
    void deeplyNestedTokenizerFilesAreRefused() {
        const std::string nested =
            "{\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
        const std::string source = tokenizer_dir("tokenizer");
        for (const char* file :
             {"vocab.json", "tokenizer_config.json", "special_tokens_map.json"}) {
            QTemporaryDir dir;
            QVERIFY(dir.isValid());
            write_variant(dir.path(), source, file, nested.c_str());
            expect_load_error(dir.path().toStdString(),
                              dir.path().toStdString() + "/" + file +
                                  ": not valid JSON: nested deeper than 64 levels");
        }
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path folder = dir.path().toStdString();
        std::ofstream(folder / "tokenizer.json") << nested;
        fs::copy_file(fs::path(source) / "tokenizer_config.json", folder / "tokenizer_config.json");
        expect_load_error(folder.string(), folder.string() +
                                               "/tokenizer.json: not valid JSON: nested deeper "
                                               "than 64 levels");
    }

    // Guards the vocabulary's ids (fuzz/reproducers/tokenizer_files): an id at or past the
    // number of entries was accepted, reached the text encoder as an index past its embedding
    // table, and sized the id -> token table (an id of 2^31 - 1 asked for 2^31 strings).
    void vocabIdsPastTheVocabularyAreRefused() {
        const std::string source = tokenizer_dir("tokenizer");
        nlohmann::json vocab = nlohmann::json::parse(std::ifstream(source + "/vocab.json"));
        for (const int64_t id : {int64_t(vocab.size()), int64_t(2147483647)}) {
            nlohmann::json changed = vocab;
            changed[vocab.begin().key()] = id;  // a token already there: same entry count
            QTemporaryDir dir;
            QVERIFY(dir.isValid());
            write_variant(dir.path(), source, "vocab.json", changed.dump().c_str());
            expect_load_error(dir.path().toStdString(), "vocab.json: the id of token ");
        }
    }

    // A folder with tokenizer.json alone: errors about its vocabulary name tokenizer.json, the
    // file that holds it (a vocabulary without the byte alphabet was blamed on vocab.json).
    void oneFileErrorsNameTokenizerJson() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path folder = dir.path().toStdString();
        const nlohmann::json model = {
            {"type", "BPE"}, {"vocab", {{"a", 0}, {"b", 1}, {"ab", 2}}}, {"merges", {"a b"}}};
        std::ofstream(folder / "tokenizer.json") << nlohmann::json{{"model", model}}.dump();
        std::ofstream(folder / "tokenizer_config.json") << R"({"model_max_length": 77})";
        expect_load_error(folder.string(), folder.string() + "/tokenizer.json: missing byte-level");
    }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"
