// The migration graph against Django's MigrationLoader semantics: leaves, plan order, squashes,
// missing dependencies and cycles, built from small migrations parsed from strings. The expected
// leaves and plans were checked with Django's own loader (django.db.migrations.loader).
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "analyzer/frontend/migration_extractor.h"
#include "analyzer/graph/migration_graph.h"

namespace {

using godwit::graph::MigrationGraph;
using godwit::graph::NodeId;

struct Ref {
  std::string app;
  std::string name;
};

std::string tuple_list(const std::vector<Ref>& refs) {
  std::string out = "[";
  for (const Ref& r : refs) out += "(\"" + r.app + "\", \"" + r.name + "\"), ";
  return out + "]";
}

// A small project: migration modules parsed from text, and the graph built over them.
class Project {
 public:
  // A migration whose class body is `body` (indented by four spaces, one statement a line).
  const godwit::ir::Migration& add_raw(const std::string& app, const std::string& name, const std::string& body) {
    std::string text = "from django.conf import settings\nfrom django.db import migrations\n\n\n"
                       "class Migration(migrations.Migration):\n";
    size_t start = 0;
    while (start < body.size()) {
      const size_t end = body.find('\n', start);
      text += "    " + body.substr(start, end == std::string::npos ? std::string::npos : end - start) + "\n";
      if (end == std::string::npos) break;
      start = end + 1;
    }
    text += "    operations = []\n";
    return add_text(app, name, text);
  }

  const godwit::ir::Migration& add(const std::string& app, const std::string& name,
                                   const std::vector<Ref>& dependencies, const std::vector<Ref>& run_before = {},
                                   const std::vector<Ref>& replaces = {}) {
    std::string body = "dependencies = " + tuple_list(dependencies);
    if (!run_before.empty()) body += "\nrun_before = " + tuple_list(run_before);
    if (!replaces.empty()) body += "\nreplaces = " + tuple_list(replaces);
    return add_raw(app, name, body);
  }

  // A module with exactly this text.
  const godwit::ir::Migration& add_text(const std::string& app, const std::string& name, const std::string& text) {
    auto source = std::make_shared<const godwit::source::SourceFile>(app + "/migrations/" + name + ".py", text);
    modules_.push_back(
        std::make_unique<godwit::ir::Migration>(godwit::frontend::read_migration(parser_, source, app, name)));
    return *modules_.back();
  }

  MigrationGraph build() const {
    std::vector<const godwit::ir::Migration*> modules;
    for (const auto& m : modules_) modules.push_back(m.get());
    return MigrationGraph::build(modules, config_);
  }

 private:
  godwit::frontend::PythonParser parser_;
  std::vector<std::unique_ptr<godwit::ir::Migration>> modules_;
  godwit::config::Config config_;
};

std::string key(const MigrationGraph& g, NodeId id) { return g.node(id).app + "." + g.node(id).name; }

std::vector<std::string> keys(const MigrationGraph& g, const std::vector<NodeId>& ids) {
  std::vector<std::string> out;
  for (const NodeId id : ids) out.push_back(key(g, id));
  return out;
}

NodeId id_of(const MigrationGraph& g, const std::string& app, const std::string& name) {
  const auto id = g.find(app, name);
  REQUIRE(id.has_value());
  return *id;
}

std::string missing_of(const MigrationGraph& g, size_t i) {
  const auto& m = g.missing().at(i);
  return m.migration->app_label + "." + m.migration->name + " -> " + m.app + "." + m.name +
         (m.run_before ? " (run_before)" : "");
}

// The text of the entry a cycle is reported at.
std::string entry_text(const MigrationGraph& g, const MigrationGraph::Cycle& cycle) {
  const auto& e = g.edges().at(cycle.entry);
  return e.declared_in->name + ": " + std::string(e.declared_in->file().slice(e.entry));
}

}  // namespace

TEST_CASE("graph: a linear history has one leaf and applies in order", "[unit][graph]") {
  Project p;
  p.add("shop", "0001_initial", {});
  p.add("shop", "0002_order_note", {{"shop", "0001_initial"}});
  p.add("shop", "0003_order_total", {{"shop", "0002_order_note"}});
  const auto g = p.build();
  CHECK(g.apps() == std::vector<std::string>{"shop"});
  CHECK(keys(g, g.leaves("shop")) == std::vector<std::string>{"shop.0003_order_total"});
  CHECK(keys(g, g.plan()) ==
        std::vector<std::string>{"shop.0001_initial", "shop.0002_order_note", "shop.0003_order_total"});
  CHECK(g.missing().empty());
  CHECK(g.cycles().empty());
  CHECK_FALSE(g.app_has_unknown_edges("shop"));
}

TEST_CASE("graph: a branch has two leaves until a merge migration joins them", "[unit][graph]") {
  Project p;
  p.add("shop", "0001_initial", {});
  p.add("shop", "0002_b", {{"shop", "0001_initial"}});
  p.add("shop", "0002_a", {{"shop", "0001_initial"}});
  p.add("shop", "0003_c", {{"shop", "0002_b"}});
  {
    const auto g = p.build();
    // Django: leaf_nodes() == [0002_a, 0003_c], "Conflicting migrations detected".
    CHECK(keys(g, g.leaves("shop")) == std::vector<std::string>{"shop.0002_a", "shop.0003_c"});
    CHECK(keys(g, g.plan()) ==
          std::vector<std::string>{"shop.0001_initial", "shop.0002_a", "shop.0002_b", "shop.0003_c"});
  }
  p.add("shop", "0004_merge", {{"shop", "0002_a"}, {"shop", "0003_c"}});
  const auto g = p.build();
  CHECK(keys(g, g.leaves("shop")) == std::vector<std::string>{"shop.0004_merge"});
  CHECK(keys(g, g.plan()).back() == "shop.0004_merge");
}

TEST_CASE("graph: leaves are per app; a dependency from another app does not end a branch", "[unit][graph]") {
  Project p;
  p.add("shop", "0001_initial", {});
  p.add("shop", "0002_order_invoice", {{"shop", "0001_initial"}, {"billing", "0001_initial"}});
  p.add("billing", "0001_initial", {});
  p.add("billing", "0002_invoice_due", {{"billing", "0001_initial"}});
  const auto g = p.build();
  CHECK(keys(g, g.all_leaves()) == std::vector<std::string>{"billing.0002_invoice_due", "shop.0002_order_invoice"});
  // Django's plan over its sorted leaves.
  CHECK(keys(g, g.plan()) == std::vector<std::string>{"billing.0001_initial", "billing.0002_invoice_due",
                                                       "shop.0001_initial", "shop.0002_order_invoice"});
  const NodeId order_invoice = id_of(g, "shop", "0002_order_invoice");
  // Django's iterative_dfs pushes the sorted parents, so the last one (shop) is applied first.
  CHECK(keys(g, g.forwards_plan(order_invoice)) ==
        std::vector<std::string>{"shop.0001_initial", "billing.0001_initial", "shop.0002_order_invoice"});
  CHECK(keys(g, g.ancestors(order_invoice)) == std::vector<std::string>{"billing.0001_initial", "shop.0001_initial"});
}

TEST_CASE("graph: run_before makes the named migration depend on the declaring one", "[unit][graph]") {
  Project p;
  p.add("shop", "0001_initial", {});
  p.add("shop", "0002_a", {{"shop", "0001_initial"}});
  p.add("billing", "0001_initial", {}, {{"shop", "0002_a"}});
  p.add("billing", "0002_b", {{"billing", "0001_initial"}}, {{"shop", "0001_initial"}});
  const auto g = p.build();
  CHECK(keys(g, g.plan()) ==
        std::vector<std::string>{"billing.0001_initial", "billing.0002_b", "shop.0001_initial", "shop.0002_a"});
  const auto* e = g.edge(id_of(g, "shop", "0001_initial"), id_of(g, "billing", "0002_b"));
  REQUIRE(e != nullptr);
  CHECK(e->run_before);
  CHECK(e->declared_in->name == "0002_b");
}

TEST_CASE("graph: __first__ and __latest__ resolve to another app's root and leaf", "[unit][graph]") {
  Project p;
  p.add("catalog", "0001_initial", {});
  p.add("catalog", "0002_product_sku", {{"catalog", "0001_initial"}});
  p.add("shop", "0001_initial", {{"catalog", "__first__"}});
  p.add("shop", "0002_order_product", {{"shop", "0001_initial"}, {"catalog", "__latest__"}});
  // Same-app __first__ is ignored (Django #22325); out-of-scope apps are ignored.
  p.add("shop", "0003_order_note", {{"shop", "__first__"}, {"shop", "0002_order_product"}, {"payments", "__first__"}});
  const auto g = p.build();
  CHECK(g.missing().empty());
  CHECK(g.edge(id_of(g, "shop", "0001_initial"), id_of(g, "catalog", "0001_initial")) != nullptr);
  CHECK(g.edge(id_of(g, "shop", "0002_order_product"), id_of(g, "catalog", "0002_product_sku")) != nullptr);
  CHECK(g.node(id_of(g, "shop", "0003_order_note")).parents ==
        std::vector<NodeId>{id_of(g, "shop", "0002_order_product")});
  CHECK_FALSE(g.find("payments", "__first__").has_value());
}

TEST_CASE("graph: __latest__ of the migration's own app is a missing node, as in Django", "[unit][graph]") {
  // Django adds ("shop", "__latest__") as an internal dependency and raises NodeNotFoundError.
  Project p;
  p.add("shop", "0001_initial", {});
  p.add("shop", "0002_a", {{"shop", "__latest__"}});
  const auto g = p.build();
  REQUIRE(g.missing().size() == 1);
  CHECK(missing_of(g, 0) == "shop.0002_a -> shop.__latest__");
}

TEST_CASE("graph: swappable and out-of-scope dependencies are dropped, never missing", "[unit][graph]") {
  Project p;
  p.add_raw("shop", "0001_initial",
            "dependencies = [\n"
            "    migrations.swappable_dependency(settings.AUTH_USER_MODEL),\n"
            "    (\"auth\", \"0012_alter_user_first_name_max_length\"),\n"
            "    (\"contenttypes\", \"0002_remove_content_type_name\"),\n"
            "]");
  const auto g = p.build();
  CHECK(g.missing().empty());
  CHECK(g.node(id_of(g, "shop", "0001_initial")).parents.empty());
  CHECK_FALSE(g.in_scope("auth"));
  CHECK(g.in_scope("shop"));
}

TEST_CASE("graph: a missing dependency is found in its app, in another app and through run_before",
          "[unit][graph]") {
  Project p;
  p.add("billing", "0001_initial", {});
  p.add("billing", "0002_invoice_due_on", {{"billing", "0001_initial"}});
  p.add("shop", "0001_initial", {});
  p.add("shop", "0002_order_note", {{"shop", "0001_initial"}});
  p.add("shop", "0003_order_total", {{"shop", "0002_order_notes"}, {"billing", "0002_invoice_due_date"}},
        {{"billing", "0003_invoice_total"}});
  const auto g = p.build();
  REQUIRE(g.missing().size() == 3);
  std::vector<std::string> found;
  for (size_t i = 0; i < g.missing().size(); ++i) {
    const auto& m = g.missing()[i];
    found.push_back(missing_of(g, i) + " #" + std::to_string(m.dependency_index));
    // The index points at the entry that names the missing migration.
    const auto range = m.run_before ? m.migration->run_before.at(m.dependency_index).range
                                    : m.migration->dependencies.at(m.dependency_index).range;
    CHECK(m.migration->file().slice(range).find(m.name) != std::string_view::npos);
  }
  std::sort(found.begin(), found.end());
  CHECK(found == std::vector<std::string>{"shop.0003_order_total -> billing.0002_invoice_due_date #1",
                                          "shop.0003_order_total -> billing.0003_invoice_total (run_before) #0",
                                          "shop.0003_order_total -> shop.0002_order_notes #0"});
  // The placeholders are not nodes: the wrongly named parent leaves a second leaf behind.
  CHECK(keys(g, g.leaves("shop")) == std::vector<std::string>{"shop.0002_order_note", "shop.0003_order_total"});
  CHECK_FALSE(g.node(id_of(g, "shop", "0002_order_notes")).migration);
  for (const NodeId id : g.plan()) CHECK(g.node(id).migration != nullptr);
}

TEST_CASE("graph: a squash stands for the migrations it replaces", "[unit][graph]") {
  Project p;
  p.add("shop", "0001_initial", {});
  p.add("shop", "0002_order_note", {{"shop", "0001_initial"}});
  p.add("shop", "0003_order_total", {{"shop", "0002_order_note"}});
  const auto& squash = p.add("shop", "0001_squashed_0003_order_total", {}, {},
                             {{"shop", "0001_initial"}, {"shop", "0002_order_note"}, {"shop", "0003_order_total"}});
  p.add("shop", "0004_order_paid", {{"shop", "0003_order_total"}});
  p.add("billing", "0001_initial", {{"shop", "0002_order_note"}});
  const auto g = p.build();
  const NodeId s = id_of(g, "shop", "0001_squashed_0003_order_total");
  CHECK(g.missing().empty());
  CHECK(keys(g, g.leaves("shop")) == std::vector<std::string>{"shop.0004_order_paid"});
  CHECK(g.node(id_of(g, "shop", "0004_order_paid")).parents == std::vector<NodeId>{s});
  CHECK(g.node(id_of(g, "billing", "0001_initial")).parents == std::vector<NodeId>{s});
  CHECK(g.node(id_of(g, "shop", "0002_order_note")).removed);
  CHECK(g.node(id_of(g, "shop", "0002_order_note")).replaced_by == s);
  CHECK(g.node_of(squash) == s);
  // Django: plan = [squash, 0004, billing] in leaf order.
  CHECK(keys(g, g.plan()) == std::vector<std::string>{"shop.0001_squashed_0003_order_total", "billing.0001_initial",
                                                      "shop.0004_order_paid"});
}

TEST_CASE("graph: a dependency on a replaced migration whose file is gone resolves to the squash", "[unit][graph]") {
  Project p;
  p.add("shop", "0001_squashed_0002_order_note", {}, {}, {{"shop", "0001_initial"}, {"shop", "0002_order_note"}});
  p.add("shop", "0003_order_total", {{"shop", "0002_order_note"}});
  p.add("billing", "0001_initial", {{"shop", "0001_initial"}});
  const auto g = p.build();
  CHECK(g.missing().empty());
  const NodeId s = id_of(g, "shop", "0001_squashed_0002_order_note");
  CHECK(g.node(id_of(g, "shop", "0003_order_total")).parents == std::vector<NodeId>{s});
  CHECK(g.node(id_of(g, "billing", "0001_initial")).parents == std::vector<NodeId>{s});
  CHECK(keys(g, g.leaves("shop")) == std::vector<std::string>{"shop.0003_order_total"});
}

TEST_CASE("graph: cycles within an app and across apps", "[unit][graph]") {
  SECTION("two migrations of one app") {
    Project p;
    p.add("shop", "0001_initial", {});
    p.add("shop", "0002_a", {{"shop", "0001_initial"}, {"shop", "0003_b"}});
    p.add("shop", "0003_b", {{"shop", "0002_a"}});
    const auto g = p.build();
    REQUIRE(g.cycles().size() == 1);
    CHECK(keys(g, g.cycles()[0].nodes) == std::vector<std::string>{"shop.0002_a", "shop.0003_b"});
    CHECK(entry_text(g, g.cycles()[0]) == "0002_a: (\"shop\", \"0003_b\")");
    // Every node is still planned once.
    CHECK(g.plan().size() == 3);
  }
  SECTION("across apps, listed from the first migration by (app, name)") {
    Project p;
    p.add("shop", "0001_initial", {});
    p.add("shop", "0002_order_invoice", {{"shop", "0001_initial"}, {"billing", "0002_invoice_order"}});
    p.add("billing", "0001_initial", {});
    p.add("billing", "0002_invoice_order", {{"billing", "0001_initial"}, {"shop", "0002_order_invoice"}});
    const auto g = p.build();
    REQUIRE(g.cycles().size() == 1);
    CHECK(keys(g, g.cycles()[0].nodes) ==
          std::vector<std::string>{"billing.0002_invoice_order", "shop.0002_order_invoice"});
    CHECK(entry_text(g, g.cycles()[0]) == "0002_invoice_order: (\"shop\", \"0002_order_invoice\")");
  }
  SECTION("a migration that depends on itself") {
    Project p;
    p.add("shop", "0001_initial", {});
    p.add("shop", "0002_a", {{"shop", "0001_initial"}, {"shop", "0002_a"}});
    const auto g = p.build();
    REQUIRE(g.cycles().size() == 1);
    CHECK(keys(g, g.cycles()[0].nodes) == std::vector<std::string>{"shop.0002_a"});
    CHECK(entry_text(g, g.cycles()[0]) == "0002_a: (\"shop\", \"0002_a\")");
  }
  SECTION("a migration that runs before itself") {
    Project p;
    p.add("shop", "0001_initial", {}, {{"shop", "0001_initial"}});
    const auto g = p.build();
    REQUIRE(g.cycles().size() == 1);
    CHECK(keys(g, g.cycles()[0].nodes) == std::vector<std::string>{"shop.0001_initial"});
    CHECK(g.edges()[g.cycles()[0].entry].run_before);
  }
  SECTION("through run_before declared in the first migration") {
    Project p;
    p.add("accounts", "0001_initial", {});
    p.add("accounts", "0002_copy_customers", {{"accounts", "0001_initial"}, {"shop", "0003_drop_customer"}},
          {{"shop", "0002_order_customer"}});
    p.add("shop", "0001_initial", {});
    p.add("shop", "0002_order_customer", {{"shop", "0001_initial"}});
    p.add("shop", "0003_drop_customer", {{"shop", "0002_order_customer"}});
    const auto g = p.build();
    REQUIRE(g.cycles().size() == 1);
    CHECK(keys(g, g.cycles()[0].nodes) ==
          std::vector<std::string>{"accounts.0002_copy_customers", "shop.0003_drop_customer",
                                   "shop.0002_order_customer"});
    CHECK(entry_text(g, g.cycles()[0]) == "0002_copy_customers: (\"shop\", \"0003_drop_customer\")");
  }
  SECTION("through run_before, when the first migration's file declares no edge of the cycle") {
    // billing.0002 depends on shop.0002 only through shop.0002's run_before: the cycle is still
    // reported, at the entry that makes the first migration depend on the next one.
    Project p;
    p.add("billing", "0001_initial", {});
    p.add("billing", "0002_invoice_currency", {{"billing", "0001_initial"}});
    p.add("shop", "0001_initial", {});
    p.add("shop", "0002_order_invoice", {{"shop", "0001_initial"}, {"billing", "0002_invoice_currency"}},
          {{"billing", "0002_invoice_currency"}});
    const auto g = p.build();
    REQUIRE(g.cycles().size() == 1);
    CHECK(keys(g, g.cycles()[0].nodes) ==
          std::vector<std::string>{"billing.0002_invoice_currency", "shop.0002_order_invoice"});
    const auto& e = g.edges()[g.cycles()[0].entry];
    CHECK(e.run_before);
    CHECK(e.child == id_of(g, "billing", "0002_invoice_currency"));
    CHECK(entry_text(g, g.cycles()[0]) == "0002_order_invoice: (\"billing\", \"0002_invoice_currency\")");
  }
  SECTION("two separate cycles, sorted by their first migration") {
    Project p;
    p.add("shop", "0001_a", {{"shop", "0002_b"}});
    p.add("shop", "0002_b", {{"shop", "0001_a"}});
    p.add("billing", "0001_a", {{"billing", "0001_a"}});
    const auto g = p.build();
    REQUIRE(g.cycles().size() == 2);
    CHECK(key(g, g.cycles()[0].nodes.front()) == "billing.0001_a");
    CHECK(key(g, g.cycles()[1].nodes.front()) == "shop.0001_a");
  }
}

TEST_CASE("graph: apps whose edges cannot be read", "[unit][graph]") {
  Project p;
  p.add("shop", "0001_initial", {});
  p.add_text("shop", "0002_broken", "from django.db import migrations\n\nclass Migration(migrations.Migration:\n");
  p.add_raw("billing", "0001_initial", "dependencies = build_dependencies()");
  p.add_raw("catalog", "0001_initial", "run_before = RUN_BEFORE");
  p.add("orders", "0001_initial", {});
  const auto g = p.build();
  CHECK(g.app_has_unknown_edges("shop"));
  CHECK(g.app_has_unknown_edges("billing"));
  CHECK(g.app_has_unknown_edges("catalog"));
  CHECK_FALSE(g.app_has_unknown_edges("orders"));
  // A file with a syntax error is still a node.
  CHECK(g.find("shop", "0002_broken").has_value());
}
