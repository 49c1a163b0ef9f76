#include "core/hub/hub_cache.h"

#include "core/hub/hub_settings.h"
#include "core/request/model_layout.h"

#include "core/hub/git_blob_id.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "core/util/sha256.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace lightning::hub {
namespace {

namespace fs = std::filesystem;

bool is_hex(const std::string& text, size_t length) {
    return text.size() == length && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

// "models--org--name" -> "org/name" ("" for other folders).
std::string repo_id_of_folder(const std::string& folder) {
    const std::string prefix = "models--";
    if (folder.rfind(prefix, 0) != 0) return {};
    std::string rest = folder.substr(prefix.size());
    const auto sep = rest.find("--");
    if (sep == std::string::npos) return rest;
    return rest.substr(0, sep) + "/" + rest.substr(sep + 2);
}

CachedSnapshot read_snapshot(const fs::path& dir) {
    CachedSnapshot snapshot;
    snapshot.commit = dir.filename().string();
    snapshot.dir = dir.string();
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory(ec) && !it->is_symlink(ec)) continue;
        CachedFile file;
        file.path = it->path().lexically_relative(dir).generic_string();  // no symlink resolution
        if (it->is_symlink(ec)) file.blob = fs::read_symlink(it->path(), ec).filename().string();
        file.present = fs::is_regular_file(it->path(), ec);
        if (file.present) file.size = fs::file_size(it->path(), ec);
        snapshot.files.push_back(std::move(file));
    }
    std::sort(snapshot.files.begin(), snapshot.files.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    return snapshot;
}

CachedRepo read_repo(const fs::path& dir) {
    CachedRepo repo;
    repo.repo_id = repo_id_of_folder(dir.filename().string());
    repo.dir = dir.string();
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir / "refs", ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        std::ifstream in(it->path());
        std::string commit;
        in >> commit;
        repo.refs[it->path().lexically_relative(dir / "refs").generic_string()] = commit;
    }
    for (const auto& entry : fs::directory_iterator(dir / "snapshots", ec))
        if (entry.is_directory(ec)) repo.snapshots.push_back(read_snapshot(entry.path()));
    std::sort(repo.snapshots.begin(), repo.snapshots.end(),
              [](const auto& a, const auto& b) { return a.commit < b.commit; });
    for (const auto& entry : fs::directory_iterator(dir / "blobs", ec)) {
        const auto name = entry.path().filename().string();
        if (name.size() > 11 && name.ends_with(".incomplete"))
            repo.incomplete.push_back(name);
        else if (entry.is_regular_file(ec))
            repo.blob_bytes += entry.file_size(ec);
    }
    return repo;
}

}  // namespace

std::string repo_folder_name(const std::string& repo_id) {
    const auto slash = repo_id.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == repo_id.size() ||
        repo_id.find('/', slash + 1) != std::string::npos ||
        repo_id.find("..") != std::string::npos)
        throw Error(repo_id, "not a repository id of the form org/name");
    return "models--" + repo_id.substr(0, slash) + "--" + repo_id.substr(slash + 1);
}

HubCache::HubCache(std::string root) : root_(std::move(root)) {}

std::string HubCache::repo_dir(const std::string& repo_id) const {
    return root_ + "/" + repo_folder_name(repo_id);
}
std::string HubCache::blob_path(const std::string& repo_id, const std::string& etag) const {
    return repo_dir(repo_id) + "/blobs/" + etag;
}
std::string HubCache::incomplete_path(const std::string& repo_id, const std::string& etag) const {
    return blob_path(repo_id, etag) + ".incomplete";
}
std::string HubCache::lock_path(const std::string& repo_id, const std::string& etag) const {
    return root_ + "/.locks/" + repo_folder_name(repo_id) + "/" + etag + ".lock";
}
std::string HubCache::snapshot_dir(const std::string& repo_id, const std::string& commit) const {
    return repo_dir(repo_id) + "/snapshots/" + commit;
}
std::string HubCache::snapshot_file(const std::string& repo_id, const std::string& commit,
                                    const std::string& path) const {
    return snapshot_dir(repo_id, commit) + "/" + path;
}

void HubCache::link_snapshot_file(const std::string& repo_id, const std::string& commit,
                                  const std::string& path, const std::string& etag) const {
    const fs::path link = snapshot_file(repo_id, commit, path);
    // Relative, as huggingface_hub makes them, so the cache can be moved or mounted elsewhere.
    const fs::path target =
        fs::relative(blob_path(repo_id, etag), link.parent_path().lexically_normal());
    std::error_code ec;
    fs::create_directories(link.parent_path(), ec);
    if (ec) throw Error(link.parent_path().string(), "cannot create folder: " + ec.message());
    const fs::path temp = link.string() + ".link-tmp";
    fs::remove(temp, ec);
    fs::create_symlink(target, temp, ec);
    if (ec) throw Error(link.string(), "cannot create symlink: " + ec.message());
    fs::rename(temp, link, ec);
    if (ec) {
        fs::remove(temp);
        throw Error(link.string(), "cannot put symlink in place: " + ec.message());
    }
}

void HubCache::write_ref(const std::string& repo_id, const std::string& ref,
                         const std::string& commit) const {
    const fs::path path = repo_dir(repo_id) + "/refs/" + ref;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) throw Error(path.parent_path().string(), "cannot create folder: " + ec.message());
    AtomicFile file(path.string());
    file.write(commit.data(), commit.size());
    file.commit();
}

std::optional<std::string> HubCache::read_ref(const std::string& repo_id,
                                              const std::string& ref) const {
    std::ifstream in(repo_dir(repo_id) + "/refs/" + ref);
    std::string commit;
    if (!(in >> commit)) return std::nullopt;
    return commit;
}

std::vector<CachedRepo> HubCache::list() const {
    if (const auto problem = lightning::cache_dir_problem(root_); !problem.empty())
        throw Error("", problem);
    std::vector<CachedRepo> repos;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root_, ec)) {
        if (!entry.is_directory(ec)) continue;
        if (repo_id_of_folder(entry.path().filename().string()).empty()) continue;
        repos.push_back(read_repo(entry.path()));
    }
    std::sort(repos.begin(), repos.end(),
              [](const auto& a, const auto& b) { return a.repo_id < b.repo_id; });
    return repos;
}

std::vector<BlobCheck> verify_cache(
    const HubCache& cache, const std::vector<std::string>& repo_filter,
    const std::function<bool(const std::string&, const std::string&, size_t, size_t)>& progress) {
    std::vector<std::pair<std::string, fs::path>> blobs;  // repo id, blob path
    for (const auto& repo : cache.list()) {
        if (!repo_filter.empty() &&
            std::find(repo_filter.begin(), repo_filter.end(), repo.repo_id) == repo_filter.end())
            continue;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(repo.dir + "/blobs", ec)) {
            const auto name = entry.path().filename().string();
            if (entry.is_regular_file(ec) && (is_hex(name, 64) || is_hex(name, 40)))
                blobs.emplace_back(repo.repo_id, entry.path());
        }
    }
    std::vector<BlobCheck> checks;
    for (size_t i = 0; i < blobs.size(); ++i) {
        const auto& [repo_id, path] = blobs[i];
        BlobCheck check;
        check.repo_id = repo_id;
        check.blob = path.filename().string();
        if (progress && !progress(repo_id, check.blob, i, blobs.size())) throw Cancelled();
        if (check.blob.size() == 64) {
            check.algorithm = "sha256";
            check.actual = sha256_file(path.string());
        } else {
            check.algorithm = "git-sha1";
            check.actual = git_blob_id_file(path.string());
        }
        checks.push_back(std::move(check));
    }
    return checks;
}

uint64_t free_disk_bytes(const std::string& path) {
    fs::path probe = fs::absolute(path);
    std::error_code ec;
    while (!fs::exists(probe, ec) && probe.has_parent_path() && probe != probe.parent_path())
        probe = probe.parent_path();
    struct statvfs info {};
    if (::statvfs(probe.c_str(), &info) != 0)
        throw Error(path, std::string("cannot tell the free disk space: ") + std::strerror(errno));
    return uint64_t(info.f_bavail) * uint64_t(info.f_frsize);
}

std::string human_bytes(uint64_t bytes) {
    const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    double value = double(bytes);
    int unit = 0;
    while (value >= 1000 && unit < 4) {
        value /= 1000;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text,
                  unit == 0    ? "%.0f %s"
                  : value < 10 ? "%.2f %s"
                               : "%.1f %s",
                  value, units[unit]);
    return text;
}

}  // namespace lightning::hub
