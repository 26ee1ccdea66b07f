#pragma once

#include <string>

#include "analyzer/ir/migration.h"

namespace godwit::test {

// Everything the extractor put into `migration`, byte ranges included, as text: two modules are
// the same IR exactly when their dumps are equal.
std::string dump_ir(const ir::Migration& migration);

}  // namespace godwit::test
