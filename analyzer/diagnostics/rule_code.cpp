#include "analyzer/diagnostics/rule_code.h"

#include <array>

namespace godwit::diagnostics {

namespace {

struct FamilyInfo {
  RuleFamily family;
  std::string_view prefix;
  std::string_view title;
};

constexpr std::array<FamilyInfo, 7> kFamilies{{
    {RuleFamily::SY, "SY", "Reading the file"},
    {RuleFamily::GR, "GR", "The migration graph"},
    {RuleFamily::NM, "NM", "Naming"},
    {RuleFamily::BC, "BC", "Backwards compatibility"},
    {RuleFamily::RV, "RV", "Reversibility"},
    {RuleFamily::ZD, "ZD", "Zero-downtime: locks and deploy phases"},
    {RuleFamily::SP, "SP", "Suppression hygiene"},
}};

}  // namespace

std::string_view to_string(RuleFamily family) { return kFamilies[static_cast<size_t>(family)].prefix; }

std::string_view family_title(RuleFamily family) { return kFamilies[static_cast<size_t>(family)].title; }

std::optional<RuleFamily> family_from_string(std::string_view text) {
  for (const FamilyInfo& f : kFamilies) {
    if (f.prefix == text) return f.family;
  }
  return std::nullopt;
}

std::string RuleCode::str() const {
  // "%03u" by hand: every finding of every report spells its code.
  std::string out(to_string(family));
  if (number >= 1000) return out + std::to_string(number);
  out += static_cast<char>('0' + number / 100);
  out += static_cast<char>('0' + number / 10 % 10);
  out += static_cast<char>('0' + number % 10);
  return out;
}

std::optional<RuleCode> RuleCode::parse(std::string_view text) {
  if (text.size() != 5) return std::nullopt;
  const auto family = family_from_string(text.substr(0, 2));
  if (!family) return std::nullopt;
  uint16_t number = 0;
  for (const char c : text.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    number = static_cast<uint16_t>(number * 10 + (c - '0'));
  }
  return RuleCode{*family, number};
}

}  // namespace godwit::diagnostics
