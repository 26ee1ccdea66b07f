#include "tests/fuzz/pipeline_check.h"

#include <algorithm>
#include <exception>
#include <memory>
#include <set>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "analyzer/baseline/baseline.h"
#include "analyzer/engine/engine.h"
#include "analyzer/frontend/migration_extractor.h"
#include "analyzer/ir/reversibility.h"
#include "analyzer/lsp/protocol.h"
#include "analyzer/lsp/quick_fix.h"
#include "analyzer/plan/deploy_plan.h"
#include "analyzer/report/plan_report.h"
#include "analyzer/report/report.h"
#include "analyzer/report/state_report.h"
#include "analyzer/state/project_state.h"
#include "rules/registry.h"

namespace godwit::test {

namespace {

using source::ColumnUnit;
using source::SourceFile;
using source::TextRange;

// The app's history before the fuzzed migration: models, a relation, an index and a constraint,
// so that the rules that need the state before an operation have something to look at.
constexpr std::string_view kInitial = R"py(from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="Customer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("email", models.EmailField(max_length=254, unique=True)),
                ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("status", models.CharField(default="new", max_length=20)),
                ("note", models.TextField(null=True)),
                ("total", models.DecimalField(decimal_places=2, max_digits=10)),
                ("customer", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="shop.customer")),
            ],
            options={"unique_together": {("customer", "status")}},
        ),
        migrations.AddIndex(model_name="order", index=models.Index(fields=["status"], name="shop_order_status_idx")),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(check=models.Q(total__gte=0), name="shop_order_total_positive"),
        ),
    ]
)py";

class Problems {
 public:
  void add(std::string problem) {
    if (problems_.size() < 32) problems_.push_back(std::move(problem));
  }
  std::vector<std::string> take() { return std::move(problems_); }

 private:
  std::vector<std::string> problems_;
};

bool valid_utf8(std::string_view text) { return source::valid_utf8_prefix(text) == text.size(); }

bool within(TextRange range, const SourceFile& file) {
  return range.begin <= range.end && range.end <= file.text().size();
}

// Whether `offset` is not inside a well-formed UTF-8 sequence of `text`, whose first `valid`
// bytes are UTF-8 (past the first malformed byte, the text has no sequences to be inside of: a
// file that is not UTF-8 is reported at that byte).
bool at_boundary(std::string_view text, size_t valid, uint32_t offset) {
  if (offset >= text.size() || offset >= valid) return true;
  return (static_cast<unsigned char>(text[offset]) & 0xC0) != 0x80;
}

// A line/column computed from an offset leads back to that offset, in every column unit: what
// editors and CI annotations point at is where godwit found the problem.
void check_position(const SourceFile& file, size_t valid, uint32_t offset, const std::string& what,
                    Problems& problems) {
  if (!at_boundary(file.text(), valid, offset)) {
    problems.add(what + " starts inside a UTF-8 sequence (byte " + std::to_string(offset) + ")");
    return;
  }
  const uint32_t line0 = file.lines().line_of(offset);
  // Offsets inside a line terminator map to the line's end, by design.
  if (offset > file.line_range(line0).end) return;
  for (const ColumnUnit unit : {ColumnUnit::CodePoint, ColumnUnit::Utf16, ColumnUnit::Byte}) {
    const source::Position p = file.position(offset, unit);
    if (p.line != line0 + 1 || file.offset(p, unit) != offset) {
      problems.add(what + ": byte " + std::to_string(offset) + " -> " + std::to_string(p.line) + ":" +
                   std::to_string(p.column) + " (unit " + std::to_string(static_cast<int>(unit)) + ") -> byte " +
                   std::to_string(file.offset(p, unit)));
    }
  }
}

// JSON is UTF-8 whatever the input (what cannot be is replaced by U+FFFD).
void check_json(const std::string& text, const std::string& what, Problems& problems) {
  if (!valid_utf8(text)) problems.add(what + " is not valid UTF-8");
  if (!nlohmann::json::accept(text)) problems.add(what + " is not valid JSON");
}

// Text for people quotes the file: it is UTF-8 when the file is (a file with a coding
// declaration may be Latin-1).
void check_text(const std::string& text, bool utf8_input, const std::string& what, Problems& problems) {
  if (utf8_input && !valid_utf8(text)) problems.add(what + " is not valid UTF-8");
}

void check_migration(const ir::Migration& m, Problems& problems) {
  const SourceFile& file = m.file();
  if (m.syntax_error) {
    if (!within(m.syntax_error->range, file)) problems.add("the syntax error's range is outside the file");
    // The detail quotes the file: UTF-8 when the file is.
    if (valid_utf8(file.text()) && !valid_utf8(m.syntax_error->detail)) {
      problems.add("the syntax error's detail is not valid UTF-8");
    }
    if (!m.operations.empty()) problems.add("a file with a syntax error has operations");
  }
  for (const ir::Operation& op : m.operations) {
    if (!within(op.range(), file)) problems.add("an operation's range is outside the file");
  }
  for (const ir::Comment& c : m.comments) {
    if (!within(c.range, file)) problems.add("a comment's range is outside the file");
  }
  for (const ir::UnresolvedOperations& u : m.unresolved_operations) {
    if (!within(u.range, file)) problems.add("an unresolved operation's range is outside the file");
    if (!valid_utf8(u.reason)) problems.add("an unresolved operation's reason is not valid UTF-8");
  }
}

void check_diagnostics(const std::vector<diagnostics::Diagnostic>& found, Problems& problems) {
  if (!std::is_sorted(found.begin(), found.end(), diagnostics::diagnostic_order)) {
    problems.add("the diagnostics are not in output order");
  }
  // The length of each file's UTF-8 prefix, computed once (files have many findings).
  std::unordered_map<const SourceFile*, size_t> valid;
  for (const diagnostics::Diagnostic& d : found) {
    if (d.file != nullptr && !valid.contains(d.file.get()))
      valid[d.file.get()] = source::valid_utf8_prefix(d.file->text());
  }
  for (const diagnostics::Diagnostic& d : found) {
    const std::string what = "[" + d.code.str() + "]";
    if (d.file == nullptr) {
      problems.add(what + " has no file");
      continue;
    }
    if (!within(d.range, *d.file)) {
      problems.add(what + " range " + std::to_string(d.range.begin) + ".." + std::to_string(d.range.end) +
                   " is outside its file");
      continue;
    }
    const size_t file_valid = valid.at(d.file.get());
    check_position(*d.file, file_valid, d.range.begin, what, problems);
    if (!valid_utf8(d.anchor_text())) problems.add(what + "'s anchor is not valid UTF-8");
    if (file_valid == d.file->text().size() && (!valid_utf8(d.message) || !valid_utf8(d.help))) {
      problems.add(what + " has text that is not valid UTF-8");
    }
    for (const auto& r : d.related) {
      if (r.file == nullptr || !within(r.range, *r.file))
        problems.add(what + " has a related location outside its file");
    }
  }
}

void check_quick_fixes(const diagnostics::Diagnostic& d, const ir::Migration& m, Problems& problems) {
  const std::string what = "quick fix for [" + d.code.str() + "]";
  for (const lsp::QuickFix& fix : lsp::quick_fixes(d, m)) {
    uint32_t previous_end = 0;
    for (const lsp::TextReplacement& edit : fix.edits) {
      if (!within(edit.range, m.file()) || edit.range.begin < previous_end) {
        problems.add(what + ": edits out of order, overlapping or outside the file");
        return;
      }
      previous_end = edit.range.end;
    }
    if (valid_utf8(m.file().text()) && !valid_utf8(lsp::apply_replacements(m.file().text(), fix.edits))) {
      problems.add(what + " breaks UTF-8");
    }
    const auto edit = lsp::to_workspace_edit(fix, m.file(), ColumnUnit::Utf16, "file:///shop/migrations/x.py", 1, true);
    check_json(edit.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), what + " as a WorkspaceEdit",
               problems);
  }
}

void run(std::string_view bytes, Problems& problems) {
  frontend::PythonParser parser;
  const auto read = [&](std::string name, std::string_view text) {
    auto source = std::make_shared<const SourceFile>("shop/migrations/" + name + ".py", std::string(text));
    return frontend::read_migration(parser, std::move(source), "shop", std::move(name));
  };
  engine::Project project;
  project.files.push_back(engine::ProjectFile{read("0001_initial", kInitial), /*reported=*/false, false});
  project.files.push_back(engine::ProjectFile{read("0002_fuzzed", bytes), /*reported=*/true, /*in_release=*/true});
  const ir::Migration& fuzzed = project.files.back().migration;
  check_migration(fuzzed, problems);
  const bool utf8 = valid_utf8(bytes);

  config::Config config;
  std::vector<std::string> config_errors;
  const auto rules = rules::all_rules();
  const engine::Engine engine(rules, config, config_errors);
  if (!config_errors.empty()) problems.add("the default configuration has errors");
  const engine::Engine::Result result = engine.run(project);
  check_diagnostics(result.diagnostics, problems);

  // What `godwit check` builds from the findings, in every format.
  report::Report report;
  // SARIF describes every rule it is given, with its full documentation: the same for every
  // input, and most of the work. The rules that fired are enough.
  std::vector<const rule::Rule*> fired;
  for (const rule::Rule* r : rules) {
    const bool found = std::any_of(result.diagnostics.begin(), result.diagnostics.end(),
                                   [&](const diagnostics::Diagnostic& d) { return d.code == r->meta().code; });
    if (found) fired.push_back(r);
  }
  report.rules = fired;
  report.diagnostics = result.diagnostics;
  for (const auto& id : baseline::identify(report.diagnostics))
    report.fingerprints.push_back(baseline::fingerprint(id));
  report.files = 1;
  const auto phases = result.phases.find(&fuzzed);
  report.migrations.push_back(report::MigrationSummary{
      fuzzed.app_label, fuzzed.name, fuzzed.file().path(),
      phases != result.phases.end() ? phases->second.summary() : "unknown", ir::reversibility(fuzzed)});
  for (const report::Format format :
       {report::Format::Text, report::Format::Concise, report::Format::Json, report::Format::Sarif,
        report::Format::Github, report::Format::Azure, report::Format::Gitlab, report::Format::Junit}) {
    std::ostringstream out;
    report::write_report(format, out, report, report::TextOptions{format == report::Format::Text, false});
    const std::string what = "the " + std::string(report::to_string(format)) + " report";
    if (format == report::Format::Json || format == report::Format::Sarif || format == report::Format::Gitlab) {
      check_json(out.str(), what, problems);
    } else {
      check_text(out.str(), utf8, what, problems);
    }
  }

  // `godwit state`, `godwit graph` and `godwit plan`.
  const state::ProjectState state = state::replay(result.graph, result.graph.plan(), config.swappable);
  std::ostringstream state_text;
  report::write_state_text(state_text, state, {}, true);
  check_text(state_text.str(), utf8, "the state", problems);
  std::ostringstream state_json;
  report::write_state_json(state_json, state, {});
  check_json(state_json.str(), "the state as JSON", problems);
  std::ostringstream graph_text;
  report::write_graph_text(graph_text, result.graph);
  check_text(graph_text.str(), utf8, "the graph", problems);
  std::ostringstream graph_json;
  report::write_graph_json(graph_json, result.graph);
  check_json(graph_json.str(), "the graph as JSON", problems);
  const plan::DeployPlan deploy = plan::make_plan(result.graph, result.phases, {&fuzzed}, config);
  std::ostringstream plan_text;
  report::write_plan_text(plan_text, deploy, report::PlanHeader{"fuzzed"}, true);
  check_text(plan_text.str(), utf8, "the plan", problems);
  std::ostringstream plan_json;
  report::write_plan_json(plan_json, deploy, report::PlanHeader{"fuzzed"});
  check_json(plan_json.str(), "the plan as JSON", problems);

  // The language server: diagnostics in UTF-16 columns, hover, quick fixes (each one re-parses
  // the fixed text, so only the first few).
  const lsp::UriOf uri_of = [](const std::string& path) { return "file:///" + path; };
  std::vector<const diagnostics::Diagnostic*> in_fuzzed;
  for (const diagnostics::Diagnostic& d : result.diagnostics) {
    // As the server writes it (lsp/json_rpc.cpp).
    check_json(lsp::to_lsp(d, ColumnUnit::Utf16, "https://example.invalid/godwit", uri_of)
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
               "[" + d.code.str() + "] as an LSP diagnostic", problems);
    if (d.file.get() == fuzzed.source.get()) in_fuzzed.push_back(&d);
  }
  check_text(lsp::hover_markdown(in_fuzzed, rules), utf8, "the hover text", problems);
  for (size_t i = 0; i < std::min<size_t>(in_fuzzed.size(), 4); ++i) check_quick_fixes(*in_fuzzed[i], fuzzed, problems);
}

}  // namespace

std::vector<std::string> check_pipeline(std::string_view bytes) {
  Problems problems;
  try {
    run(bytes, problems);
  } catch (const std::exception& e) {
    problems.add(std::string("exception: ") + e.what());
  }
  return problems.take();
}

}  // namespace godwit::test
