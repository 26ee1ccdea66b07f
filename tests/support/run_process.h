#pragma once

#include <string>
#include <vector>

namespace godwit::test {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a program with arguments (no shell) in `cwd`, with optional stdin, and collects its output.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd = ".",
                          const std::string& input = {}, const std::vector<std::string>& env = {});

}  // namespace godwit::test
