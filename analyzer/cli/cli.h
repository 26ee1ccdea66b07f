#pragma once

#include <iosfwd>

namespace godwit::cli {

// Parses the command line and runs the command. Returns the process exit code.
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace godwit::cli
