#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace godwit::diagnostics {

// The family prefix of a rule id.
enum class RuleFamily : uint8_t { SY, GR, NM, BC, RV, ZD, SP };

std::string_view to_string(RuleFamily family);
// "Reading the file", "Migration graph", ...
std::string_view family_title(RuleFamily family);
std::optional<RuleFamily> family_from_string(std::string_view text);

// A rule id such as RV001: a family and a number, never reused.
struct RuleCode {
  RuleFamily family = RuleFamily::SY;
  uint16_t number = 0;

  [[nodiscard]] std::string str() const;
  // Parses "RV001"; nullopt for anything else.
  static std::optional<RuleCode> parse(std::string_view text);

  friend bool operator==(RuleCode, RuleCode) = default;
  friend auto operator<=>(RuleCode, RuleCode) = default;
};

}  // namespace godwit::diagnostics
