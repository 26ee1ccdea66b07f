#include "analyzer/frontend/python_literals.h"

#include <cctype>
#include <charconv>
#include <cstdlib>

namespace godwit::frontend {

StringPrefix parse_string_prefix(std::string_view start_token) {
  StringPrefix prefix;
  for (const char c : start_token) {
    switch (std::tolower(static_cast<unsigned char>(c))) {
      case 'r': prefix.raw = true; break;
      case 'b': prefix.bytes = true; break;
      case 'f': prefix.format = true; break;
      default: break;
    }
  }
  return prefix;
}

namespace {

void append_utf8(std::string& out, uint32_t cp) {
  // A lone surrogate (`'\ud800'`) is a valid Python str but has no UTF-8 form: decoded strings
  // stay valid UTF-8 (they end up in messages and JSON) with U+FFFD in its place.
  if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool read_hex(std::string_view body, size_t at, size_t digits, uint32_t& value) {
  if (at + digits > body.size()) return false;
  value = 0;
  for (size_t k = 0; k < digits; ++k) {
    const char c = body[at + k];
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return false;
    value = value * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(c)) != 0
                                                   ? c - '0'
                                                   : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
  }
  return true;
}

}  // namespace

std::string decode_string_body(std::string_view body, StringPrefix prefix) {
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (prefix.format && (c == '{' || c == '}') && i + 1 < body.size() && body[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c != '\\' || prefix.raw || i + 1 >= body.size()) {
      out += c;
      continue;
    }
    const char e = body[++i];
    switch (e) {
      case '\n': break;  // line continuation
      case '\r':
        if (i + 1 < body.size() && body[i + 1] == '\n') ++i;
        break;
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '"': out += '"'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case 'x': {
        uint32_t v = 0;
        if (read_hex(body, i + 1, 2, v)) {
          if (prefix.bytes) {
            out += static_cast<char>(v);
          } else {
            append_utf8(out, v);
          }
          i += 2;
        } else {
          out += "\\x";
        }
        break;
      }
      case 'u':
      case 'U': {
        const size_t digits = e == 'u' ? 4 : 8;
        uint32_t v = 0;
        if (!prefix.bytes && read_hex(body, i + 1, digits, v) && v <= 0x10FFFF) {
          append_utf8(out, v);
          i += digits;
        } else {
          out += '\\';
          out += e;
        }
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          uint32_t v = static_cast<uint32_t>(e - '0');
          for (int k = 0; k < 2 && i + 1 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7'; ++k) {
            v = v * 8 + static_cast<uint32_t>(body[++i] - '0');
          }
          if (prefix.bytes) {
            out += static_cast<char>(v & 0xFF);
          } else {
            append_utf8(out, v);
          }
        } else {
          // Unknown escapes (and \N{...}) are kept as written.
          out += '\\';
          out += e;
        }
    }
  }
  return out;
}

std::optional<int64_t> parse_int_literal(std::string_view text) {
  std::string digits;
  digits.reserve(text.size());
  for (const char c : text) {
    if (c != '_') digits += c;
  }
  if (digits.empty()) return std::nullopt;
  const char last = digits.back();
  if (last == 'j' || last == 'J' || last == 'l' || last == 'L') return std::nullopt;
  int base = 10;
  size_t start = 0;
  if (digits.size() > 2 && digits[0] == '0') {
    const char b = static_cast<char>(std::tolower(static_cast<unsigned char>(digits[1])));
    if (b == 'x') base = 16, start = 2;
    if (b == 'o') base = 8, start = 2;
    if (b == 'b') base = 2, start = 2;
  }
  int64_t value = 0;
  const char* first = digits.data() + start;
  const char* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(first, end, value, base);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<double> parse_float_literal(std::string_view text) {
  std::string digits;
  for (const char c : text) {
    if (c != '_') digits += c;
  }
  if (digits.empty() || digits.back() == 'j' || digits.back() == 'J') return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(digits.c_str(), &end);
  if (end != digits.c_str() + digits.size()) return std::nullopt;
  return value;
}

}  // namespace godwit::frontend
