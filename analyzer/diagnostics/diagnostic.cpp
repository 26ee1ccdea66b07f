#include "analyzer/diagnostics/diagnostic.h"

#include <cctype>
#include <tuple>

namespace godwit::diagnostics {

const std::string& Diagnostic::path() const {
  static const std::string kNone;
  return file ? file->path() : kNone;
}

bool diagnostic_order(const Diagnostic& a, const Diagnostic& b) {
  return std::forward_as_tuple(a.path(), a.range.begin, a.range.end, a.code, a.message) <
         std::forward_as_tuple(b.path(), b.range.begin, b.range.end, b.code, b.message);
}

std::string normalized_anchor(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (const char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {  // isspace in the C locale
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace godwit::diagnostics
