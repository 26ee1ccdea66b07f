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
  explicit JsonStream(std::ostream& out) : out_(&out), buffer_(own_buffer_) {}
  // Renders a run of items of a container open `depth` levels deep in another stream into
  // `fragment`, as that stream would have (`continues`: the container already has items), so
  // that several runs can be rendered at once and added in order with add_items().
  JsonStream(std::string& fragment, size_t depth, bool continues);
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

  // Appends items rendered by a fragment stream for the container open here (nothing for an
  // empty fragment).
  void add_items(std::string_view fragment);
  // How deep the current container is, and whether it has items yet.
  [[nodiscard]] size_t depth() const { return has_items_.size(); }
  [[nodiscard]] bool has_items() const { return !has_items_.empty() && has_items_.back(); }

  // Ends the document with a newline and writes what is buffered.
  void finish();
  void flush();

 private:
  void before_value();
  void newline_indent();
  void close(char bracket);

  std::ostream* out_ = nullptr;  // nullptr for a fragment stream
  std::string own_buffer_;
  std::string& buffer_;
  // Per open container: whether it has an element yet.
  std::vector<bool> has_items_;
  bool after_key_ = false;
};

// Appends `text` to `out` as the inside of a JSON string.
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace godwit::report
