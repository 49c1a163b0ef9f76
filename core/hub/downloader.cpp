#include "core/hub/downloader.h"

#include "core/hub/git_blob_id.h"
#include "core/hub/http.h"
#include "core/hub/hub_cache.h"
#include "core/hub/hub_responses.h"
#include "core/util/error.h"
#include "core/util/sha256.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>
#include <variant>

namespace lightning::hub {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

bool is_commit_hash(const std::string& text) {
    return text.size() == 40 && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

// Percent-encodes a path for a URL, keeping '/' (file paths) and unreserved characters.
std::string url_path(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
            out += char(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string header(const std::map<std::string, std::string>& headers, const std::string& name) {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

// One clear sentence per way a request fails.
[[noreturn]] void throw_request_error(const std::string& url, const HttpResponse& response,
                                      const Service& service) {
    switch (response.failure) {
        case TransferFailure::CannotConnect:
            throw Error(url, "cannot connect to " + service.endpoint + " (offline, or a wrong " +
                                 service.endpoint_option + "?): " + response.failure_text);
        case TransferFailure::Cancelled:
            throw Cancelled();
        case TransferFailure::None:
            break;
        default:
            throw Error(url, "transfer failed: " + response.failure_text);
    }
    const std::string detail = server_message(response.body);
    switch (response.status) {
        case 401:
            throw Error(url,
                        "authentication required (HTTP 401)" + detail + ": " +
                            (service.token.empty() ? service.token_advice
                                                   : "the " + service.token_kind + " from " +
                                                         service.token_source + " was refused"));
        case 403:
            throw Error(url, "access denied (HTTP 403)" + detail + ": " + service.denied_advice);
        case 404:
            throw Error(url, "not found (HTTP 404)" + detail + ": " + service.not_found);
        case 429:
            throw Error(url, "rate limited by " + service.name + " (HTTP 429); try again later");
        default:
            break;
    }
    if (response.status >= 500)
        throw Error(url, "server error (HTTP " + std::to_string(response.status) + ")" + detail +
                             "; try again later");
    throw Error(url, "unexpected HTTP " + std::to_string(response.status) + detail);
}

// Exclusive lock on a blob, shared with huggingface_hub (which flock()s the same file), so two
// downloads of one blob never write the same .incomplete file.
class BlobLock {
public:
    BlobLock(const std::string& path, const std::function<bool()>& should_cancel,
             const std::function<void(const std::string&)>& note) {
        std::error_code ec;
        fs::create_directories(fs::path(path).parent_path(), ec);
        fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0) throw Error(path, std::string("cannot create lock: ") + std::strerror(errno));
        bool told = false;
        while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            if (!told && note) note("waiting for another download of the same file (" + path + ")");
            told = true;
            if (should_cancel && should_cancel()) {
                ::close(fd_);
                throw Cancelled();
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }
    ~BlobLock() {
        if (fd_ >= 0) ::close(fd_);  // releases the flock
    }
    BlobLock(const BlobLock&) = delete;
    BlobLock& operator=(const BlobLock&) = delete;

private:
    int fd_ = -1;
};

// The hash a file's ETag is: sha256 for LFS files, git's blob id for the others.
class ContentHasher {
public:
    ContentHasher(bool lfs, uint64_t size) : lfs_(lfs), size_(size) { reset(); }
    void reset() {
        if (lfs_)
            hash_.emplace<Sha256>();
        else
            hash_.emplace<GitBlobHasher>(size_);
    }
    void update(const char* data, size_t n) {
        std::visit([&](auto& h) { h.update(data, n); }, hash_);
    }
    std::string finish_hex() {
        return std::visit([](auto& h) { return h.finish_hex(); }, hash_);
    }
    const char* name() const { return lfs_ ? "sha256" : "git blob id"; }

private:
    bool lfs_;
    uint64_t size_;
    std::variant<Sha256, GitBlobHasher> hash_;
};

std::string errno_text(int error) {
    return std::strerror(error);
}

bool is_disk_full(int error) {
    return error == ENOSPC || error == EDQUOT || error == EFBIG;
}

}  // namespace

const RemoteFile* RepoListing::find(const std::string& path) const {
    for (const auto& file : files)
        if (file.path == path) return &file;
    return nullptr;
}

// ---------------------------------------------------------------------------------------------

struct PlanItem {
    std::string repo_id;
    std::string commit;
    RemoteFile file;
    bool complete = false;  // blob already in the cache
    uint64_t partial = 0;   // bytes of an earlier .incomplete
};

// The .incomplete file a download writes, and how far it got.
struct PartialFile {
    int fd;
    std::string path;
    uint64_t size;  // the listing's
    ContentHasher& hasher;
    uint64_t have = 0;     // bytes in the file (and hashed)
    uint64_t counted = 0;  // bytes of this file counted in the progress's `done`
    int write_error = 0;   // errno of a failed write
};

struct HubDownloader::Impl {
    Impl(Service service, const std::string& cache_dir, const DownloadCallbacks& callbacks,
         int max_attempts)
        : service(std::move(service)),
          cache_dir(cache_dir),
          callbacks(callbacks),
          max_attempts(max_attempts) {}

    Service service;
    std::string cache_dir;  // the hub's cache; "" for a single-file download
    const DownloadCallbacks& callbacks;
    int max_attempts;
    HubCache cache{cache_dir};
    HttpClient http{HttpOptions{service.token}};

    DownloadProgress progress;
    Clock::time_point last_report{};
    Clock::time_point speed_mark = Clock::now();
    uint64_t speed_mark_done = 0;

    bool cancelled() const { return callbacks.should_cancel && callbacks.should_cancel(); }
    void note(const std::string& text) const {
        if (callbacks.on_note) callbacks.on_note(text);
    }
    void report(bool force) {
        const auto now = Clock::now();
        const double since_mark = std::chrono::duration<double>(now - speed_mark).count();
        if (since_mark >= 0.5) {
            const double instant = double(progress.done - speed_mark_done) / since_mark;
            progress.bytes_per_second = progress.bytes_per_second == 0
                                            ? instant
                                            : 0.7 * progress.bytes_per_second + 0.3 * instant;
            speed_mark = now;
            speed_mark_done = progress.done;
            if (progress.bytes_per_second > 0)
                progress.seconds_left =
                    double(progress.total - progress.done) / progress.bytes_per_second;
        }
        if (!callbacks.on_progress) return;
        if (!force && now - last_report < std::chrono::milliseconds(100)) return;
        last_report = now;
        callbacks.on_progress(progress);
    }

    std::string resolve_url(const std::string& repo_id, const std::string& commit,
                            const std::string& path) const {
        return service.endpoint + "/" + repo_id + "/resolve/" + commit + "/" + url_path(path);
    }

    RepoListing list(const std::string& repo_id, const std::string& revision);
    std::vector<PlanItem> plan(const std::vector<RepoRequest>& requests,
                               std::vector<RepoDownload>& results);
    void check_free_space(uint64_t needed, const std::string& folder,
                          const std::string& elsewhere) const;
    void fetch(const PlanItem& item);
    void fetch_into(const std::string& url, const PlanItem& item, const std::string& lock,
                    const std::string& partial, const std::string& destination, bool hub_metadata);
    void check_metadata(const std::string& url, const PlanItem& item);
    void transfer(const std::string& url, const PlanItem& item, const std::string& partial_path);
    void resume(PartialFile& file, const PlanItem& item);
    HttpResponse stream_into(const std::string& url, PartialFile& file);
    bool check_response(const std::string& url, const PlanItem& item, const PartialFile& file,
                        const HttpResponse& response);
    void back_off(int attempt) const;
    void verify_checksum(const std::string& url, const PlanItem& item, PartialFile& file);
};

RepoListing HubDownloader::Impl::list(const std::string& repo_id, const std::string& revision) {
    repo_folder_name(repo_id);  // validates the id before any request
    const std::string url = service.endpoint + "/api/models/" + repo_id + "/revision/" +
                            url_path(revision) + "?blobs=true";
    const HttpResponse response = http.get(url);
    if (response.failure != TransferFailure::None || response.status != 200)
        throw_request_error(url, response, service);
    RepoListing listing = parse_repo_listing(response.body, url);
    listing.repo_id = repo_id;
    listing.revision = revision;
    return listing;
}

std::vector<PlanItem> HubDownloader::Impl::plan(const std::vector<RepoRequest>& requests,
                                                std::vector<RepoDownload>& results) {
    std::vector<PlanItem> items;
    for (const auto& request : requests) {
        progress.phase = DownloadPhase::Listing;
        progress.repo_id = request.repo_id;
        report(true);
        const RepoListing listing = list(request.repo_id, request.revision);
        std::vector<std::string> available;
        for (const auto& file : listing.files) available.push_back(file.path);
        RepoDownload result;
        result.repo_id = request.repo_id;
        result.commit = listing.commit;
        result.snapshot_dir = cache.snapshot_dir(request.repo_id, listing.commit);
        result.files =
            choose_variants(request.repo_id, request.files, available, request.prefer_fp16);
        for (const auto& path : result.files) {
            PlanItem item{request.repo_id, listing.commit, *listing.find(path)};
            if (item.file.etag.empty())
                throw Error(request.repo_id + "/" + path, "the listing gives no checksum");
            std::error_code ec;
            const auto blob = cache.blob_path(request.repo_id, item.file.etag);
            item.complete =
                fs::is_regular_file(blob, ec) && fs::file_size(blob, ec) == item.file.size;
            const auto partial = cache.incomplete_path(request.repo_id, item.file.etag);
            if (!item.complete && fs::is_regular_file(partial, ec))
                item.partial = std::min<uint64_t>(fs::file_size(partial, ec), item.file.size);
            items.push_back(std::move(item));
        }
        results.push_back(std::move(result));
    }
    return items;
}

// Refuses to start a download of `needed` bytes into `folder` when its disk has less free;
// `elsewhere` says how to use another disk.
void HubDownloader::Impl::check_free_space(uint64_t needed, const std::string& folder,
                                           const std::string& elsewhere) const {
    if (needed == 0) return;
    const uint64_t free = free_disk_bytes(folder);  // of the nearest folder that exists
    if (needed > free)
        throw Error(folder, "not enough disk space: the download needs " + human_bytes(needed) +
                                " but only " + human_bytes(free) + " is free (" + elsewhere + ")");
}

// HEAD on the resolve URL: the hub's ETag (on the redirect for LFS files) and commit must be
// the ones the listing promised, so a file is only ever stored under its true checksum.
void HubDownloader::Impl::check_metadata(const std::string& url, const PlanItem& item) {
    const HttpResponse head = http.head(url);
    const bool redirect = head.status >= 300 && head.status < 400;
    if (head.failure != TransferFailure::None || (head.status != 200 && !redirect))
        throw_request_error(url, head, service);
    std::string etag = bare_etag(header(head.headers, "x-linked-etag"));
    if (etag.empty()) etag = bare_etag(header(head.headers, "etag"));
    if (!etag.empty() && etag != item.file.etag)
        throw Error(url, "the hub's ETag " + etag + " differs from the listing's checksum " +
                             item.file.etag + " (the repository changed meanwhile? run again)");
    const std::string commit = header(head.headers, "x-repo-commit");
    if (!commit.empty() && commit != item.commit)
        throw Error(url, "served from commit " + commit + ", expected " + item.commit);
}

void HubDownloader::Impl::transfer(const std::string& url, const PlanItem& item,
                                   const std::string& partial_path) {
    const int fd = ::open(partial_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw Error(partial_path, "cannot create: " + errno_text(errno));
    struct FdCloser {
        int fd;
        ~FdCloser() { ::close(fd); }
    } closer{fd};

    ContentHasher hasher(item.file.lfs, item.file.size);
    PartialFile file{fd, partial_path, item.file.size, hasher};
    resume(file, item);
    progress.phase = DownloadPhase::Downloading;
    progress.file_done = file.have;
    for (int attempt = 1; file.have < file.size; ++attempt) {
        const HttpResponse response = stream_into(url, file);
        if (!check_response(url, item, file, response)) break;
        if (attempt >= max_attempts)
            throw Error(url, "the connection dropped " + std::to_string(attempt) + " times; " +
                                 human_bytes(file.have) + " of " + human_bytes(file.size) +
                                 " are kept and the next run resumes there");
        note("connection dropped at " + human_bytes(file.have) + " of " + item.file.path +
             "; resuming (attempt " + std::to_string(attempt + 1) + ")");
        back_off(attempt);
    }
    if (::fsync(fd) != 0) throw Error(partial_path, "fsync failed: " + errno_text(errno));
    verify_checksum(url, item, file);
}

// Picks up what an earlier run left in the .incomplete file: its bytes are hashed and the
// download continues after them (bytes beyond the file's size are not its own: start over).
void HubDownloader::Impl::resume(PartialFile& file, const PlanItem& item) {
    file.have = uint64_t(::lseek(file.fd, 0, SEEK_END));
    if (file.have > file.size) {
        if (::ftruncate(file.fd, 0) != 0) throw Error(file.path, "truncate: " + errno_text(errno));
        file.have = 0;
    }
    if (file.have == 0) return;
    progress.phase = DownloadPhase::Verifying;
    report(true);
    std::vector<char> chunk(4 << 20);
    ::lseek(file.fd, 0, SEEK_SET);
    for (uint64_t done = 0; done < file.have;) {
        const ssize_t n =
            ::read(file.fd, chunk.data(), std::min<uint64_t>(chunk.size(), file.have - done));
        if (n <= 0) throw Error(file.path, "read failed: " + errno_text(errno));
        file.hasher.update(chunk.data(), size_t(n));
        done += uint64_t(n);
        if (cancelled()) throw Cancelled();
    }
    note("resuming " + item.file.path + " at " + human_bytes(file.have) + " of " +
         human_bytes(file.size));
}

// One request for the bytes after file.have, written into the file as they come.
HttpResponse HubDownloader::Impl::stream_into(const std::string& url, PartialFile& file) {
    const uint64_t start = file.have;
    auto on_start = [&](const HttpResponse& response) {
        if (response.status == 206 && start > 0) {
            // "Content-Range: bytes START-END/SIZE" must start where our file ends.
            const std::string range = header(response.headers, "content-range");
            return range.rfind("bytes " + std::to_string(start) + "-", 0) == 0;
        }
        // A 200 answers the whole file: our partial bytes are replaced.
        if (start > 0) {
            if (::ftruncate(file.fd, 0) != 0) return false;
            file.hasher.reset();
            // The partial bytes an earlier run left now have to come again.
            progress.total += file.have - file.counted;
            progress.done -= file.counted;
            file.counted = 0;
            file.have = 0;
            progress.file_done = 0;
        }
        return true;
    };
    auto sink = [&](const char* data, size_t n) {
        if (file.have + n > file.size) return false;  // more than the listing's size: not ours
        for (size_t written = 0; written < n;) {
            const ssize_t w =
                ::pwrite(file.fd, data + written, n - written, off_t(file.have + written));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) {
                file.write_error = errno;
                return false;
            }
            written += size_t(w);
        }
        file.hasher.update(data, n);
        file.have += n;
        file.counted += n;
        progress.file_done = file.have;
        progress.done += n;
        report(false);
        return true;
    };
    return http.stream(url, file.have, on_start, sink, [this] { return !cancelled(); });
}

// Throws on a cancel, a failed write, a wrong answer or an HTTP error; returns whether the
// connection dropped before the file was complete (worth another attempt).
bool HubDownloader::Impl::check_response(const std::string& url, const PlanItem& item,
                                         const PartialFile& file, const HttpResponse& response) {
    if (response.failure == TransferFailure::Cancelled) throw Cancelled();
    if (file.write_error)
        throw Error(file.path, (is_disk_full(file.write_error) ? "disk full" : "write failed") +
                                   std::string(" (") + errno_text(file.write_error) + ") after " +
                                   human_bytes(file.have) + " of " + human_bytes(file.size) +
                                   " of " + item.file.path +
                                   "; free some space and run again: the download resumes there");
    if (response.failure == TransferFailure::WriteFailed)
        throw Error(
            url, "the server sent " + (response.status == 206 ? std::string("a range that does not "
                                                                            "continue the file")
                                                              : "more bytes than the file has"));
    const bool interrupted =
        response.failure == TransferFailure::Interrupted ||
        (response.failure == TransferFailure::None &&
         (response.status == 200 || response.status == 206) && file.have < file.size);
    if (!interrupted && response.failure != TransferFailure::None)
        throw_request_error(url, response, service);
    if (!interrupted && response.status != 200 && response.status != 206)
        throw_request_error(url, response, service);
    return interrupted;
}

// Back off a little before the next attempt (0.2 s, 0.4 s, ... at most 5 s), cancellable.
void HubDownloader::Impl::back_off(int attempt) const {
    const auto wait = std::chrono::milliseconds(std::min(5000, 200 << (attempt - 1)));
    for (auto until = Clock::now() + wait; Clock::now() < until;) {
        if (cancelled()) throw Cancelled();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

// The downloaded bytes must hash to the listing's checksum, or they are discarded.
void HubDownloader::Impl::verify_checksum(const std::string& url, const PlanItem& item,
                                          PartialFile& file) {
    progress.phase = DownloadPhase::Verifying;
    report(true);
    const std::string digest = file.hasher.finish_hex();
    if (digest != item.file.etag) {
        std::error_code ec;
        fs::remove(file.path, ec);
        throw Error(url, std::string("checksum mismatch: the hub's ") + file.hasher.name() +
                             " is " + item.file.etag + " but the downloaded bytes have " + digest +
                             "; the file was discarded (run again to retry)");
    }
}

void HubDownloader::Impl::fetch(const PlanItem& item) {
    const std::string url = resolve_url(item.repo_id, item.commit, item.file.path);
    fetch_into(url, item, cache.lock_path(item.repo_id, item.file.etag),
               cache.incomplete_path(item.repo_id, item.file.etag),
               cache.blob_path(item.repo_id, item.file.etag), true);
}

// The shared part of every download: under the file's lock, `partial` is filled from `url`
// (resumed, retried, hashed) and renamed to `destination` once its checksum is right.
void HubDownloader::Impl::fetch_into(const std::string& url, const PlanItem& item,
                                     const std::string& lock_path, const std::string& partial,
                                     const std::string& destination, bool hub_metadata) {
    std::error_code ec;
    fs::create_directories(fs::path(destination).parent_path(), ec);
    if (ec)
        throw Error(fs::path(destination).parent_path().string(),
                    "cannot create folder: " + ec.message());
    BlobLock lock(lock_path, callbacks.should_cancel, callbacks.on_note);
    if (fs::is_regular_file(destination, ec) && fs::file_size(destination, ec) == item.file.size)
        return;  // another process finished it while we waited for the lock
    if (hub_metadata) check_metadata(url, item);
    transfer(url, item, partial);
    fs::rename(partial, destination, ec);
    if (ec)
        throw Error(destination, "cannot move the verified download into place: " + ec.message());
}

// ---------------------------------------------------------------------------------------------

HubDownloader::HubDownloader(HubSettings settings) : settings_(std::move(settings)) {}
HubDownloader::~HubDownloader() = default;

RepoListing HubDownloader::list_repo(const std::string& repo_id, const std::string& revision) {
    if (settings_.offline)
        throw Error(settings_.endpoint, "HF_HUB_OFFLINE is set: no network access allowed");
    const DownloadCallbacks none;
    Impl impl(hub_service(settings_), settings_.cache_dir, none, max_attempts_);
    return impl.list(repo_id, revision);
}

std::vector<RepoDownload> HubDownloader::download(const std::vector<RepoRequest>& requests,
                                                  const DownloadCallbacks& callbacks) {
    if (settings_.offline)
        throw Error(settings_.endpoint,
                    "HF_HUB_OFFLINE is set: downloads are off (unset it to download)");
    if (settings_.cache_dir.empty()) throw Error("HF_HUB_CACHE", "no cache folder");
    Impl impl(hub_service(settings_), settings_.cache_dir, callbacks, max_attempts_);
    std::vector<RepoDownload> results;
    const std::vector<PlanItem> items = impl.plan(requests, results);
    uint64_t needed = 0;
    for (const auto& item : items)
        if (!item.complete) needed += item.file.size - item.partial;
    impl.check_free_space(needed, settings_.cache_dir,
                          "set HF_HUB_CACHE or HF_HOME to use another disk");

    impl.progress.file_count = items.size();
    for (const auto& item : items)
        if (!item.complete) impl.progress.total += item.file.size - item.partial;

    for (size_t i = 0; i < items.size(); ++i) {
        const PlanItem& item = items[i];
        if (impl.cancelled()) throw Cancelled();
        impl.progress.file_index = i;
        impl.progress.repo_id = item.repo_id;
        impl.progress.file = item.file.path;
        impl.progress.file_size = item.file.size;
        impl.progress.file_done = item.complete ? item.file.size : item.partial;
        impl.progress.phase = DownloadPhase::Downloading;
        impl.report(true);
        auto& result = *std::find_if(results.begin(), results.end(),
                                     [&](const auto& r) { return r.repo_id == item.repo_id; });
        if (item.complete) {
            ++result.reused;
        } else {
            impl.fetch(item);
            ++result.downloaded;
        }
        impl.cache.link_snapshot_file(item.repo_id, item.commit, item.file.path, item.file.etag);
    }
    for (size_t r = 0; r < requests.size(); ++r)
        if (!is_commit_hash(requests[r].revision))
            impl.cache.write_ref(requests[r].repo_id, requests[r].revision, results[r].commit);
    impl.progress.phase = DownloadPhase::Finished;
    impl.progress.done = impl.progress.total;
    impl.progress.seconds_left = 0;
    impl.report(true);
    return results;
}

Service hub_service(const HubSettings& settings) {
    Service service;
    service.name = "the hub";
    service.endpoint = settings.endpoint;
    service.endpoint_option = "HF_ENDPOINT";
    service.token = settings.token;
    service.token_source = settings.token_source;
    service.token_kind = "token";
    service.token_advice =
        "set HF_TOKEN or run `huggingface-cli login`; gated repositories also need their terms "
        "accepted on the website";
    service.denied_advice =
        "accept the repository's terms on the website, or use a token with access to it";
    service.not_found = "no such repository, revision or file";
    return service;
}

std::string fetch_text(const Service& service, const std::string& url) {
    HttpClient http{HttpOptions{service.token}};
    const HttpResponse response = http.get(url);
    if (response.failure != TransferFailure::None || response.status != 200)
        throw_request_error(url, response, service);
    return response.body;
}

void download_verified_file(const Service& service, const VerifiedFile& file,
                            const DownloadCallbacks& callbacks, int max_attempts) {
    HubDownloader::Impl impl(service, "", callbacks, max_attempts);
    PlanItem item{"", "", RemoteFile{file.label, file.size, file.sha256, true}};
    const std::string partial = file.destination + ".incomplete";
    std::error_code ec;
    if (fs::is_regular_file(partial, ec))
        item.partial = std::min<uint64_t>(fs::file_size(partial, ec), file.size);
    impl.check_free_space(file.size - item.partial,
                          fs::path(file.destination).parent_path().string(), file.elsewhere);
    impl.progress.file_count = 1;
    impl.progress.repo_id = service.name;
    impl.progress.file = file.label;
    impl.progress.file_size = file.size;
    impl.progress.file_done = item.partial;
    impl.progress.total = file.size - item.partial;
    impl.progress.phase = DownloadPhase::Downloading;
    impl.report(true);
    impl.fetch_into(file.url, item, file.destination + ".lock", partial, file.destination, false);
    std::filesystem::remove(file.destination + ".lock", ec);
    impl.progress.phase = DownloadPhase::Finished;
    impl.progress.done = impl.progress.total;
    impl.progress.seconds_left = 0;
    impl.report(true);
}

}  // namespace lightning::hub
