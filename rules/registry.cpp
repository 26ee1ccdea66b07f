#include "rules/registry.h"

#include <algorithm>
#include <memory>
#include <vector>

namespace godwit::rules {

// Each rule file defines its factory. This is the one list of rules, in id order.
std::unique_ptr<rule::Rule> make_syntax_error();                 // SY001
std::unique_ptr<rule::Rule> make_operations_not_static();        // SY002
std::unique_ptr<rule::Rule> make_migration_class_missing();      // SY003
std::unique_ptr<rule::Rule> make_multiple_leaf_nodes();          // GR001
std::unique_ptr<rule::Rule> make_missing_dependency();           // GR002
std::unique_ptr<rule::Rule> make_dependency_cycle();             // GR003
std::unique_ptr<rule::Rule> make_before_deploy_depends_on_after_deploy();  // GR004
std::unique_ptr<rule::Rule> make_auto_generated_name();          // NM001
std::unique_ptr<rule::Rule> make_add_not_null_field();           // BC001
std::unique_ptr<rule::Rule> make_remove_field();                 // BC002
std::unique_ptr<rule::Rule> make_delete_model();                 // BC003
std::unique_ptr<rule::Rule> make_rename_field();                 // BC004
std::unique_ptr<rule::Rule> make_rename_model();                 // BC005
std::unique_ptr<rule::Rule> make_alter_field_not_null();         // BC006
std::unique_ptr<rule::Rule> make_alter_field_type();             // BC007
std::unique_ptr<rule::Rule> make_add_unique();                   // BC008
std::unique_ptr<rule::Rule> make_runpython_without_reverse();    // RV001
std::unique_ptr<rule::Rule> make_runsql_without_reverse();       // RV002
std::unique_ptr<rule::Rule> make_irreversible_remove_field();    // RV003
std::unique_ptr<rule::Rule> make_runpython_model_import();       // RV004
std::unique_ptr<rule::Rule> make_runpython_bad_signature();      // RV005
std::unique_ptr<rule::Rule> make_noop_reverse_of_data_change();  // RV006
std::unique_ptr<rule::Rule> make_irreversible_operation();       // RV007
std::unique_ptr<rule::Rule> make_add_index_non_concurrently();   // ZD001
std::unique_ptr<rule::Rule> make_concurrent_index_in_atomic_migration();  // ZD002
std::unique_ptr<rule::Rule> make_add_foreign_key_validated();    // ZD003
std::unique_ptr<rule::Rule> make_add_unique_non_concurrently();  // ZD004
std::unique_ptr<rule::Rule> make_add_check_constraint_validated();  // ZD005
std::unique_ptr<rule::Rule> make_callable_default_single_value();  // ZD006
std::unique_ptr<rule::Rule> make_schema_and_data_in_one_migration();  // ZD007
std::unique_ptr<rule::Rule> make_mixed_deploy_phases();          // ZD008
std::unique_ptr<rule::Rule> make_phase_marker_mismatch();        // ZD009
std::unique_ptr<rule::Rule> make_non_atomic_multiple_operations();  // ZD010
std::unique_ptr<rule::Rule> make_remove_index_non_concurrently();  // ZD011
std::unique_ptr<rule::Rule> make_table_rewrite_default();        // ZD012
std::unique_ptr<rule::Rule> make_runsql_needs_review();          // ZD013
std::unique_ptr<rule::Rule> make_unused_suppression();           // SP001
std::unique_ptr<rule::Rule> make_malformed_suppression();        // SP002

namespace {

struct Registry {
  std::vector<std::unique_ptr<rule::Rule>> owned;
  std::vector<const rule::Rule*> view;

  Registry() {
    for (auto make : {
             make_syntax_error,
             make_operations_not_static,
             make_migration_class_missing,
             make_multiple_leaf_nodes,
             make_missing_dependency,
             make_dependency_cycle,
             make_before_deploy_depends_on_after_deploy,
             make_auto_generated_name,
             make_add_not_null_field,
             make_remove_field,
             make_delete_model,
             make_rename_field,
             make_rename_model,
             make_alter_field_not_null,
             make_alter_field_type,
             make_add_unique,
             make_runpython_without_reverse,
             make_runsql_without_reverse,
             make_irreversible_remove_field,
             make_runpython_model_import,
             make_runpython_bad_signature,
             make_noop_reverse_of_data_change,
             make_irreversible_operation,
             make_add_index_non_concurrently,
             make_concurrent_index_in_atomic_migration,
             make_add_foreign_key_validated,
             make_add_unique_non_concurrently,
             make_add_check_constraint_validated,
             make_callable_default_single_value,
             make_schema_and_data_in_one_migration,
             make_mixed_deploy_phases,
             make_phase_marker_mismatch,
             make_non_atomic_multiple_operations,
             make_remove_index_non_concurrently,
             make_table_rewrite_default,
             make_runsql_needs_review,
             make_unused_suppression,
             make_malformed_suppression,
         }) {
      owned.push_back(make());
    }
    // Output order is by id (SY, GR, NM, BC, RV, ZD, SP), whatever order the list is in.
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
