#pragma once

#include <compare>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/diagnostics/severity.h"

namespace godwit::config {

enum class Database : uint8_t { PostgreSQL, MySQL, SQLite, Oracle, MSSQL };
std::string_view to_string(Database database);
std::optional<Database> database_from_string(std::string_view text);

struct DjangoVersion {
  int major = 5;
  int minor = 2;
  [[nodiscard]] std::string str() const;
  static std::optional<DjangoVersion> parse(std::string_view text);
  friend bool operator==(DjangoVersion, DjangoVersion) = default;
  friend auto operator<=>(DjangoVersion, DjangoVersion) = default;
};

// When migrations run relative to the new code going live.
enum class DeployOrder : uint8_t { MigrateFirst, CodeFirst };
std::string_view to_string(DeployOrder order);
std::optional<DeployOrder> deploy_order_from_string(std::string_view text);

// The effective settings of a run: defaults, then the config file, then the command line.
struct Config {
  // Rule selectors: ids ("RV001"), names ("runpython-without-reverse"), prefixes ("RV", "ZD00"), "ALL".
  std::vector<std::string> select{"ALL"};
  std::vector<std::string> extend_select;
  std::vector<std::string> ignore;
  // Per-rule severity, keyed by id or name as written.
  std::map<std::string, diagnostics::Severity> severity;
  Database database = Database::PostgreSQL;
  DjangoVersion django_version;
  DeployOrder deploy_order = DeployOrder::MigrateFirst;
  // gitignore-style globs, relative to `root`.
  std::vector<std::string> exclude;
  std::vector<std::string> apps;          // report only these app labels (empty: all)
  std::vector<std::string> exclude_apps;  // never report these app labels
  std::map<std::string, std::string> app_labels;  // app folder (relative to root) -> label
  std::map<std::string, std::string> swappable{{"AUTH_USER_MODEL", "auth.User"}};
  std::string baseline;
  diagnostics::Severity fail_on = diagnostics::Severity::Error;
  bool require_suppression_reason = false;
  std::vector<std::string> migrations_dirs{"migrations"};
  // The directory of the config file (or the working directory without one).
  std::filesystem::path root;
  // The config file the settings came from; empty when none.
  std::filesystem::path file;
};

}  // namespace godwit::config
