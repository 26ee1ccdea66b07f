#pragma once

#include <tree_sitter/api.h>

#include <string_view>

#include "analyzer/source/source_file.h"

namespace godwit::frontend {

// Iterates a node's children in O(1) per step (ts_node_child(i) is linear in i).
class ChildCursor {
 public:
  explicit ChildCursor(TSNode parent) : cursor_(ts_tree_cursor_new(parent)) {
    valid_ = ts_tree_cursor_goto_first_child(&cursor_);
  }
  ~ChildCursor() { ts_tree_cursor_delete(&cursor_); }
  ChildCursor(const ChildCursor&) = delete;
  ChildCursor& operator=(const ChildCursor&) = delete;

  [[nodiscard]] bool valid() const { return valid_; }
  [[nodiscard]] TSNode node() const { return ts_tree_cursor_current_node(&cursor_); }
  [[nodiscard]] TSFieldId field() const { return ts_tree_cursor_current_field_id(&cursor_); }
  void next() { valid_ = ts_tree_cursor_goto_next_sibling(&cursor_); }

 private:
  TSTreeCursor cursor_;
  bool valid_ = false;
};

inline source::TextRange range_of(TSNode node) {
  return source::TextRange{ts_node_start_byte(node), ts_node_end_byte(node)};
}

inline std::string_view text_of(TSNode node, std::string_view text) {
  const uint32_t begin = ts_node_start_byte(node);
  const uint32_t end = ts_node_end_byte(node);
  if (begin >= text.size() || end <= begin) return {};
  return text.substr(begin, std::min<size_t>(end, text.size()) - begin);
}

}  // namespace godwit::frontend
