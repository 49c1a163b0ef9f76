// A small HTTP client on libcurl for the hub downloader. libcurl stays inside http.cpp; this
// header is plain C++ so callers (and the UI) never see curl types.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace lightning::hub {

enum class TransferFailure {
    None,
    Cancelled,      // keep_going() said stop
    WriteFailed,    // the sink refused bytes (disk full, ...)
    CannotConnect,  // name resolution or connection failed: offline, wrong endpoint
    Interrupted,    // the connection dropped or stalled mid-transfer: worth resuming
    Other,          // TLS, protocol, ...
};

struct HttpResponse {
    long status = 0;  // of the last response (after redirects); 0 when none arrived
    std::map<std::string, std::string> headers;  // lower-case names, last response only
    // Headers of the first response of a request that redirected (hub metadata lives there).
    std::map<std::string, std::string> first_headers;
    std::string body;  // in-memory requests; for streams, the body of an error response
    std::string effective_url;
    TransferFailure failure = TransferFailure::None;
    std::string failure_text;  // libcurl's explanation
    uint64_t received = 0;     // body bytes handed to a stream's sink
};

struct HttpOptions {
    std::string bearer_token;  // sent to the requested host only, never across redirects
    std::string user_agent = "lightning-studio";
    long connect_timeout_seconds = 20;
    long stall_timeout_seconds = 60;  // under 1 byte/s for this long = Interrupted
};

class HttpClient {
public:
    explicit HttpClient(HttpOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // GET following redirects; the body in memory (for JSON).
    HttpResponse get(const std::string& url);
    // HEAD without following redirects (the hub puts a file's metadata on its redirect).
    HttpResponse head(const std::string& url);

    // GET following redirects, from byte `range_from` on (Range: bytes=N-) when > 0. Before the
    // first body byte of a 200/206 response, on_start(response) sees status and headers and
    // may return false to refuse the body (WriteFailed). Body bytes then go to sink(), which
    // returns false to stop (WriteFailed). keep_going() is polled during the transfer.
    HttpResponse stream(const std::string& url, uint64_t range_from,
                        const std::function<bool(const HttpResponse&)>& on_start,
                        const std::function<bool(const char*, size_t)>& sink,
                        const std::function<bool()>& keep_going);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace lightning::hub
