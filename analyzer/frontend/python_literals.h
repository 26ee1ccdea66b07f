#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace godwit::frontend {

// The prefix letters of a string literal (`rb`, `f`, `U`...), lower-cased into flags.
struct StringPrefix {
  bool raw = false;
  bool bytes = false;
  bool format = false;
};

StringPrefix parse_string_prefix(std::string_view start_token);

// Decodes the body of a Python string literal (the text between the quotes) as Python would:
// escape sequences (unless raw), `\N{...}` kept verbatim, line continuations removed, and in
// f-strings `{{`/`}}` collapsed. Surrogate escapes (`\ud800`) become U+FFFD, so that the result of
// a str literal is always valid UTF-8.
std::string decode_string_body(std::string_view body, StringPrefix prefix);

// Python integer literal text (`1_000`, `0x1F`, `0o17`, `0b101`) to int64; nullopt on overflow,
// imaginary literals or anything else.
std::optional<int64_t> parse_int_literal(std::string_view text);
std::optional<double> parse_float_literal(std::string_view text);

}  // namespace godwit::frontend
