#include "rules/registry.h"

#include <algorithm>
#include <memory>
#include <vector>

namespace godwit::rules {

// Each rule file defines its factory; this is the one list of them.
std::unique_ptr<rule::Rule> make_syntax_error();
std::unique_ptr<rule::Rule> make_operations_not_static();
std::unique_ptr<rule::Rule> make_migration_class_missing();
std::unique_ptr<rule::Rule> make_auto_generated_name();
std::unique_ptr<rule::Rule> make_runpython_without_reverse();

namespace {

struct Registry {
  std::vector<std::unique_ptr<rule::Rule>> owned;
  std::vector<const rule::Rule*> view;

  Registry() {
    owned.push_back(make_syntax_error());
    owned.push_back(make_operations_not_static());
    owned.push_back(make_migration_class_missing());
    owned.push_back(make_auto_generated_name());
    owned.push_back(make_runpython_without_reverse());
    std::sort(owned.begin(), owned.end(), [](const auto& a, const auto& b) { return a->meta().code < b->meta().code; });
    for (const auto& r : owned) view.push_back(r.get());
  }
};

}  // namespace

std::span<const rule::Rule* const> all_rules() {
  static const Registry registry;
  return registry.view;
}

}  // namespace godwit::rules
