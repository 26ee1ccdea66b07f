#include "rules/registry.h"

#include <algorithm>
#include <memory>
#include <vector>

namespace godwit::rules {

// Each rule file defines its factory; this is the one list of them.
std::unique_ptr<rule::Rule> make_add_not_null_field();
std::unique_ptr<rule::Rule> make_remove_field();
std::unique_ptr<rule::Rule> make_delete_model();
std::unique_ptr<rule::Rule> make_rename_field();
std::unique_ptr<rule::Rule> make_rename_model();
std::unique_ptr<rule::Rule> make_alter_field_not_null();
std::unique_ptr<rule::Rule> make_alter_field_type();
std::unique_ptr<rule::Rule> make_add_unique();
std::unique_ptr<rule::Rule> make_runpython_without_reverse();
std::unique_ptr<rule::Rule> make_irreversible_remove_field();
std::unique_ptr<rule::Rule> make_irreversible_operation();
std::unique_ptr<rule::Rule> make_runsql_without_reverse();
std::unique_ptr<rule::Rule> make_runpython_model_import();
std::unique_ptr<rule::Rule> make_runpython_bad_signature();
std::unique_ptr<rule::Rule> make_noop_reverse_of_data_change();
std::unique_ptr<rule::Rule> make_unused_suppression();
std::unique_ptr<rule::Rule> make_malformed_suppression();

namespace {

struct Registry {
  std::vector<std::unique_ptr<rule::Rule>> owned;
  std::vector<const rule::Rule*> view;

  Registry() {
    owned.push_back(make_add_not_null_field());
    owned.push_back(make_remove_field());
    owned.push_back(make_delete_model());
    owned.push_back(make_rename_field());
    owned.push_back(make_rename_model());
    owned.push_back(make_alter_field_not_null());
    owned.push_back(make_alter_field_type());
    owned.push_back(make_add_unique());
    owned.push_back(make_runpython_without_reverse());
    owned.push_back(make_irreversible_remove_field());
    owned.push_back(make_irreversible_operation());
    owned.push_back(make_runsql_without_reverse());
    owned.push_back(make_runpython_model_import());
    owned.push_back(make_runpython_bad_signature());
    owned.push_back(make_noop_reverse_of_data_change());
    owned.push_back(make_unused_suppression());
    owned.push_back(make_malformed_suppression());
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
