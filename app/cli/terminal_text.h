// Text from files (PNG chunks, file names, error messages quoting them) made safe to print: a
// crafted PNG must not set the terminal's title, clear the screen or hide lines.
#pragma once
#include <string>
#include <string_view>

namespace lightning::cli {

// `text` with every control character written as a visible escape ("\x1b", "\r", "\x00"):
// C0 controls but line feeds (and tabs), DEL, the C1 controls of UTF-8 (U+0080..U+009F, e.g.
// the one-byte CSI), and bytes that are not valid UTF-8. Printable UTF-8 stays as it is.
std::string printable(std::string_view text);

// "1 image", "2 images": `noun` with its count, plural with an "s" unless the count is 1.
std::string counted(long long count, std::string_view noun);

// "lightning: warning: TEXT" on standard error, TEXT made printable.
void print_warning(std::string_view text);

}  // namespace lightning::cli
