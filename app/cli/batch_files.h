// What `lightning batch` keeps in its output folder besides results.jsonl: one PNG per image
// (written atomically with its record, core/image/image_file.h: the `parameters` text and the
// app gallery's `lightning-studio` chunk) and what a re-run finds there.
#pragma once
#include "core/image/image_file.h"  // StudioInfo (a header only: no OpenImageIO needed)
#include "core/pipeline/pipeline.h"
#include "core/request/parameters.h"

#include <set>
#include <string>

namespace lightning::cli::batch_files {

std::string utc_timestamp_now();

// Whether this build writes PNGs (OpenImageIO); without it only --discard-images runs.
bool png_supported();

// Writes the PNG atomically (a temporary file renamed into place): readers never see a partial
// file. `replace`: whether a file at `path` may be replaced (one found Incomplete); otherwise a
// file that appeared there meanwhile (another process writing the same images) is kept and
// TargetExists (core/util/atomic_file.h) thrown. Throws lightning::Error naming the path.
void write_image(const std::string& path, const Image8& pixels, const ImageRecord& record,
                 const StudioInfo& info, bool replace);

enum class Found {
    Missing,
    Complete,    // a whole PNG whose parameters say this line's prompt, seed, size and steps
    Incomplete,  // not a whole PNG (e.g. copied in part): made again
    Different,   // a whole PNG of other settings: the line is an error, the file is kept
};

struct Existing {
    Found found = Found::Missing;
    StudioInfo info;  // from its lightning-studio chunk, when Complete
    std::string why;  // for Incomplete and Different
};

// What lies at `path` for an image of `wanted` (batch 1, the image's own seed).
Existing find_existing(const std::string& path, const GenerationRequest& wanted);

// Removes the temporary files (NAME.tmp.PID.N, core/util/atomic_file.h) that a killed run left
// for the images named in `names`; other shards' temporaries are left alone. Returns how many.
int remove_stale_temporaries(const std::string& folder, const std::set<std::string>& names);

}  // namespace lightning::cli::batch_files
