// Prompt syntaxes, long prompts and textual inversion against the references' own output:
// the parsers against compel's and A1111's parsers (tests/data/prompt_parse_goldens.json), the
// chunking and encoding against compel 2.4.0 and A1111's own conditioning code on the tiny
// encoders, clip_skip against diffusers' encode_prompt (tests/data/prompt_goldens, made by
// bench/reference/make_prompt_goldens.py), and the textual-inversion file checks.
#include "core/io/config.h"
#include "core/io/safetensors.h"
#include "core/request/limits.h"
#include "core/request/prompt_syntax.h"
#include "core/text/clip_text_model.h"
#include "core/text/clip_tokenizer.h"
#include "core/text/prompt_encoder.h"
#include "core/text/textual_inversion.h"
#include "core/util/error.h"
#include "support/errors.h"
#include "support/fixtures.h"

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <QTemporaryDir>

#include <fstream>

using namespace lightning;
using Json = nlohmann::json;
using lightning::testing::error_of;

namespace {

std::string tiny(const std::string& component) {
    return testing::fixtures_dir() + "/tiny-sdxl/" + component;
}

Json read_json(const std::string& path) {
    std::ifstream in(path);
    return Json::parse(in);
}

std::string goldens(const std::string& file) {
    return testing::test_data_dir() + "/prompt_goldens/" + file;
}

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

// The tiny model's text side, loaded once.
struct TinyText {
    ClipTokenizer tokenizer_1 = ClipTokenizer::from_folder(tiny("tokenizer"));
    ClipTokenizer tokenizer_2 = ClipTokenizer::from_folder(tiny("tokenizer_2"));
    ClipTextModel encoder_1{nullptr}, encoder_2{nullptr};

    TinyText() {
        encoder_1 = ClipTextModel(read_clip_text_config(tiny("text_encoder/config.json")));
        load_clip_text_model(encoder_1,
                             *SafeTensorsFile::open(tiny("text_encoder/model.safetensors")));
        encoder_2 = ClipTextModel(read_clip_text_config(tiny("text_encoder_2/config.json")));
        load_clip_text_model(encoder_2,
                             *SafeTensorsFile::open(tiny("text_encoder_2/model.safetensors")));
    }
    TextEncoders encoders() {
        return {&tokenizer_1, &tokenizer_2, &encoder_1, &encoder_2, nullptr, true};
    }
};

TinyText& tiny_text() {
    static TinyText text;
    return text;
}

std::vector<int64_t> to_ids(const at::Tensor& t) {
    const auto flat = t.to(at::kLong).contiguous().view(-1);
    return {flat.data_ptr<int64_t>(), flat.data_ptr<int64_t>() + flat.numel()};
}

const at::Tensor& traced(const PromptConditioning& c, const std::string& name) {
    for (const auto& [n, t] : c.trace)
        if (n == name) return t;
    throw std::runtime_error("no traced " + name);
}

}  // namespace

class TestPrompts : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { c10::InferenceMode guard; }

    // --- parsers -------------------------------------------------------------------------

    void a1111ParserMatchesParsePromptAttention() {
        const auto doc = read_json(testing::test_data_dir() + "/prompt_parse_goldens.json");
        int checked = 0;
        for (const auto& c : doc.at("a1111")) {
            const auto prompt = c.at("prompt").get<std::string>();
            const auto parsed = parse_a1111_prompt(prompt);
            const auto& expected = c.at("parsed");
            QVERIFY2(parsed.size() == expected.size(), prompt.c_str());
            for (size_t i = 0; i < parsed.size(); ++i) {
                QVERIFY2(parsed[i].text == expected[i][0].get<std::string>(), prompt.c_str());
                // Float equality: the weights are the same float64 products.
                QVERIFY2(parsed[i].weight == expected[i][1].get<double>(), prompt.c_str());
            }
            ++checked;
        }
        QCOMPARE(checked, int(doc.at("a1111").size()));
    }

    void a1111ParserRejectsWhatPythonFloatRejects() {
        QVERIFY(error_of([] { parse_a1111_prompt("(x:1.2.3)"); }).find("1.2.3") !=
                std::string::npos);
        QVERIFY(!error_of([] { parse_a1111_prompt("(x:.)"); }).empty());
    }

    // Guards the weight clamp: 3,000 nested brackets multiplied the weight by 1.1 each up to
    // inf (and inf * 0 to NaN), which reached the UNet and was reported as a broken UNet file.
    void nestedWeightsAreClampedToTheExplicitLimit() {
        const double limit = limits::kMaxPromptWeight;
        const std::string open(3000, '('), close(3000, ')'), huge(400, '9');
        const std::vector<std::pair<std::string, double>> cases = {
            {open + "cat" + close, limit},                          // nesting
            {open + "cat", limit},                                  // unclosed: to the end
            {"(cat:" + huge + ")", limit},                          // explicit, past float range
            {"(cat:-" + huge + ")", -limit},                        // and negative
            {open + "cat" + std::string(2999, ')') + ":0)", 0.0}};  // inf * 0 was NaN
        for (const auto& [prompt, weight] : cases) {
            const auto parsed = parse_a1111_prompt(prompt);
            QCOMPARE(parsed.size(), size_t(1));
            QCOMPARE(parsed[0].text, std::string("cat"));
            QCOMPARE(parsed[0].weight, weight);
        }
        const auto compel = parse_compel_prompt("cat" + std::string(3000, '+') + " dog");
        QCOMPARE(compel.parts.at(0).at(0).weight, limit);
        QCOMPARE(parse_compel_prompt("(cat)" + huge).parts.at(0).at(0).weight, limit);
        // Below the limit nothing changes: (((x))) is 1.1^3 as in A1111.
        QCOMPARE(parse_a1111_prompt("(((x)))")[0].weight, 1.1 * 1.1 * 1.1);
    }

    // Guards the Compel parser's memo of parenthesized groups (fuzz/reproducers/prompt_syntax):
    // a group was parsed up to three times per position, so nested groups cost 3^depth and 40
    // levels never finished (the QtTest watchdog fails this function then).
    void compelNestedGroupsParseOncePerPosition() {
        const std::string open(40, '('), close(40, ')');
        const auto closed = parse_compel_prompt(open + "cat" + close);
        QCOMPARE(closed.parts.at(0).at(0).text, std::string("cat"));
        // Unclosed groups (the fuzzer's input: every try fails) and groups side by side.
        for (const std::string& prompt : {open + "cat (" + std::string(40, '(') + ")",
                                          "3+1[ (aa(((((( )(((((( )" + open + "x" + close}) {
            try {
                (void)parse_compel_prompt(prompt);
            } catch (const Error&) {  // a grammar error is an answer too
            }
        }
    }

    void compelParserMatchesCompel() {
        const auto doc = read_json(testing::test_data_dir() + "/prompt_parse_goldens.json");
        int checked = 0;
        for (const auto& c : doc.at("compel")) {
            const auto prompt = c.at("prompt").get<std::string>();
            bool compel_fails = c.contains("error");
            // compel parses weighted .and() but fails when encoding it; so do we, at parse time.
            if (!compel_fails)
                for (const auto& part : c.at("parts"))
                    compel_fails = compel_fails || part.at("weight").get<double>() != 1.0;
            if (compel_fails) {
                QVERIFY2(!error_of([&] { parse_compel_prompt(prompt); }).empty(), prompt.c_str());
                ++checked;
                continue;
            }
            const auto parsed = parse_compel_prompt(prompt);
            const auto& parts = c.at("parts");
            QVERIFY2(parsed.parts.size() == parts.size(), prompt.c_str());
            for (size_t p = 0; p < parts.size(); ++p) {
                const auto& fragments = parts[p].at("fragments");
                QVERIFY2(parsed.parts[p].size() == fragments.size(), prompt.c_str());
                for (size_t i = 0; i < fragments.size(); ++i) {
                    QVERIFY2(parsed.parts[p][i].text == fragments[i][0].get<std::string>(),
                             (prompt + " -> " + parsed.parts[p][i].text).c_str());
                    QVERIFY2(parsed.parts[p][i].weight == fragments[i][1].get<double>(),
                             prompt.c_str());
                }
            }
            ++checked;
        }
        QCOMPARE(checked, int(doc.at("compel").size()));
    }

    void promptSyntaxNamesRoundTrip() {
        for (auto s : {PromptSyntax::None, PromptSyntax::Compel, PromptSyntax::A1111})
            QCOMPARE(parse_prompt_syntax(to_string(s)), s);
        QVERIFY(!error_of([] { parse_prompt_syntax("sdnext"); }).empty());
    }

    // --- compel chunking and encoding (74-80, 150/151 tokens, sentence/comma/word splits,
    //     weights and down-weighting across chunk boundaries, .and(), '!' in tokenizer_2) -----

    void compelLongPromptsMatchCompel_data() {
        QTest::addColumn<int>("index");
        const auto doc = read_json(goldens("compel_chunks.json"));
        for (size_t i = 0; i < doc.at("cases").size(); ++i)
            QTest::newRow(doc["cases"][i]["id"].get<std::string>().c_str()) << int(i);
    }

    void compelLongPromptsMatchCompel() {
        QFETCH(int, index);
        c10::InferenceMode guard;
        const auto doc = read_json(goldens("compel_chunks.json"));
        const auto& c = doc.at("cases")[index];
        const auto id = c.at("id").get<std::string>();
        const auto file = SafeTensorsFile::open(goldens("compel_chunks.safetensors"));
        const auto out = encode_prompt(tiny_text().encoders(), c.at("prompt").get<std::string>(),
                                       PromptSyntax::Compel);
        QVERIFY(torch::equal(traced(out, "input_ids"), file->load(id + ".input_ids")));
        QVERIFY(torch::equal(traced(out, "input_ids_2"), file->load(id + ".input_ids_2")));
        QVERIFY(torch::equal(traced(out, "token_weights"), file->load(id + ".token_weights")));
        const double embeds = max_abs_diff(out.embeds, file->load(id + ".prompt_embeds"));
        const double pooled = max_abs_diff(out.pooled, file->load(id + ".add_text_embeds"));
        qInfo("%s: prompt_embeds %.2g, add_text_embeds %.2g", id.c_str(), embeds, pooled);
        QVERIFY(embeds <= 1e-5);
        QVERIFY(pooled <= 1e-5);
        // The token counter's chunk count is the conditioning's.
        const auto length = prompt_length(tiny_text().encoders(), c.at("prompt").get<std::string>(),
                                          PromptSyntax::Compel);
        QCOMPARE(length.chunks, c.at("conditioning_shape")[1].get<int64_t>() / 77);
    }

    // --- A1111 chunking (BREAK, 74-80 and 150/151 tokens, comma backtrack) and emphasis -----

    void a1111ChunksAndEncodingMatchReference_data() {
        QTest::addColumn<int>("index");
        const auto doc = read_json(goldens("a1111_text.json"));
        for (size_t i = 0; i < doc.at("text_cases").size(); ++i)
            QTest::newRow(doc["text_cases"][i]["id"].get<std::string>().c_str()) << int(i);
    }

    void a1111ChunksAndEncodingMatchReference() {
        QFETCH(int, index);
        c10::InferenceMode guard;
        const auto doc = read_json(goldens("a1111_text.json"));
        const auto& c = doc.at("text_cases")[index];
        const auto id = c.at("id").get<std::string>();
        const auto prompt = c.at("prompt").get<std::string>();
        auto& text = tiny_text();
        const auto chunks = a1111_chunks(text.tokenizer_1, parse_a1111_prompt(prompt));
        const auto& expected = c.at("chunks");
        QCOMPARE(chunks.ids.size(), expected.size());
        QCOMPARE(chunks.token_count, c.at("token_count").get<int64_t>());
        for (size_t k = 0; k < expected.size(); ++k) {
            QVERIFY(chunks.ids[k] == expected[k].at("tokens").get<std::vector<int64_t>>());
            const auto mults = expected[k].at("multipliers").get<std::vector<double>>();
            for (size_t t = 0; t < mults.size(); ++t)
                QCOMPARE(chunks.multipliers[k][t], float(mults[t]));
        }
        const auto length = prompt_length(text.encoders(), prompt, PromptSyntax::A1111);
        QCOMPARE(length.tokens, c.at("token_count").get<int64_t>());
        QCOMPARE(length.chunks, int64_t(expected.size()));
        const auto out = encode_prompt(text.encoders(), prompt, PromptSyntax::A1111);
        std::vector<int64_t> ids_2;
        for (const auto& chunk : expected) {
            const auto part = chunk.at("input_ids_2").get<std::vector<int64_t>>();
            ids_2.insert(ids_2.end(), part.begin(), part.end());
        }
        QVERIFY(to_ids(traced(out, "input_ids_2")) == ids_2);
        const auto file = SafeTensorsFile::open(goldens("a1111_text.safetensors"));
        const double embeds = max_abs_diff(out.embeds, file->load(id + ".prompt_embeds"));
        const double pooled = max_abs_diff(out.pooled, file->load(id + ".add_text_embeds"));
        qInfo("%s: prompt_embeds %.2g, add_text_embeds %.2g", id.c_str(), embeds, pooled);
        QVERIFY(embeds <= 1e-5);
        QVERIFY(pooled <= 1e-5);
    }

    // --- clip_skip against diffusers' encode_prompt(clip_skip=k) -------------------------------

    void clipSkipMatchesDiffusers_data() {
        QTest::addColumn<int>("index");
        const auto doc = read_json(goldens("clip_skip.json"));
        for (size_t i = 0; i < doc.at("cases").size(); ++i)
            QTest::newRow(doc["cases"][i]["id"].get<std::string>().c_str()) << int(i);
    }

    void clipSkipMatchesDiffusers() {
        QFETCH(int, index);
        c10::InferenceMode guard;
        const auto c = read_json(goldens("clip_skip.json")).at("cases")[index];
        const auto id = c.at("id").get<std::string>();
        const auto prompt = c.at("prompt").get<std::string>();
        const int clip_skip = c.at("clip_skip").get<int>();
        const auto file = SafeTensorsFile::open(goldens("clip_skip.safetensors"));
        std::vector<std::pair<std::string, double>> diffs;
        const auto check = [&](const std::string& name, const at::Tensor& ours) {
            diffs.emplace_back(name, max_abs_diff(ours, file->load(id + "." + name)));
        };
        if (c.at("negative_prompt").is_null()) {
            const auto out =
                encode_prompt(tiny_text().encoders(), prompt, PromptSyntax::None, clip_skip);
            check("prompt_embeds", out.embeds);
            check("add_text_embeds", out.pooled);
        } else {
            const auto [negative, positive] = encode_for_guidance(
                tiny_text().encoders(), prompt, c.at("negative_prompt").get<std::string>(),
                PromptSyntax::None, clip_skip);
            check("prompt_embeds", positive.embeds);
            check("add_text_embeds", positive.pooled);
            check("negative_prompt_embeds", negative.embeds);
            check("negative_add_text_embeds", negative.pooled);
        }
        for (const auto& [name, diff] : diffs) {
            qInfo("%s: %s %.2g", id.c_str(), name.c_str(), diff);
            QVERIFY2(diff <= 1e-5, (id + " " + name).c_str());
        }
    }

    void a1111KeepsAMultiVectorEmbeddingInOneChunk() {
        auto& text = tiny_text();
        const auto ti = TextualInversion::load(
            {{testing::fixtures_dir() + "/golden-prompts/embeddings/style3.safetensors",
              "<style3>"}},
            text.tokenizer_1, text.tokenizer_2, 32, 48);
        std::string prompt;
        for (int i = 0; i < 73; ++i) prompt += "cat ";
        const auto chunks =
            a1111_chunks(ti.tokenizer_1(), parse_a1111_prompt(prompt + "<style3>"), &ti);
        QCOMPARE(chunks.ids.size(), size_t(2));  // 73 + 3 > 75: all three move on
        const auto first = ti.tokens()[0].first_id;
        QCOMPARE(chunks.ids[1][1], first);
        QCOMPARE(chunks.ids[1][3], first + 2);
    }

    void negativeIsPaddedWithEmptyPromptChunks() {
        c10::InferenceMode guard;
        std::string long_prompt;
        for (int i = 0; i < 80; ++i) long_prompt += "tree ";
        for (auto syntax : {PromptSyntax::Compel, PromptSyntax::A1111}) {
            const auto [negative, positive] = encode_for_guidance(
                tiny_text().encoders(), long_prompt, std::string("blurry"), syntax);
            QCOMPARE(positive.embeds.size(1), int64_t(154));
            QCOMPARE(negative.embeds.size(1), int64_t(154));
            const auto empty = encode_prompt(tiny_text().encoders(), "", syntax).embeds;
            QVERIFY(torch::equal(negative.embeds.slice(1, 77), empty));
        }
        // a1111: an empty negative is zeros, then padded like any other.
        const auto [zero, positive] = encode_for_guidance(tiny_text().encoders(), long_prompt,
                                                          std::string(), PromptSyntax::A1111);
        QVERIFY(zero.zeros);
        QCOMPARE(zero.embeds.slice(1, 0, 77).abs().max().item<float>(), 0.0f);
        QVERIFY(zero.embeds.slice(1, 77).abs().max().item<float>() > 0);
    }

    // --- textual inversion files -----------------------------------------------------------

    void textualInversionErrorsNameTheFile() {
        QTemporaryDir dir;
        auto& text = tiny_text();
        const auto write = [&](const std::string& name,
                               std::vector<std::pair<std::string, at::Tensor>> tensors) {
            const auto path = dir.filePath(QString::fromStdString(name)).toStdString();
            save_safetensors(path, tensors);
            return path;
        };
        const auto good = write("good.safetensors", {{"clip_l", torch::zeros({2, 32})},
                                                     {"clip_g", torch::zeros({2, 48})}});
        const auto no_g = write("no_g.safetensors", {{"clip_l", torch::zeros({1, 32})}});
        const auto wide = write("wide.safetensors", {{"clip_l", torch::zeros({1, 768})},
                                                     {"clip_g", torch::zeros({1, 48})}});
        const auto uneven = write("uneven.safetensors", {{"clip_l", torch::zeros({1, 32})},
                                                         {"clip_g", torch::zeros({2, 48})}});
        const auto sd1 = write("sd1.safetensors", {{"emb_params", torch::zeros({1, 768})}});
        auto load = [&](std::vector<EmbeddingSpec> specs) {
            return error_of(
                [&] { TextualInversion::load(specs, text.tokenizer_1, text.tokenizer_2, 32, 48); });
        };
        auto mentions = [](const std::string& error, const std::string& what) {
            return error.find(what) != std::string::npos;
        };
        QVERIFY(load({{good, "<good>"}}).empty());
        // The file stem "good" is a vocabulary token already (diffusers refuses it too).
        QVERIFY(mentions(load({{good, ""}}), "already in the tokenizer"));
        QVERIFY(mentions(load({{no_g, ""}}), no_g) && mentions(load({{no_g, ""}}), "clip_g"));
        QVERIFY(mentions(load({{wide, ""}}), wide) && mentions(load({{wide, ""}}), "768"));
        QVERIFY(mentions(load({{uneven, ""}}), uneven));
        QVERIFY(mentions(load({{sd1, ""}}), "SD 1.x"));
        // Token clashes: a vocabulary token, a token given twice, a multi-vector name.
        QVERIFY(mentions(load({{good, "<|endoftext|>"}}), "already in the tokenizer"));
        QVERIFY(mentions(load({{good, "<x>"}, {good, "<x>"}}), "already taken"));
        QVERIFY(mentions(load({{good, "<y>"}, {good, "<y>_1"}}), "<y>_1"));
        QVERIFY(
            mentions(load({{dir.filePath("none.safetensors").toStdString(), ""}}), "not found"));
    }

    void textualInversionTokensGetDiffusersIds() {
        auto& text = tiny_text();
        const auto dir = testing::fixtures_dir() + "/golden-prompts/embeddings/";
        const auto ti = TextualInversion::load(
            {{dir + "style3.safetensors", "<style3>"}, {dir + "inkwash.safetensors", ""}},
            text.tokenizer_1, text.tokenizer_2, 32, 48);
        QCOMPARE(ti.tokens()[0].first_id, int64_t(49408));
        QCOMPARE(ti.tokens()[1].token, std::string("inkwash"));
        QCOMPARE(ti.tokens()[1].first_id, int64_t(49411));
        QCOMPARE(*ti.tokenizer_2().token_id("<style3>_2"), int64_t(49410));
        // Split out of the normalized text (transformers' added tokens).
        QVERIFY(ti.tokenizer_1().tokenize("INKWASH")[0] == 49411);
        QCOMPARE(ti.expand_prompt("a <style3> b", ti.tokenizer_1()),
                 std::string("a <style3> <style3>_1 <style3>_2 b"));
        QCOMPARE(parse_embedding_spec(dir + "neg1.safetensors:<n>").token, std::string("<n>"));
        QCOMPARE(parse_embedding_spec(dir + "neg1.safetensors").token, std::string());
    }

    // Guards whole-word matching: transformers' added tokens are split out of any text, so
    // the prompt "dinkwashed" was encoded with the embedding "inkwash".
    void embeddingTokensMatchOnlyWholeWords() {
        auto& text = tiny_text();
        const auto dir = testing::fixtures_dir() + "/golden-prompts/embeddings/";
        const auto ti = TextualInversion::load(
            {{dir + "inkwash.safetensors", ""}, {dir + "style3.safetensors", "<style3>"}},
            text.tokenizer_1, text.tokenizer_2, 32, 48);
        const int64_t inkwash = ti.tokens()[0].first_id;
        const auto uses = [&](const std::string& prompt, PromptSyntax syntax) {
            const auto parsed = syntax == PromptSyntax::A1111
                                    ? parse_a1111_prompt(prompt)
                                    : std::vector<WeightedText>{{prompt, 1.0}};
            for (const auto* tokenizer : {&ti.tokenizer_1(), &ti.tokenizer_2()})
                for (const auto& chunk : a1111_chunks(*tokenizer, parsed, &ti).ids)
                    if (std::count(chunk.begin(), chunk.end(), inkwash)) return true;
            return false;
        };
        for (const auto syntax : {PromptSyntax::None, PromptSyntax::A1111}) {
            QVERIFY(!uses("dinkwashed", syntax));
            QVERIFY(!uses("a dinkwash b", syntax));
            QVERIFY(!uses("inkwashed paper", syntax));
            QVERIFY(!uses("inkwash2", syntax));
            QVERIFY(uses("inkwash, fog", syntax));
            QVERIFY(uses("a mountain village painted in inkwash style", syntax));
            QVERIFY(uses("Inkwash", syntax));
            QVERIFY(uses("(inkwash:1.2)", syntax));
        }
        // The weight reaches the embedding's position.
        const auto chunks =
            a1111_chunks(ti.tokenizer_1(), parse_a1111_prompt("(inkwash:1.2)"), &ti);
        QCOMPARE(chunks.ids[0][1], inkwash);
        QCOMPARE(chunks.multipliers[0][1], 1.2f);
        // The multi-vector expansion of the text finds what the tokenizer finds.
        for (const std::string prompt :
             {"a<style3>s", "<style3>2 <style3>", "x <style3>_1", "dinkwashed <style3>, inkwash"}) {
            const auto& tok = ti.tokenizer_1();
            QCOMPARE(tok.tokenize(ti.expand_prompt(prompt, tok)),
                     ti.expand_ids(tok.tokenize(prompt)));
        }
    }
};

QTEST_GUILESS_MAIN(TestPrompts)
#include "test_prompts.moc"
