#include "analyzer/config/config_loader.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <toml++/toml.h>

#include "analyzer/config/exclude_pattern.h"
#include "analyzer/discovery/discovery.h"
#include "analyzer/rule/rule_selection.h"

namespace godwit::config {

namespace fs = std::filesystem;

namespace {

constexpr std::array<KeyInfo, 16> kKeys{{
    {"select", "--select RULES", "list of rule selectors",
     "rules to run: ids (`RV001`), names, prefixes (`RV`, `ZD00`) or `ALL` (default: `[\"ALL\"]`)"},
    {"extend-select", "--extend-select RULES", "list of rule selectors", "rules to run in addition to `select`"},
    {"ignore", "--ignore RULES", "list of rule selectors",
     "rules not to run; the more specific selector wins, `ignore` on a tie"},
    {"severity", "--severity RULE=LEVEL", "table: rule id or name = \"error\" | \"warning\" | \"info\"",
     "a rule's severity instead of its default"},
    {"database", "--database NAME", "\"postgresql\" | \"mysql\" | \"sqlite\" | \"oracle\" | \"mssql\"",
     "the database the migrations run on (default: postgresql; PostgreSQL-only rules are silent for the others)"},
    {"django-version", "--django-version X.Y", "string \"MAJOR.MINOR\"",
     "the project's Django version (default: \"5.2\")"},
    {"deploy-order", "--deploy-order ORDER", "\"migrate-first\" | \"code-first\"",
     "whether migrations run before the new code goes live (default) or after"},
    {"exclude", "--exclude GLOB", "list of gitignore-style globs",
     "paths never analyzed, relative to the configuration file's directory"},
    {"apps", "--apps LABELS", "list of app labels",
     "report only these apps (the others are still read for the graph and the state)"},
    {"exclude-apps", "--exclude-apps LABELS", "list of app labels",
     "never report these apps (they are still read for the graph and the state)"},
    {"app-labels", "--app-label PATH=LABEL", "table: app folder = label",
     "app labels that differ from the folder name; folders relative to the configuration file"},
    {"swappable", "--swappable SETTING=APP.MODEL", "table: setting = \"app.Model\"",
     "what swappable settings point to (default: `AUTH_USER_MODEL = \"auth.User\"`)"},
    {"baseline", "--baseline FILE", "path",
     "a baseline file: the findings it lists are hidden (relative to the configuration file)"},
    {"fail-on", "--fail-on LEVEL", "\"error\" | \"warning\" | \"info\"",
     "the lowest severity that makes the exit code 1 (default: error)"},
    {"require-suppression-reason", "--require-suppression-reason", "boolean",
     "a suppression comment without `-- reason` is SP002 and suppresses nothing (default: false)"},
    {"migrations-dirs", "--migrations-dir NAME", "list of folder names",
     "names of the folders that hold migrations (default: `[\"migrations\"]`)"},
}};

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time: return "a date or time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string ticked(std::string_view text) { return "`" + std::string(text) + "`"; }

// Reads one table of settings into a LoadedConfig, collecting `file:line: message` errors.
class SettingsReader {
 public:
  SettingsReader(std::string display, fs::path root, std::span<const rule::Rule* const> rules, LoadedConfig& loaded,
                 std::vector<std::string>& errors)
      : display_(std::move(display)), root_(std::move(root)), rules_(rules), loaded_(loaded), errors_(errors) {}

  void read(const toml::table& table) {
    for (const auto& [key, node] : table) {
      const std::string_view name = key.str();
      const auto* info = std::find_if(kKeys.begin(), kKeys.end(), [&](const KeyInfo& k) { return k.key == name; });
      if (info == kKeys.end()) {
        unknown_key(key);
        continue;
      }
      key_line_ = key.source().begin.line;
      if (read_key(name, node)) {
        loaded_.origins[std::string(name)] = Origin{Origin::Kind::File, display_, key_line_};
      }
    }
  }

 private:
  void error(uint32_t line, const std::string& message) {
    errors_.push_back(display_ + ":" + std::to_string(line) + ": " + message);
  }
  void error(const toml::node& node, const std::string& message) {
    const uint32_t line = node.source().begin.line;
    error(line != 0 ? line : key_line_, message);
  }

  void unknown_key(const toml::key& key) {
    std::string message = "unknown key " + ticked(key.str());
    if (!loaded_.table.empty()) message += " in " + loaded_.table;
    const KeyInfo* best = nullptr;
    size_t best_distance = 4;
    for (const KeyInfo& k : kKeys) {
      const size_t d = edit_distance(key.str(), k.key);
      if (d < best_distance) {
        best = &k;
        best_distance = d;
      }
    }
    if (best != nullptr) message += " (did you mean " + ticked(best->key) + "?)";
    error(key.source().begin.line, message);
  }

  std::optional<std::string> string(std::string_view key, const toml::node& node) {
    if (const auto* s = node.as_string()) return s->get();
    error(node, ticked(key) + " must be a string, got " + std::string(type_name(node)));
    return std::nullopt;
  }

  std::optional<std::vector<std::string>> strings(std::string_view key, const toml::node& node) {
    const auto* array = node.as_array();
    if (array == nullptr) {
      error(node, ticked(key) + " must be an array of strings, got " + std::string(type_name(node)));
      return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (const toml::node& item : *array) {
      if (const auto* s = item.as_string()) {
        out.push_back(s->get());
      } else {
        error(item, ticked(key) + " must be an array of strings, but holds " + std::string(type_name(item)));
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return out;
  }

  std::optional<std::vector<std::pair<std::string, std::string>>> string_table(std::string_view key,
                                                                               const toml::node& node) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      error(node, ticked(key) + " must be a table, got " + std::string(type_name(node)));
      return std::nullopt;
    }
    std::vector<std::pair<std::string, std::string>> out;
    bool ok = true;
    for (const auto& [entry, value] : *table) {
      if (const auto* s = value.as_string()) {
        out.emplace_back(std::string(entry.str()), s->get());
      } else {
        error(entry.source().begin.line, ticked(std::string(key) + "." + std::string(entry.str())) +
                                             " must be a string, got " + std::string(type_name(value)));
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return out;
  }

  std::optional<std::vector<std::string>> selectors(std::string_view key, const toml::node& node) {
    auto list = strings(key, node);
    if (!list) return std::nullopt;
    bool ok = true;
    for (size_t i = 0; i < list->size(); ++i) {
      if (auto problem = check_selector(key, (*list)[i], rules_)) {
        error(*node.as_array()->get(i), *problem);
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return list;
  }

  std::optional<std::vector<std::string>> names(std::string_view key, const toml::node& node, bool folder) {
    auto list = strings(key, node);
    if (!list) return std::nullopt;
    bool ok = true;
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string& name = (*list)[i];
      if (name.empty() || (folder && name.find_first_of("/\\") != std::string::npos)) {
        error(*node.as_array()->get(i),
              ticked(key) + ": " + ticked(name) + (folder ? " is not a folder name" : " is not an app label"));
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return list;
  }

  // Returns true when the key's value was taken.
  bool read_key(std::string_view key, const toml::node& node) {
    Config& c = loaded_.config;
    if (key == "select" || key == "extend-select" || key == "ignore") {
      auto list = selectors(key, node);
      if (!list) return false;
      (key == "select" ? c.select : key == "ignore" ? c.ignore : c.extend_select) = std::move(*list);
      return true;
    }
    if (key == "severity") {
      auto table = string_table(key, node);
      if (!table) return false;
      bool ok = true;
      std::map<std::string, diagnostics::Severity> severity;
      for (const auto& [rule_name, level] : *table) {
        const toml::node& value = *node.as_table()->get(rule_name);
        if (rule::find_rule(rules_, rule_name) == nullptr) {
          error(value, "`severity` names no rule: " + ticked(rule_name) + " (use a rule id or name)");
          ok = false;
        }
        const auto parsed = diagnostics::severity_from_string(level);
        if (!parsed) {
          error(value, "`severity." + rule_name + "`: " + ticked(level) +
                           " is not a severity (expected \"error\", \"warning\" or \"info\")");
          ok = false;
          continue;
        }
        severity[rule_name] = *parsed;
      }
      if (!ok) return false;
      for (auto& [k, v] : severity) c.severity[k] = v;
      return true;
    }
    if (key == "database") {
      const auto text = string(key, node);
      if (!text) return false;
      const auto database = database_from_string(*text);
      if (!database) {
        error(node, "`database`: " + ticked(*text) +
                        " is not a supported database (expected \"postgresql\", \"mysql\", \"sqlite\", \"oracle\" "
                        "or \"mssql\")");
        return false;
      }
      c.database = *database;
      return true;
    }
    if (key == "django-version") {
      if (node.is_floating_point() || node.is_integer()) {
        error(node, "`django-version` must be a string such as \"4.2\" (as a number, 4.10 would read as 4.1)");
        return false;
      }
      const auto text = string(key, node);
      if (!text) return false;
      const auto version = DjangoVersion::parse(*text);
      if (!version) {
        error(node, "`django-version`: expected MAJOR.MINOR such as \"4.2\", got " + ticked(*text));
        return false;
      }
      c.django_version = *version;
      return true;
    }
    if (key == "deploy-order") {
      const auto text = string(key, node);
      if (!text) return false;
      const auto order = deploy_order_from_string(*text);
      if (!order) {
        error(node, "`deploy-order`: expected \"migrate-first\" or \"code-first\", got " + ticked(*text));
        return false;
      }
      c.deploy_order = *order;
      return true;
    }
    if (key == "exclude") {
      auto list = strings(key, node);
      if (!list) return false;
      bool ok = true;
      for (size_t i = 0; i < list->size(); ++i) {
        if (auto problem = check_exclude((*list)[i])) {
          error(*node.as_array()->get(i), "`exclude`: " + *problem);
          ok = false;
        }
      }
      if (!ok) return false;
      c.exclude = std::move(*list);
      return true;
    }
    if (key == "apps" || key == "exclude-apps") {
      auto list = names(key, node, false);
      if (!list) return false;
      (key == "apps" ? c.apps : c.exclude_apps) = std::move(*list);
      return true;
    }
    if (key == "migrations-dirs") {
      auto list = names(key, node, true);
      if (!list) return false;
      if (list->empty()) {
        error(node, "`migrations-dirs` must name at least one folder");
        return false;
      }
      c.migrations_dirs = std::move(*list);
      return true;
    }
    if (key == "app-labels") {
      auto table = string_table(key, node);
      if (!table) return false;
      bool ok = true;
      std::map<std::string, std::string> labels;
      for (const auto& [folder, label] : *table) {
        const toml::node& value = *node.as_table()->get(folder);
        if (label.empty()) {
          error(value, "`app-labels`: the label for " + ticked(folder) + " is empty");
          ok = false;
          continue;
        }
        labels[fs::path(folder).lexically_normal().generic_string()] = label;
      }
      if (!ok) return false;
      for (auto& [folder, label] : labels) {
        if (!folder.empty() && folder.back() == '/') {
          c.app_labels[folder.substr(0, folder.size() - 1)] = label;
        } else {
          c.app_labels[folder] = label;
        }
      }
      return true;
    }
    if (key == "swappable") {
      auto table = string_table(key, node);
      if (!table) return false;
      bool ok = true;
      for (const auto& [setting, model] : *table) {
        if (auto problem = check_swappable(setting, model)) {
          error(*node.as_table()->get(setting), *problem);
          ok = false;
        }
      }
      if (!ok) return false;
      for (const auto& [setting, model] : *table) c.swappable[setting] = model;
      return true;
    }
    if (key == "baseline") {
      const auto text = string(key, node);
      if (!text) return false;
      if (text->empty()) {
        error(node, "`baseline` must name a file");
        return false;
      }
      c.baseline = (root_ / *text).lexically_normal().string();
      return true;
    }
    if (key == "fail-on") {
      const auto text = string(key, node);
      if (!text) return false;
      const auto severity = diagnostics::severity_from_string(*text);
      if (!severity) {
        error(node, "`fail-on`: expected \"error\", \"warning\" or \"info\", got " + ticked(*text));
        return false;
      }
      c.fail_on = *severity;
      return true;
    }
    if (key == "require-suppression-reason") {
      const auto* value = node.as_boolean();
      if (value == nullptr) {
        error(node, "`require-suppression-reason` must be true or false, got " + std::string(type_name(node)));
        return false;
      }
      c.require_suppression_reason = value->get();
      return true;
    }
    return false;
  }

  std::string display_;
  fs::path root_;
  std::span<const rule::Rule* const> rules_;
  LoadedConfig& loaded_;
  std::vector<std::string>& errors_;
  uint32_t key_line_ = 0;
};

// Parses a TOML file; on failure appends `file:line: message` and returns nullopt.
std::optional<toml::table> parse_toml(const fs::path& file, const std::string& display,
                                      std::vector<std::string>& errors) {
  try {
    return toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    const uint32_t line = e.source().begin.line;
    errors.push_back(display + (line != 0 ? ":" + std::to_string(line) : std::string()) +
                     ": not valid TOML: " + std::string(e.description()));
    return std::nullopt;
  }
}

bool is_pyproject(const fs::path& file) { return file.filename() == "pyproject.toml"; }

}  // namespace

std::span<const KeyInfo> config_keys() { return kKeys; }

std::string Origin::str() const {
  switch (kind) {
    case Kind::Default: return "default";
    case Kind::File: return file + ":" + std::to_string(line);
    case Kind::CommandLine: return "command line";
  }
  return "default";
}

LoadedConfig default_config(const fs::path& working_directory) {
  LoadedConfig loaded;
  loaded.config.root = working_directory;
  for (const KeyInfo& k : kKeys) loaded.origins[std::string(k.key)] = Origin{};
  return loaded;
}

std::optional<std::string> check_selector(std::string_view key, std::string_view selector,
                                          std::span<const rule::Rule* const> rules) {
  const bool known = std::any_of(rules.begin(), rules.end(), [&](const rule::Rule* r) {
    return rule::selector_specificity(selector, r->meta()) >= 0;
  });
  if (known) return std::nullopt;
  return ticked(key) + " names no rule: " + ticked(selector);
}

std::optional<std::string> check_exclude(std::string_view pattern) {
  std::string error;
  if (ExcludePattern::parse(pattern, error)) return std::nullopt;
  return error;
}

std::optional<std::string> check_swappable(std::string_view setting, std::string_view model) {
  const auto dot = model.find('.');
  if (setting.empty()) return std::string("`swappable`: the setting name is empty");
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == model.size() ||
      model.find('.', dot + 1) != std::string_view::npos) {
    return "`swappable." + std::string(setting) + "`: expected \"app_label.ModelName\", got " + ticked(model);
  }
  return std::nullopt;
}

std::optional<fs::path> find_config_file(const std::vector<fs::path>& paths, const fs::path& working_directory,
                                         std::vector<std::string>& errors) {
  std::vector<fs::path> starts;
  for (const fs::path& p : paths) starts.push_back(p.is_absolute() ? p : working_directory / p);
  if (starts.empty()) starts.push_back(working_directory);
  for (fs::path start : starts) {
    start = start.lexically_normal();
    std::error_code ec;
    if (!fs::is_directory(start, ec)) start = start.parent_path();
    for (fs::path dir = start;; dir = dir.parent_path()) {
      if (fs::is_regular_file(dir / "godwit.toml", ec)) return dir / "godwit.toml";
      const fs::path pyproject = dir / "pyproject.toml";
      if (fs::is_regular_file(pyproject, ec)) {
        const auto table = parse_toml(pyproject, discovery::display_path(pyproject, working_directory), errors);
        if (table && (*table)["tool"]["godwit"].is_table()) return pyproject;
      }
      if (dir == dir.parent_path() || dir.empty()) break;
    }
  }
  return std::nullopt;
}

void read_config_file(const fs::path& file, const fs::path& working_directory, std::span<const rule::Rule* const> rules,
                      LoadedConfig& loaded, std::vector<std::string>& errors) {
  const fs::path absolute = (file.is_absolute() ? file : working_directory / file).lexically_normal();
  const std::string display = discovery::display_path(absolute, working_directory);
  std::error_code ec;
  if (!fs::is_regular_file(absolute, ec)) {
    errors.push_back(display + ": configuration file not found");
    return;
  }
  const auto document = parse_toml(absolute, display, errors);
  if (!document) return;
  loaded.config.file = absolute;
  loaded.config.root = absolute.parent_path();
  const toml::table* table = &*document;
  if (is_pyproject(absolute)) {
    loaded.table = "[tool.godwit]";
    const toml::node_view<const toml::node> node = (*document)["tool"]["godwit"];
    if (!node) return;  // a pyproject.toml without settings for godwit: the defaults
    table = node.as_table();
    if (table == nullptr) {
      errors.push_back(display + ":" + std::to_string(node.node()->source().begin.line) +
                       ": `tool.godwit` must be a table");
      return;
    }
  }
  SettingsReader(display, loaded.config.root, rules, loaded, errors).read(*table);
}

}  // namespace godwit::config
