// Writing a file so that readers see either the old file or the complete new one, never a
// partial one: a temporary file in the same folder, fsync, then rename over the target.
#pragma once
#include "core/util/error.h"

#include <cstddef>
#include <string>
#include <vector>

namespace lightning {

// What AtomicFile::commit() does with a file that exists at the path by then.
enum class IfExists {
    Replace,  // rename over it
    // Leave it and throw TargetExists. For outputs checked to be free before a long piece of
    // work: a file there at the end was written by another process meanwhile, and a plain
    // rename would silently destroy it while both processes report success.
    Refuse,
};

// Thrown by commit() under IfExists::Refuse; where() is the path.
class TargetExists : public Error {
public:
    explicit TargetExists(const std::string& path)
        : Error(path, "exists (written by another process meanwhile); not replaced") {}
};

class AtomicFile {
public:
    // Creates the temporary file next to `path`. Throws lightning::Error naming `path` (e.g. for
    // a missing folder or missing permission).
    explicit AtomicFile(std::string path, IfExists if_exists = IfExists::Replace);
    // Removes the temporary file unless commit() succeeded.
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    // Appends bytes; throws lightning::Error naming `path` (e.g. disk full).
    void write(const void* data, size_t size);
    // fsync + close + rename into place (+ fsync of the folder). Throws lightning::Error (with
    // IfExists::Refuse TargetExists when the path exists, which is left as it is); the
    // temporary file is removed on failure.
    void commit();

    const std::string& path() const { return path_; }

private:
    void discard() noexcept;
    void place_without_replacing();
    std::string path_;
    IfExists if_exists_;
    std::string temp_;
    int fd_ = -1;
    bool committed_ = false;
};

// The temporary files AtomicFile writes are named "NAME.tmp.lightning-PID-N": a form no other
// program produces, so the cleanup below never takes a file that is not ours (a user's
// "notes.txt.tmp.99999.7" stays). A process killed while writing (kill -9, power loss) leaves
// one behind; it never has the target's name, so readers that look for "*.png" ignore it.
std::string atomic_temporary_name(const std::string& path, long pid, unsigned counter);
// True when `file_name` has that form; `pid` receives PID.
bool is_atomic_temporary(const std::string& file_name, long* pid = nullptr);

// Removes the AtomicFile temporaries (regular files only) in `folder` whose writing process no
// longer runs (files of running processes, this one included, may still be committed). Returns
// the removed names; files that cannot be removed are left alone.
std::vector<std::string> remove_abandoned_temporaries(const std::string& folder);

}  // namespace lightning
