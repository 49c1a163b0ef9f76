#include "core/hub/http.h"

#include "core/hub/hub_responses.h"
#include "core/util/error.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace lightning::hub {
namespace {

constexpr size_t kMaxBodyBytes = 64u << 20;       // JSON listings
constexpr size_t kMaxErrorBodyBytes = 64u << 10;  // error pages of streams

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

TransferFailure classify(CURLcode code) {
    switch (code) {
        case CURLE_OK:
            return TransferFailure::None;
        case CURLE_ABORTED_BY_CALLBACK:
            return TransferFailure::Cancelled;
        case CURLE_WRITE_ERROR:
            return TransferFailure::WriteFailed;
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_CONNECT:
            return TransferFailure::CannotConnect;
        case CURLE_PARTIAL_FILE:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_GOT_NOTHING:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
            return TransferFailure::Interrupted;
        default:
            return TransferFailure::Other;
    }
}

// One request's state, reached from libcurl's callbacks.
struct Transfer {
    CURL* curl = nullptr;
    HttpResponse response;
    bool in_memory = false;
    bool started = false;          // first body byte seen
    bool streaming = false;        // body goes to the sink
    ResponseHeaders header_lines;  // copied into response before anyone sees it
    const std::function<bool(const HttpResponse&)>* on_start = nullptr;
    const std::function<bool(const char*, size_t)>* sink = nullptr;
    const std::function<bool()>* keep_going = nullptr;
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    t->header_lines.add_line(std::string_view(data, bytes));
    return bytes;
}

// The headers as HttpResponse holds them: the latest response's, and the first response's.
void take_headers(Transfer& t) {
    t.response.headers = t.header_lines.headers;
    t.response.first_headers =
        t.header_lines.seen_first_response ? t.header_lines.first_headers : t.header_lines.headers;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    if (!t->started) {
        t->started = true;
        take_headers(*t);
        curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &t->response.status);
        t->streaming = !t->in_memory && (t->response.status == 200 || t->response.status == 206);
        if (t->streaming && t->on_start && *t->on_start && !(*t->on_start)(t->response)) return 0;
    }
    if (t->streaming) {
        if (!(*t->sink)(data, bytes)) return 0;
        t->response.received += bytes;
        return bytes;
    }
    const size_t limit = t->in_memory ? kMaxBodyBytes : kMaxErrorBodyBytes;
    if (t->response.body.size() + bytes > limit) return t->in_memory ? 0 : bytes;
    t->response.body.append(data, bytes);
    return bytes;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(user);
    return t->keep_going && *t->keep_going && !(*t->keep_going)() ? 1 : 0;
}

}  // namespace

struct HttpClient::Impl {
    HttpOptions options;
    CURL* curl = nullptr;

    HttpResponse perform(const std::string& url, Transfer& t, bool head, bool follow,
                         uint64_t range_from) {
        curl_easy_reset(curl);
        t.curl = curl;
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str());
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, options.connect_timeout_seconds);
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, options.stall_timeout_seconds);
        curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, follow ? 1L : 0L);
        curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
        curl_easy_setopt(curl, CURLOPT_NOBODY, head ? 1L : 0L);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
        // Files must arrive byte-exact; a transparently decompressed body would not match the
        // hub's checksums, so no Accept-Encoding is sent.
        if (!options.bearer_token.empty()) {
            // libcurl sends bearer credentials to the requested host only; the CDN a download
            // redirects to never sees the token.
            curl_easy_setopt(curl, CURLOPT_HTTPAUTH, long(CURLAUTH_BEARER));
            curl_easy_setopt(curl, CURLOPT_XOAUTH2_BEARER, options.bearer_token.c_str());
        }
        const std::string range = std::to_string(range_from) + "-";
        if (range_from > 0) curl_easy_setopt(curl, CURLOPT_RANGE, range.c_str());
        char error_text[CURL_ERROR_SIZE] = {0};
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);

        const CURLcode code = curl_easy_perform(curl);
        if (!t.started) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &t.response.status);
        char* effective = nullptr;
        curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &effective);
        if (effective) t.response.effective_url = effective;
        take_headers(t);
        t.response.failure = classify(code);
        if (code != CURLE_OK)
            t.response.failure_text = error_text[0] ? error_text : curl_easy_strerror(code);
        // A body cut short by the server's close is not always reported by libcurl as an error
        // (no Content-Length); the caller compares sizes as well.
        return std::move(t.response);
    }
};

HttpClient::HttpClient(HttpOptions options) : impl_(std::make_unique<Impl>()) {
    global_init();
    impl_->options = std::move(options);
    impl_->curl = curl_easy_init();
    if (!impl_->curl) throw Error("libcurl", "cannot create a transfer handle");
}

HttpClient::~HttpClient() {
    if (impl_ && impl_->curl) curl_easy_cleanup(impl_->curl);
}

HttpResponse HttpClient::get(const std::string& url) {
    Transfer t;
    t.in_memory = true;
    return impl_->perform(url, t, /*head=*/false, /*follow=*/true, 0);
}

HttpResponse HttpClient::head(const std::string& url) {
    Transfer t;
    t.in_memory = true;
    return impl_->perform(url, t, /*head=*/true, /*follow=*/false, 0);
}

HttpResponse HttpClient::stream(const std::string& url, uint64_t range_from,
                                const std::function<bool(const HttpResponse&)>& on_start,
                                const std::function<bool(const char*, size_t)>& sink,
                                const std::function<bool()>& keep_going) {
    Transfer t;
    t.on_start = &on_start;
    t.sink = &sink;
    t.keep_going = &keep_going;
    return impl_->perform(url, t, /*head=*/false, /*follow=*/true, range_from);
}

}  // namespace lightning::hub
