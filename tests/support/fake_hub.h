// Starts tests/support/fake_hub.py (a stand-in for the Hugging Face hub on 127.0.0.1) for the
// downloader and Models-dialog tests, and reads what it was asked.
#pragma once
#include "support/fixtures.h"

#include <QProcess>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace lightning::testing {

class FakeHub {
public:
    // `root` holds repos/<org>/<name>/... (the repositories), faults.json and requests.log.
    explicit FakeHub(std::filesystem::path root) : root_(std::move(root)) {}
    ~FakeHub() {
        process_.kill();
        process_.waitForFinished(5000);
    }

    // Starts the server; false (with a QWARN) when python3 or the script is missing.
    bool start() {
        std::filesystem::create_directories(root_);
        const auto port_file = root_ / "port";
        std::filesystem::remove(port_file);
        // Not inherited: a server left behind must not hold ctest's output pipe open.
        const QString log = QString::fromStdString((root_ / "server.log").string());
        process_.setStandardOutputFile(log);
        process_.setStandardErrorFile(log, QIODevice::Append);
        process_.start(QString::fromStdString(env_path("LIGHTNING_PYTHON", "python3")),
                       {QString::fromStdString(env_path("LIGHTNING_FAKE_HUB", "fake_hub.py")),
                        "--root", QString::fromStdString(root_.string()), "--port-file",
                        QString::fromStdString(port_file.string()), "--lifetime", "600"});
        if (!process_.waitForStarted(10000)) {
            qWarning("python3 did not start");
            return false;
        }
        for (int i = 0; i < 400 && !std::filesystem::exists(port_file); ++i) QTest::qWait(50);
        if (!std::filesystem::exists(port_file)) {
            qWarning("the fake hub wrote no port file (see %s)", log.toUtf8().constData());
            return false;
        }
        std::ifstream in(port_file);
        std::string port;
        in >> port;
        endpoint_ = "http://127.0.0.1:" + port;
        return true;
    }

    const std::string& endpoint() const { return endpoint_; }
    std::filesystem::path repo_dir(const std::string& repo_id) const {
        return root_ / "repos" / repo_id;
    }
    void set_faults(const std::string& json) const { std::ofstream(root_ / "faults.json") << json; }
    void clear_log() const { std::filesystem::remove(root_ / "requests.log"); }
    std::vector<std::string> requests() const {
        std::ifstream in(root_ / "requests.log");
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);) lines.push_back(line);
        return lines;
    }

private:
    std::filesystem::path root_;
    QProcess process_;
    std::string endpoint_;
};

}  // namespace lightning::testing
