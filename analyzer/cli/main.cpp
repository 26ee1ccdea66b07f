#include <iostream>

#include "analyzer/cli/cli.h"
#include "analyzer/driver/check.h"

int main(int argc, char** argv) {
  godwit::driver::exit_after_report(true);
  return godwit::cli::run(argc, argv, std::cout, std::cerr);
}
