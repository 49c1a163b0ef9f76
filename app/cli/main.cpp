// `lightning`: the headless command line. `generate` runs text-to-image through the engine;
// `batch` renders a manifest (resumable, sharded, one engine per device);
// `info` prints a PNG's parameters; `upscale` runs an ESRGAN-family upscaler model; `verify`
// runs every golden check (the GPU machine's Qt-free entry point); `bench` times the engine;
// `serve` is an HTTP API on the engine.
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/terminal_text.h"
#include "core/engine/engine.h"
#include "core/util/error.h"
#include "core/util/log.h"
#include "core/util/log_json.h"

#include <cstdlib>
#include <iostream>

namespace {

// Whether the command line asks for JSON log lines (`--log-format json`), read before parsing so
// that even a usage error is a JSON line for the log collector.
bool asks_for_json_lines(const std::vector<std::string>& args) {
    for (size_t i = 0; i < args.size(); ++i)
        if (args[i] == "--log-format=json" ||
            (args[i] == "--log-format" && i + 1 < args.size() && args[i + 1] == "json"))
            return true;
    return false;
}

// The one error line of a failed command: plain, or a JSON log line with --log-format json.
void print_error(const std::string& text, bool json) {
    const std::string line = "lightning: error: " + lightning::cli::printable(text);
    if (json || lightning::json_log_lines())
        std::cerr << lightning::json_log_line("error", line) << '\n';
    else
        std::cerr << line << '\n';
}

}  // namespace

int main(int argc, char** argv) {
    using namespace lightning;
    std::vector<std::string> args(argv + 1, argv + argc);
    const bool json = asks_for_json_lines(args);
    cli::Command command;
    try {
        command = cli::parse_command_line(args);
    } catch (const cli::UsageError& e) {
        print_error(e.what(), json);
        return 2;
    }
    try {
        switch (command.kind) {
            case cli::Command::Kind::Help:
                std::cout << cli::usage(command.help_topic);
                return 0;
            case cli::Command::Kind::Version:
                std::cout << program_version() << " (lightning CLI)\n";
                return 0;
            case cli::Command::Kind::Info:
                return cli::run_info(command.info);
            case cli::Command::Kind::Generate:
                init_logging(command.generate.log_level);
                return cli::run_generate(command.generate);
            case cli::Command::Kind::Batch:
                init_logging(command.batch.defaults.log_level);
                return cli::run_batch(command.batch);
            case cli::Command::Kind::Verify:
                // The report is the output; progress logs only below it when asked for.
                init_logging(command.verify.log_level.empty() && !std::getenv("LIGHTNING_LOG_LEVEL")
                                 ? "warn"
                                 : command.verify.log_level);
                return cli::run_verify(command.verify);
            case cli::Command::Kind::Bench:
                init_logging(command.bench.log_level);
                return cli::run_bench(command.bench);
            case cli::Command::Kind::Upscale:
                init_logging(command.upscale.log_level);
                return cli::run_upscale(command.upscale);
            case cli::Command::Kind::Serve:
                init_logging(command.serve.defaults.log_level);
                return cli::run_serve(command.serve);
            case cli::Command::Kind::Models:
                init_logging();
                return cli::run_models(command.models);
        }
    } catch (const cli::UsageError& e) {
        print_error(e.what(), json);
        return 2;
    } catch (const std::exception& e) {
        // lightning::Error reads "where: message"; torch errors can span lines, keep the first.
        std::string text = e.what();
        if (const auto nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
        print_error(text, json);
        return 1;
    }
    return 0;
}
