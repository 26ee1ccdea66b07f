#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace godwit::report {

// Writes JSON straight to a stream, laid out as nlohmann::json's dump(2) lays it out (two-space
// indentation, `"key": value`, empty containers as `[]` and `{}`), without building a document
// in memory first: a report of a hundred thousand findings costs no more memory than one.
// Strings are escaped as JSON requires; bytes that are not UTF-8 become U+FFFD, so the output
// is valid JSON whatever a source file holds.
class JsonStream {
 public:
  explicit JsonStream(std::ostream& out) : out_(out) {}
  JsonStream(const JsonStream&) = delete;
  JsonStream& operator=(const JsonStream&) = delete;
  ~JsonStream() { flush(); }

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // The key of the next value in the current object.
  void key(std::string_view name);

  void string(std::string_view value);
  void number(uint64_t value);
  void number(int64_t value);
  void boolean(bool value);
  void null();

  // Ends the document with a newline and writes what is buffered.
  void finish();
  void flush();

 private:
  void before_value();
  void newline_indent();
  void close(char bracket);

  std::ostream& out_;
  std::string buffer_;
  // Per open container: whether it has an element yet.
  std::vector<bool> has_items_;
  bool after_key_ = false;
};

// Appends `text` to `out` as the inside of a JSON string.
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace godwit::report
