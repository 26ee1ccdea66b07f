#include <algorithm>
#include <array>

#include "analyzer/report/report.h"

namespace godwit::report {

namespace {

using diagnostics::Diagnostic;
using diagnostics::Severity;

struct Style {
  bool color;
  [[nodiscard]] std::string paint(std::string_view text, std::string_view code) const {
    if (!color) return std::string(text);
    return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
  }
  [[nodiscard]] std::string severity(Severity s, std::string_view text) const {
    switch (s) {
      case Severity::Error: return paint(text, "1;31");
      case Severity::Warning: return paint(text, "1;33");
      case Severity::Info: return paint(text, "1;36");
    }
    return std::string(text);
  }
  [[nodiscard]] std::string gutter(std::string_view text) const { return paint(text, "1;34"); }
  [[nodiscard]] std::string bold(std::string_view text) const { return paint(text, "1"); }
};

// A frame shows at most this many characters of a source line: a finding on a line of a
// generated migration (a 10 MB SQL string) shows the part around it, not the whole line, and
// costs no more than that part however many findings the line has.
constexpr uint32_t kFrameColumns = 160;
// Characters shown before the finding when the line is cut.
constexpr uint32_t kFrameLead = 40;

// The length of the character (or malformed byte) at line[i], as the column counts step.
size_t char_length(std::string_view line, size_t i) {
  const auto c = static_cast<unsigned char>(line[i]);
  size_t len = 1;
  if (c >= 0xF0) {
    len = 4;
  } else if (c >= 0xE0) {
    len = 3;
  } else if (c >= 0xC0) {
    len = 2;
  }
  if (i + len > line.size() || source::valid_utf8_prefix(line.substr(i, len)) != len) len = 1;
  return len;
}

// `count` characters after `at` (a character start), or the end of the line.
size_t forward(std::string_view line, size_t at, uint32_t count) {
  for (; count > 0 && at < line.size(); --count) at += char_length(line, at);
  return at;
}

// `count` characters before `at` (a character start), or 0. A byte that is not a UTF-8
// continuation byte always starts a character, so counting from one a little before `at` finds
// the same characters as counting from the line's start.
size_t backward(std::string_view line, size_t at, uint32_t count) {
  size_t from = at > 4 * size_t{count} + 3 ? at - 4 * size_t{count} - 3 : 0;
  while (from > 0 && from < at && (static_cast<unsigned char>(line[from]) & 0xC0) == 0x80) ++from;
  std::vector<size_t> starts;
  for (size_t i = from; i < at; i += char_length(line, i)) starts.push_back(i);
  return starts.size() >= count ? starts[starts.size() - count] : from;
}

// Display text of a source line: tabs expanded to 4 columns, control characters shown as `?`.
// `columns` receives, for each byte, its display column.
std::string display_line(std::string_view line, std::vector<uint32_t>& byte_columns) {
  std::string out;
  byte_columns.assign(line.size() + 1, 0);
  uint32_t column = 0;
  for (size_t i = 0; i < line.size();) {
    byte_columns[i] = column;
    const auto c = static_cast<unsigned char>(line[i]);
    if (c == '\t') {
      const uint32_t width = 4 - (column % 4);
      out.append(width, ' ');
      column += width;
      ++i;
      continue;
    }
    const size_t len = char_length(line, i);
    for (size_t k = 1; k < len; ++k) byte_columns[i + k] = column;
    if (c < 0x20 || c == 0x7F || (len == 1 && c >= 0x80)) {
      out += '?';
    } else {
      out.append(line.substr(i, len));
    }
    column += 1;
    i += len;
  }
  byte_columns[line.size()] = column;
  return out;
}

// The first line of the range, underlined; a range over several lines is underlined to the end
// of its first line and marked with `...`. A line longer than kFrameColumns characters is cut
// around the range, with `…` where text is left out (and `...` when the underline is cut).
void write_frame(std::ostream& out, const Diagnostic& d, const Style& style) {
  const source::SourceFile& file = *d.file;
  const uint32_t line0 = file.lines().line_of(d.range.begin);
  const uint32_t last_line = file.lines().line_of(std::max(d.range.begin, d.range.end > 0 ? d.range.end - 1 : 0));
  const std::string number = std::to_string(line0 + 1);
  const std::string pad(number.size(), ' ');
  const std::string_view text = file.line_text(line0);
  const uint32_t line_start = file.lines().line_start(line0);
  const auto from = std::min<size_t>(d.range.begin - line_start, text.size());
  // The part of the line shown: all of it, or kFrameColumns characters from kFrameLead before the
  // range (ending at the line's end at the latest).
  size_t window_begin = 0;
  size_t window_end = text.size();
  if (text.size() > kFrameColumns) {
    window_begin = backward(text, from, kFrameLead);
    window_end = forward(text, window_begin, kFrameColumns);
    if (window_end == text.size()) window_begin = backward(text, text.size(), kFrameColumns);
  }
  auto to = std::min<size_t>(d.range.end > line_start ? d.range.end - line_start : 0, text.size());
  if (last_line > line0) {
    // Up to the end of the line, without a trailing comment or blanks.
    const auto comment = text.substr(0, window_end).find("  #", from);
    to = comment != std::string_view::npos ? comment : text.size();
    while (to > from && (text[to - 1] == ' ' || text[to - 1] == '\t')) --to;
  }
  const bool continues = last_line > line0 || to > window_end;
  std::vector<uint32_t> columns;
  const std::string_view window = text.substr(window_begin, window_end - window_begin);
  std::string shown = display_line(window, columns);
  const uint32_t shift = window_begin > 0 ? 1 : 0;  // the leading `…` takes a column
  if (window_begin > 0) shown = "…" + shown;
  if (window_end < text.size()) shown += "…";
  const uint32_t begin_col = columns[from - window_begin] + shift;
  const uint32_t end_col = columns[std::max(from, std::min(to, window_end)) - window_begin] + shift;
  const uint32_t width = end_col > begin_col ? end_col - begin_col : 1;
  out << pad << " " << style.gutter("|") << "\n";
  out << style.gutter(number + " |") << " " << shown << "\n";
  out << pad << " " << style.gutter("|") << " " << std::string(begin_col, ' ')
      << style.severity(d.severity, std::string(width, '^')) << (continues ? " ..." : "") << "\n";
  out << pad << " " << style.gutter("|") << "\n";
}

}  // namespace

SeverityCounts count_severities(const std::vector<Diagnostic>& diagnostics) {
  SeverityCounts counts;
  for (const Diagnostic& d : diagnostics) {
    switch (d.severity) {
      case Severity::Error: ++counts.error; break;
      case Severity::Warning: ++counts.warning; break;
      case Severity::Info: ++counts.info; break;
    }
  }
  return counts;
}

void write_text(std::ostream& out, const Report& report, const TextOptions& options) {
  const Style style{options.color};
  for (const Diagnostic& d : report.diagnostics) {
    const source::Position at = d.file->position(d.range.begin);
    out << style.severity(d.severity, std::string(diagnostics::to_string(d.severity)) + "[" + d.code.str() + "]") << " "
        << style.bold(std::string(d.name) + ": " + d.message) << "\n";
    out << "  " << style.gutter("-->") << " " << d.path() << ":" << at.line << ":" << at.column << "\n";
    write_frame(out, d, style);
    for (const auto& related : d.related) {
      const source::Position r = related.file->position(related.range.begin);
      out << "  " << style.gutter("=") << " " << style.bold("note") << ": " << related.message << " ("
          << related.file->path() << ":" << r.line << ":" << r.column << ")\n";
    }
    if (!d.help.empty()) out << "  " << style.gutter("=") << " " << style.bold("help") << ": " << d.help << "\n";
    out << "\n";
  }
  if (options.quiet) return;
  const SeverityCounts counts = count_severities(report.diagnostics);
  auto plural = [](size_t n, std::string_view word) {
    return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
  };
  const std::string scope = " in " + plural(report.files, "file");
  if (report.diagnostics.empty()) {
    out << style.bold("No problems found" + scope + ".") << "\n";
  } else {
    std::vector<std::string> parts;
    if (counts.error > 0) parts.push_back(style.severity(Severity::Error, plural(counts.error, "error")));
    if (counts.warning > 0) parts.push_back(style.severity(Severity::Warning, plural(counts.warning, "warning")));
    if (counts.info > 0) parts.push_back(style.severity(Severity::Info, plural(counts.info, "info")));
    out << "Found ";
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) out << (i + 1 == parts.size() ? " and " : ", ");
      out << parts[i];
    }
    out << scope << ".\n";
  }
  if (report.hidden_by_baseline > 0) {
    out << plural(report.hidden_by_baseline, "finding") << " hidden by the baseline.\n";
  }
}

void write_concise(std::ostream& out, const Report& report) {
  for (const Diagnostic& d : report.diagnostics) {
    const source::Position at = d.file->position(d.range.begin);
    out << d.path() << ":" << at.line << ":" << at.column << ": " << d.code.str() << " ["
        << diagnostics::to_string(d.severity) << "] " << d.message << "\n";
  }
}

}  // namespace godwit::report
