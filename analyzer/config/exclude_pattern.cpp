#include "analyzer/config/exclude_pattern.h"

namespace godwit::config {

namespace {

// The length of the UTF-8 sequence starting at `c` (1 for anything malformed).
size_t utf8_length(unsigned char c) {
  if (c >= 0xF0 && c < 0xF8) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

// Parses the bracket expression starting at pattern[at] == '['; returns the index after its `]`,
// or npos when it is not closed.
size_t class_end(std::string_view pattern, size_t at) {
  size_t i = at + 1;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) ++i;
  if (i < pattern.size() && pattern[i] == ']') ++i;  // a `]` first is literal
  for (; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
      continue;
    }
    if (pattern[i] == ']') return i + 1;
  }
  return std::string_view::npos;
}

// Whether byte `c` is in the bracket expression pattern[at, end).
bool class_matches(std::string_view pattern, size_t at, size_t end, unsigned char c) {
  size_t i = at + 1;
  bool negate = false;
  if (pattern[i] == '!' || pattern[i] == '^') {
    negate = true;
    ++i;
  }
  bool found = false;
  bool first = true;
  const size_t close = end - 1;
  while (i < close) {
    unsigned char lo = static_cast<unsigned char>(pattern[i]);
    if (lo == '\\' && i + 1 < close) lo = static_cast<unsigned char>(pattern[++i]);
    if (lo == ']' && !first) break;
    first = false;
    ++i;
    unsigned char hi = lo;
    if (i + 1 < close && pattern[i] == '-') {
      hi = static_cast<unsigned char>(pattern[i + 1]);
      if (hi == '\\' && i + 2 < close) {
        hi = static_cast<unsigned char>(pattern[i + 2]);
        ++i;
      }
      i += 2;
    }
    if (c >= lo && c <= hi) found = true;
  }
  return found != negate;
}

// wildmatch: `*` and `?` and classes stop at `/`; `**` as a whole path segment spans directories.
bool wild(std::string_view p, size_t pi, std::string_view s, size_t si) {
  while (pi < p.size()) {
    const char c = p[pi];
    if (c == '*') {
      const bool double_star = pi + 1 < p.size() && p[pi + 1] == '*';
      const bool segment_start = pi == 0 || p[pi - 1] == '/';
      const bool segment_end = pi + 2 >= p.size() || p[pi + 2] == '/';
      if (double_star && segment_start && segment_end) {
        if (pi + 2 >= p.size()) return true;  // trailing `**`: everything below
        // `**/`: zero or more directories.
        const size_t rest = pi + 3;
        for (size_t q = si;;) {
          if (wild(p, rest, s, q)) return true;
          const size_t slash = s.find('/', q);
          if (slash == std::string_view::npos) return false;
          q = slash + 1;
        }
      }
      while (pi < p.size() && p[pi] == '*') ++pi;
      for (size_t q = si;; ++q) {
        if (wild(p, pi, s, q)) return true;
        if (q >= s.size() || s[q] == '/') return false;
      }
    }
    if (si >= s.size()) return false;
    if (c == '?') {
      if (s[si] == '/') return false;
      si += std::min(utf8_length(static_cast<unsigned char>(s[si])), s.size() - si);
      ++pi;
      continue;
    }
    if (c == '[') {
      const size_t end = class_end(p, pi);
      if (s[si] == '/' || !class_matches(p, pi, end, static_cast<unsigned char>(s[si]))) return false;
      pi = end;
      ++si;
      continue;
    }
    const char literal = c == '\\' && pi + 1 < p.size() ? p[++pi] : c;
    if (s[si] != literal) return false;
    ++pi;
    ++si;
  }
  return si == s.size();
}

}  // namespace

std::optional<ExcludePattern> ExcludePattern::parse(std::string_view text, std::string& error) {
  ExcludePattern pattern;
  pattern.text_ = std::string(text);
  std::string_view body = text;
  if (body.starts_with('!')) {
    pattern.negated_ = true;
    body.remove_prefix(1);
  }
  if (body.starts_with('/')) {
    pattern.anchored_ = true;
    body.remove_prefix(1);
  }
  if (body.ends_with('/') && !body.ends_with("\\/")) {
    pattern.directory_only_ = true;
    body.remove_suffix(1);
  }
  if (body.empty()) {
    error = text.empty() ? "an empty pattern matches nothing" : "`" + std::string(text) + "` names no path";
    return std::nullopt;
  }
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\') {
      if (i + 1 >= body.size()) {
        error = "`" + std::string(text) + "` ends with a lone `\\`";
        return std::nullopt;
      }
      ++i;
    } else if (body[i] == '[') {
      const size_t end = class_end(body, i);
      if (end == std::string_view::npos) {
        error = "`" + std::string(text) + "` has a `[` without its closing `]`";
        return std::nullopt;
      }
      i = end - 1;
    } else if (body[i] == '/') {
      if (i + 1 < body.size() && body[i + 1] == '/') {
        error = "`" + std::string(text) + "` has an empty path segment (`//`)";
        return std::nullopt;
      }
      pattern.anchored_ = true;
    }
  }
  pattern.body_ = std::string(body);
  return pattern;
}

bool ExcludePattern::matches(std::string_view relative, bool is_directory) const {
  if (directory_only_ && !is_directory) return false;
  if (anchored_) return wild(body_, 0, relative, 0);
  const size_t slash = relative.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? relative : relative.substr(slash + 1);
  return wild(body_, 0, name, 0);
}

ExcludeSet::ExcludeSet(const std::vector<std::string>& patterns, std::filesystem::path root) : root_(std::move(root)) {
  for (const std::string& text : patterns) {
    std::string error;
    if (auto pattern = ExcludePattern::parse(text, error)) patterns_.push_back(std::move(*pattern));
  }
}

bool ExcludeSet::decide(std::string_view relative, bool is_directory) const {
  bool excluded = false;
  for (const ExcludePattern& pattern : patterns_) {
    if (excluded == pattern.negated() && pattern.matches(relative, is_directory)) excluded = !pattern.negated();
  }
  return excluded;
}

bool ExcludeSet::excluded(const std::filesystem::path& path, bool is_directory) const {
  if (patterns_.empty()) return false;
  const std::filesystem::path relative = path.lexically_relative(root_);
  if (relative.empty() || *relative.begin() == ".." || relative == ".") return false;
  const std::string text = relative.generic_string();
  // A path inside an excluded directory stays excluded, whatever a later `!` says.
  for (size_t slash = text.find('/'); slash != std::string::npos; slash = text.find('/', slash + 1)) {
    if (decide(std::string_view(text).substr(0, slash), true)) return true;
  }
  return decide(text, is_directory);
}

}  // namespace godwit::config
