// UTF-8 <-> code points, for the tokenizer and the prompt syntaxes. Lossy on purpose: text from
// users and files is never rejected here, only made valid (the limits table rejects it first
// where a request must not carry invalid UTF-8).
#pragma once
#include <string>
#include <string_view>

namespace lightning {

// Decodes UTF-8, replacing each maximal subpart of an ill-formed sequence by U+FFFD (Unicode
// §3.9 / WHATWG): a lead byte followed by the continuation bytes that are still valid for it.
std::u32string decode_utf8_lossy(std::string_view text);

std::string to_utf8(std::u32string_view text);
void append_utf8(std::string& out, char32_t code_point);

// `text` with every invalid UTF-8 sequence replaced by U+FFFD, one per maximal subpart of an
// ill-formed sequence (Unicode §3.9 "best practice", as Python's decode(errors="replace")):
// "\xE2\x82x" -> "\uFFFDx", overlong "\xC0\xAF" -> two U+FFFD, surrogates "\xED\xA0\x80" -> three.
std::string replace_invalid_utf8(std::string_view text);

}  // namespace lightning
