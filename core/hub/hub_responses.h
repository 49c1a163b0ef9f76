// What the hub answers, read as data: the repository listing (JSON), the message of an error
// body (JSON), ETags and response header lines. Apart from downloader.cpp and http.cpp (libcurl)
// so these readers of bytes from the network are tested and fuzzed without one
// (fuzz/fuzz_hub_responses.cpp). JSON goes through parse_bounded_json (core/util/bounded_json.h).
#pragma once
#include "core/hub/downloader.h"

#include <map>
#include <string>
#include <string_view>

namespace lightning::hub {

// GET /api/models/<repo>/revision/<rev>?blobs=true: the commit ("sha", 40 hex digits) and the
// files ("siblings": rfilename, lfs.sha256 + lfs.size or blobId + size). repo_id and revision
// stay empty. Throws lightning::Error(url, ...) for anything else; the body is never quoted.
RepoListing parse_repo_listing(std::string_view body, const std::string& url);

// The hub's own explanation in an error body ({"error": "..."}) as " (explanation)", or "".
std::string server_message(std::string_view body);

// ETag header value -> bare digest: strips a weak marker (W/) and quotes.
std::string bare_etag(std::string value);

// The headers of one request as libcurl hands them over, one line at a time: names in lower
// case, values without leading blanks; a status line ("HTTP/...") starts a new response (after
// a redirect or a 100-continue), and the first response's headers are kept apart (the hub puts
// a file's metadata on its redirect).
struct ResponseHeaders {
    std::map<std::string, std::string> headers;        // the latest response's
    std::map<std::string, std::string> first_headers;  // set once a second response starts
    bool seen_first_response = false;

    void add_line(std::string_view line);
};

}  // namespace lightning::hub
