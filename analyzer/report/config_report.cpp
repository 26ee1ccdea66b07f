#include "analyzer/report/config_report.h"

#include <nlohmann/json.hpp>

#include "analyzer/discovery/discovery.h"

namespace godwit::report {

namespace {

using json = nlohmann::ordered_json;
namespace fs = std::filesystem;

json strings(const std::vector<std::string>& values) {
  json out = json::array();
  for (const auto& v : values) out.push_back(v);
  return out;
}

template <typename Map, typename Render>
json table(const Map& map, const Render& render) {
  json out = json::object();
  for (const auto& [k, v] : map) out[k] = render(v);
  return out;
}

// The value of a key as JSON (null for an unset baseline).
json value_of(std::string_view key, const config::Config& c, const fs::path& cwd) {
  if (key == "select") return strings(c.select);
  if (key == "extend-select") return strings(c.extend_select);
  if (key == "ignore") return strings(c.ignore);
  if (key == "severity") return table(c.severity, [](diagnostics::Severity s) { return diagnostics::to_string(s); });
  if (key == "database") return config::to_string(c.database);
  if (key == "django-version") return c.django_version.str();
  if (key == "deploy-order") return config::to_string(c.deploy_order);
  if (key == "exclude") return strings(c.exclude);
  if (key == "apps") return strings(c.apps);
  if (key == "exclude-apps") return strings(c.exclude_apps);
  if (key == "app-labels") return table(c.app_labels, [](const std::string& s) { return s; });
  if (key == "swappable") return table(c.swappable, [](const std::string& s) { return s; });
  if (key == "baseline") return c.baseline.empty() ? json(nullptr) : json(discovery::display_path(c.baseline, cwd));
  if (key == "fail-on") return diagnostics::to_string(c.fail_on);
  if (key == "require-suppression-reason") return c.require_suppression_reason;
  if (key == "migrations-dirs") return strings(c.migrations_dirs);
  return nullptr;
}

// TOML-like rendering of a value for the text output.
std::string render(const json& value) {
  if (value.is_null()) return "(not set)";
  if (value.is_object()) {
    if (value.empty()) return "{}";
    std::string out = "{ ";
    bool first = true;
    for (const auto& [k, v] : value.items()) {
      if (!first) out += ", ";
      first = false;
      const bool bare =
          k.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos;
      out += (bare ? k : json(k).dump()) + " = " + v.dump();
    }
    return out + " }";
  }
  if (value.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < value.size(); ++i) out += (i > 0 ? ", " : "") + value[i].dump();
    return out + "]";
  }
  return value.dump();
}

std::string shown(const fs::path& path, const fs::path& cwd) {
  const std::string text = discovery::display_path(path, cwd);
  return text.empty() ? "." : text;
}

}  // namespace

void write_config_text(std::ostream& out, const config::LoadedConfig& loaded, const fs::path& working_directory) {
  const config::Config& c = loaded.config;
  if (c.file.empty()) {
    out << "Configuration file: none (defaults and command line only)\n";
  } else {
    out << "Configuration file: " << shown(c.file, working_directory)
        << (loaded.table.empty() ? "" : " " + loaded.table) << "\n";
  }
  out << "Root (exclude, app-labels and baseline are relative to it): " << shown(c.root, working_directory) << "\n\n";
  size_t width = 0;
  for (const auto& k : config::config_keys()) width = std::max(width, k.key.size());
  for (const auto& k : config::config_keys()) {
    std::string key(k.key);
    key.resize(width, ' ');
    const auto origin = loaded.origins.find(k.key);
    out << key << " = " << render(value_of(k.key, c, working_directory)) << "  # "
        << (origin != loaded.origins.end() ? origin->second.str() : "default") << "\n";
  }
}

void write_config_json(std::ostream& out, const config::LoadedConfig& loaded, const fs::path& working_directory) {
  const config::Config& c = loaded.config;
  json doc;
  doc["file"] = c.file.empty() ? json(nullptr) : json(shown(c.file, working_directory));
  doc["table"] = loaded.table.empty() ? json(nullptr) : json(loaded.table);
  doc["root"] = shown(c.root, working_directory);
  json settings = json::object();
  for (const auto& k : config::config_keys()) {
    json entry{{"value", value_of(k.key, c, working_directory)}};
    const auto origin = loaded.origins.find(k.key);
    const config::Origin o = origin != loaded.origins.end() ? origin->second : config::Origin{};
    switch (o.kind) {
      case config::Origin::Kind::Default: entry["source"] = "default"; break;
      case config::Origin::Kind::CommandLine: entry["source"] = "command line"; break;
      case config::Origin::Kind::File:
        entry["source"] = "file";
        entry["file"] = o.file;
        entry["line"] = o.line;
        break;
    }
    entry["flag"] = k.flag;
    settings[std::string(k.key)] = std::move(entry);
  }
  doc["settings"] = std::move(settings);
  out << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace godwit::report
