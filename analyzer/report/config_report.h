#pragma once

#include <filesystem>
#include <ostream>

#include "analyzer/config/config_loader.h"

namespace godwit::report {

// `godwit config`: every key of the effective configuration, with where its value came from
// (default, file:line, command line). Paths are shown relative to `working_directory`.
void write_config_text(std::ostream& out, const config::LoadedConfig& loaded,
                       const std::filesystem::path& working_directory);
void write_config_json(std::ostream& out, const config::LoadedConfig& loaded,
                       const std::filesystem::path& working_directory);

}  // namespace godwit::report
