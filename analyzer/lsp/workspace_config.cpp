#include "analyzer/lsp/workspace_config.h"

namespace godwit::lsp {

config::Config workspace_config([[maybe_unused]] const std::vector<std::filesystem::path>& paths,
                                const std::filesystem::path& working_directory,
                                [[maybe_unused]] std::vector<std::string>& errors) {
  // The configuration loader of issue 5 (branch config-ci) plugs in here; this body becomes
  //   config::LoadedConfig loaded = config::default_config(working_directory);
  //   if (const auto file = config::find_config_file(paths, working_directory, errors))
  //     config::read_config_file(*file, working_directory, rules::all_rules(), loaded, errors);
  //   return loaded.config;
  // Until then `godwit check` reads no configuration file either: both use the defaults, rooted
  // at the working directory.
  config::Config config;
  config.root = working_directory;
  return config;
}

}  // namespace godwit::lsp
