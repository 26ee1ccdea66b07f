#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/ir/operation.h"
#include "analyzer/source/source_file.h"

namespace godwit::ir {

// An entry of `dependencies`.
struct Dependency {
  enum class Kind : uint8_t {
    Migration,  // ("app", "0001_initial")
    First,      // ("app", "__first__")
    Latest,     // ("app", "__latest__")
    Swappable,  // migrations.swappable_dependency(settings.AUTH_USER_MODEL)
    Unknown,    // not statically known
  };
  Kind kind = Kind::Unknown;
  std::string app;      // Migration/First/Latest
  std::string name;     // Migration
  std::string setting;  // Swappable: "AUTH_USER_MODEL"
  TextRange range;
};

// An entry of `replaces` or `run_before`.
struct MigrationRef {
  std::string app;
  std::string name;
  TextRange range;
  bool known = true;
};

// One name bound by an import statement.
struct Import {
  std::string module;   // "shop.models", ".helpers" (relative keeps its dots)
  std::string name;     // the imported symbol ("Order"); empty for `import module`
  std::string binding;  // the local name it is bound to ("Order", "m", "shop" for `import shop.models`)
  std::string target;   // what the binding stands for: "shop.models.Order", "shop" for `import shop.models`
  TextRange range;      // the import statement
  int32_t function = -1;  // index of the function it is local to; -1 at module level
};

enum class ParameterKind : uint8_t { PositionalOnly, PositionalOrKeyword, VarPositional, KeywordOnly, VarKeyword };

struct Parameter {
  std::string name;
  ParameterKind kind = ParameterKind::PositionalOrKeyword;
  bool has_default = false;
};

// A call that changes data, found in a function body.
enum class DataWriteMethod : uint8_t {
  Update, Delete, Create, GetOrCreate, UpdateOrCreate, BulkCreate, BulkUpdate,  // on a model chain
  Save, ObjectDelete,                                                            // on a model instance
  ExecuteSql,                                                                    // schema_editor.execute / cursor
};

std::string_view to_string(DataWriteMethod method);

struct DataWrite {
  DataWriteMethod method;
  TextRange range;
};

// The first use, inside a function, of a name bound by an import.
struct ImportedNameUse {
  uint32_t import_index;  // into Migration::imports
  TextRange range;        // the name
  // The dotted name read there, attributes included: `shop.models.Order.objects` for the `shop`
  // of `shop.models.Order.objects.all()`, just `Order` for `Order(...)`.
  std::string path;
};

// A function defined in the migration file (module level, in the Migration class body, nested,
// or a lambda), with the facts RunPython analysis needs.
struct FunctionInfo {
  enum class Scope : uint8_t { Module, MigrationClass, Nested, Lambda };
  std::string name;  // "<lambda>" for lambdas
  Scope scope = Scope::Module;
  TextRange range;      // the whole definition
  TextRange signature;  // `def name(params)` (lambda: `lambda params`)
  std::vector<Parameter> parameters;
  // Defined under decorators: what Python calls is the decorators' result, whose signature may
  // differ from `parameters`.
  bool decorated = false;
  bool calls_get_model = false;  // apps.get_model(...)
  std::vector<ImportedNameUse> imported_uses;
  std::vector<DataWrite> writes;
  std::vector<std::string> local_calls;  // names of other functions of the file it calls
};

// A class defined in the file other than Migration (custom operations).
struct ClassInfo {
  std::string name;
  TextRange range;       // `class Name(bases)`
  std::vector<std::string> bases;  // qualified
  std::optional<bool> reversible;  // `reversible = ...` in the class body
  TextRange reversible_range;
};

// django-safemigrate's `safe = Safe.before_deploy()` and friends.
struct SafeMarker {
  enum class Kind : uint8_t { BeforeDeploy, AfterDeploy, Always, Unknown };
  Kind kind = Kind::Unknown;
  TextRange range;
};

// The first reason the file is not valid Python, as precisely as Python would put it.
struct SyntaxProblem {
  enum class Kind : uint8_t {
    Error,                  // detail: the unexpected text (abridged); empty when the parser gave no text
    Missing,                // detail: the expected token (`)`, `:`) or its grammar name (`identifier`)
    UnclosedBracket,        // detail: the opening bracket, never closed (range: it)
    MismatchedBracket,      // detail: the closing bracket (range: it); related: the opening one it does not match
    UnmatchedBracket,       // detail: a closing bracket with nothing open
    UnterminatedString,     // detail: the opening quote(s); range: from the string's start
    UnexpectedIndent,       // range: the indentation
    UnmatchedDedent,        // an unindent to no outer level (range: the indentation)
    InconsistentTabs,       // tabs and spaces mixed so that the indentation is ambiguous
    ExpectedIndentedBlock,  // range: the first token of the line that should be indented; related: the
                            // header it belongs to, up to its `:` (when the file ends instead, range is
                            // that header and related is empty)
    ConflictMarker,         // detail: the marker (`<<<<<<<`); range: its line
    InvalidUtf8,
    NulByte,
  };
  Kind kind = Kind::Error;
  TextRange range;
  std::string detail;
  TextRange related;  // MismatchedBracket, ExpectedIndentedBlock (empty otherwise)
};

// Something `operations` holds that godwit cannot resolve statically.
struct UnresolvedOperations {
  TextRange range;
  std::string reason;  // what godwit saw, e.g. "a call to `build_operations()`"
  int32_t count = -1;  // operations it stands for; -1 when unknown
};

struct Comment {
  TextRange range;
  std::string text;
};

// One module in a migrations package, and if it defines one, its Migration.
struct Migration {
  std::string app_label;
  std::string name;  // the file stem
  std::shared_ptr<const source::SourceFile> source;

  std::optional<SyntaxProblem> syntax_error;
  bool has_migration_class = false;
  TextRange class_range;  // `class Migration(...)` header

  std::vector<Dependency> dependencies;
  bool dependencies_known = true;
  TextRange dependencies_range;
  std::vector<MigrationRef> replaces;
  std::vector<MigrationRef> run_before;
  std::optional<bool> initial;
  Tri atomic = Tri::Yes;
  TextRange atomic_range;

  std::vector<Operation> operations;
  bool operations_found = false;  // an `operations =` assignment exists
  TextRange operations_range;     // that assignment
  std::vector<UnresolvedOperations> unresolved_operations;

  std::vector<Import> imports;
  std::vector<FunctionInfo> functions;
  std::vector<ClassInfo> classes;
  std::optional<SafeMarker> safe;
  std::vector<Comment> comments;  // comments that mention godwit (suppressions)

  [[nodiscard]] const FunctionInfo* function(std::string_view function_name) const;
  [[nodiscard]] const ClassInfo* class_named(std::string_view class_name) const;
  [[nodiscard]] const source::SourceFile& file() const { return *source; }
};

}  // namespace godwit::ir
