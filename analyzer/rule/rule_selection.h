#pragma once

#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "analyzer/config/config.h"
#include "analyzer/rule/rule.h"

namespace godwit::rule {

// Which rules run, and at which severity, after `select`, `extend-select`, `ignore` and
// `severity` are applied. The more specific selector wins (an id or name beats a prefix, a longer
// prefix beats a shorter one); on a tie `ignore` wins.
class RuleSelection {
 public:
  // Resolves the configuration against the known rules. Selectors that match no rule are
  // reported in `errors` (one message each) and otherwise ignored.
  static RuleSelection resolve(std::span<const Rule* const> rules, const config::Config& config,
                               std::vector<std::string>& errors);

  [[nodiscard]] bool enabled(RuleCode code) const { return enabled_.contains(code); }
  [[nodiscard]] std::optional<Severity> configured_severity(RuleCode code) const;
  [[nodiscard]] const std::set<RuleCode>& enabled_codes() const { return enabled_; }

 private:
  std::set<RuleCode> enabled_;
  std::map<RuleCode, Severity> severity_;
};

// How specifically `selector` names the rule: -1 when it does not match, 0 for "ALL", the prefix
// length for a prefix ("RV" 2, "ZD00" 4), 5 for an exact id or name.
int selector_specificity(std::string_view selector, const RuleMeta& meta);

// Finds a rule by id ("RV001") or name ("runpython-without-reverse"), case-insensitively for ids.
const Rule* find_rule(std::span<const Rule* const> rules, std::string_view id_or_name);

}  // namespace godwit::rule
