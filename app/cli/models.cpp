// `lightning models download|list|verify`: the Hugging Face cache from the command line.
// Arguments are parsed here (not in args.cpp) so the subcommand stays in one file.
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/interrupt.h"
#include "core/hub/hub_cache.h"
#include "core/hub/hub_settings.h"
#include "core/hub/model_files.h"
#include "core/util/error.h"

#include "core/hub/civitai.h"

#ifdef LIGHTNING_HAVE_HUB
#include "core/hub/civitai_download.h"
#include "core/hub/downloader.h"
#endif

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

namespace lightning::cli {
namespace {

namespace fs = std::filesystem;

const char* const kModelsHelp = R"(Usage: lightning models <download|list|verify> [options]
       lightning models download civitai:VERSION_ID|CIVITAI_URL [folder options]

The models live in the Hugging Face cache (shared with huggingface_hub, diffusers and the app):
$HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else
~/.cache/huggingface/hub.

  download      fetch the SDXL base components (stabilityai/stable-diffusion-xl-base-1.0:
                configs, tokenizers, text encoders, VAE) and SDXL-Lightning UNets
                (ByteDance/SDXL-Lightning). Resumes partial downloads, verifies every file's
                checksum before it becomes visible; Ctrl+C stops and keeps what arrived.
    --steps LIST      Lightning UNets: comma-separated of 1,2,4,8, or "none" (default 4)
    --no-base         leave out the SDXL base components
    --fp32            full-precision weights (default: the fp16 variants where a repository
                      has them, half the download; results differ by fp16 rounding only)
    --revision REV    branch, tag or commit (default main)
  download REF  a Civitai model version instead: civitai:VERSION_ID,
                https://civitai.com/models/MODEL_ID?modelVersionId=VERSION_ID,
                https://civitai.com/api/download/models/VERSION_ID, or
                https://civitai.com/models/MODEL_ID (its newest version). SDXL checkpoints,
                LoRAs and embeddings only (another baseModel is refused before downloading);
                the file's sha256 is checked against Civitai's, partial downloads resume.
    --checkpoint-dir DIR  where a checkpoint goes (then use it as --model FILE)
    --lora-dir DIR        where a LoRA goes (the app's LoRA folder, generate's --lora-dir)
    --embeddings-dir DIR  where an embedding (TextualInversion) goes
    --civitai-endpoint URL  default https://civitai.com
    An API key (some files need one) comes from $CIVITAI_API_KEY, else $CIVITAI_TOKEN.
  list          the cached repositories, snapshots, files and unfinished downloads
  verify        re-hash every cached file against its checksum; exit status 1 on a mismatch
    --repo ID         only this repository (repeatable)

Common:
  --cache DIR       cache folder (default as above)
  --endpoint URL    hub address (default: $HF_ENDPOINT, else https://huggingface.co)
  A token for gated repositories comes from $HF_TOKEN or `huggingface-cli login`.
)";

struct ModelsArgs {
    std::string action;
    hub::HubSettings settings = hub::hub_settings_from_environment();
    hub::ModelSelection selection{true, {4}, true};
    std::string revision = "main";
    std::vector<std::string> repos;
    // `download REF`: Civitai references, their folders and endpoint.
    std::vector<std::string> civitai;
    hub::CivitaiFolders folders;
    std::string civitai_endpoint = hub::kCivitaiEndpoint;
};

// Reads a Civitai reference or folder option of `models download`; false when `flag` is not one.
bool parse_civitai_argument(ModelsArgs& parsed, const std::string& flag,
                            const std::function<std::string()>& value) {
    if (!flag.starts_with("--")) {
        try {
            hub::parse_civitai_reference(flag);
        } catch (const Error& e) {
            throw UsageError(std::string("models download: ") + e.what());
        }
        parsed.civitai.push_back(flag);
    } else if (flag == "--checkpoint-dir") {
        parsed.folders.checkpoints = value();
    } else if (flag == "--lora-dir") {
        parsed.folders.loras = value();
    } else if (flag == "--embeddings-dir") {
        parsed.folders.embeddings = value();
    } else if (flag == "--civitai-endpoint") {
        parsed.civitai_endpoint = value();
    } else {
        return false;
    }
    return true;
}

std::vector<int> parse_steps(const std::string& text) {
    std::vector<int> steps;
    if (text == "none") return steps;
    std::stringstream list(text);
    for (std::string item; std::getline(list, item, ',');) {
        int value = 0;
        try {
            size_t used = 0;
            value = std::stoi(item, &used);
            if (used != item.size()) throw std::invalid_argument(item);
        } catch (const std::exception&) {
            throw UsageError("--steps: '" + item + "' is not a number (use e.g. 1,2,4,8)");
        }
        if (value != 1 && value != 2 && value != 4 && value != 8)
            throw UsageError("--steps: SDXL-Lightning has 1, 2, 4 and 8-step UNets, not " + item);
        steps.push_back(value);
    }
    return steps;
}

ModelsArgs parse_models(const std::vector<std::string>& args) {
    if (args.empty()) throw UsageError("models: say download, list or verify");
    ModelsArgs parsed;
    parsed.action = args[0];
    if (parsed.action != "download" && parsed.action != "list" && parsed.action != "verify")
        throw UsageError("models: unknown action '" + parsed.action +
                         "' (download, list or verify)");
    const std::set<std::string> download_only = {
        "--steps",    "--no-base",        "--fp32",           "--revision",
        "--lora-dir", "--embeddings-dir", "--checkpoint-dir", "--civitai-endpoint"};
    std::set<std::string> hub_flags;
    for (size_t i = 1; i < args.size(); ++i) {
        std::string flag = args[i];
        std::optional<std::string> inline_value;
        if (const auto eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
            inline_value = flag.substr(eq + 1);
            flag = flag.substr(0, eq);
        }
        auto value = [&]() -> std::string {
            if (inline_value) return *inline_value;
            if (i + 1 >= args.size()) throw UsageError(flag + " needs a value");
            return args[++i];
        };
        if (download_only.count(flag) && parsed.action != "download")
            throw UsageError(flag + " applies to `models download` only");
        if (parsed.action == "download" && parse_civitai_argument(parsed, flag, value)) continue;
        if (flag == "--steps" || flag == "--no-base" || flag == "--fp32" || flag == "--revision")
            hub_flags.insert(flag);
        if (flag == "--cache")
            parsed.settings.cache_dir = value();
        else if (flag == "--endpoint")
            parsed.settings.endpoint = value();
        else if (flag == "--steps")
            parsed.selection.lightning_steps = parse_steps(value());
        else if (flag == "--no-base")
            parsed.selection.base = false;
        else if (flag == "--fp32")
            parsed.selection.prefer_fp16 = false;
        else if (flag == "--revision")
            parsed.revision = value();
        else if (flag == "--repo" && parsed.action == "verify")
            parsed.repos.push_back(value());
        else
            throw UsageError("models " + parsed.action + ": unknown option '" + flag + "'");
    }
    if (!parsed.civitai.empty() && !hub_flags.empty())
        throw UsageError("models download: " + *hub_flags.begin() +
                         " is for the Hugging Face models, not a Civitai download");
    while (!parsed.civitai_endpoint.empty() && parsed.civitai_endpoint.back() == '/')
        parsed.civitai_endpoint.pop_back();
    if (parsed.action == "download" && parsed.civitai.empty() && !parsed.selection.base &&
        parsed.selection.lightning_steps.empty())
        throw UsageError("models download: nothing to fetch (--no-base with --steps none)");
    while (!parsed.settings.endpoint.empty() && parsed.settings.endpoint.back() == '/')
        parsed.settings.endpoint.pop_back();
    return parsed;
}

std::string duration_text(double seconds) {
    if (seconds < 0) return "--";
    const long s = long(seconds + 0.5);
    char text[32];
    if (s >= 3600)
        std::snprintf(text, sizeof text, "%ldh %02ldm", s / 3600, (s / 60) % 60);
    else if (s >= 60)
        std::snprintf(text, sizeof text, "%ldm %02lds", s / 60, s % 60);
    else
        std::snprintf(text, sizeof text, "%lds", s);
    return text;
}

// Which step counts a cached Lightning snapshot serves, e.g. "1, 4".
std::string lightning_steps_in(const hub::CachedSnapshot& snapshot) {
    std::string steps;
    for (int n : kStepChoices)
        for (const auto& file : snapshot.files)
            if (file.present && file.path == published_lightning_file(n))
                steps += (steps.empty() ? "" : ", ") + std::to_string(n);
    return steps;
}

int run_list(const ModelsArgs& args) {
    const hub::HubCache cache(args.settings.cache_dir);
    const auto repos = cache.list();
    std::cout << "Hugging Face cache: " << args.settings.cache_dir << "\n";
    if (repos.empty()) {
        std::cout << "  (no models; fetch them with `lightning models download`)\n";
        return 0;
    }
    for (const auto& repo : repos) {
        std::cout << "\n" << repo.repo_id << "  (" << hub::human_bytes(repo.blob_bytes) << ")\n";
        for (const auto& [ref, commit] : repo.refs)
            std::cout << "  ref " << ref << " -> " << commit << "\n";
        for (const auto& snapshot : repo.snapshots) {
            size_t present = 0;
            uint64_t bytes = 0;
            for (const auto& file : snapshot.files) {
                present += file.present;
                bytes += file.size;
            }
            std::cout << "  snapshot " << snapshot.commit << ": " << present << " of "
                      << snapshot.files.size() << " files present, " << hub::human_bytes(bytes)
                      << "\n    " << snapshot.dir << "\n";
            if (repo.repo_id == kLightningRepo) {
                const auto steps = lightning_steps_in(snapshot);
                std::cout << "    Lightning UNets for steps: " << (steps.empty() ? "none" : steps)
                          << "\n";
            }
            for (const auto& file : snapshot.files)
                if (!file.present) std::cout << "    missing: " << file.path << "\n";
        }
        for (const auto& name : repo.incomplete)
            std::cout << "  unfinished download: blobs/" << name << " ("
                      << hub::human_bytes(fs::file_size(repo.dir + "/blobs/" + name)) << ")\n";
    }
    return 0;
}

int run_verify_cache(const ModelsArgs& args) {
    const hub::HubCache cache(args.settings.cache_dir);
    const bool tty = ::isatty(STDERR_FILENO);
    const auto checks = hub::verify_cache(
        cache, args.repos,
        [&](const std::string& repo, const std::string& blob, size_t i, size_t n) {
            if (tty)
                std::cerr << "\rverifying " << (i + 1) << "/" << n << " " << repo << " "
                          << blob.substr(0, 12) << std::flush;
            return true;
        });
    if (tty) std::cerr << "\n";
    size_t bad = 0;
    for (const auto& check : checks) {
        if (check.ok()) continue;
        ++bad;
        std::cout << "MISMATCH " << check.repo_id << " blobs/" << check.blob << ": "
                  << check.algorithm << " of the bytes is " << check.actual << "\n";
    }
    std::cout << checks.size() << " files verified, " << bad << " mismatched\n";
    if (bad)
        std::cout << "Delete the mismatched blobs and run `lightning models download` again.\n";
    return bad ? 1 : 0;
}

#ifdef LIGHTNING_HAVE_HUB
// Progress on stderr: one updating line on a terminal, a line every 10 s otherwise.
hub::DownloadCallbacks progress_callbacks(bool tty) {
    auto last_line =
        std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
    hub::DownloadCallbacks callbacks;
    callbacks.should_cancel = [] { return interrupted(); };
    callbacks.on_note = [tty](const std::string& text) {
        std::cerr << (tty ? "\r\033[K" : "") << text << "\n";
    };
    callbacks.on_progress = [tty, last_line](const hub::DownloadProgress& p) {
        if (p.phase == hub::DownloadPhase::Listing) {
            std::cerr << (tty ? "\r\033[K" : "") << "listing " << p.repo_id << " ..."
                      << (tty ? "" : "\n") << std::flush;
            return;
        }
        const auto now = std::chrono::steady_clock::now();
        if (!tty && now - *last_line < std::chrono::seconds(10) &&
            p.phase != hub::DownloadPhase::Finished)
            return;
        *last_line = now;
        std::ostringstream line;
        line << "[" << (p.file_index + 1) << "/" << p.file_count << "] " << p.file << "  "
             << hub::human_bytes(p.file_done) << " / " << hub::human_bytes(p.file_size)
             << "  total " << hub::human_bytes(p.done) << " / " << hub::human_bytes(p.total) << "  "
             << hub::human_bytes(uint64_t(p.bytes_per_second)) << "/s  "
             << duration_text(p.seconds_left) << " left";
        if (p.phase == hub::DownloadPhase::Verifying) line << "  (verifying)";
        std::cerr << (tty ? "\r\033[K" : "") << line.str() << (tty ? "" : "\n") << std::flush;
    };
    return callbacks;
}

int run_civitai(const ModelsArgs& args) {
    hub::CivitaiSettings settings;
    settings.endpoint = args.civitai_endpoint;
    settings.key = hub::civitai_key_from_environment();
    const InterruptGuard guard;
    const bool tty = ::isatty(STDERR_FILENO);
    const hub::DownloadCallbacks callbacks = progress_callbacks(tty);
    for (const auto& reference : args.civitai) {
        hub::CivitaiDownload result;
        try {
            result = hub::download_from_civitai(settings, reference, args.folders, callbacks);
        } catch (const Cancelled&) {
            std::cerr << (tty ? "\n" : "")
                      << "lightning: download stopped; what arrived is kept and the same "
                         "command resumes it\n";
            return kInterruptedExit;
        }
        if (tty) std::cerr << "\n";
        std::cout << "civitai:" << result.version.id << " " << result.version.model_name << " ("
                  << to_string(result.kind) << ", " << result.version.base_model
                  << "): " << (result.reused ? "already there" : "downloaded, sha256 verified")
                  << "\n  " << result.path << "\n";
    }
    return 0;
}

int run_download(const ModelsArgs& args) {
    if (!args.civitai.empty()) return run_civitai(args);
    auto requests = hub::requests_for(args.selection);
    for (auto& request : requests) request.revision = args.revision;
    hub::HubDownloader downloader(args.settings);
    const InterruptGuard guard;  // Ctrl+C stops the download between chunks

    const bool tty = ::isatty(STDERR_FILENO);
    const hub::DownloadCallbacks callbacks = progress_callbacks(tty);
    std::vector<hub::RepoDownload> results;
    try {
        results = downloader.download(requests, callbacks);
    } catch (const Cancelled&) {
        std::cerr << (tty ? "\n" : "")
                  << "lightning: download stopped; what arrived is kept and the next "
                     "`lightning models download` resumes it\n";
        return kInterruptedExit;
    }
    if (tty) std::cerr << "\n";
    std::string base_dir, lightning_dir;
    for (const auto& result : results) {
        std::cout << result.repo_id << ": " << result.files.size() << " files ("
                  << result.downloaded << " downloaded, " << result.reused
                  << " already there) in\n  " << result.snapshot_dir << "\n";
        if (result.repo_id == kBaseRepo) base_dir = result.snapshot_dir;
        if (result.repo_id == kLightningRepo) lightning_dir = result.snapshot_dir;
    }
    if (!base_dir.empty() && !lightning_dir.empty())
        std::cout << "Generate with:\n  lightning generate --model " << base_dir << " --lightning "
                  << lightning_dir << " --prompt \"...\" --out image.png\n";
    return 0;
}
#else
int run_download(const ModelsArgs&) {
    throw Error("models download",
                "this build has no downloader (libcurl was not found when it was built); "
                "install libcurl4-openssl-dev and rebuild, or use huggingface-cli");
}
#endif

}  // namespace

std::string models_usage() {
    return kModelsHelp;
}

int run_models(const std::vector<std::string>& arguments) {
    const ModelsArgs args = parse_models(arguments);
    if (args.settings.cache_dir.empty()) throw UsageError("no cache folder (--cache DIR)");
    if (args.action == "list") return run_list(args);
    if (args.action == "verify") return run_verify_cache(args);
    return run_download(args);
}

}  // namespace lightning::cli
