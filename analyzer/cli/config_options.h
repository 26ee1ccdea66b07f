#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "analyzer/config/config_loader.h"

namespace godwit::cli {

// The command-line flags that override configuration keys, shared by `check`, `config`, `state`
// and `graph`. Each flag's option is kept so that "given" can be told from "left at its default".
struct ConfigFlags {
  std::string config_file;
  bool isolated = false;

  std::vector<std::string> select;
  std::vector<std::string> extend_select;
  std::vector<std::string> ignore;
  std::vector<std::string> severity;  // RULE=LEVEL
  std::string database;
  std::string django_version;
  std::string deploy_order;
  std::vector<std::string> exclude;
  std::vector<std::string> apps;
  std::vector<std::string> exclude_apps;
  std::vector<std::string> app_labels;  // PATH=LABEL
  std::vector<std::string> swappable;   // SETTING=APP.MODEL
  std::string baseline;
  std::string fail_on;
  bool require_suppression_reason = false;
  std::vector<std::string> migrations_dirs;

  // The option of each configuration key's flag, by key (empty for a subcommand without it).
  std::map<std::string, CLI::Option*, std::less<>> options;
};

// Which flags a subcommand takes: `check` and `config` every one, `state` and `graph` those that
// change how the project is read.
enum class FlagSet : uint8_t { All, Loading };

void add_config_options(CLI::App& command, ConfigFlags& flags, FlagSet set);

// Builds the effective configuration: the defaults, then the configuration file (`--config`, or
// found from `paths` unless `--isolated`), then the flags. Prints every problem to `err` and
// returns nullopt when there was one (exit code 2).
std::optional<config::LoadedConfig> resolve_config(const ConfigFlags& flags,
                                                   const std::vector<std::filesystem::path>& paths,
                                                   const std::filesystem::path& working_directory, std::ostream& err);

}  // namespace godwit::cli
