#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace godwit::frontend {

// A small fixed set of words (Python's keywords) that answers "no" for most identifiers
// without comparing a string: an index of (length, first letter) pairs comes first. The
// scanners ask it for every identifier of every file.
class WordSet {
 public:
  template <size_t N>
  constexpr explicit WordSet(const std::array<std::string_view, N>& words) : words_(words.data()), count_(N) {
    for (const std::string_view word : words) {
      if (!word.empty() && word.size() < index_.size()) index_[word.size()] |= bit(word[0]);
    }
  }

  [[nodiscard]] constexpr bool contains(std::string_view word) const {
    if (word.empty() || word.size() >= index_.size() || (index_[word.size()] & bit(word[0])) == 0) return false;
    return std::find(words_, words_ + count_, word) != words_ + count_;
  }

 private:
  // Letters, digits and `_` fall on distinct bits of the low six.
  static constexpr uint64_t bit(char c) { return uint64_t{1} << (static_cast<unsigned char>(c) & 63U); }

  const std::string_view* words_;
  size_t count_;
  std::array<uint64_t, 12> index_{};
};

}  // namespace godwit::frontend
