#include "analyzer/rule/rule.h"

#include <algorithm>

namespace godwit::rule {

Diagnostic& Reporter::report(const ir::Migration& migration, TextRange range, std::string message, std::string help,
                             std::optional<Severity> severity, std::optional<TextRange> anchor) const {
  Diagnostic d;
  d.code = meta_.code;
  d.name = meta_.name;
  d.severity = configured_.value_or(severity.value_or(meta_.severity));
  d.message = std::move(message);
  d.help = std::move(help);
  d.file = migration.source;
  d.range = range;
  d.app = migration.app_label;
  d.migration = migration.name;
  d.anchor_range = anchor.value_or(range);  // the text is normalised only if a baseline asks
  out_.push_back(std::move(d));
  return out_.back();
}

Diagnostic& OperationContext::report(TextRange range, std::string message, std::string help,
                                     std::optional<Severity> severity) const {
  return reporter().report(migration(), range, std::move(message), std::move(help), severity, operation_.range());
}

bool Analysis::in_release(const ir::Migration* migration) const {
  return std::binary_search(release.begin(), release.end(), migration);
}

const phase::MigrationPhases* Analysis::phases_of(const ir::Migration* migration) const {
  const auto it = phases.find(migration);
  return it == phases.end() ? nullptr : &it->second;
}

bool Analysis::is_new_table(const state::ProjectState& state, const ir::Migration& migration,
                            std::string_view model_key) const {
  if (model_key.empty()) return false;
  const state::ModelState* model = state.model(migration.app_label, model_key);
  if (model == nullptr || model->created_in == nullptr) return false;
  return model->created_in == &migration || in_release(model->created_in);
}

bool MigrationContext::is_new_table(std::string_view model_key) const {
  return analysis_.is_new_table(state_, migration_, model_key);
}

const state::MigrationRenames& MigrationContext::renames() const {
  if (renames_ != nullptr) return *renames_;
  if (!own_renames_) {
    const auto is_new = [this](std::string_view key) { return is_new_table(key); };
    own_renames_ = state::MigrationRenames{state::table_renames(migration_, state_, is_new),
                                           state::column_renames(migration_, state_, is_new)};
  }
  return *own_renames_;
}

bool MigrationContext::runs_after_deploy() const {
  if (migration_.safe) {
    using Kind = ir::SafeMarker::Kind;
    if (migration_.safe->kind == Kind::AfterDeploy) return true;
    if (migration_.safe->kind == Kind::BeforeDeploy || migration_.safe->kind == Kind::Always) return false;
  }
  return analysis_.config.deploy_order == config::DeployOrder::CodeFirst;
}

std::string MigrationContext::table_name(std::string_view model_key) const {
  const state::ModelState* model = state_.model(migration_.app_label, model_key);
  if (model != nullptr && model->db_table_known) return model->db_table;
  return state::ModelState::default_table(migration_.app_label, model_key);
}

std::string MigrationContext::model_name(std::string_view model_key) const {
  const state::ModelState* model = state_.model(migration_.app_label, model_key);
  return model != nullptr ? model->name : std::string(model_key);
}

std::string OperationContext::model_name() const {
  if (const state::ModelState* model = model_before()) return model->name;
  const ir::OperationSignature& sig = ir::signature(operation_.kind());
  const bool by_model_name = std::find(sig.params.begin(), sig.params.end(), ir::Param::model_name) != sig.params.end();
  const ir::Param param = by_model_name ? ir::Param::model_name
                          : operation_.kind() == ir::OperationKind::RenameModel ? ir::Param::old_name
                                                                                 : ir::Param::name;
  if (const std::string* written = operation_.string_arg(param)) return *written;
  return operation_.model_key();
}

const state::ModelState* OperationContext::model_before() const {
  const std::string& key = operation_.model_key();
  if (key.empty()) return nullptr;
  return state().model(migration().app_label, key);
}

std::string quoted(std::string_view code) { return "`" + std::string(code) + "`"; }

}  // namespace godwit::rule
