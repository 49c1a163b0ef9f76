#include "core/hub/hub_responses.h"

#include "core/util/bounded_json.h"
#include "core/util/error.h"

#include <algorithm>
#include <cctype>

namespace lightning::hub {
namespace {

using json = nlohmann::json;

bool is_commit_hash(const std::string& text) {
    return text.size() == 40 && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

// A byte count: a JSON integer >= 0. Checked first because nlohmann's get<uint64_t>() of a float
// out of range ("size": 5e126) is undefined behaviour (found by fuzz_hub_responses).
uint64_t byte_count(const json& value, const std::string& url) {
    if (value.is_number_unsigned()) return value.get<uint64_t>();
    if (value.is_number_integer() && value.get<int64_t>() >= 0)
        return uint64_t(value.get<int64_t>());
    throw Error(url, "unexpected repository listing: a \"size\" is not a whole number of bytes");
}

RemoteFile remote_file(const json& sibling, const std::string& url) {
    RemoteFile file;
    file.path = sibling.at("rfilename").get<std::string>();
    if (sibling.contains("lfs") && sibling["lfs"].is_object()) {
        file.lfs = true;
        file.etag = sibling["lfs"].at("sha256").get<std::string>();
        file.size = byte_count(sibling["lfs"].at("size"), url);
    } else {
        file.etag = sibling.value("blobId", std::string());
        file.size = sibling.contains("size") ? byte_count(sibling["size"], url) : 0;
    }
    return file;
}

}  // namespace

RepoListing parse_repo_listing(std::string_view body, const std::string& url) {
    const json doc = parse_bounded_json(body, url, "unexpected repository listing");
    RepoListing listing;
    try {
        listing.commit = doc.at("sha").get<std::string>();
        for (const auto& sibling : doc.at("siblings"))
            listing.files.push_back(remote_file(sibling, url));
    } catch (const json::exception& e) {
        // type and key errors name a key or a type, never the body's bytes
        throw Error(url, std::string("unexpected repository listing: ") + e.what());
    }
    if (!is_commit_hash(listing.commit))
        throw Error(url,
                    "the listing names no commit (\"sha\": " +
                        json(listing.commit).dump(-1, ' ', false, json::error_handler_t::replace) +
                        ")");
    return listing;
}

std::string server_message(std::string_view body) {
    try {
        const json doc = parse_bounded_json(body, "", "");
        if (doc.is_object() && doc.contains("error") && doc["error"].is_string())
            return " (" + doc["error"].get<std::string>() + ")";
    } catch (const Error&) {
    }
    return {};
}

std::string bare_etag(std::string value) {
    if (value.rfind("W/", 0) == 0) value = value.substr(2);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
    return value;
}

void ResponseHeaders::add_line(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    if (line.starts_with("HTTP/")) {
        if (!headers.empty() && !seen_first_response) {
            first_headers = headers;
            seen_first_response = true;
        }
        headers.clear();
        return;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    std::string_view value = line.substr(colon + 1);
    value.remove_prefix(std::min(value.size(), value.find_first_not_of(" \t")));
    headers[name] = std::string(value);
}

}  // namespace lightning::hub
