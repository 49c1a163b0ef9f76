// Who may use `lightning serve` (core/serve/): a loopback bind serves this machine only; any other
// bind needs an API key, which clients send as `Authorization: Bearer KEY` (OpenAI's clients, curl)
// or as the password of HTTP Basic credentials (A1111's --api-auth clients; the user name is not
// checked). Keys are compared in constant time.
#pragma once
#include <string>
#include <string_view>

namespace lightning {

// 127.0.0.0/8, ::1 and "localhost".
bool is_loopback(const std::string& host);

// Equal, in a time that depends on the lengths only, never on where the texts differ.
bool constant_time_equal(std::string_view a, std::string_view b);

// Whether an Authorization header's value carries `key` (Bearer or Basic).
bool authorized(const std::string& authorization, const std::string& key);

// The key of an --api-key-file: its first line, surrounding whitespace removed. Throws
// lightning::Error naming the file when it is missing, unreadable or holds no key.
std::string read_api_key_file(const std::string& path);

}  // namespace lightning
