#include "analyzer/rule/rule_selection.h"

#include <algorithm>
#include <cctype>

namespace godwit::rule {

namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

}  // namespace

int selector_specificity(std::string_view selector, const RuleMeta& meta) {
  if (selector == "ALL") return 0;
  if (selector == meta.name) return 5;
  const std::string code = meta.code.str();
  const std::string wanted = upper(selector);
  if (wanted.empty() || wanted.size() > code.size()) return -1;
  if (code.compare(0, wanted.size(), wanted) != 0) return -1;
  return static_cast<int>(wanted.size());
}

RuleSelection RuleSelection::resolve(std::span<const Rule* const> rules, const config::Config& config,
                                     std::vector<std::string>& errors) {
  RuleSelection selection;
  auto check_known = [&](const std::string& selector, std::string_view key) {
    const bool known = std::any_of(rules.begin(), rules.end(), [&](const Rule* r) {
      return selector_specificity(selector, r->meta()) >= 0;
    });
    if (!known) errors.push_back("`" + std::string(key) + "` names no rule: `" + selector + "`");
  };
  for (const auto& s : config.select) check_known(s, "select");
  for (const auto& s : config.extend_select) check_known(s, "extend-select");
  for (const auto& s : config.ignore) check_known(s, "ignore");

  for (const Rule* r : rules) {
    int selected = -1;
    int ignored = -1;
    for (const auto& s : config.select) selected = std::max(selected, selector_specificity(s, r->meta()));
    for (const auto& s : config.extend_select) selected = std::max(selected, selector_specificity(s, r->meta()));
    for (const auto& s : config.ignore) ignored = std::max(ignored, selector_specificity(s, r->meta()));
    if (selected >= 0 && selected > ignored) selection.enabled_.insert(r->meta().code);
  }
  for (const auto& [key, severity] : config.severity) {
    const Rule* r = find_rule(rules, key);
    if (r == nullptr) {
      errors.push_back("`severity` names no rule: `" + key + "`");
      continue;
    }
    selection.severity_[r->meta().code] = severity;
  }
  return selection;
}

std::optional<Severity> RuleSelection::configured_severity(RuleCode code) const {
  const auto it = severity_.find(code);
  if (it == severity_.end()) return std::nullopt;
  return it->second;
}

const Rule* find_rule(std::span<const Rule* const> rules, std::string_view id_or_name) {
  const auto code = RuleCode::parse(upper(id_or_name));
  for (const Rule* r : rules) {
    if (r->meta().name == id_or_name || (code && r->meta().code == *code)) return r;
  }
  return nullptr;
}

}  // namespace godwit::rule
