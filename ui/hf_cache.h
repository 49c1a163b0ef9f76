// Finds SDXL base and SDXL-Lightning downloads in the Hugging Face hub cache, so a user who has
// run `huggingface-cli download` needs no setup at all.
#pragma once
#include <QString>

namespace lightning::ui {

// $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub.
QString default_hf_hub_dir();

struct DiscoveredModels {
    QString base_dir;       // .../models--stabilityai--stable-diffusion-xl-base-1.0/snapshots/REV
    QString lightning_dir;  // .../models--ByteDance--SDXL-Lightning/snapshots/REV
    bool complete() const { return !base_dir.isEmpty() && !lightning_dir.isEmpty(); }
};

// Looks in `hub_dir` for usable snapshots of both repositories. Of several snapshots the one
// `refs/main` names wins if usable, else the usable one modified last. A snapshot is usable when
// check_base_model / check_lightning_dir accept it (dangling symlinks of unfinished downloads
// count as missing).
DiscoveredModels discover_hf_models(const QString& hub_dir);

// Folder of a repository in the cache: "models--owner--name".
QString hf_repo_folder(const QString& hub_dir, const QString& repo_id);

}  // namespace lightning::ui
