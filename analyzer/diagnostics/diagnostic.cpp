#include "analyzer/diagnostics/diagnostic.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace godwit::diagnostics {

const std::string& Diagnostic::path() const {
  static const std::string kNone;
  return file ? file->path() : kNone;
}

std::string Diagnostic::anchor_text() const {
  if (!anchor.empty() || !file) return anchor;
  return normalized_anchor(file->slice(anchor_range));
}

namespace {

// The one output order, three-way: path, range, rule id, message.
int compare(const Diagnostic& a, const Diagnostic& b) {
  if (a.file != b.file) {
    if (const int c = a.path().compare(b.path()); c != 0) return c;
  }
  if (a.range.begin != b.range.begin) return a.range.begin < b.range.begin ? -1 : 1;
  if (a.range.end != b.range.end) return a.range.end < b.range.end ? -1 : 1;
  if (a.code != b.code) return a.code < b.code ? -1 : 1;
  return a.message.compare(b.message);
}

}  // namespace

bool diagnostic_order(const Diagnostic& a, const Diagnostic& b) { return compare(a, b) < 0; }

void sort_diagnostics(std::vector<Diagnostic>& diagnostics) {
  if (std::is_sorted(diagnostics.begin(), diagnostics.end(), diagnostic_order)) return;
  if (diagnostics.size() > UINT32_MAX) {  // not in any real run: the indices below are 32-bit
    std::stable_sort(diagnostics.begin(), diagnostics.end(), diagnostic_order);
    return;
  }
  std::vector<uint32_t> order(diagnostics.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  // The output order, compared once per pair, ties broken by the original place.
  std::sort(order.begin(), order.end(), [&](uint32_t ia, uint32_t ib) {
    if (const int c = compare(diagnostics[ia], diagnostics[ib]); c != 0) return c < 0;
    return ia < ib;
  });
  std::vector<Diagnostic> sorted;
  sorted.reserve(diagnostics.size());
  for (const uint32_t i : order) sorted.push_back(std::move(diagnostics[i]));
  diagnostics = std::move(sorted);
}

namespace {

bool c_space(unsigned char byte) {  // isspace in the C locale
  return byte == ' ' || byte == '\n' || byte == '\t' || byte == '\r' || byte == '\f' || byte == '\v';
}

}  // namespace

std::string normalized_anchor(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (c_space(byte)) {
      space = !out.empty();
      ++i;
      continue;
    }
    if (space) out += ' ';
    space = false;
    if (byte < 0x80) {  // a run of ASCII that is not space, copied at once
      size_t end = i + 1;
      while (end < text.size()) {
        const auto b = static_cast<unsigned char>(text[end]);
        if (b >= 0x80 || c_space(b)) break;
        ++end;
      }
      out.append(text.data() + i, end - i);
      i = end;
      continue;
    }
    // A well-formed UTF-8 sequence is kept; a byte that is not part of one (the flagged text of a
    // file that is not UTF-8) is written as \xNN: the anchor goes into JSON, which must be UTF-8.
    const size_t length = byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    const std::string_view sequence = text.substr(i, length);
    if (sequence.size() == length && source::valid_utf8_prefix(sequence) == length) {
      out += sequence;
      i += length;
      continue;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    out += "\\x";
    out += kHex[byte >> 4];
    out += kHex[byte & 0xF];
    ++i;
  }
  return out;
}

}  // namespace godwit::diagnostics
