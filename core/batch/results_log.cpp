#include "core/batch/results_log.h"

#include "core/util/bounded_json.h"

#include "core/util/error.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace lightning::batch {
namespace {

namespace fs = std::filesystem;

std::string errno_text() {
    return std::strerror(errno);
}

bool ends_without_newline(int fd) {
    const off_t size = ::lseek(fd, 0, SEEK_END);
    if (size <= 0) return false;
    char last = '\n';
    return ::pread(fd, &last, 1, size - 1) == 1 && last != '\n';
}

void write_all(int fd, const std::string& text, const std::string& path) {
    const char* data = text.data();
    size_t left = text.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, data, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(path, "cannot append: " + errno_text());
        data += n;
        left -= size_t(n);
    }
}

bool is_results_file(const fs::path& path) {
    const std::string name = path.filename().string();
    return name.rfind("results", 0) == 0 && path.extension() == ".jsonl";
}

}  // namespace

ResultsLog::ResultsLog(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
    if (fd_ < 0) throw Error(path_, "cannot open for appending: " + errno_text());
    if (ends_without_newline(fd_)) write_all(fd_, "\n", path_);
}

ResultsLog::~ResultsLog() {
    if (fd_ >= 0) ::close(fd_);
}

void ResultsLog::append(const nlohmann::json& record) {
    // One write() per record: O_APPEND then keeps records whole between our own threads.
    const std::string line = record.dump() + "\n";
    std::lock_guard<std::mutex> lock(mutex_);
    write_all(fd_, line, path_);
    if (::fdatasync(fd_) != 0) throw Error(path_, "cannot flush to disk: " + errno_text());
}

std::set<std::string> recorded_files(const std::string& folder) {
    std::set<std::string> files;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(folder, error)) {
        if (!entry.is_regular_file(error) || !is_results_file(entry.path())) continue;
        std::ifstream in(entry.path());
        for (std::string line; std::getline(in, line);) {
            nlohmann::json record;
            try {  // a torn or foreign line is skipped; the nesting limit as for manifests
                record = parse_bounded_json(line, entry.path().string(), "results line");
            } catch (const Error&) {
                continue;
            }
            if (record.is_object() && record.contains("file") && record["file"].is_string())
                files.insert(record["file"].get<std::string>());
        }
    }
    return files;
}

}  // namespace lightning::batch
