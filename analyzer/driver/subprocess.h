#pragma once

#include <string>
#include <vector>

namespace godwit::driver {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a program (looked up on PATH when it has no slash) with arguments, no shell, in `cwd`,
// with optional stdin and extra environment entries ("NAME=value"), and collects its output.
// Exit code 127 when it could not be started.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd = ".",
                          const std::string& input = {}, const std::vector<std::string>& env = {});

}  // namespace godwit::driver
