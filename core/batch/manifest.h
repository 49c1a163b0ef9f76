// Batch manifests for `lightning batch`: JSON Lines, one request per line (the request JSON of
// core/request/request_json.h, plus an optional "meta" value passed through to results.jsonl),
// split into shards by line number, and the deterministic names of what a batch writes. No
// torch, no PNG code: the CLI adds engines and files (app/cli/batch.cpp).
#pragma once
#include "core/request/model_layout.h"
#include "core/request/request.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lightning::batch {

// Shard `index` of `count` takes lines index+1, index+1+count, ... (1-based line numbers), so
// the shards of one manifest partition its lines and never write the same file.
struct Shard {
    int index = 0;
    int count = 1;

    bool owns(int line_number) const { return (line_number - 1) % count == index; }
    std::string label() const;  // "3/8"
    bool operator==(const Shard&) const = default;
};

// "I/N" with 0 <= I < N (--shard). Throws lightning::Error("--shard", ...).
Shard parse_shard(const std::string& text);

// Environment lookup (std::getenv, or a table in tests).
using EnvLookup = std::function<const char*(const char*)>;

// This process's shard from the scheduler that started it: a Slurm job array
// (SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT; SLURM_ARRAY_TASK_MIN and _STEP when the array
// does not start at 0 or steps) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX; Kubernetes
// does not export the Job's completions, so `shards` must give them). nullopt when neither is
// set and `shards` is not given. Throws lightning::Error naming the variable or "--shards" for
// values that contradict each other, and for `shards` without either scheduler.
std::optional<Shard> shard_from_environment(std::optional<int> shards, const EnvLookup& env);

// What a line leaves out comes from the command line.
struct ManifestDefaults {
    GenerationRequest request;
    bool prompt_given = false;  // otherwise every line must have "prompt"
    bool seed_given = false;    // otherwise a line without "seed" uses default_seed(line)
    // --strict-paths: the files a line names (loras, embeddings, unet_file) must lie in the
    // manifest's folder or below it, symbolic links resolved; for manifests from elsewhere (a
    // web form, another team) that must not reach other files of this machine. Without it a
    // line may name any file the process can read, as the command line can.
    bool strict_paths = false;
};

// The seed of a line without "seed" (and no --seed): line L gets L * limits::kMaxBatch, so its
// images (seed, seed + 1, ... up to the largest batch) never share a seed with another line's,
// and it depends on the line number alone, so a re-run finds the same file names.
uint64_t default_seed(int line_number);

struct ManifestLine {
    int number = 0;  // 1-based line in the file
    std::optional<GenerationRequest> request;
    std::string error;    // why the line cannot run ("steps: ..."), when request is unset
    nlohmann::json meta;  // the line's "meta" value (null when absent), for results.jsonl
    // "combinatorial": true: the line stands for every prompt its template can make
    // (expand_combinations), not one random choice per seed.
    bool combinatorial = false;
};

// One line of text (without its newline). Never throws: a bad line comes back with `error`.
// Relative file paths in the line are taken from `folder` (the manifest's).
ManifestLine parse_manifest_line(const std::string& text, int number,
                                 const ManifestDefaults& defaults, const std::string& folder);

// A line with "combinatorial": true as one line per prompt its template can make
// (template_combinations, at most limits::kMaxCombinations), the k-th with that prompt (no
// template) and seeds from seed + k x batch on, so that every image has a file name of its own;
// the negative template, if any, still resolves from each seed. Any other line comes back as it
// is, and so does a bad one. Never throws: a template that cannot be expanded makes the line bad.
std::vector<ManifestLine> expand_combinations(ManifestLine line);

// The lines of `path` that `shard` owns, parsed (combinatorial lines expanded); blank lines are
// skipped (they still count for line numbers). Throws lightning::Error(path, ...) when the file
// cannot be read.
std::vector<ManifestLine> read_manifest(const std::string& path, const ManifestDefaults& defaults,
                                        const Shard& shard = {});

// Checks a parsed line's request as far as possible without a loaded model: the limits table,
// the UNet for its step count, that LoRA, UNet and embedding files exist and are what they are
// used as. Remembers files already checked, so a manifest of 10,000 lines with one LoRA reads
// its header once. Sets `error` (and clears `request`) of a line that fails.
class LineChecker {
public:
    explicit LineChecker(ModelLocations models) : models_(std::move(models)) {}
    void check(ManifestLine& line);

private:
    void check_files(const GenerationRequest& request);
    ModelLocations models_;
    std::vector<std::string> checked_files_;
};

// "line000042-seed1234.png": sorted by line, and the same for every run and shard layout, which
// is what lets a re-run find the images it already made.
std::string image_file_name(int line_number, uint64_t seed);

// "results.jsonl" for an unsharded run, "results-3-of-8.jsonl" for shard 3/8 (shards never
// append to one file, which shared file systems such as NFS would not keep whole).
std::string results_file_name(const Shard& shard);

}  // namespace lightning::batch
