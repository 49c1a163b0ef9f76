// results.jsonl of a batch: one JSON object per finished image, appended as it is written, so a
// crash or pre-emption loses at most the line being written. Lines that do not parse (a torn
// last line) are ignored by readers.
#pragma once
#include <nlohmann/json.hpp>

#include <mutex>
#include <set>
#include <string>

namespace lightning::batch {

class ResultsLog {
public:
    // Opens `path` for appending (created if missing). A last line without its newline (the
    // process was killed while writing it) is ended first, so the next record starts clean.
    // Throws lightning::Error(path, ...).
    explicit ResultsLog(std::string path);
    ~ResultsLog();
    ResultsLog(const ResultsLog&) = delete;
    ResultsLog& operator=(const ResultsLog&) = delete;

    // Writes `record` as one line and flushes it to disk; callable from several threads (the
    // engines of `--devices`), one line at a time. Throws lightning::Error(path, ...).
    void append(const nlohmann::json& record);

    const std::string& path() const { return path_; }

private:
    std::string path_;
    int fd_ = -1;
    std::mutex mutex_;
};

// The "file" values recorded in every results*.jsonl of `folder` (all shards' logs).
std::set<std::string> recorded_files(const std::string& folder);

}  // namespace lightning::batch
