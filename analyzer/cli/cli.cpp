#include "analyzer/cli/cli.h"

#include <iostream>
#include <sstream>
#include <set>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "analyzer/cli/config_options.h"
#include "analyzer/driver/analysis.h"
#include "analyzer/driver/check.h"
#include "analyzer/driver/project_loader.h"
#include "analyzer/lsp/server.h"
#include "analyzer/lsp/uri.h"
#include "analyzer/plan/deploy_plan.h"
#include "analyzer/report/plan_report.h"
#include "analyzer/report/config_report.h"
#include "analyzer/report/state_report.h"
#include "analyzer/rule/rule_selection.h"
#include "rules/registry.h"

namespace godwit::cli {

namespace {

using diagnostics::Severity;

int print_rule(const std::string& id, std::ostream& out, std::ostream& err) {
  const auto rules = rules::all_rules();
  const rule::Rule* r = rule::find_rule(rules, id);
  if (r == nullptr) {
    err << "godwit: error: no rule named `" << id << "` (see `godwit rules`)\n";
    return driver::kExitError;
  }
  const rule::RuleMeta& m = r->meta();
  out << "# " << m.name << " (" << m.code.str() << ")\n\n";
  out << "Family: " << diagnostics::family_title(m.code.family) << ". Default severity: "
      << diagnostics::to_string(m.severity) << ".\n\n";
  out << m.docs;
  if (!m.docs.empty() && m.docs.back() != '\n') out << "\n";
  return driver::kExitClean;
}

// The README's rule table: one section per family, generated so that it cannot drift.
void print_rules_markdown(std::ostream& out) {
  std::optional<diagnostics::RuleFamily> family;
  for (const rule::Rule* r : rules::all_rules()) {
    const rule::RuleMeta& m = r->meta();
    if (family != m.code.family) {
      family = m.code.family;
      out << (out.tellp() > 0 ? "\n" : "") << "### " << diagnostics::to_string(*family) << " — "
          << diagnostics::family_title(*family) << "\n\n| id | name | severity | what it flags |\n| --- | --- | --- | --- |\n";
    }
    out << "| " << m.code.str() << " | `" << m.name << "` | " << diagnostics::to_string(m.severity) << " | "
        << m.summary << " |\n";
  }
}

int print_rules(const std::string& format, std::ostream& out) {
  const auto rules = rules::all_rules();
  if (format == "markdown") {
    std::ostringstream table;
    print_rules_markdown(table);
    out << table.str();
    return driver::kExitClean;
  }
  if (format == "json") {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const rule::Rule* r : rules) {
      const rule::RuleMeta& m = r->meta();
      list.push_back({{"code", m.code.str()},
                      {"name", m.name},
                      {"family", diagnostics::family_title(m.code.family)},
                      {"severity", diagnostics::to_string(m.severity)},
                      {"summary", m.summary}});
    }
    out << list.dump(2) << "\n";
    return driver::kExitClean;
  }
  for (const rule::Rule* r : rules) {
    const rule::RuleMeta& m = r->meta();
    std::string name(m.name);
    name.resize(std::max<size_t>(name.size(), 40), ' ');
    std::string severity(diagnostics::to_string(m.severity));
    severity.resize(8, ' ');
    out << m.code.str() << "  " << name << " " << severity << " " << m.summary << "\n";
  }
  return driver::kExitClean;
}

bool looks_like_model(const std::string& text) {
  const auto dot = text.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == text.size() || text.find('.', dot + 1) != std::string::npos) {
    return false;
  }
  if (text.find('/') != std::string::npos) return false;
  std::error_code ec;
  return !std::filesystem::exists(text, ec);
}

// `godwit state` and `godwit graph`: load the project as `check` would, without rules.
int inspect(bool state_command, const std::vector<std::string>& positional, const std::string& at,
            const std::string& format, const config::Config& config, std::ostream& out, std::ostream& err) {
  std::vector<std::string> models;
  driver::AnalysisOptions options;
  for (const std::string& p : positional) {
    if (state_command && looks_like_model(p)) {
      models.push_back(p);
    } else {
      options.paths.emplace_back(p);
    }
  }
  std::error_code ec;
  const auto cwd = std::filesystem::current_path(ec);
  driver::LoadedProject loaded = driver::load(options, config, cwd);
  for (const auto& e : loaded.errors) err << "godwit: error: " << e.path << ": " << e.message << "\n";
  if (!loaded.errors.empty()) return driver::kExitError;
  std::vector<const ir::Migration*> modules;
  for (const auto& f : loaded.project.files) modules.push_back(&f.migration);
  const graph::MigrationGraph graph = graph::MigrationGraph::build(modules, config);
  if (!state_command) {
    if (format == "json") {
      report::write_graph_json(out, graph);
    } else {
      report::write_graph_text(out, graph);
    }
    return driver::kExitClean;
  }
  std::vector<graph::NodeId> plan = graph.plan();
  if (!at.empty()) {
    const auto dot = at.find('.');
    std::optional<graph::NodeId> node;
    if (dot != std::string::npos) node = graph.find(at.substr(0, dot), at.substr(dot + 1));
    if (!node || graph.node(*node).migration == nullptr || graph.node(*node).removed) {
      err << "godwit: error: --at " << at << ": no such migration (expected APP.MIGRATION_NAME)\n";
      return driver::kExitError;
    }
    plan = graph.forwards_plan(*node);
  }
  const state::ProjectState state = state::replay(graph, plan, config.swappable);
  if (format == "json") {
    report::write_state_json(out, state, models);
  } else {
    report::write_state_text(out, state, models, false);
  }
  return driver::kExitClean;
}

// `godwit plan`: the release's deploy plan and rollback.
int plan_command(const std::vector<std::string>& paths, const std::string& diff_base, const std::string& applied_file,
                 const std::string& format, const config::Config& config, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  const auto cwd = std::filesystem::current_path(ec);
  driver::AnalysisOptions options;
  for (const auto& p : paths) options.paths.emplace_back(p);
  options.diff_base = diff_base;
  report::PlanHeader header;
  std::set<std::string> applied;
  if (!diff_base.empty()) {
    header.scope = "new since " + diff_base;
  } else if (!applied_file.empty()) {
    std::string text;
    std::string error;
    if (!driver::read_file(applied_file, text, error) || !plan::parse_applied(text, applied, error)) {
      err << "godwit: error: --applied " << applied_file << ": " << error << "\n";
      return driver::kExitError;
    }
    header.scope = "not yet applied according to " + applied_file;
  } else {
    header.scope = "every migration (give --diff-base REF or --applied FILE for a release)";
  }
  // Without a base, the release is what production does not have yet: name it so that tables
  // created in it count as new.
  if (diff_base.empty()) {
    driver::LoadedProject loaded = driver::load(options, config, cwd);
    for (const auto& f : loaded.project.files) {
      const std::string key = f.migration.app_label + "." + f.migration.name;
      if (f.migration.has_migration_class && !applied.contains(key)) options.release.push_back(key);
    }
  }
  driver::Analysis analysis = driver::analyze(options, config, cwd);
  for (const auto& e : analysis.config_errors) err << "godwit: error: " << e << "\n";
  if (!analysis.config_errors.empty()) return driver::kExitError;
  for (const auto& e : analysis.errors) err << "godwit: error: " << e.path << ": " << e.message << "\n";
  std::set<const ir::Migration*> release;
  for (const auto& f : analysis.project.files) {
    if (f.in_release) release.insert(&f.migration);
  }
  const plan::DeployPlan deploy = plan::make_plan(analysis.graph, analysis.phases, release, config);
  if (format == "json") {
    report::write_plan_json(out, deploy, header);
  } else {
    report::write_plan_text(out, deploy, header, false);
  }
  return analysis.errors.empty() ? driver::kExitClean : driver::kExitError;
}

// Where editors link a rule id to: --docs-url, else the URL the build was configured with, else
// the README of the source tree (when it is there).
std::string docs_url(const std::string& given) {
  if (!given.empty()) return given;
  if (!std::string_view(GODWIT_DOCS_URL).empty()) return GODWIT_DOCS_URL;
  std::error_code ec;
  if (std::filesystem::is_regular_file(GODWIT_SOURCE_README, ec)) return lsp::uri_from_path(GODWIT_SOURCE_README);
  return {};
}

}  // namespace

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"godwit: a static analyzer for Django migrations (backwards compatibility, reversibility, "
               "zero-downtime deploys)",
               "godwit"};
  app.set_version_flag("--version", std::string("godwit ") + GODWIT_VERSION);
  app.require_subcommand(1);

  // check
  CLI::App* check = app.add_subcommand("check", "Analyze migrations and report findings");
  std::vector<std::string> paths;
  std::string format = "text";
  std::string color = "auto";
  std::string write_baseline;
  std::string cache_dir;
  driver::CheckOptions options;
  ConfigFlags check_flags;
  check->add_option("paths", paths, "Files or directories to check (default: .)");
  check->add_option("--format", format, "Output format")
      ->check(CLI::IsMember({"text", "concise", "json", "sarif", "github", "azure", "gitlab", "junit"}));
  add_config_options(*check, check_flags, FlagSet::All);
  check->add_option("--write-baseline", write_baseline,
                    "Write today's findings to this baseline file (and exit 0) instead of reporting them");
  check->add_flag("--exit-zero", options.exit_zero, "Exit 0 even when there are findings");
  check->add_flag("-q,--quiet", options.quiet, "Print findings only, no summary");
  check->add_option("--threads", options.threads, "Threads for parsing (default: one per core)");
  check->add_flag("--no-cache", options.no_cache, "Parse every file, neither reading nor writing the IR cache");
  check->add_option("--cache-dir", cache_dir,
                    "Cache extracted IR here (default: $GODWIT_CACHE_DIR, else .godwit_cache in the project root)");
  check->add_option("--diff-base", options.diff_base,
                    "Report only migrations added or changed since this git ref (the release); tables created in "
                    "the release count as new");
  check->add_option("--color", color, "Colour the text output")->check(CLI::IsMember({"auto", "always", "never"}));

  // config
  CLI::App* config_cmd =
      app.add_subcommand("config", "Print the effective settings and where each came from (default, file:line, flag)");
  std::string config_path;
  std::string config_format = "text";
  ConfigFlags config_flags;
  config_cmd->add_option("path", config_path, "Where to look for the configuration file from (default: .)");
  config_cmd->add_option("--format", config_format, "Output format")->check(CLI::IsMember({"text", "json"}));
  add_config_options(*config_cmd, config_flags, FlagSet::All);

  // rule, rules
  CLI::App* rule_cmd = app.add_subcommand("rule", "Print a rule's documentation");
  std::string rule_id;
  rule_cmd->add_option("rule", rule_id, "Rule id or name (RV001, runpython-without-reverse)")->required();
  CLI::App* rules_cmd = app.add_subcommand("rules", "List every rule");
  std::string rules_format = "text";
  rules_cmd->add_option("--format", rules_format, "Output format")
      ->check(CLI::IsMember({"text", "json", "markdown"}));

  // state, graph
  CLI::App* state_cmd =
      app.add_subcommand("state", "Print the models as the migrations leave them (the replayed project state)");
  std::vector<std::string> state_args;
  std::string at;
  std::string inspect_format = "text";
  ConfigFlags state_flags;
  state_cmd->add_option("args", state_args, "APP.MODEL to show (default: every model), and paths (default: .)");
  state_cmd->add_option("--at", at, "Show the state after APP.MIGRATION instead of after the leaves");
  state_cmd->add_option("--format", inspect_format, "Output format")->check(CLI::IsMember({"text", "json"}));
  add_config_options(*state_cmd, state_flags, FlagSet::Loading);
  CLI::App* graph_cmd = app.add_subcommand("graph", "Print each app's leaf migrations and the order Django applies them");
  std::vector<std::string> graph_paths;
  ConfigFlags graph_flags;
  graph_cmd->add_option("paths", graph_paths, "Files or directories (default: .)");
  graph_cmd->add_option("--format", inspect_format, "Output format")->check(CLI::IsMember({"text", "json"}));
  add_config_options(*graph_cmd, graph_flags, FlagSet::Loading);

  // plan
  CLI::App* plan_cmd = app.add_subcommand(
      "plan", "Print the deploy plan of a release: before and after the code deploy, the rollback, multi-step work");
  std::vector<std::string> plan_paths;
  std::string plan_base;
  std::string applied_file;
  std::string plan_format = "text";
  ConfigFlags plan_flags;
  plan_cmd->add_option("paths", plan_paths, "Files or directories (default: .)");
  plan_cmd->add_option("--diff-base", plan_base, "The release is what changed since this git ref");
  plan_cmd->add_option("--applied", applied_file,
                       "Output of `manage.py showmigrations --plan` (or --list) from production: the release is "
                       "what it lacks");
  plan_cmd->add_option("--format", plan_format, "Output format")->check(CLI::IsMember({"text", "json"}));
  add_config_options(*plan_cmd, plan_flags, FlagSet::All);
  // server
  CLI::App* server_cmd =
      app.add_subcommand("server",
                         "Run the language server (LSP over stdin/stdout) for editors: diagnostics as you type, rule "
                         "docs on hover, quick fixes");
  int debounce_ms = 200;
  std::string docs_url_flag;
  bool stdio = false;
  server_cmd->add_option("--debounce-ms", debounce_ms, "Quiet time after an edit before analyzing (default: 200)")
      ->check(CLI::Range(0, 60000));
  server_cmd->add_option("--docs-url", docs_url_flag,
                         "URL of the rule documentation that diagnostics link to (`URL#rv001`)");
  server_cmd->add_flag("--stdio", stdio,
                       "Talk over stdin/stdout (the only transport; accepted for clients that pass it)");
  bool server_no_cache = false;
  std::string server_cache_dir;
  server_cmd->add_flag("--no-cache", server_no_cache, "Parse every file, neither reading nor writing the IR cache");
  server_cmd->add_option("--cache-dir", server_cache_dir,
                         "Cache the IR of files on disk here (default: $GODWIT_CACHE_DIR, else .godwit_cache in the "
                         "project root); open buffers are never cached");


  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    app.exit(e, out, err);
    return driver::kExitError;
  }

  if (rule_cmd->parsed()) return print_rule(rule_id, out, err);
  if (server_cmd->parsed()) {
    lsp::ServerOptions server_options;
    std::error_code cwd_error;
    server_options.working_directory = std::filesystem::current_path(cwd_error);
    server_options.debounce = std::chrono::milliseconds(debounce_ms);
    server_options.docs_url = docs_url(docs_url_flag);
    server_options.cache = !server_no_cache;
    if (!server_cache_dir.empty()) server_options.cache_dir = server_options.working_directory / server_cache_dir;
    out.flush();
    return lsp::run_server(server_options, 0, 1);
  }
  if (rules_cmd->parsed()) return print_rules(rules_format, out);

  std::error_code ec;
  const std::filesystem::path cwd = std::filesystem::current_path(ec);
  auto path_list = [](const std::vector<std::string>& texts) {
    return std::vector<std::filesystem::path>(texts.begin(), texts.end());
  };
  if (config_cmd->parsed()) {
    const auto loaded = resolve_config(
        config_flags,
        config_path.empty() ? std::vector<std::filesystem::path>{} : std::vector<std::filesystem::path>{config_path},
        cwd, err);
    if (!loaded) return driver::kExitError;
    if (config_format == "json") {
      report::write_config_json(out, *loaded, cwd);
    } else {
      report::write_config_text(out, *loaded, cwd);
    }
    return driver::kExitClean;
  }
  if (state_cmd->parsed() || graph_cmd->parsed()) {
    const bool state = state_cmd->parsed();
    // Only the path arguments decide where the configuration is searched from.
    std::vector<std::filesystem::path> search;
    for (const std::string& a : state ? state_args : graph_paths) {
      if (!state || !looks_like_model(a)) search.emplace_back(a);
    }
    const auto loaded = resolve_config(state ? state_flags : graph_flags, search, cwd, err);
    if (!loaded) return driver::kExitError;
    return inspect(state, state ? state_args : graph_paths, at, inspect_format, loaded->config, out, err);
  }

  if (plan_cmd->parsed()) {
    const auto loaded = resolve_config(plan_flags, path_list(plan_paths), cwd, err);
    if (!loaded) return driver::kExitError;
    return plan_command(plan_paths, plan_base, applied_file, plan_format, loaded->config, out, err);
  }

  const auto loaded = resolve_config(check_flags, path_list(paths), cwd, err);
  if (!loaded) return driver::kExitError;
  for (const std::string& p : paths) options.paths.emplace_back(p);
  options.format = *report::format_from_string(format);
  options.color = color == "always" ? driver::ColorMode::Always
                  : color == "never" ? driver::ColorMode::Never
                                     : driver::ColorMode::Auto;
  if (!write_baseline.empty()) options.write_baseline = cwd / write_baseline;
  if (!cache_dir.empty()) options.cache_dir = cwd / cache_dir;
  return driver::run_check(options, loaded->config, out, err);
}

}  // namespace godwit::cli
