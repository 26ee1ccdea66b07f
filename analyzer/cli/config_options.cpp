#include "analyzer/cli/config_options.h"

#include <ostream>
#include <sstream>

#include "analyzer/rule/rule_selection.h"
#include "rules/registry.h"

namespace godwit::cli {

namespace fs = std::filesystem;
using config::Origin;

namespace {

std::vector<std::string> split_commas(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& value : values) {
    std::stringstream ss(value);
    std::string item;
    while (std::getline(ss, item, ',')) {
      const auto b = item.find_first_not_of(" \t");
      const auto e = item.find_last_not_of(" \t");
      if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    }
  }
  return out;
}

// A list option: one value per occurrence (comma separated inside it), so that the paths after
// it stay paths.
CLI::Option* add_list(CLI::App& command, const std::string& name, std::vector<std::string>& values,
                      const std::string& help) {
  return command.add_option(name, values, help)
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

bool split_pair(const std::string& text, std::string& key, std::string& value) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) return false;
  key = text.substr(0, eq);
  value = text.substr(eq + 1);
  return true;
}

}  // namespace

void add_config_options(CLI::App& command, ConfigFlags& flags, FlagSet set) {
  auto& o = flags.options;
  command.add_option("--config", flags.config_file,
                     "Configuration file to use (pyproject.toml or godwit.toml) instead of searching for one");
  command.add_flag("--isolated", flags.isolated, "Ignore every configuration file");
  if (set == FlagSet::All) {
    o["select"] = add_list(command, "--select", flags.select,
                           "Rules to enable: ids, names or prefixes, comma separated (default: ALL)");
    o["extend-select"] =
        add_list(command, "--extend-select", flags.extend_select, "Rules to enable in addition to `select`");
    o["ignore"] =
        add_list(command, "--ignore", flags.ignore, "Rules to disable: ids, names or prefixes, comma separated");
    o["severity"] = add_list(command, "--severity", flags.severity,
                             "A rule's severity, RULE=LEVEL (repeatable), e.g. RV006=warning");
    o["deploy-order"] = command
                            .add_option("--deploy-order", flags.deploy_order,
                                        "When migrations run: migrate-first (default) or code-first")
                            ->check(CLI::IsMember({"migrate-first", "code-first"}));
    o["apps"] = add_list(command, "--apps", flags.apps, "Report only these app labels, comma separated");
    o["exclude-apps"] =
        add_list(command, "--exclude-apps", flags.exclude_apps, "Never report these app labels, comma separated");
    o["baseline"] = command.add_option("--baseline", flags.baseline, "Hide the findings listed in this baseline file");
    o["fail-on"] =
        command.add_option("--fail-on", flags.fail_on, "Lowest severity that makes the exit code 1 (default: error)")
            ->check(CLI::IsMember({"error", "warning", "info"}));
    o["require-suppression-reason"] =
        command.add_flag("--require-suppression-reason,!--no-require-suppression-reason",
                         flags.require_suppression_reason, "Suppression comments must give a reason after `--`");
  }
  o["database"] = command.add_option("--database", flags.database, "Target database (default: postgresql)")
                      ->check(CLI::IsMember({"postgresql", "mysql", "sqlite", "oracle", "mssql"}));
  o["django-version"] =
      command.add_option("--django-version", flags.django_version, "Django version of the project (default: 5.2)");
  o["exclude"] = add_list(command, "--exclude", flags.exclude,
                          "Gitignore-style globs of paths not to analyze (repeatable; replaces `exclude`)");
  o["app-labels"] = add_list(command, "--app-label", flags.app_labels,
                             "An app label that differs from its folder, PATH=LABEL (repeatable)");
  o["swappable"] = add_list(command, "--swappable", flags.swappable,
                            "What a swappable setting points to, SETTING=APP.MODEL (repeatable)");
  o["migrations-dirs"] = add_list(command, "--migrations-dir", flags.migrations_dirs,
                                  "Name of migrations folders (repeatable; default: migrations)");
}

std::optional<config::LoadedConfig> resolve_config(const ConfigFlags& flags, const std::vector<fs::path>& paths,
                                                   const fs::path& working_directory, std::ostream& err) {
  const auto rules = rules::all_rules();
  std::vector<std::string> errors;
  config::LoadedConfig loaded = config::default_config(working_directory);
  if (!flags.config_file.empty()) {
    config::read_config_file(flags.config_file, working_directory, rules, loaded, errors);
  } else if (!flags.isolated) {
    if (const auto file = config::find_config_file(paths, working_directory, errors)) {
      config::read_config_file(*file, working_directory, rules, loaded, errors);
    }
  }

  config::Config& c = loaded.config;
  auto given = [&](std::string_view key) {
    const auto it = flags.options.find(key);
    return it != flags.options.end() && it->second->count() > 0;
  };
  auto from_command_line = [&](std::string_view key) {
    loaded.origins[std::string(key)] = Origin{Origin::Kind::CommandLine, {}, 0};
  };
  auto selectors = [&](std::string_view key, const std::vector<std::string>& values, std::vector<std::string>& into) {
    if (!given(key)) return;
    std::vector<std::string> list = split_commas(values);
    for (const std::string& s : list) {
      if (auto problem = config::check_selector(key, s, rules)) errors.push_back(*problem);
    }
    // `--extend-select` adds to the file's list; every other list replaces it.
    if (key == "extend-select") {
      into.insert(into.end(), list.begin(), list.end());
    } else {
      into = std::move(list);
    }
    from_command_line(key);
  };
  selectors("select", flags.select, c.select);
  selectors("extend-select", flags.extend_select, c.extend_select);
  selectors("ignore", flags.ignore, c.ignore);

  if (given("severity")) {
    for (const std::string& item : split_commas(flags.severity)) {
      std::string rule_name;
      std::string level;
      const auto severity =
          split_pair(item, rule_name, level) ? diagnostics::severity_from_string(level) : std::nullopt;
      if (!severity) {
        errors.push_back("--severity: expected RULE=LEVEL with LEVEL error, warning or info, got `" + item + "`");
        continue;
      }
      if (rule::find_rule(rules, rule_name) == nullptr) {
        errors.push_back("`severity` names no rule: `" + rule_name + "`");
        continue;
      }
      c.severity[rule_name] = *severity;
    }
    from_command_line("severity");
  }
  if (given("database")) {
    c.database = *config::database_from_string(flags.database);
    from_command_line("database");
  }
  if (given("django-version")) {
    if (const auto version = config::DjangoVersion::parse(flags.django_version)) {
      c.django_version = *version;
    } else {
      errors.push_back("--django-version: expected MAJOR.MINOR such as 4.2, got `" + flags.django_version + "`");
    }
    from_command_line("django-version");
  }
  if (given("deploy-order")) {
    c.deploy_order = *config::deploy_order_from_string(flags.deploy_order);
    from_command_line("deploy-order");
  }
  if (given("exclude")) {
    c.exclude = flags.exclude;
    for (const std::string& pattern : c.exclude) {
      if (auto problem = config::check_exclude(pattern)) errors.push_back("--exclude: " + *problem);
    }
    from_command_line("exclude");
  }
  if (given("apps")) {
    c.apps = split_commas(flags.apps);
    from_command_line("apps");
  }
  if (given("exclude-apps")) {
    c.exclude_apps = split_commas(flags.exclude_apps);
    from_command_line("exclude-apps");
  }
  if (given("app-labels")) {
    for (const std::string& item : flags.app_labels) {
      std::string folder;
      std::string label;
      if (!split_pair(item, folder, label)) {
        errors.push_back("--app-label: expected PATH=LABEL, got `" + item + "`");
        continue;
      }
      std::string normal = fs::path(folder).lexically_normal().generic_string();
      if (normal.size() > 1 && normal.back() == '/') normal.pop_back();
      c.app_labels[normal] = label;
    }
    from_command_line("app-labels");
  }
  if (given("swappable")) {
    for (const std::string& item : flags.swappable) {
      std::string setting;
      std::string model;
      if (!split_pair(item, setting, model)) {
        errors.push_back("--swappable: expected SETTING=APP.MODEL, got `" + item + "`");
        continue;
      }
      if (auto problem = config::check_swappable(setting, model)) {
        errors.push_back(*problem);
        continue;
      }
      c.swappable[setting] = model;
    }
    from_command_line("swappable");
  }
  if (given("baseline")) {
    c.baseline = (working_directory / flags.baseline).lexically_normal().string();
    from_command_line("baseline");
  }
  if (given("fail-on")) {
    c.fail_on = *diagnostics::severity_from_string(flags.fail_on);
    from_command_line("fail-on");
  }
  if (given("require-suppression-reason")) {
    c.require_suppression_reason = flags.require_suppression_reason;
    from_command_line("require-suppression-reason");
  }
  if (given("migrations-dirs")) {
    c.migrations_dirs = split_commas(flags.migrations_dirs);
    for (const std::string& name : c.migrations_dirs) {
      if (name.find_first_of("/\\") != std::string::npos) {
        errors.push_back("--migrations-dir: `" + name + "` is not a folder name");
      }
    }
    from_command_line("migrations-dirs");
  }

  for (const std::string& e : errors) err << "godwit: error: " << e << "\n";
  if (!errors.empty()) return std::nullopt;
  return loaded;
}

}  // namespace godwit::cli
