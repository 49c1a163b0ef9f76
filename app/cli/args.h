// Command-line parsing for `lightning`: every bad argument becomes one clear UsageError line.
#pragma once
#include "core/pipeline/pipeline.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lightning::cli {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct GenerateArgs {
    LoadOptions load;
    GenerationRequest request;
    bool seed_given = false;
    std::string out;   // PNG path ("" = none)
    std::string dump;  // safetensors path ("" = none)
    std::string log_level;
};

struct VerifyArgs {
    std::string fixtures_dir;
    std::string device = "cpu";
    std::string dtype = "fp32";
    std::string log_level;
};

struct Command {
    enum class Kind { Help, Generate, Verify } kind = Kind::Help;
    std::string help_topic;  // "", "generate" or "verify"
    GenerateArgs generate;
    VerifyArgs verify;
};

// argv without the program name. Throws UsageError.
Command parse_command_line(const std::vector<std::string>& args);

std::string usage(const std::string& topic);

}  // namespace lightning::cli
