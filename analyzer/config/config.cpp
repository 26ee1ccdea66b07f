#include "analyzer/config/config.h"

#include <array>
#include <charconv>

namespace godwit::config {

namespace {

constexpr std::array<std::pair<Database, std::string_view>, 5> kDatabases{{
    {Database::PostgreSQL, "postgresql"},
    {Database::MySQL, "mysql"},
    {Database::SQLite, "sqlite"},
    {Database::Oracle, "oracle"},
    {Database::MSSQL, "mssql"},
}};

}  // namespace

std::string_view to_string(Database database) {
  for (const auto& [d, name] : kDatabases) {
    if (d == database) return name;
  }
  return "postgresql";
}

std::optional<Database> database_from_string(std::string_view text) {
  for (const auto& [d, name] : kDatabases) {
    if (name == text) return d;
  }
  if (text == "postgres") return Database::PostgreSQL;
  return std::nullopt;
}

std::string DjangoVersion::str() const { return std::to_string(major) + "." + std::to_string(minor); }

std::optional<DjangoVersion> DjangoVersion::parse(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= text.size()) return std::nullopt;
  DjangoVersion v;
  const auto major = text.substr(0, dot);
  auto minor = text.substr(dot + 1);
  // "4.2.7" is accepted as 4.2.
  if (const auto second = minor.find('.'); second != std::string_view::npos) minor = minor.substr(0, second);
  if (std::from_chars(major.data(), major.data() + major.size(), v.major).ptr != major.data() + major.size()) {
    return std::nullopt;
  }
  if (std::from_chars(minor.data(), minor.data() + minor.size(), v.minor).ptr != minor.data() + minor.size()) {
    return std::nullopt;
  }
  if (v.major < 1 || v.major > 99 || v.minor < 0 || v.minor > 99) return std::nullopt;
  return v;
}

std::string_view to_string(DeployOrder order) {
  return order == DeployOrder::CodeFirst ? "code-first" : "migrate-first";
}

std::optional<DeployOrder> deploy_order_from_string(std::string_view text) {
  if (text == "migrate-first") return DeployOrder::MigrateFirst;
  if (text == "code-first") return DeployOrder::CodeFirst;
  return std::nullopt;
}

}  // namespace godwit::config
