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

// " 'text'" when `text` read from a file has the form of a name (letters, digits, '_', '-', '.';
// at most 40), which is worth naming in an error ("unknown dtype 'F8_E4M3'"); "" otherwise:
// other text from a file that failed validation is never quoted (it may not be the file the
// user meant, e.g. a key file given as a config).
inline std::string quote_if_name(const std::string& text) {
    if (text.empty() || text.size() > 40) return "";
    for (const char c : text)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return "";
    return " '" + text + "'";
}

// Thrown when a generation is cancelled through a callback; not an error for the user.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace lightning
