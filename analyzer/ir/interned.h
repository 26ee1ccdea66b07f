#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace godwit::ir {

// One process-wide copy of each string of the IR's vocabulary: dotted names, callees, keyword
// names, short literals. A 10 000-migration project repeats the same few thousand of them
// (`django.db.models.deletion.CASCADE`, `max_length`, field and model names) hundreds of
// thousands of times; keeping one copy of each, and a pointer where the IR used a
// `std::string`, is most of what keeps a whole project's IR small. Thread-safe; the strings
// live until the process ends, and the reference stays valid for as long.
const std::string& intern(std::string_view text);

// How many distinct strings the pool holds (the tests check that equal strings add none).
size_t interned_count();

namespace detail {
// The empty string every empty Text points to: constant-initialized (usable before any static
// constructor runs) and never destroyed (references stay valid through static destruction).
union EmptyText {
  constexpr EmptyText() : value() {}
  ~EmptyText() {}
  std::string value;
};
extern const EmptyText g_empty_text;
}  // namespace detail

// A Value's text: an interned string (shared, never freed) or, for long literals, an owned
// copy, so an editor session that keeps changing a long RunSQL string does not grow the pool.
// Eight bytes: the owned case is marked in the pointer's low bit.
class Text {
 public:
  // Strings up to this length, and every name, go to the pool.
  static constexpr size_t kInternLimit = 64;

  Text() : bits_(reinterpret_cast<uintptr_t>(&detail::g_empty_text.value)) {}
  Text(std::string_view text, bool vocabulary);
  Text(const Text& other);
  Text& operator=(const Text& other);
  Text(Text&& other) noexcept : bits_(other.bits_) { other.bits_ = Text().bits_; }
  Text& operator=(Text&& other) noexcept;
  ~Text() {
    if (owned()) release();
  }

  [[nodiscard]] const std::string& get() const {
    return *reinterpret_cast<const std::string*>(bits_ & ~uintptr_t{1});
  }
  friend bool operator==(const Text& a, const Text& b) { return a.bits_ == b.bits_ || a.get() == b.get(); }

 private:
  [[nodiscard]] bool owned() const { return (bits_ & 1) != 0; }
  void release();

  uintptr_t bits_;
};

}  // namespace godwit::ir
