#include "core/request/file_hashes.h"

#include "core/util/file_text.h"

#include "core/util/app_cache.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "core/util/log.h"
#include "core/util/sha256.h"

#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>

namespace lightning {
namespace {

namespace fs = std::filesystem;

std::mutex& cache_mutex() {
    static std::mutex mutex;
    return mutex;
}

nlohmann::json read_cache() {
    const std::string path = hash_cache_path();
    if (!std::filesystem::is_regular_file(path)) return nlohmann::json::object();
    try {
        auto cache = read_json_file(path);
        return cache.is_object() ? cache : nlohmann::json::object();
    } catch (const std::exception&) {
        return nlohmann::json::object();  // a damaged cache is only a cache: start over
    }
}

void write_cache(const nlohmann::json& cache) {
    try {
        fs::create_directories(fs::path(hash_cache_path()).parent_path());
        AtomicFile file(hash_cache_path());
        const std::string text = cache.dump(1);
        file.write(text.data(), text.size());
        file.commit();
    } catch (const std::exception& e) {
        log().debug("hash cache not written: {}", e.what());  // hashes still work, uncached
    }
}

// Files being hashed now, and the signal that one of them is done (or given up). Never
// destroyed: a thread still hashing while the process exits must not find them gone.
std::set<std::string>& in_flight() {
    static auto* files = new std::set<std::string>;
    return *files;
}
std::condition_variable& hashing_ended() {
    static auto* signal = new std::condition_variable;
    return *signal;
}

// The cached hash of `key` at `stamp`, waiting while another thread hashes that file; nullopt
// when this thread is to hash it (it is then in flight). A waiter whose hasher failed or was
// stopped finds no hash and hashes the file itself.
std::optional<std::string> cached_or_claim(const std::string& key, const std::string& stamp) {
    std::unique_lock<std::mutex> lock(cache_mutex());
    for (;;) {
        auto cache = read_cache();
        if (cache.contains(key) && cache[key].value("stamp", "") == stamp)
            return cache[key].value("sha256", "").substr(0, kShortHashLength);
        if (!in_flight().count(key)) break;
        hashing_ended().wait(lock);
    }
    in_flight().insert(key);
    return std::nullopt;
}

void release_claim(const std::string& key) {
    in_flight().erase(key);
    hashing_ended().notify_all();
}

std::string hash_or_wait(const std::string& path, const std::atomic<bool>* stop) {
    std::error_code error;
    const std::string key = fs::absolute(path, error).lexically_normal().string();
    const std::string stamp = file_stamp(path);
    if (const auto cached = cached_or_claim(key, stamp)) return *cached;
    try {
        const auto start = std::chrono::steady_clock::now();
        const std::string digest =
            sha256_file(path, [stop](uint64_t, uint64_t) { return !stop || !stop->load(); });
        log().info("hashed {} in {:.1f} s", path,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        std::lock_guard<std::mutex> lock(cache_mutex());
        auto cache = read_cache();
        cache[key] = {{"stamp", stamp}, {"sha256", digest}};
        write_cache(cache);
        release_claim(key);
        return digest.substr(0, kShortHashLength);
    } catch (...) {
        std::lock_guard<std::mutex> lock(cache_mutex());
        release_claim(key);
        throw;
    }
}

}  // namespace

std::string file_stamp(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) throw Error(path, "cannot read the file");
    return std::to_string(info.st_size) + ":" + std::to_string(info.st_mtim.tv_sec) + "." +
           std::to_string(info.st_mtim.tv_nsec);
}

std::string hash_cache_path() {
    if (const char* override = std::getenv("LIGHTNING_HASH_CACHE"); override && *override)
        return override;
    return (fs::path(app_cache_dir()) / "hashes.json").string();
}

std::string short_file_hash(const std::string& path, const std::atomic<bool>* stop) {
    for (;;) {
        try {
            return hash_or_wait(path, stop);
        } catch (const Cancelled&) {
            // The thread this one waited for was stopped: hash it here, unless told to stop too.
            if (stop && stop->load()) throw;
        }
    }
}

BackgroundHashes::BackgroundHashes(std::vector<std::string> files)
    : thread_([this, files = std::move(files)] {
          for (const auto& file : files) {
              try {
                  short_file_hash(file, &stop_);
              } catch (const Cancelled&) {
                  return;
              } catch (const std::exception& e) {
                  log().debug("background hash of {} failed: {}", file, e.what());
              }
          }
      }) {}

BackgroundHashes::~BackgroundHashes() {
    stop_ = true;
    thread_.join();
}

std::string short_combined_hash(const std::vector<std::string>& paths) {
    if (paths.size() == 1) return short_file_hash(paths[0]);
    std::string joined;
    for (const auto& path : paths) joined += short_file_hash(path);
    return sha256_hex(joined).substr(0, kShortHashLength);
}

}  // namespace lightning
