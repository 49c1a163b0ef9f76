// Dynamic prompts (core/request/wildcards.h): a template and a seed give the same prompt every
// time, other seeds other choices; {k$$...} picks distinct options; wildcards come from files,
// nested folders and wildcards inside wildcard lines; every bad input is an error naming what
// and where, before anything is generated; every combination of a template can be listed.
#include "core/request/limits.h"
#include "core/request/wildcards.h"
#include "support/errors.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

using namespace lightning;
using lightning::testing::expect_error;

namespace {

namespace fs = std::filesystem;

const std::string kField = "prompt template";

void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> split(const std::string& text, const std::string& separator) {
    std::vector<std::string> parts;
    size_t begin = 0;
    for (size_t at; (at = text.find(separator, begin)) != std::string::npos;
         begin = at + separator.size())
        parts.push_back(text.substr(begin, at - begin));
    parts.push_back(text.substr(begin));
    return parts;
}

}  // namespace

class TestWildcards : public QObject {
    Q_OBJECT
    QTemporaryDir temp_;
    std::string dir_;

    std::string resolve(const std::string& text, uint64_t seed) {
        WildcardFolder folder(dir_);
        return resolve_template(text, seed, TemplateStream::Prompt, folder, kField);
    }
    // What resolving `text` throws (with `dir` as the folder).
    Error error_for(const std::string& text, const std::string& dir) {
        return expect_error([&] {
            WildcardFolder folder(dir);
            check_template(text, folder, kField);
        });
    }
    std::set<std::string> outcomes(const std::string& text, int seeds) {
        std::set<std::string> seen;
        for (int seed = 0; seed < seeds; ++seed) seen.insert(resolve(text, uint64_t(seed)));
        return seen;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(temp_.isValid());
        dir_ = temp_.path().toStdString() + "/wildcards";
        write_file(dir_ + "/animal.txt", "# animals\ncat\n\n  dog  \nfox\n");
        write_file(dir_ + "/colors/warm.txt", "red\n{orange|amber}\n");
        write_file(dir_ + "/scene.txt", "a __colors/warm__ __animal__\n");
    }

    void sameSeedGivesTheSameChoiceTwice() {
        const std::string text = "a {red|green|blue} car, {2$$a|b|c|d}, __animal__";
        for (uint64_t seed : {uint64_t(0), uint64_t(7), limits::kMaxSeed})
            QCOMPARE(resolve(text, seed), resolve(text, seed));
        // And through the request, as the engine resolves each image of a batch.
        GenerationRequest request;
        request.prompt_template = text;
        request.wildcards_dir = dir_;
        request.seed = 41;
        request.batch = 3;
        const auto images = resolved_images(request);
        QCOMPARE(int(images.size()), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(images[size_t(i)].seed, uint64_t(41 + i));
            QCOMPARE(images[size_t(i)].prompt, resolve(text, uint64_t(41 + i)));
            QCOMPARE(images[size_t(i)].prompt_template, text);  // the record keeps both
        }
    }

    void differentSeedsGiveDifferentChoices() {
        QCOMPARE(outcomes("{red|green|blue}", 64), (std::set<std::string>{"red", "green", "blue"}));
        QCOMPARE(outcomes("__animal__", 64), (std::set<std::string>{"cat", "dog", "fox"}));
    }

    void negativeTemplateHasItsOwnStream() {
        GenerationRequest request;
        request.prompt_template = "{a|b|c|d|e|f|g|h}";
        request.seed = 5;
        WildcardFolder folder;
        const std::string alone = resolved_image(request, 0, folder).prompt;
        request.negative_template = "{x|y}";
        const auto image = resolved_image(request, 0, folder);
        QCOMPARE(image.prompt, alone);
        QVERIFY(image.negative_prompt == "x" || image.negative_prompt == "y");
    }

    void countPicksDistinctOptions() {
        const std::set<std::string> options = {"a", "b", "c", "d"};
        for (int seed = 0; seed < 50; ++seed) {
            const auto parts = split(resolve("{2$$a|b|c|d}", uint64_t(seed)), ",");
            QCOMPARE(int(parts.size()), 2);
            QVERIFY(parts[0] != parts[1]);
            QVERIFY(options.count(parts[0]) && options.count(parts[1]));
        }
        // Every line of a wildcard once at most.
        for (int seed = 0; seed < 30; ++seed) {
            const auto parts = split(resolve("{3$$ and $$__animal__}", uint64_t(seed)), " and ");
            QCOMPARE(std::set<std::string>(parts.begin(), parts.end()),
                     (std::set<std::string>{"cat", "dog", "fox"}));
        }
    }

    void rangesAndSeparators() {
        std::set<size_t> counts;
        for (int seed = 0; seed < 100; ++seed) {
            const auto parts = split(resolve("{1-3$$ + $$a|b|c|d}", uint64_t(seed)), " + ");
            counts.insert(parts.size());
        }
        QCOMPARE(counts, (std::set<size_t>{1, 2, 3}));
        // Bounds left out are 1 and the option count; a count above it gives them all.
        QCOMPARE(split(resolve("{2-$$a|b}", 3), ",").size(), size_t(2));
        QCOMPARE(split(resolve("{5$$a|b|c}", 3), ",").size(), size_t(3));
        QCOMPARE(split(resolve("{-1$$a|b|c}", 3), ",").size(), size_t(1));
        QCOMPARE(split(resolve("{2$$|$$a|b}", 3), "|").size(), size_t(2));
    }

    void weightsSteerTheChoice() {
        QCOMPARE(outcomes("{0::a|b}", 40), std::set<std::string>{"b"});
        std::map<std::string, int> times;
        for (int seed = 0; seed < 400; ++seed) ++times[resolve("{9::a|1::b}", uint64_t(seed))];
        QVERIFY2(times["a"] > 3 * times["b"] && times["b"] > 0,
                 qPrintable(QString("a %1, b %2").arg(times["a"]).arg(times["b"])));
    }

    void nestedFoldersAndWildcardsInLines() {
        const auto seen = outcomes("__scene__", 200);
        std::set<std::string> expected;
        for (const char* color : {"red", "orange", "amber"})
            for (const char* animal : {"cat", "dog", "fox"})
                expected.insert(std::string("a ") + color + " " + animal);
        QCOMPARE(seen, expected);
        QCOMPARE(outcomes("__colors\\warm__", 50), outcomes("__/colors//warm/__", 50));
    }

    void plainTextStaysAsWritten() {
        for (const std::string text : {"Unmatched } bracket", "[cat|dog] (word:1.2) $5 100%",
                                       "snake__case", "a __ b __ c", "{ x }"})
            QCOMPARE(resolve(text, 1), text == "{ x }" ? std::string("x") : text);
    }

    void promptsWithTheSyntaxAreTemplates() {
        QVERIFY(has_template_syntax("a {b|c}"));
        QVERIFY(has_template_syntax("a __animal__"));
        QVERIFY(!has_template_syntax("a plain prompt, (word:1.1)"));
        QVERIFY(!has_template_syntax("snake__case"));
        GenerationRequest request;
        request.prompt = "a {b|c}";
        request.negative_prompt = "plain";
        mark_prompt_templates(request);
        QCOMPARE(request.prompt_template, std::string("a {b|c}"));
        QVERIFY(!request.negative_template);
    }

    void errorsNameWhatAndWhere() {
        auto message = [&](const std::string& text) {
            return std::string(error_for(text, dir_).what());
        };
        QVERIFY(message("a {b|c").find("unbalanced '{' at byte 2 of the template") !=
                std::string::npos);
        QVERIFY(message("x __nope__").find("unknown wildcard __nope__") != std::string::npos);
        QVERIFY(message("x __nope__").find("nope.txt") != std::string::npos);
        const auto no_folder = error_for("__animal__", "");
        QCOMPARE(no_folder.where(), kField);
        QVERIFY(std::string(no_folder.what()).find("no wildcards folder is set") !=
                std::string::npos);
        QVERIFY(message("__../secret__").find("'..'") != std::string::npos);
        QVERIFY(message("__ani*__").find("globbing") != std::string::npos);
        QVERIFY(message("${x=1}").find("variables") != std::string::npos);
        QVERIFY(message("{3-1$$a|b}").find("lower bound") != std::string::npos);
        QVERIFY(message("{!a|b}").find("sampler '!'") != std::string::npos);
        QVERIFY(message("{0::a|0::b}").find("weighs 0") != std::string::npos);
    }

    void cyclesAndDepthAreRefused() {
        const std::string dir = temp_.path().toStdString() + "/cycle";
        write_file(dir + "/a.txt", "x\n__b__\n");
        write_file(dir + "/b.txt", "{y|__a__}\n");
        const std::string cycle = error_for("__a__", dir).what();
        QVERIFY2(cycle.find("wildcard cycle: __a__ -> __b__ -> __a__") != std::string::npos,
                 cycle.c_str());
        const std::string deep = temp_.path().toStdString() + "/deep";
        for (int i = 0; i <= limits::kMaxWildcardDepth; ++i)
            write_file(
                deep + "/w" + std::to_string(i) + ".txt",
                i == limits::kMaxWildcardDepth ? "end\n" : "__w" + std::to_string(i + 1) + "__\n");
        const std::string too_deep = error_for("__w0__", deep).what();
        QVERIFY2(too_deep.find("nested more than") != std::string::npos, too_deep.c_str());
        WildcardFolder folder(deep);
        check_template("__w1__", folder, kField);  // one less: accepted
        QCOMPARE(resolve_template("__w1__", 0, TemplateStream::Prompt, folder, kField),
                 std::string("end"));
    }

    void badWildcardFilesAreNamedWithTheirLine() {
        const std::string dir = temp_.path().toStdString() + "/bad";
        write_file(dir + "/utf.txt", "fine\nbad \xC3\x28 byte\n");
        write_file(dir + "/nul.txt", std::string("a\nb\0c\n", 6));
        write_file(dir + "/empty.txt", "# only a comment\n\n");
        write_file(dir + "/syntax.txt", "ok\n{open\n");
        const auto utf = error_for("__utf__", dir);
        QCOMPARE(utf.where(), dir + "/utf.txt");
        QVERIFY2(std::string(utf.what()).find("line 2 is not valid UTF-8") != std::string::npos,
                 utf.what());
        QVERIFY(std::string(error_for("__nul__", dir).what()).find("line 2 holds a NUL") !=
                std::string::npos);
        QVERIFY(std::string(error_for("__empty__", dir).what()).find("has no options") !=
                std::string::npos);
        const std::string syntax = error_for("__syntax__", dir).what();
        QVERIFY2(syntax.find("line 2 of __syntax__") != std::string::npos, syntax.c_str());
    }

    void hugeWildcardFilesAreRefusedBeforeReading() {
        const std::string dir = temp_.path().toStdString() + "/huge";
        fs::create_directories(dir);
        fs::resize_file((write_file(dir + "/big.txt", "x"), dir + "/big.txt"),
                        limits::kMaxWildcardFileBytes + 1);  // sparse: no disk used
        const std::string message = error_for("__big__", dir).what();
        QVERIFY2(message.find("at most " + std::to_string(limits::kMaxWildcardFileBytes)) !=
                     std::string::npos,
                 message.c_str());
    }

    void resolvedPromptsAreBounded() {
        // 4 options of 6 KB picked 4 times each side of a 4-fold variant: over kMaxPromptBytes.
        const std::string option(6000, 'x');
        const std::string text = "{" + option + "|" + option + "} {" + option + "|" + option +
                                 "} {" + option + "|" + option + "} {" + option + "|" + option +
                                 "}";
        const auto error = expect_error([&] { resolve(text, 0); });
        QVERIFY(std::string(error.what())
                    .find("more than " + std::to_string(limits::kMaxPromptBytes)) !=
                std::string::npos);
    }

    void everyCombinationIsListed() {
        WildcardFolder folder(dir_);
        QCOMPARE(template_combinations("{a|b} {c|d}", folder, 100, kField),
                 (std::vector<std::string>{"a c", "a d", "b c", "b d"}));
        QCOMPARE(template_combinations("{2$$ & $$x|y|z}", folder, 100, kField),
                 (std::vector<std::string>{"x & y", "x & z", "y & z"}));
        QCOMPARE(template_combinations("__colors/warm__", folder, 100, kField),
                 (std::vector<std::string>{"red", "orange", "amber"}));
        QCOMPARE(template_combinations("__scene__", folder, 100, kField).size(), size_t(9));
        const auto error =
            expect_error([&] { template_combinations("{a|b} {c|d} {e|f}", folder, 7, kField); });
        QVERIFY(std::string(error.what()).find("more than 7 combinations") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestWildcards)
#include "test_wildcards.moc"
