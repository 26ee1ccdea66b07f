#include "tests/support/ir_dump.h"

#include <sstream>

namespace godwit::test {

namespace {

std::ostream& operator<<(std::ostream& out, source::TextRange r) {
  return out << '[' << r.begin << ',' << r.end << ')';
}

void dump_value(std::ostream& out, const ir::Value& v) {
  out << "V" << static_cast<int>(v.kind()) << '/' << static_cast<int>(v.origin()) << v.range() << '"' << v.text()
      << '"';
  if (v.has_unpacking()) out << '*';
  if (const auto b = v.as_bool(); b && v.is(ir::Value::Kind::Bool)) out << (*b ? "T" : "F");
  if (const auto i = v.as_int(); i && v.is(ir::Value::Kind::Int)) out << '=' << *i;
  if (v.is(ir::Value::Kind::Lambda)) out << "@" << v.function_index();
  if (v.raw_items().empty()) return;
  out << '(';
  for (const ir::Value& item : v.raw_items()) {
    dump_value(out, item);
    out << ' ';
  }
  for (const std::string_view key : v.keyword_names()) out << key << ';';
  out << ')';
}

void dump_operations(std::ostream& out, const std::vector<ir::Operation>& ops, int depth) {
  for (const ir::Operation& op : ops) {
    out << std::string(static_cast<size_t>(depth) * 2, ' ') << "op " << static_cast<int>(op.kind()) << ' '
        << op.display_name() << ' ';
    dump_value(out, op.call());
    out << '\n';
    dump_operations(out, op.database_operations(), depth + 1);
    out << std::string(static_cast<size_t>(depth) * 2, ' ') << "--state\n";
    dump_operations(out, op.state_operations(), depth + 1);
  }
}

}  // namespace

std::string dump_ir(const ir::Migration& m) {
  std::ostringstream out;
  out << "migration " << m.app_label << '.' << m.name << " class=" << m.has_migration_class << m.class_range
      << " deps_known=" << m.dependencies_known << m.dependencies_range
      << " initial=" << (m.initial ? (*m.initial ? 1 : 0) : -1) << " atomic=" << static_cast<int>(m.atomic)
      << m.atomic_range << " ops_found=" << m.operations_found << m.operations_range << '\n';
  if (m.syntax_error) {
    out << "syntax " << static_cast<int>(m.syntax_error->kind) << m.syntax_error->range << m.syntax_error->detail
        << m.syntax_error->related << '\n';
  }
  for (const ir::Dependency& d : m.dependencies) {
    out << "dep " << static_cast<int>(d.kind) << ' ' << d.app << ' ' << d.name << ' ' << d.setting << d.range << '\n';
  }
  for (const ir::MigrationRef& r : m.replaces)
    out << "replaces " << r.app << ' ' << r.name << r.range << r.known << '\n';
  for (const ir::MigrationRef& r : m.run_before)
    out << "run_before " << r.app << ' ' << r.name << r.range << r.known << '\n';
  dump_operations(out, m.operations, 0);
  for (const ir::UnresolvedOperations& u : m.unresolved_operations) {
    out << "unresolved " << u.range << u.reason << ' ' << u.count << '\n';
  }
  for (const ir::Import& i : m.imports) {
    out << "import " << i.module << ' ' << i.name << ' ' << i.binding << ' ' << i.target << i.range << i.function
        << '\n';
  }
  for (const ir::FunctionInfo& f : m.functions) {
    out << "def " << f.name << ' ' << static_cast<int>(f.scope) << f.range << f.signature << f.decorated
        << f.calls_get_model << " (";
    for (const ir::Parameter& p : f.parameters)
      out << p.name << ':' << static_cast<int>(p.kind) << p.has_default << ' ';
    out << ")";
    for (const ir::ImportedNameUse& u : f.imported_uses) out << " use" << u.import_index << u.range << u.path;
    for (const ir::DataWrite& w : f.writes) out << " write" << static_cast<int>(w.method) << w.range;
    for (const std::string& c : f.local_calls) out << " calls " << c;
    out << '\n';
  }
  for (const ir::ClassInfo& c : m.classes) {
    out << "class " << c.name << c.range << (c.reversible ? (*c.reversible ? 1 : 0) : -1) << c.reversible_range;
    for (const std::string& b : c.bases) out << ' ' << b;
    out << '\n';
  }
  if (m.safe) out << "safe " << static_cast<int>(m.safe->kind) << m.safe->range << '\n';
  for (const ir::Comment& c : m.comments) out << "comment " << c.range << c.text << '\n';
  return out.str();
}

}  // namespace godwit::test
