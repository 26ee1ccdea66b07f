#pragma once

#include "analyzer/ir/migration.h"

namespace godwit::ir {

// Whether Django can run the operation backwards (`migrate app <previous>`), as far as the file
// tells: RunPython/RunSQL need a reverse, a custom operation class defined in the file may say
// `reversible = False`, and SeparateDatabaseAndState is as reversible as its
// database_operations. Custom operations from elsewhere are Unknown.
Tri operation_reversible(const Migration& migration, const Operation& operation);

// No when any operation is irreversible, else Unknown when any is unknown, else Yes.
Tri reversibility(const Migration& migration);

// For RunPython/RunSQL: the reverse argument (`reverse_code` / `reverse_sql`).
Argument reverse_argument(const Operation& operation);

}  // namespace godwit::ir
