#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/config/config.h"
#include "analyzer/rule/rule.h"

namespace godwit::config {

// One configuration key of `[tool.godwit]`, with the command-line flag that overrides it.
struct KeyInfo {
  std::string_view key;    // "extend-select"
  std::string_view flag;   // "--extend-select RULES"
  std::string_view value;  // what it takes, for the docs: "list of rule selectors"
  std::string_view help;   // one line
};

// Every key, in the order of the documentation (RULES.md, "Configuration keys").
std::span<const KeyInfo> config_keys();

// Where an effective setting came from.
struct Origin {
  enum class Kind : uint8_t { Default, File, CommandLine };
  Kind kind = Kind::Default;
  std::string file;   // File: the path as shown (relative to the working directory where possible)
  uint32_t line = 0;  // File: 1-based

  // "default", "pyproject.toml:7", "command line"
  [[nodiscard]] std::string str() const;
};

// The effective configuration and, for every key of config_keys(), where its value came from.
struct LoadedConfig {
  Config config;
  std::map<std::string, Origin, std::less<>> origins;
  // The table the settings were read from: "[tool.godwit]" or "" (godwit.toml's top level).
  std::string table;
};

// Defaults only: every origin is Default and `root` is `working_directory`.
LoadedConfig default_config(const std::filesystem::path& working_directory);

// The configuration file for a run: walking up from each checked path (the working directory
// when there are none) to the filesystem root, the first directory holding a `godwit.toml`, or a
// `pyproject.toml` with a `[tool.godwit]` table, wins. Problems (a pyproject.toml that is not
// valid TOML) are appended to `errors` as `file:line: message`.
std::optional<std::filesystem::path> find_config_file(const std::vector<std::filesystem::path>& paths,
                                                      const std::filesystem::path& working_directory,
                                                      std::vector<std::string>& errors);

// Reads `file` (`[tool.godwit]` of a pyproject.toml, else the top level of the file) over the
// defaults in `loaded`. Sets `root` to the file's directory and resolves paths (`baseline`) against
// it. Every problem (unknown key, wrong type, a selector naming no rule, a bad value or glob) is
// appended to `errors` as `file:line: message`; a key with a bad value keeps its default.
void read_config_file(const std::filesystem::path& file, const std::filesystem::path& working_directory,
                      std::span<const rule::Rule* const> rules, LoadedConfig& loaded, std::vector<std::string>& errors);

// Checks used by both the file reader and the command line. Each returns an error message, or
// nothing when the value is fine.
std::optional<std::string> check_selector(std::string_view key, std::string_view selector,
                                          std::span<const rule::Rule* const> rules);
std::optional<std::string> check_exclude(std::string_view pattern);
// `AUTH_USER_MODEL` = "accounts.User"
std::optional<std::string> check_swappable(std::string_view setting, std::string_view model);

}  // namespace godwit::config
