#include "analyzer/report/json_stream.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

#include "analyzer/source/source_file.h"

namespace godwit::report {

namespace {

constexpr size_t kFlushAt = size_t{1} << 16;

// The bytes a JSON string holds as they are: printable ASCII other than `"` and `\`.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[static_cast<size_t>(c)] = c != '"' && c != '\\';
  return plain;
}();

// The length of the prefix of `text` made of plain bytes, eight at a time while it can.
size_t plain_prefix(std::string_view text) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word = 0;
    std::memcpy(&word, text.data() + i, sizeof word);
    // A high bit in `special` marks a byte that is a control (< 0x20), `"`, `\` or not ASCII.
    const uint64_t quote = word ^ (kOnes * '"');
    const uint64_t backslash = word ^ (kOnes * '\\');
    const uint64_t special = (word - kOnes * 0x20) | (quote - kOnes) | (backslash - kOnes) | word;
    if ((special & kHighs) != 0) break;
  }
  while (i < text.size() && kPlain[static_cast<unsigned char>(text[i])]) ++i;
  return i;
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t i = 0;
  while (i < text.size()) {
    // Runs of bytes that need no escaping are copied at once.
    const size_t run_start = i;
    i += plain_prefix(text.substr(i));
    if (i > run_start) out.append(text.data() + run_start, i - run_start);
    if (i == text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      // A well-formed UTF-8 sequence is copied; a byte that starts none is U+FFFD.
      const size_t length = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
      const std::string_view sequence = text.substr(i, length);
      if (length > 1 && sequence.size() == length && source::valid_utf8_prefix(sequence) == length) {
        out.append(sequence);
        i += length;
      } else {
        out += "\xEF\xBF\xBD";
        ++i;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
    ++i;
  }
}

JsonStream::JsonStream(std::string& fragment, size_t depth, bool continues)
    : buffer_(fragment), has_items_(depth, true) {
  if (depth > 0) has_items_.back() = continues;
}

void JsonStream::add_items(std::string_view fragment) {
  if (fragment.empty()) return;
  buffer_.append(fragment);
  has_items_.back() = true;
  if (buffer_.size() >= kFlushAt) flush();
}

void JsonStream::newline_indent() {
  // A newline and the indentation in one append while the nesting is shallow (always, in
  // godwit's reports).
  static constexpr std::string_view kIndents =
      "\n                                                                ";
  const size_t width = 2 * has_items_.size();
  if (width < kIndents.size()) {
    buffer_.append(kIndents.data(), width + 1);
    return;
  }
  buffer_ += '\n';
  buffer_.append(width, ' ');
}

void JsonStream::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (has_items_.empty()) return;  // the document itself
  if (has_items_.back()) buffer_ += ',';
  has_items_.back() = true;
  newline_indent();
}

void JsonStream::key(std::string_view name) {
  if (has_items_.back()) buffer_ += ',';
  has_items_.back() = true;
  newline_indent();
  buffer_ += '"';
  if (plain_prefix(name) == name.size()) {
    buffer_.append(name);  // every key godwit writes
  } else {
    append_json_escaped(buffer_, name);
  }
  buffer_.append("\": ", 3);
  after_key_ = true;
}

void JsonStream::begin_object() {
  before_value();
  buffer_ += '{';
  has_items_.push_back(false);
}

void JsonStream::begin_array() {
  before_value();
  buffer_ += '[';
  has_items_.push_back(false);
}

void JsonStream::close(char bracket) {
  const bool had_items = has_items_.back();
  has_items_.pop_back();
  if (had_items) newline_indent();
  buffer_ += bracket;
  if (buffer_.size() >= kFlushAt) flush();
}

void JsonStream::end_object() { close('}'); }
void JsonStream::end_array() { close(']'); }

void JsonStream::string(std::string_view value) {
  before_value();
  buffer_ += '"';
  append_json_escaped(buffer_, value);
  buffer_ += '"';
}

void JsonStream::number(uint64_t value) {
  before_value();
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  buffer_.append(digits, end);
}

void JsonStream::number(int64_t value) {
  before_value();
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  buffer_.append(digits, end);
}

void JsonStream::boolean(bool value) {
  before_value();
  buffer_ += value ? "true" : "false";
}

void JsonStream::null() {
  before_value();
  buffer_ += "null";
}

void JsonStream::finish() {
  buffer_ += '\n';
  flush();
}

void JsonStream::flush() {
  if (out_ == nullptr) return;  // a fragment: its owner adds it
  out_->write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
}

}  // namespace godwit::report
