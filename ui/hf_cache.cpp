#include "ui/hf_cache.h"

#include "ui/model_setup.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <functional>

namespace lightning::ui {
namespace {

QString env(const char* name) {
    return qEnvironmentVariable(name);
}

// The usable snapshot of a cached repository, or "".
QString pick_snapshot(const QString& repo_dir, const std::function<bool(const QString&)>& usable) {
    const QDir snapshots(QDir(repo_dir).filePath(QStringLiteral("snapshots")));
    if (!snapshots.exists()) return {};

    QFile ref(QDir(repo_dir).filePath(QStringLiteral("refs/main")));
    if (ref.open(QIODevice::ReadOnly)) {
        const QString revision = QString::fromUtf8(ref.readAll()).trimmed();
        const QString preferred = snapshots.filePath(revision);
        if (!revision.isEmpty() && QFileInfo(preferred).isDir() && usable(preferred))
            return QDir::cleanPath(preferred);
    }
    QString best;
    QDateTime best_time;
    for (const QFileInfo& entry :
         snapshots.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        if (!usable(entry.absoluteFilePath())) continue;
        if (best.isEmpty() || entry.lastModified() > best_time) {
            best = entry.absoluteFilePath();
            best_time = entry.lastModified();
        }
    }
    return QDir::cleanPath(best);
}

}  // namespace

QString default_hf_hub_dir() {
    if (const QString hub = env("HF_HUB_CACHE"); !hub.isEmpty()) return hub;
    if (const QString home = env("HF_HOME"); !home.isEmpty())
        return QDir(home).filePath(QStringLiteral("hub"));
    return QDir(QDir::homePath()).filePath(QStringLiteral(".cache/huggingface/hub"));
}

QString hf_repo_folder(const QString& hub_dir, const QString& repo_id) {
    QString folder = QStringLiteral("models--") + repo_id;
    folder.replace(u'/', QLatin1String("--"));
    return QDir(hub_dir).filePath(folder);
}

DiscoveredModels discover_hf_models(const QString& hub_dir) {
    DiscoveredModels found;
    if (hub_dir.isEmpty() || !QFileInfo(hub_dir).isDir()) return found;
    found.base_dir =
        pick_snapshot(hf_repo_folder(hub_dir, QString::fromLatin1(kBaseRepo)),
                      [](const QString& dir) { return check_base_model(dir, {}).ok(); });
    found.lightning_dir =
        pick_snapshot(hf_repo_folder(hub_dir, QString::fromLatin1(kLightningRepo)),
                      [](const QString& dir) { return check_lightning_dir(dir).ok(); });
    return found;
}

}  // namespace lightning::ui
