#pragma once

#include <memory>
#include <string>

#include "analyzer/frontend/python_parser.h"
#include "analyzer/ir/migration.h"

namespace godwit::frontend {

// Extracts the IR of one module of a migrations package from its syntax tree: the Migration
// class (dependencies, operations, flags), imports, functions, custom operation classes,
// markers and suppression comments. Never throws on strange input: what it cannot resolve
// becomes Opaque or an UnresolvedOperations entry, and a tree with errors yields a
// SyntaxProblem and nothing else.
struct ExtractOptions {
  // Read operations and dependencies with the LiteralReader (from the text) where it can, the
  // syntax tree elsewhere. Off: the tree everywhere (the reference the tests compare it with).
  bool literal_reader = true;
};

ir::Migration extract_migration(const SyntaxTree& tree, std::string app_label, std::string name,
                                ExtractOptions options = {});

// Parses and extracts in one step.
ir::Migration read_migration(PythonParser& parser, std::shared_ptr<const source::SourceFile> source,
                             std::string app_label, std::string name, ExtractOptions options = {});

}  // namespace godwit::frontend
