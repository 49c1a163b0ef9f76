// HTTP for the tests of `lightning serve`, through plain `curl` (a client nobody here wrote),
// and the server itself as a child process on 127.0.0.1 with a free port.
#pragma once
#include "support/fixtures.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <nlohmann/json.hpp>

#include <csignal>
#include <memory>
#include <string>

namespace lightning::testing {

struct HttpReply {
    int status = 0;  // 0: curl failed (no HTTP answer)
    std::string body;
    std::string curl_error;
    nlohmann::json json() const {
        return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    }
};

// One curl call, started now and read by finish(): several run at once for concurrency.
class HttpCall {
public:
    HttpCall(const QString& folder, const QString& method, const QString& url,
             const std::string& body = {}, const QStringList& headers = {}) {
        static int counter = 0;
        const QString stem = folder + "/http-" + QString::number(++counter);
        out_ = stem + ".out";
        QStringList args{"-sS", "-o",   out_,         "-w", "%{http_code}",
                         "-X",  method, "--max-time", "600"};
        if (!body.empty()) {
            QFile file(stem + ".in");
            file.open(QIODevice::WriteOnly);
            file.write(body.data(), qint64(body.size()));
            args << "-H"
                 << "Content-Type: application/json"
                 << "--data-binary"
                 << "@" + stem + ".in";
        }
        for (const auto& header : headers) args << "-H" << header;
        args << url;
        process_.start("curl", args);
    }
    HttpReply finish() {
        HttpReply reply;
        process_.waitForFinished(660000);
        reply.status = QString::fromUtf8(process_.readAllStandardOutput()).toInt();
        reply.curl_error = process_.readAllStandardError().toStdString();
        QFile file(out_);
        if (file.open(QIODevice::ReadOnly)) reply.body = file.readAll().toStdString();
        return reply;
    }

    // The client hangs up (its connection closes) without waiting for the answer.
    void kill() {
        process_.kill();
        process_.waitForFinished();
    }

private:
    QProcess process_;
    QString out_;
};

// `lightning serve ARGS --port 0` until destroyed (SIGTERM, then waited for).
class ServerProcess {
public:
    // False when it did not say where it listens (its output is then in log()).
    bool start(const QStringList& args) {
        process_.start(QString::fromStdString(cli_path()),
                       QStringList{"serve", "--port", "0"} + args);
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 300000 && process_.state() != QProcess::NotRunning) {
            process_.waitForReadyRead(50);
            log_ += process_.readAllStandardError();
            const auto at = log_.indexOf("listening on http://");
            if (at < 0) continue;
            const auto end = log_.indexOf(' ', at + 20);
            if (end < 0) continue;
            url_ = QString::fromUtf8(log_.mid(at + 13, end - at - 13));
            return true;
        }
        return false;
    }
    ~ServerProcess() {
        if (process_.state() == QProcess::NotRunning) return;
        ::kill(pid_t(process_.processId()), SIGTERM);
        if (!process_.waitForFinished(120000)) process_.kill();
        process_.waitForFinished();
    }
    void signal(int number = SIGTERM) { ::kill(pid_t(process_.processId()), number); }
    // SIGTERM, and the exit code (-1 when it did not exit normally).
    int terminate() {
        signal(SIGTERM);
        return exit_code();
    }
    // Once it exits: its exit code, or -1 when it did not exit normally.
    int exit_code() {
        if (!process_.waitForFinished(300000)) return -1;
        log_ += process_.readAllStandardError();
        return process_.exitStatus() == QProcess::NormalExit ? process_.exitCode() : -1;
    }
    QString url(const QString& path) const { return url_ + path; }
    QString log() { return QString::fromUtf8(log_ += process_.readAllStandardError()); }

private:
    QProcess process_;
    QByteArray log_;
    QString url_;
};

}  // namespace lightning::testing
