// Errors the engine reports: one exception type carrying what went wrong and where.
#pragma once
#include <stdexcept>
#include <string>

namespace lightning {

// `where` names the file, tensor, key or argument at fault; what() is "where: message" so a
// caller can print it as one clear line.
class Error : public std::runtime_error {
public:
    Error(std::string where, std::string message)
        : std::runtime_error(where.empty() ? message : where + ": " + message),
          where_(std::move(where)),
          message_(std::move(message)) {}

    const std::string& where() const { return where_; }
    const std::string& message() const { return message_; }

private:
    std::string where_;
    std::string message_;
};

// Thrown when a generation is cancelled through a callback; not an error for the user.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace lightning
