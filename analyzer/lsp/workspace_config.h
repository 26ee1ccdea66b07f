#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "analyzer/config/config.h"

namespace godwit::lsp {

// Where the server gets the configuration for the files it analyzes: `paths` are the open
// migrations about to be analyzed (absolute), `working_directory` the workspace root. Problems
// (a config file that cannot be read) go to `errors`; the server shows them to the user.
using ConfigSource =
    std::function<config::Config(const std::vector<std::filesystem::path>& paths,
                                 const std::filesystem::path& working_directory, std::vector<std::string>& errors)>;

// The configuration `godwit check` would use for the same paths from the same directory: the
// workspace's `pyproject.toml` (`[tool.godwit]`) or `godwit.toml`, else the defaults, with `root`
// at the workspace. Called before every analysis, so an edited configuration applies at once.
config::Config workspace_config(const std::vector<std::filesystem::path>& paths,
                                const std::filesystem::path& working_directory, std::vector<std::string>& errors);

}  // namespace godwit::lsp
