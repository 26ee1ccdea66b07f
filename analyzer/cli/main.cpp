#include <iostream>

#include "analyzer/cli/cli.h"

int main(int argc, char** argv) { return godwit::cli::run(argc, argv, std::cout, std::cerr); }
