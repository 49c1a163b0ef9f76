#include "core/batch/manifest.h"
#include "core/request/wildcards.h"

#include "core/request/limits.h"
#include "core/request/request_json.h"
#include "core/util/bounded_json.h"
#include "core/util/error.h"
#include "core/util/file_text.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <sstream>

namespace lightning::batch {
namespace {

namespace fs = std::filesystem;

// A whole decimal number, or nullopt.
std::optional<long long> read_whole_number(const std::string& text) {
    long long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

long long env_number(const EnvLookup& env, const char* name) {
    const char* text = env(name);
    const auto value = read_whole_number(text ? text : "");
    if (!value) throw Error(name, "'" + std::string(text ? text : "") + "' is not a whole number");
    return *value;
}

bool env_set(const EnvLookup& env, const char* name) {
    const char* text = env(name);
    return text && *text;
}

Shard slurm_shard(const EnvLookup& env, std::optional<int> shards) {
    if (!env_set(env, "SLURM_ARRAY_TASK_COUNT"))
        throw Error("SLURM_ARRAY_TASK_COUNT",
                    "not set although SLURM_ARRAY_TASK_ID is (submit with sbatch --array)");
    const long long id = env_number(env, "SLURM_ARRAY_TASK_ID");
    const long long count = env_number(env, "SLURM_ARRAY_TASK_COUNT");
    const long long min =
        env_set(env, "SLURM_ARRAY_TASK_MIN") ? env_number(env, "SLURM_ARRAY_TASK_MIN") : 0;
    const long long step =
        env_set(env, "SLURM_ARRAY_TASK_STEP") ? env_number(env, "SLURM_ARRAY_TASK_STEP") : 1;
    if (count < 1 || step < 1 || id < min || (id - min) % step != 0 || (id - min) / step >= count)
        throw Error("SLURM_ARRAY_TASK_ID",
                    std::to_string(id) + " is not one of " + std::to_string(count) +
                        " tasks from " + std::to_string(min) + " in steps of " +
                        std::to_string(step) + " (use a plain range such as --array=0-" +
                        std::to_string(count - 1) + ")");
    if (shards && *shards != count)
        throw Error("--shards", std::to_string(*shards) + " differs from SLURM_ARRAY_TASK_COUNT=" +
                                    std::to_string(count));
    return {int((id - min) / step), int(count)};
}

Shard kubernetes_shard(const EnvLookup& env, std::optional<int> shards) {
    if (!shards)
        throw Error("JOB_COMPLETION_INDEX",
                    "is set: give --shards N with N = the Job's completions (Kubernetes does "
                    "not tell a pod how many there are)");
    const long long index = env_number(env, "JOB_COMPLETION_INDEX");
    if (index < 0 || index >= *shards)
        throw Error("JOB_COMPLETION_INDEX",
                    std::to_string(index) + " is not below --shards " + std::to_string(*shards));
    return {int(index), *shards};
}

bool is_blank(const std::string& line) {
    return std::all_of(line.begin(), line.end(),
                       [](char c) { return std::isspace((unsigned char)c); });
}

// Throws unless `path`, symbolic links resolved, lies inside `folder` (--strict-paths).
void require_inside(const std::string& path, const std::string& folder, const std::string& key) {
    std::error_code path_error, folder_error;
    const fs::path real = fs::weakly_canonical(path, path_error);
    const fs::path root = fs::weakly_canonical(folder, folder_error);
    const fs::path relative = real.lexically_relative(root);
    if (path_error || folder_error || relative.empty() || *relative.begin() == ".." ||
        relative == ".")
        throw Error(key, "'" + path +
                             "' lies outside the manifest's folder (--strict-paths allows only "
                             "files in it or below it)");
}

// The files a line itself names (not those of the command line's defaults) under
// --strict-paths.
void require_files_inside(const nlohmann::json& object, const GenerationRequest& request,
                          const std::string& folder) {
    if (object.contains("loras"))
        for (const auto& lora : request.loras) require_inside(lora.path, folder, "loras");
    if (object.contains("embeddings"))
        for (const auto& embedding : request.embeddings)
            require_inside(embedding.path, folder, "embeddings");
    if (object.contains("unet_file") || object.contains("unet"))
        require_inside(request.unet_file, folder, "unet_file");
    if (object.contains("init_image")) require_inside(request.input.image, folder, "init_image");
    if (object.contains("mask")) require_inside(request.input.mask, folder, "mask");
    if (object.contains("wildcards")) require_inside(request.wildcards_dir, folder, "wildcards");
}

// A line's own "prompt" replaces the defaults' template (from --prompt) and is a template itself
// where it has the syntax; "prompt_template" given on the line stays as given.
void take_prompt_templates(const nlohmann::json& object, GenerationRequest& request) {
    if (object.contains("prompt") && !object.contains("prompt_template"))
        request.prompt_template.clear();
    if ((object.contains("negative_prompt") || object.contains("negative")) &&
        !object.contains("negative_template"))
        request.negative_template.reset();
    mark_prompt_templates(request);
}

}  // namespace

uint64_t default_seed(int line_number) {
    return uint64_t(line_number) * uint64_t(limits::kMaxBatch);
}

std::string Shard::label() const {
    return std::to_string(index) + "/" + std::to_string(count);
}

Shard parse_shard(const std::string& text) {
    const auto slash = text.find('/');
    const auto index = read_whole_number(text.substr(0, slash));
    const auto count =
        slash == std::string::npos ? std::nullopt : read_whole_number(text.substr(slash + 1));
    if (!index || !count || *count < 1 || *count > 1000000 || *index < 0 || *index >= *count)
        throw Error("--shard", "'" + text + "' is not I/N with 0 <= I < N (e.g. 0/4 ... 3/4)");
    return {int(*index), int(*count)};
}

std::optional<Shard> shard_from_environment(std::optional<int> shards, const EnvLookup& env) {
    if (shards && *shards < 1) throw Error("--shards", "must be at least 1");
    if (env_set(env, "SLURM_ARRAY_TASK_ID")) return slurm_shard(env, shards);
    if (env_set(env, "JOB_COMPLETION_INDEX")) return kubernetes_shard(env, shards);
    if (shards)
        throw Error("--shards",
                    "needs SLURM_ARRAY_TASK_ID (a Slurm job array) or JOB_COMPLETION_INDEX (a "
                    "Kubernetes Indexed Job) to say which shard this is; use --shard I/N "
                    "elsewhere");
    return std::nullopt;
}

ManifestLine parse_manifest_line(const std::string& text, int number,
                                 const ManifestDefaults& defaults, const std::string& folder) {
    ManifestLine line;
    line.number = number;
    try {
        nlohmann::json object = parse_bounded_json(text, "", "not JSON", DuplicateKeys::Reject);
        if (!object.is_object())
            throw Error("",
                        std::string("expected a JSON object ({...}), got ") + object.type_name());
        if (object.contains("meta")) {
            line.meta = object["meta"];
            object.erase("meta");
        }
        if (object.contains("combinatorial")) {
            if (!object["combinatorial"].is_boolean())
                throw Error("combinatorial", "expected true or false");
            line.combinatorial = object["combinatorial"].get<bool>();
            object.erase("combinatorial");
        }
        if (!object.contains("prompt") && !defaults.prompt_given)
            throw Error("prompt", "missing (give it on the line, or --prompt for every line)");
        GenerationRequest base = defaults.request;
        if (!defaults.seed_given) base.seed = default_seed(number);
        line.request = request_from_json(object, base, {folder});
        take_prompt_templates(object, *line.request);
        if (defaults.strict_paths) require_files_inside(object, *line.request, folder);
        if (line.combinatorial && line.request->prompt_template.empty())
            throw Error("combinatorial", "the prompt is no template ({a|b} or __name__)");
    } catch (const Error& e) {
        line.request.reset();
        line.error = e.what();
    }
    return line;
}

std::vector<ManifestLine> read_manifest(const std::string& path, const ManifestDefaults& defaults,
                                        const Shard& shard) {
    std::string text = read_file_text(path, "the manifest");
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a BOM from Windows editors
    const std::string folder = fs::absolute(fs::path(path)).parent_path().string();
    std::vector<ManifestLine> lines;
    std::istringstream in(text);
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!shard.owns(number) || is_blank(line)) continue;
        for (auto& one : expand_combinations(parse_manifest_line(line, number, defaults, folder)))
            lines.push_back(std::move(one));
    }
    return lines;
}

std::vector<ManifestLine> expand_combinations(ManifestLine line) {
    if (!line.combinatorial || !line.request) return {std::move(line)};
    std::vector<std::string> prompts;
    try {
        WildcardFolder folder(line.request->wildcards_dir);
        prompts = template_combinations(line.request->prompt_template, folder,
                                        size_t(limits::kMaxCombinations), "prompt template");
    } catch (const Error& e) {
        line.request.reset();
        line.error = std::string(e.what()) + " (combinatorial)";
        return {std::move(line)};
    }
    std::vector<ManifestLine> lines;
    for (size_t k = 0; k < prompts.size(); ++k) {
        ManifestLine one = line;
        one.request->prompt = prompts[k];
        one.request->prompt_template.clear();
        one.request->seed += uint64_t(k) * uint64_t(line.request->batch);
        lines.push_back(std::move(one));
    }
    return lines;
}

std::string image_file_name(int line_number, uint64_t seed) {
    char name[64];
    std::snprintf(name, sizeof name, "line%06d-seed%llu.png", line_number,
                  static_cast<unsigned long long>(seed));
    return name;
}

std::string results_file_name(const Shard& shard) {
    if (shard.count == 1) return "results.jsonl";
    return "results-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count) +
           ".jsonl";
}

}  // namespace lightning::batch
