// The hub's answers read as data (core/hub/hub_responses.h): the repository listing, error
// bodies and header lines, without a network.
#include "core/hub/hub_responses.h"
#include "core/util/error.h"
#include "support/errors.h"

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <string>

using namespace lightning;
using namespace lightning::hub;
using lightning::testing::expect_error;

namespace {

const std::string kUrl = "https://huggingface.co/api/models/a/b/revision/main?blobs=true";
const std::string kCommit = "c9a24f48e1c025556787b0c58dd67a091ece2e44";

}  // namespace

class TestHubResponses : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void listingNamesCommitAndFiles() {
        const auto listing = parse_repo_listing(
            R"({"sha": ")" + kCommit +
                R"(", "siblings": [{"rfilename": "a.safetensors", "lfs": {"sha256": "e0", "size": 7}},
                                   {"rfilename": "README.md", "blobId": "b1", "size": 3}]})",
            kUrl);
        QCOMPARE(listing.commit, kCommit);
        QCOMPARE(listing.files.size(), size_t(2));
        QVERIFY(listing.files[0].lfs);
        QCOMPARE(listing.files[0].etag, std::string("e0"));
        QCOMPARE(listing.files[0].size, uint64_t(7));
        QCOMPARE(listing.files[1].etag, std::string("b1"));
    }

    // Guards the JSON nesting limit on the listing (bytes from a server, or a proxy in between):
    // 100,000 levels are refused naming the URL, and the body is never quoted in the error.
    void deeplyNestedListingIsRefused() {
        const std::string deep = std::string(100000, '[') + std::string(100000, ']');
        const Error e = expect_error(
            [&] { parse_repo_listing(R"({"sha": "SECRET", "siblings": )" + deep + "}", kUrl); });
        QCOMPARE(e.where(), kUrl);
        QVERIFY2(e.message().find("nested deeper than 64 levels") != std::string::npos, e.what());
        QCOMPARE(server_message(R"({"error": )" + deep + "}"), std::string());
        const Error broken = expect_error([&] { parse_repo_listing("SECRET <html>", kUrl); });
        QVERIFY2(std::string(broken.what()).find("SECRET") == std::string::npos, broken.what());
    }

    // Guards the listing's byte counts (fuzz/reproducers/hub_responses): "size": 5e126 went
    // through nlohmann's get<uint64_t>(), undefined behaviour for a float out of range (UBSan
    // abort under the fuzzer, a garbage size otherwise); it is now an error naming the URL.
    void listingSizesMustBeWholeByteCounts() {
        const auto listing_with = [](const std::string& size) {
            nlohmann::json listing = {
                {"sha", kCommit},
                {"siblings",
                 {{{"rfilename", "a"}, {"blobId", "b1"}, {"size", nlohmann::json::parse(size)}},
                  {{"rfilename", "c"}, {"lfs", {{"sha256", "e0"}, {"size", 7}}}}}}};
            return listing.dump();
        };
        for (const char* bad : {"5e126", "12.5", "-1", "\"7\""}) {
            const Error e = expect_error([&] { parse_repo_listing(listing_with(bad), kUrl); });
            QCOMPARE(e.where(), kUrl);
            QVERIFY2(e.message().find("unexpected repository listing") != std::string::npos,
                     e.what());
        }
        QCOMPARE(parse_repo_listing(listing_with("18446744073709551615"), kUrl).files[0].size,
                 uint64_t(18446744073709551615ull));
    }

    void listingWithoutCommitIsRefused() {
        const Error e =
            expect_error([&] { parse_repo_listing(R"({"sha": "main", "siblings": []})", kUrl); });
        QVERIFY2(e.message().find("names no commit") != std::string::npos, e.what());
        QCOMPARE(server_message(R"({"error": "Repository not found"})"),
                 std::string(" (Repository not found)"));
        QCOMPARE(server_message("<html>"), std::string());
    }

    void headerLinesKeepTheFirstResponseApart() {
        ResponseHeaders headers;
        for (const char* line :
             {"HTTP/1.1 302 Found\r\n", "X-Repo-Commit: abc\r\n", "X-Linked-Etag:  \"e0\"\r\n",
              "\r\n", "HTTP/2 200\r\n", "ETag: W/\"b1\"\r\n", "no colon\r\n"})
            headers.add_line(line);
        QVERIFY(headers.seen_first_response);
        QCOMPARE(headers.first_headers.at("x-repo-commit"), std::string("abc"));
        QCOMPARE(bare_etag(headers.first_headers.at("x-linked-etag")), std::string("e0"));
        QCOMPARE(headers.headers.size(), size_t(1));
        QCOMPARE(bare_etag(headers.headers.at("etag")), std::string("b1"));
    }
};

QTEST_GUILESS_MAIN(TestHubResponses)
#include "test_hub_responses.moc"
