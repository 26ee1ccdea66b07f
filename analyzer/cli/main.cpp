#include <malloc.h>

#include <iostream>

#include "analyzer/cli/cli.h"
#include "analyzer/driver/check.h"

int main(int argc, char** argv) {
  // A run allocates its IR in many small pieces from every thread and frees little before it
  // ends. glibc's default is to grow each thread's heap a page at a time, one mprotect call per
  // page (about 15 000 calls on a large project, each taking the address-space lock the other
  // threads' page faults need), and to hand memory back as soon as the top of a heap is free.
  // Reserving in 64 MiB steps (a thread's heap is made writable whole at once) and not trimming
  // costs no resident memory (untouched pages are never backed) and removes both.
  mallopt(M_TOP_PAD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  godwit::driver::exit_after_report(true);
  return godwit::cli::run(argc, argv, std::cout, std::cerr);
}
